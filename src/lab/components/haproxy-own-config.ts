import type { GatewayReloadFiles } from '../gateway.js';
import { LabError } from '../lab-error.js';
import {
  fillGatewayConfig,
  type FilledGatewayConfig,
  type GatewayConfigPlaceholder,
  type GatewayConfigTemplate,
} from '../own-config/gateway-config-template.js';
import { REPLICA_HEADER } from '../gateway-headers.js';
import { assertHaproxyPath, haproxyGlobalAndDefaults, type HaproxyProcessInput } from './haproxy-config.js';

/**
 * A team's own haproxy configuration (lab.gateway.config) in one of two forms:
 *
 * - **sections only** (frontend/backend/listen, no `global`): the lab writes its own `global` and
 *   `defaults` before them (haproxy-config.ts, the same as for the generated config) and a small
 *   echo frontend on 127.0.0.1 after them, which is `{{upstream}}`: `server app1 {{upstream}}`.
 * - **whole file** (with `global`): used as it is. The lab runs haproxy with `-W -db` (master-worker
 *   in the foreground whatever `daemon`/`master-worker` say) and reloads it with SIGUSR2 to the
 *   master it supervises, waiting on the master CLI it opens itself (-S): none of that needs a line
 *   of the config. It needs `pidfile {{pid_file}}` (else haproxy writes the pid where a system
 *   haproxy keeps its own, or nowhere the lab knows), and a `stats socket` under `{{prefix}}`
 *   (else it binds where a system haproxy has its socket). It reads certificates from the files
 *   behind the placeholders, never through the runtime API. `{{upstream}}` is unavailable.
 *
 * Either form must bind `{{listen}}` (or `{{address}}`/`*`:`{{port}}`) on a `bind` line.
 */

/** What a config says, for validate time and for the gateway; comments ignored. */
export interface HaproxyOwnConfigFacts {
  /** Has a `global` section: used as it is, without the lab's global/defaults and echo upstream. */
  readonly wholeFile: boolean;
  /** A `bind` line uses {{listen}} or {{port}}. */
  readonly listensOnLabPort: boolean;
  /** A bind line sets crl-file. */
  readonly crl: boolean;
  /** What the bind lines on the lab's port say with `verify` (the first that says it); undefined: not stated (haproxy: none). */
  readonly verify: 'required' | 'optional' | 'none' | undefined;
  /** `pidfile` in `global`. */
  readonly pidFile: { readonly line: number; readonly value: string } | undefined;
  readonly statsSockets: readonly { readonly line: number; readonly path: string }[];
  /** The address list (first word) of every `bind` of a frontend or listen section. */
  readonly binds: readonly { readonly line: number; readonly addresses: readonly string[] }[];
  /** Every placeholder used outside comments. */
  readonly placeholders: ReadonlySet<string>;
}

interface ConfigLine {
  /** 1-based. */
  readonly line: number;
  readonly words: readonly string[];
}

/** Section keywords of haproxy 2.6 (cfgparse.c and the modules that register sections). */
const SECTIONS = new Set(['global', 'defaults', 'frontend', 'backend', 'listen', 'userlist', 'peers', 'resolvers', 'mailers', 'program', 'http-errors', 'ring', 'cache', 'fcgi-app']);
const PLACEHOLDER_SPACES = /\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/g;
const PLACEHOLDER_WORD = /\{\{([A-Za-z0-9_.-]*)\}\}/g;

/**
 * haproxy's words: split on blanks, `#` starts a comment unless quoted or escaped, quotes and
 * backslashes removed (cfgparse.c parse_line, simplified: no environment variables).
 */
function configLines(text: string): ConfigLine[] {
  const lines: ConfigLine[] = [];
  text
    .replace(PLACEHOLDER_SPACES, '{{$1}}')
    .split('\n')
    .forEach((raw, index) => {
      const words: string[] = [];
      let word: string | undefined;
      let quote: string | undefined;
      for (let position = 0; position < raw.length; position++) {
        const char = raw[position]!;
        if (quote) {
          if (char === quote) quote = undefined;
          else if (char === '\\' && quote === '"' && position + 1 < raw.length) word += raw[++position]!;
          else word += char;
        } else if (char === '"' || char === "'") {
          quote = char;
          word ??= '';
        } else if (char === '\\' && position + 1 < raw.length) {
          word = (word ?? '') + raw[++position]!;
        } else if (char === '#') {
          break;
        } else if (/\s/.test(char)) {
          if (word !== undefined) words.push(word);
          word = undefined;
        } else {
          word = (word ?? '') + char;
        }
      }
      if (word !== undefined) words.push(word);
      if (words.length > 0) lines.push({ line: index + 1, words });
    });
  return lines;
}

