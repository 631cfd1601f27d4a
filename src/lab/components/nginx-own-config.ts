import type { GatewayReloadFiles } from '../gateway.js';
import { LabError } from '../lab-error.js';
import {
  fillGatewayConfig,
  messageInUserTerms,
  type FilledGatewayConfig,
  type GatewayConfigPlaceholder,
  type GatewayConfigTemplate,
} from '../own-config/gateway-config-template.js';
import { jsonEchoLocation, nginxMainContext, type NginxMainInput } from './nginx-config.js';

/**
 * A team's own nginx config (lab.gateway.config) run as a lab gateway, in one of two forms:
 * - server blocks (no top-level `http {` or `events {`): the lab wraps them in its own main
 *   context and http block (nginx-config.ts, nginxMainContext), beside a plain-HTTP echo server
 *   that is {{upstream}};
 * - a whole nginx.conf: filled as it is; it must put its pid and error log where the lab looks.
 * Errors name the team's file in `file` (the CLI prints it first) and its lines as file:line.
 */

/** One directive as nginx reads it: comments left out, quotes removed, `{{placeholders}}` kept as words. */
export interface NginxDirective {
  readonly name: string;
  readonly args: readonly string[];
  /** 1-based, in the text given. */
  readonly line: number;
  /** 0 for the main context, 1 inside http/events, ... */
  readonly depth: number;
  /** `name args {` rather than `name args;` */
  readonly opensBlock: boolean;
}

/**
 * The directives of an nginx config, after nginx's own tokenizer (ngx_conf_file.c,
 * ngx_conf_read_token): `#` starts a comment only where a word would start, quotes group a word,
 * `;` ends a directive, `{`/`}` open and close a block. `{{name}}` (the lab's placeholders) and
 * `${variable}` are parts of a word. Unbalanced input is read as far as it goes: nginx -t judges it.
 */
export function nginxDirectives(text: string): NginxDirective[] {
  const directives: NginxDirective[] = [];
  let words: { text: string; line: number }[] = [];
  let depth = 0;
  let line = 1;
  let index = 0;
  const endDirective = (opensBlock: boolean) => {
    const [first, ...rest] = words;
    if (first) directives.push({ name: first.text, args: rest.map((word) => word.text), line: first.line, depth, opensBlock });
    words = [];
  };
  const isSpace = (char: string | undefined) => char === ' ' || char === '\t' || char === '\r' || char === '\n';
  while (index < text.length) {
    const char = text[index]!;
    if (char === '\n') line++;
    if (isSpace(char)) {
      index++;
    } else if (char === '#') {
      while (index < text.length && text[index] !== '\n') index++;
    } else if (char === ';') {
      endDirective(false);
      index++;
    } else if (char === '{' && text[index + 1] !== '{') {
      endDirective(true);
      depth++;
      index++;
    } else if (char === '}') {
      endDirective(false);
      depth = Math.max(0, depth - 1);
      index++;
    } else {
      const wordLine = line;
      let word = '';
      while (index < text.length) {
        const c = text[index]!;
        if (c === '"' || c === "'") {
          index++;
          while (index < text.length && text[index] !== c) {
            if (text[index] === '\\' && index + 1 < text.length) index++;
            if (text[index] === '\n') line++;
            word += text[index];
            index++;
          }
          index++;
          continue;
        }
        // A placeholder or ${variable} is part of the word, braces and all.
        const closing = c === '{' && text[index + 1] === '{' ? '}}' : c === '$' && text[index + 1] === '{' ? '}' : undefined;
        if (closing) {
          const end = text.indexOf(closing, index);
          // Unclosed: the rest is one word, and nginx -t will say what is wrong.
          const next = end < 0 ? text.length : end + closing.length;
          word += text.slice(index, next);
          index = next;
          continue;
        }
        if (isSpace(c) || c === ';' || c === '{' || c === '}') break;
        word += c;
        index++;
      }
      words.push({ text: word, line: wordLine });
    }
  }
  endDirective(false);
  return directives;
}

