/**
 * A tiny XML reader for tests (no dependency): elements, attributes, text; entities decoded.
 * It throws on anything malformed it meets (unclosed or mismatched tags, bad attributes), which is
 * what a test of junit.xml needs: the file parses, and its tree has the expected shape.
 */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
}

export function parseXml(source: string): XmlElement {
  let position = 0;
  const fail = (what: string): never => {
    throw new Error(`XML: ${what} at offset ${position}`);
  };
  const startsWith = (token: string) => source.startsWith(token, position);
  const skipSpace = () => {
    while (position < source.length && ' \t\r\n'.includes(source[position]!)) position++;
  };
  const readName = (): string => {
    const start = position;
    while (position < source.length && !' \t\r\n/>="\''.includes(source[position]!)) position++;
    if (position === start) fail('expected a name');
    return source.slice(start, position);
  };
  const decode = (text: string): string => {
    let out = '';
    for (let index = 0; index < text.length; index++) {
      if (text[index] !== '&') {
        if (text[index] === '<') fail('raw < in text');
        out += text[index];
        continue;
      }
      const end = text.indexOf(';', index);
      if (end < 0) fail('unterminated entity');
      const entity = text.slice(index + 1, end);
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
      if (named[entity] !== undefined) out += named[entity];
      else if (entity.startsWith('#x')) out += String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
      else if (entity.startsWith('#')) out += String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
      else fail(`unknown entity &${entity};`);
      index = end;
    }
    return out;
  };
  const skipProlog = () => {
    skipSpace();
    while (startsWith('<?') || startsWith('<!--')) {
      const end = startsWith('<?') ? source.indexOf('?>', position) + 2 : source.indexOf('-->', position) + 3;
      if (end < 3) fail('unterminated prolog');
      position = end;
      skipSpace();
    }
  };
  const readElement = (): XmlElement => {
    if (!startsWith('<')) fail('expected <');
    position++;
    const element: XmlElement = { name: readName(), attributes: {}, children: [], text: '' };
    for (;;) {
      skipSpace();
      if (startsWith('/>')) {
        position += 2;
        return element;
      }
      if (startsWith('>')) {
        position++;
        break;
      }
      const name = readName();
      skipSpace();
      if (!startsWith('=')) fail('expected =');
      position++;
      skipSpace();
      const quote = source[position];
      if (quote !== '"' && quote !== "'") fail('expected a quoted value');
      const end = source.indexOf(quote!, position + 1);
      if (end < 0) fail('unterminated attribute');
      if (name in element.attributes) fail(`duplicate attribute ${name}`);
      element.attributes[name] = decode(source.slice(position + 1, end));
      position = end + 1;
    }
    for (;;) {
      if (startsWith('</')) {
        position += 2;
        const name = readName();
        if (name !== element.name) fail(`</${name}> closes <${element.name}>`);
        skipSpace();
        if (!startsWith('>')) fail('expected >');
        position++;
        return element;
      }
      if (startsWith('<!--')) {
        position = source.indexOf('-->', position) + 3;
        continue;
      }
      if (startsWith('<')) {
        element.children.push(readElement());
        continue;
      }
      const next = source.indexOf('<', position);
      if (next < 0) fail(`unclosed <${element.name}>`);
      element.text += decode(source.slice(position, next));
      position = next;
    }
  };
  skipProlog();
  const root = readElement();
  skipSpace();
  if (position !== source.length) fail('content after the root element');
  return root;
}