export function haproxyOwnConfigFacts(text: string): HaproxyOwnConfigFacts {
  let section: string | undefined;
  let wholeFile = false;
  let crl = false;
  let verifyOnLabPort: HaproxyOwnConfigFacts['verify'];
  let verifyElsewhere: HaproxyOwnConfigFacts['verify'];
  let listensOnLabPort = false;
  let pidFile: HaproxyOwnConfigFacts['pidFile'];
  const statsSockets: { line: number; path: string }[] = [];
  const binds: { line: number; addresses: string[] }[] = [];
  const placeholders = new Set<string>();
  for (const { line, words } of configLines(text)) {
    for (const word of words) for (const match of word.matchAll(PLACEHOLDER_WORD)) placeholders.add(match[1]!);
    const keyword = words[0]!;
    if (SECTIONS.has(keyword)) {
      section = keyword;
      if (keyword === 'global') wholeFile = true;
      continue;
    }
    if (section === 'global' && keyword === 'pidfile' && words[1] !== undefined) pidFile = { line, value: words[1] };
    if (section === 'global' && keyword === 'stats' && words[1] === 'socket' && words[2] !== undefined) statsSockets.push({ line, path: words[2] });
    if (keyword !== 'bind' || (section !== 'frontend' && section !== 'listen')) continue;
    binds.push({ line, addresses: (words[1] ?? '').split(',') });
    const onLabPort = words.slice(1).some((word) => word.includes('{{listen}}') || word.includes('{{port}}'));
    listensOnLabPort ||= onLabPort;
    if (words.includes('crl-file')) crl = true;
    const said = words.includes('verify') ? words[words.indexOf('verify') + 1] : undefined;
    if (said === 'required' || said === 'optional' || said === 'none') {
      if (onLabPort) verifyOnLabPort ??= said;
      else verifyElsewhere ??= said;
    }
  }
  return { wholeFile, listensOnLabPort, crl, verify: verifyOnLabPort ?? verifyElsewhere, pidFile, statsSockets, binds, placeholders };
}

function configError(template: GatewayConfigTemplate, line: number | undefined, problem: string, hint: string): LabError {
  return new LabError('E_LAB_CONFIG', `${template.file}${line === undefined ? '' : `:${line}`}: ${problem}`, {
    file: template.file,
    path: ['lab', 'gateway', 'config'],
    hint,
  });
}

/**
 * Throws E_LAB_CONFIG, naming the line to add or change, for a config the lab cannot run or
 * reload (module comment); pure, so `validate` can say it before anything starts.
 */
export function assertHaproxyOwnConfigUsable(template: GatewayConfigTemplate): HaproxyOwnConfigFacts {
  const facts = haproxyOwnConfigFacts(template.text);
  if (!facts.listensOnLabPort) {
    throw configError(template, undefined, 'never listens on the lab\'s port: no `bind` line of a frontend or listen section uses {{listen}} or {{port}}', 'bind where the lab sends its clients, e.g. `bind {{listen}} ssl crt {{server_pem}} ca-file {{client_ca}} verify required`');
  }
  for (const bind of facts.binds) {
    for (const address of bind.addresses) {
      const problem = bindAddressProblem(address);
      if (problem) {
        throw configError(template, bind.line, `bind ${address}: ${problem}`, 'lab servers listen on loopback only: bind {{listen}} (or {{address}}:<port>, or 127.0.0.1:<port> for a second listener)');
      }
    }
  }
  if (!facts.wholeFile) return facts;
  if (!facts.pidFile) {
    throw configError(template, undefined, 'has a global section without `pidfile {{pid_file}}`', 'add `pidfile {{pid_file}}` to its global section (the lab runs its own haproxy and must not touch a system one\'s pid file)');
  }
  if (facts.pidFile.value !== '{{pid_file}}') {
    throw configError(template, facts.pidFile.line, `pidfile ${facts.pidFile.value}: the lab's haproxy would write its pid there`, 'write `pidfile {{pid_file}}` instead');
  }
  for (const socket of facts.statsSockets) {
    if (!socket.path.startsWith('{{prefix}}/')) {
      throw configError(template, socket.line, `stats socket ${socket.path}: the lab's haproxy would bind its runtime API there, where a system haproxy may have its own`, 'write `stats socket {{prefix}}/admin.sock mode 600 level admin`, or remove the line (the lab needs no runtime API)');
    }
  }
  return facts;
}