/** What a team's nginx config does that the lab's faults and checks depend on; comments do not count. */
export interface NginxOwnConfigFacts {
  /** server-blocks: the lab wraps it in its own http block; whole-file: it has top-level http/events. */
  readonly form: 'server-blocks' | 'whole-file';
  /** `ssl_ocsp on|leaf`: clients' certificates are checked with OCSP (an OCSP fault acts). */
  readonly ocsp: boolean;
  /** `ssl_crl` (any file) or {{crl}}: clients' certificates are checked against a CRL. */
  readonly crl: boolean;
  /** {{crl}} itself: the lab's CRL file, which a revocation fault rewrites. */
  readonly crlPlaceholder: boolean;
  /** The first `ssl_verify_client` value (on, optional, optional_no_ca, off), undefined without one. */
  readonly verifyClient: string | undefined;
  /** {{listen}} or {{port}}: the gateway listens where the lab sends its load. */
  readonly listensOnLabPort: boolean;
  /** Every `listen` directive, for an error that says which port it listens on instead. */
  readonly listens: readonly { readonly line: number; readonly args: readonly string[] }[];
  /**
   * Every error_log is {{error_log}} at info or debug (server blocks may have none: the lab's
   * wrapper logs at info): the lab can read why nginx refused a client certificate. When false,
   * a refusal's category comes from the client-side diagnosis alone (src/load/attempt.ts).
   */
  readonly rejectionReasonsLogged: boolean;
  /** A top-level `user` directive (whole-file form). */
  readonly user: boolean;
  /** The placeholders used outside comments, each once, in order. */
  readonly placeholders: readonly string[];
}

const PLACEHOLDER_IN_WORD = /\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/g;

/** Pure: what `text` (the user's file, placeholders not filled) does; for validate and for the gateway. */
export function nginxOwnConfigFacts(text: string): NginxOwnConfigFacts {
  const directives = nginxDirectives(text);
  const placeholders = new Set<string>();
  for (const directive of directives) {
    for (const word of [directive.name, ...directive.args]) for (const match of word.matchAll(PLACEHOLDER_IN_WORD)) placeholders.add(match[1] ?? '');
  }
  const named = (name: string) => directives.filter((directive) => directive.name === name);
  return {
    form: directives.some((directive) => directive.depth === 0 && directive.opensBlock && (directive.name === 'http' || directive.name === 'events'))
      ? 'whole-file'
      : 'server-blocks',
    ocsp: named('ssl_ocsp').some((directive) => directive.args[0] === 'on' || directive.args[0] === 'leaf'),
    crl: named('ssl_crl').length > 0 || placeholders.has('crl'),
    crlPlaceholder: placeholders.has('crl'),
    verifyClient: named('ssl_verify_client')[0]?.args[0],
    listensOnLabPort: placeholders.has('listen') || placeholders.has('port'),
    listens: named('listen').map((directive) => ({ line: directive.line, args: directive.args })),
    rejectionReasonsLogged: named('error_log').every(
      (directive) => /^\{\{\s*error_log\s*\}\}$/.test(directive.args[0] ?? '') && (directive.args[1] === 'info' || directive.args[1] === 'debug'),
    ),
    user: directives.some((directive) => directive.depth === 0 && directive.name === 'user'),
    placeholders: [...placeholders],
  };
}

const CONFIG_PATH = ['lab', 'gateway', 'config'];
const README = 'README, "Your own gateway configuration"';

/**
 * The facts of a team's config, or E_LAB_CONFIG for what would make the lab measure the wrong
 * thing, before anything starts: a gateway that never listens on the lab's port, a whole file
 * whose pid or error log the lab would not find.
 */
