import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  fillGatewayConfig,
  messageInUserTerms,
  placeholderUses,
  readGatewayConfigTemplate,
  type GatewayConfigTemplate,
} from '../../../../src/lab/own-config/gateway-config-template.js';

const template = (text: string): GatewayConfigTemplate => ({ file: './team.conf', text, sha256: 'not checked here' });

describe('gateway config template', () => {
  it('finds every placeholder with its line and column, spaces inside the braces allowed', () => {
    expect(placeholderUses('a {{listen}};\n  b {{ server_key }} {{x}}')).toEqual([
      { name: 'listen', line: 1, column: 3 },
      { name: 'server_key', line: 2, column: 5 },
      { name: 'x', line: 2, column: 22 },
    ]);
  });

  it('fills every placeholder, and maps lines of the filled file back to the user\'s around the lab\'s own lines', () => {
    const filled = fillGatewayConfig(template('server {\n  listen {{listen}} ssl;\n}'), {
      values: { listen: '127.0.0.1:40000' },
      before: ['http {', '  # lab'],
      after: ['}'],
    });
    expect(filled.text).toBe('http {\n  # lab\nserver {\n  listen 127.0.0.1:40000 ssl;\n}\n}');
    expect([1, 2, 3, 4, 5, 6].map((line) => filled.userLineOf(line))).toEqual([undefined, undefined, 1, 2, 3, undefined]);
  });

  it('names the file, line and column of an unknown placeholder, and lists the known ones', () => {
    expect(() => fillGatewayConfig(template('server {\n  listen {{lisen}};\n}'), { values: {} })).toThrow(
      expect.objectContaining({ code: 'E_LAB_CONFIG', message: './team.conf:2:10: unknown placeholder {{lisen}}', hint: expect.stringContaining('{{listen}}') }),
    );
  });

  it('says why a known placeholder has no value in this lab', () => {
    expect(() => fillGatewayConfig(template('ssl_crl {{crl}};'), { values: {}, unavailable: { crl: 'lab.gateway.crl is not true' } })).toThrow(
      expect.objectContaining({ code: 'E_LAB_CONFIG', message: './team.conf:1:9: {{crl}} has no value in this lab: lab.gateway.crl is not true' }),
    );
  });

  it('leaves a commented-out line alone: filled where the lab has a value, never an error', () => {
    const filled = fillGatewayConfig(template('  # ssl_crl {{crl}}; {{typo}} {{listen}}\nlisten {{listen}}; # {{listen}}'), {
      values: { listen: '127.0.0.1:1' },
      unavailable: { crl: 'lab.gateway.crl is not true' },
    });
    expect(filled.text).toBe('  # ssl_crl {{crl}}; {{typo}} 127.0.0.1:1\nlisten 127.0.0.1:1; # 127.0.0.1:1');
    // Only whole-line comments: after a directive, a placeholder is checked as any other.
    expect(() => fillGatewayConfig(template('listen {{listen}}; # {{crl}}'), { values: { listen: 'x' } })).toThrow(
      expect.objectContaining({ code: 'E_LAB_CONFIG', message: expect.stringContaining(':1:22: {{crl}} has no value') }),
    );
  });

  it('refuses a value that spans lines, which would shift every line after it', () => {
    expect(() => fillGatewayConfig(template('x {{replica}};'), { values: { replica: 'a\nb' } })).toThrow(RangeError);
  });

  it('turns the checker\'s file:line into the user\'s, and says when the line is one the lab added', () => {
    const user = template('server {\n  bad;\n}');
    const filled = fillGatewayConfig(user, { values: {}, before: ['http {'], after: ['}'] });
    expect(messageInUserTerms('[emerg] unknown directive "bad" in /run/x/nginx.conf:3', '/run/x/nginx.conf', user, filled)).toBe(
      '[emerg] unknown directive "bad" in ./team.conf:2',
    );
    expect(messageInUserTerms('[emerg] unexpected end of file in /run/x/nginx.conf:5', '/run/x/nginx.conf', user, filled)).toBe(
      '[emerg] unexpected end of file in /run/x/nginx.conf:5 (a line the lab adds around your config)',
    );
    // haproxy's form, and a message naming the file without a line.
    expect(messageInUserTerms('parsing [/run/x/nginx.conf:2] : x', '/run/x/nginx.conf', user, filled)).toBe('parsing [./team.conf:1] : x');
    expect(messageInUserTerms('could not open /run/x/nginx.conf', '/run/x/nginx.conf', user, filled)).toBe('could not open ./team.conf');
  });

  describe('reading the file', () => {
    let dir: string | undefined;
    afterEach(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('keeps the text and its sha256, and refuses a missing file with E_LAB_CONFIG', async () => {
      dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-template-'));
      const file = join(dir, 'team.conf');
      await writeFile(file, 'server { listen {{listen}}; }\n');
      expect(await readGatewayConfigTemplate(file)).toEqual({
        file,
        text: 'server { listen {{listen}}; }\n',
        sha256: createHash('sha256').update('server { listen {{listen}}; }\n').digest('hex'),
      });
      await expect(readGatewayConfigTemplate(join(dir, 'missing.conf'))).rejects.toMatchObject({ code: 'E_LAB_CONFIG' });
    });
  });
});