const LOOPBACK = /^(?:127(?:\.\d{1,3}){3}|::1|\[::1\]|localhost)$/;

/**
 * Why the lab will not bind this address (an interface other than loopback, or a unix socket
 * outside the gateway's folder), or undefined. haproxy's forms: [proto@]host:port, :port, *:port,
 * /path or unix@/path, abns@name, fd@n.
 */
function bindAddressProblem(address: string): string | undefined {
  if (address.includes('{{listen}}') || address.includes('{{address}}')) return undefined;
  const at = address.indexOf('@');
  const family = at >= 0 ? address.slice(0, at) : '';
  const rest = at >= 0 ? address.slice(at + 1) : address;
  if (family === 'abns' || family === 'fd' || family === 'sockpair') return undefined;
  if (family === 'unix' || rest.startsWith('/') || rest.startsWith('{{prefix}}')) {
    return rest.startsWith('{{prefix}}/') ? undefined : 'a unix socket outside the gateway\'s folder ({{prefix}}), where a system haproxy may have its own';
  }
  const host = rest.slice(0, Math.max(0, rest.lastIndexOf(':')));
  if (host === '' || host === '*' || host === '0.0.0.0' || host === '::' || host === '[::]') return 'listens on every interface';
  return LOOPBACK.test(host) ? undefined : `listens on ${host}, not loopback`;
}

/** What the lab gives an own config: where to listen, its files, and its process settings. */
export interface HaproxyOwnConfigLab extends HaproxyProcessInput {
  readonly listenAddress: string;
  readonly port: number;
  readonly replicaName: string;
  readonly files: {
    readonly serverPem: string;
    readonly serverCertificate: string;
    readonly serverKey: string;
    readonly clientCa: string;
    /** Only with lab.gateway.crl. */
    readonly crl?: string;
  };
  readonly ocspResponderUrl?: string;
  /** The gateway's private folder ({{prefix}}). */
  readonly prefix: string;
  /** Where the echo upstream listens on 127.0.0.1 (sections-only configs). */
  readonly echoPort: number;
}

/**
 * The filled config, wrapped for a sections-only one. Throws E_LAB_CONFIG for a config the lab
 * cannot run (assertHaproxyOwnConfigUsable) or a placeholder it cannot fill (file:line:column).
 */
export function fillHaproxyOwnConfig(template: GatewayConfigTemplate, lab: HaproxyOwnConfigLab): FilledGatewayConfig {
  const facts = assertHaproxyOwnConfigUsable(template);
  const paths = { ...lab.files, prefix: lab.prefix, ...(lab.pidFile ? { pidFile: lab.pidFile } : {}) };
  for (const [field, value] of Object.entries(paths)) if (value !== undefined) assertHaproxyPath(field, value);
  const values: Partial<Record<GatewayConfigPlaceholder, string>> = {
    listen: `${lab.listenAddress}:${lab.port}`,
    address: lab.listenAddress,
    port: String(lab.port),
    server_pem: lab.files.serverPem,
    server_certificate: lab.files.serverCertificate,
    server_key: lab.files.serverKey,
    client_ca: lab.files.clientCa,
    replica: lab.replicaName,
    prefix: lab.prefix,
    ...(facts.wholeFile && lab.pidFile ? { pid_file: lab.pidFile } : {}),
    ...(lab.files.crl ? { crl: lab.files.crl } : {}),
    ...(lab.ocspResponderUrl ? { ocsp_responder: lab.ocspResponderUrl } : {}),
    ...(facts.wholeFile ? {} : { upstream: `127.0.0.1:${lab.echoPort}` }),
  };
  const unavailable: Partial<Record<GatewayConfigPlaceholder, string>> = {
    crl: 'lab.gateway.crl is not true',
    ocsp_responder: 'the lab runs no OCSP responder (lab.ocspResponder)',
    upstream: 'a whole haproxy config (with a global section) gets no echo upstream: give frontend/backend sections only to have the lab\'s global, defaults and upstream',
    error_log: 'haproxy has no error log file: its own messages already go to the lab\'s log of the gateway (and `log stderr format raw local0` sends traffic logs there)',
    pid_file: 'the lab writes the pid file of a sections-only config itself',
  };
  if (facts.wholeFile) return fillGatewayConfig(template, { values, unavailable });
  return fillGatewayConfig(template, {
    values,
    unavailable,
    before: [...haproxyGlobalAndDefaults(lab), '# Your sections (lab.gateway.config) follow.'],
    after: ['', ...haproxyEchoFrontend(lab.echoPort, lab.replicaName)],
  });
}