export function assertNginxOwnConfigRunnable(template: GatewayConfigTemplate): NginxOwnConfigFacts {
  const facts = nginxOwnConfigFacts(template.text);
  if (!facts.listensOnLabPort) {
    const listens = facts.listens.map((listen) => `${template.file}:${listen.line}: listen ${listen.args.join(' ')}`);
    throw new LabError(
      'E_LAB_CONFIG',
      `never listens on the lab's port: it uses neither {{listen}} nor {{port}}${listens.length ? ` (it has ${listens.join('; ')})` : ''}`,
      {
        file: template.file,
        path: CONFIG_PATH,
        hint: `the lab picks the port its load goes to: write \`listen {{listen}} ssl;\` in the server that should receive the clients (${README})`,
      },
    );
  }
  if (facts.form === 'whole-file') {
    const needed: [GatewayConfigPlaceholder, string, string][] = [
      ['pid_file', 'pid {{pid_file}};', 'the lab signals nginx (reload) and stops it through its pid'],
      ['error_log', 'error_log {{error_log}} info;', 'the lab reads from it why nginx refused a client certificate, logged at info'],
    ];
    for (const [placeholder, fix, why] of needed) {
      if (facts.placeholders.includes(placeholder)) continue;
      throw new LabError('E_LAB_CONFIG', `a whole nginx.conf (it has a top-level http or events block) must use {{${placeholder}}}: ${why}`, {
        file: template.file,
        path: CONFIG_PATH,
        hint: `add \`${fix}\` to the main context of ${template.file}, or give only your server blocks and let the lab wrap them (${README})`,
      });
    }
  }
  return facts;
}

/** Where the lab's files are for one gateway, and what else it fills in. */
export interface NginxOwnConfigInput extends NginxMainInput {
  /** Where the lab's load arrives: 127.0.0.1 locally, 0.0.0.0 in a container. */
  readonly listenHost: string;
  readonly port: number;
  readonly replicaName: string;
  readonly certificateChainFile: string;
  readonly keyFile: string;
  /** Chain and key in one file (0600), for {{server_pem}}. */
  readonly serverPemFile: string;
  readonly trustBundleFile: string;
  readonly crlFile?: string;
  readonly ocspResponderUrl?: string;
  /** Server-block form: the echo server's port on 127.0.0.1 ({{upstream}}). */
  readonly upstreamPort?: number;
}

/**
 * The nginx.conf to write: the team's text with every placeholder filled, wrapped when it is
 * server blocks. Throws E_LAB_CONFIG (file:line:column) for a placeholder this lab cannot fill.
 */
export function fillNginxOwnConfig(template: GatewayConfigTemplate, facts: NginxOwnConfigFacts, input: NginxOwnConfigInput): FilledGatewayConfig {
  const wrapped = facts.form === 'server-blocks';
  if (wrapped && input.upstreamPort === undefined) throw new RangeError('a server-block config needs the echo upstream port');
  const upstream = wrapped ? `127.0.0.1:${input.upstreamPort}` : undefined;
  const values: Partial<Record<GatewayConfigPlaceholder, string>> = {
    listen: `${input.listenHost}:${input.port}`,
    address: input.listenHost,
    port: String(input.port),
    server_certificate: input.certificateChainFile,
    server_key: input.keyFile,
    server_pem: input.serverPemFile,
    client_ca: input.trustBundleFile,
    ...(input.crlFile ? { crl: input.crlFile } : {}),
    ...(input.ocspResponderUrl ? { ocsp_responder: input.ocspResponderUrl } : {}),
    ...(upstream ? { upstream } : {}),
    replica: input.replicaName,
    pid_file: input.pidFile,
    error_log: input.errorLogFile,
    prefix: input.prefix,
  };
  // Placeholders go in unquoted (`ssl_crl {{crl}};`): a space would split the word as much as a quote.
  for (const [name, value] of Object.entries(values)) {
    if (/[\s"';{}\\$#]/.test(value)) {
      throw new LabError('E_LAB_NGINX_CONFIG', `nginx config: the lab's value for {{${name}}} contains a character nginx would misread: ${value}`, {
        hint: 'use a work directory path without spaces, quotes, semicolons, braces, #, $ or backslashes',
      });
    }
  }
  const unavailable: Partial<Record<GatewayConfigPlaceholder, string>> = {
    crl: 'lab.gateway.crl is not true',
    ocsp_responder: 'the scenario has no lab.ocspResponder',
    upstream: 'the lab runs its echo upstream only beside server blocks it wraps; a whole nginx.conf (top-level http/events) proxies to upstreams of its own',
  };
  if (!wrapped) return fillGatewayConfig(template, { values, unavailable });
  const main = nginxMainContext(input);
  return fillGatewayConfig(template, {
    values,
    unavailable,
    before: [...main.before, ...echoUpstreamServer(input.replicaName, upstream!), '', `    # ${template.file} (lab.gateway.config) from here`],
    after: main.after,
  });
}

/**
 * {{upstream}}: plain HTTP on 127.0.0.1 (in a container, the gateway's own namespace), answering
 * 200 JSON like the generated gateway does, with the identity headers a proxy commonly forwards,
 * so that a test or a curl sees what the team's config passed on.
 */
function echoUpstreamServer(replicaName: string, upstream: string): string[] {
  const forwarded = ['x-ssl-client-verify', 'x-ssl-client-s-dn', 'x-ssl-client-serial', 'x-forwarded-for'];
  const body = `{"replica":"${replicaName}","upstream":"${upstream}","uri":"$request_uri","forwarded":{${forwarded
    .map((header) => `"${header}":"$http_${header.replaceAll('-', '_')}"`)
    .join(',')}}}`;
  return [
    `    # The lab's echo upstream, {{upstream}} = ${upstream}.`,
    '    server {',
    `        listen ${upstream};`,
    ...jsonEchoLocation(replicaName, { headers: { 'x-mtls-chaos-upstream': 'echo' }, body }),
    '    }',
  ];
}

/**
 * E_LAB_CONFIG for a config `nginx -t` refused: nginx's own [emerg] lines, with the filled file's
 * lines turned into the user's file:line. nginx names no line when a file cannot be loaded
 * (`cannot load certificate "/x"`), so a quoted path is looked up in the config and its line named.
 */
export function nginxCheckError(output: string, configFile: string, template: GatewayConfigTemplate, filled: FilledGatewayConfig): LabError {
  const complaints = output
    .split('\n')
    .map((line) => line.trim().replace(/^nginx: /, ''))
    .filter((line) => /^\[(emerg|alert|crit)\]/.test(line));
  const quoted = (complaints.length ? complaints : [output.trim() || 'no output']).map((line) => {
    const mapped = messageInUserTerms(line, configFile, template, filled);
    if (mapped.includes(`${template.file}:`)) return mapped;
    const where = lineOfQuotedPath(mapped, filled);
    return where === undefined ? mapped : `${mapped} (${template.file}:${where})`;
  });
  return new LabError('E_LAB_CONFIG', `nginx -t refused it: ${quoted.join('; ')}`, {
    file: template.file,
    path: CONFIG_PATH,
    hint: `fix what nginx names in ${template.file}; the lab fills each {{placeholder}} with its own files and port first (${README})`,
  });
}

/** The user's line of the first quoted path in `message` that a directive of the filled config names. */
function lineOfQuotedPath(message: string, filled: FilledGatewayConfig): number | undefined {
  const directives = nginxDirectives(filled.text);
  for (const match of message.matchAll(/"([^"]+)"/g)) {
    const path = match[1]!;
    const directive = directives.find((candidate) => candidate.args.includes(path));
    const line = directive && filled.userLineOf(directive.line);
    if (line !== undefined) return line;
  }
  return undefined;
}

/**
 * What a reload cannot do to a team's own config: the lab rewrites the files its placeholders
 * name, never the config itself, so a TLS policy or a first CRL would silently not happen.
 */
export function assertOwnConfigReloadable(name: string, template: GatewayConfigTemplate, facts: NginxOwnConfigFacts, reload: GatewayReloadFiles): void {
  if (reload.tlsPolicy) {
    throw new LabError('E_LAB_CONFIG', `${name}: cannot change the TLS policy of ${template.file}: your config decides ssl_protocols and ssl_ciphers`, {
      file: template.file,
      path: CONFIG_PATH,
      hint: 'change the policy in your config and run again, or run this fault against the generated config (no lab.gateway.config)',
    });
  }
  if (reload.crlPem && !facts.crlPlaceholder) {
    throw new LabError('E_LAB_CONFIG', `${name}: cannot revoke through a CRL: ${template.file} does not use {{crl}}, so nginx never reads the lab's CRL`, {
      file: template.file,
      path: CONFIG_PATH,
      hint: 'write `ssl_crl {{crl}};` in your server block and set lab.gateway.crl: true, or drop the CRL fault',
    });
  }
}