/**
 * {{upstream}}: plain HTTP on 127.0.0.1 (in a container, its own loopback), answering 200 JSON
 * by itself like the generated frontend, with the request headers it got, so a test or a person
 * sees what the user's frontend forwarded (X-SSL-Client-Verify and the like). Its own mode and
 * timeouts, whatever a user's `defaults` says.
 */
function haproxyEchoFrontend(port: number, replicaName: string): string[] {
  return [
    '# The lab\'s echo upstream ({{upstream}}).',
    'frontend mtls_chaos_echo',
    '    mode http',
    '    timeout client 30s',
    '    timeout http-request 10s',
    `    bind 127.0.0.1:${port}`,
    `    http-after-response set-header ${REPLICA_HEADER} ${replicaName}`,
    '    http-request return status 200 content-type application/json ' +
      `lf-string "{\\"replica\\":\\"${replicaName}\\",\\"upstream\\":\\"mtls-chaos echo\\",\\"headers\\":\\"%[req.hdrs,json(utf8s)]\\"}"`,
    '',
  ];
}

/** Which placeholders put each reloadable file where the config reads it. */
const RELOADED_BY: Readonly<Record<Exclude<keyof GatewayReloadFiles, 'tlsPolicy'>, readonly GatewayConfigPlaceholder[]>> = {
  certificateChainPem: ['server_pem', 'server_certificate'],
  // `crt {{server_certificate}}` reads its key from <crt>.key, which is {{server_key}}'s file.
  keyPem: ['server_pem', 'server_key', 'server_certificate'],
  trustBundlePem: ['client_ca'],
  crlPem: ['crl'],
};

/**
 * Throws E_LAB_CONFIG for a reload an own config would ignore: a TLS policy (its bind lines
 * decide it) or a file it never reads (a CRL without {{crl}}): a drill must not report a fault
 * that never reached the gateway.
 */
export function assertHaproxyOwnConfigReloads(template: GatewayConfigTemplate, facts: HaproxyOwnConfigFacts, files: GatewayReloadFiles): void {
  if (files.tlsPolicy) {
    throw configError(template, undefined, 'the lab cannot change the TLS policy of your own config: its bind lines (ssl-min-ver, ciphers, ciphersuites) decide it', 'drop the tls-policy fault from this drill, or run it against the generated haproxy config (no lab.gateway.config)');
  }
  for (const [field, placeholders] of Object.entries(RELOADED_BY) as [keyof typeof RELOADED_BY, readonly GatewayConfigPlaceholder[]][]) {
    if (files[field] === undefined || placeholders.some((name) => facts.placeholders.has(name))) continue;
    throw configError(template, undefined, `a fault changes the file behind ${placeholders.map((name) => `{{${name}}}`).join(' or ')}, and your config never uses it`, `your config decides which ${field === 'crlPem' ? 'CRL' : 'file'} haproxy reads: use ${placeholders.map((name) => `{{${name}}}`).join(' or ')} on its bind line (e.g. crl-file {{crl}} with lab.gateway.crl: true), or drop the fault`);
  }
}
