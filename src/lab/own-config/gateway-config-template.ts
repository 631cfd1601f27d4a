import { createHash } from 'node:crypto';
import { readBoundedText } from '../../bounded-file.js';
import { LabError } from '../lab-error.js';

/**
 * A team's own gateway configuration (`lab.gateway.config`): their nginx or haproxy file, with
 * `{{name}}` placeholders where the lab puts what only it knows (its port, its certificates, its
 * responder). Double braces because neither nginx nor haproxy ever writes them, so a placeholder
 * can never be mistaken for the user's own syntax.
 *
 * Every value the lab fills in is a single line, so line N of the filled file is line N of the
 * user's file plus the lines the lab put before it (a wrapper around a `server { }` block): the
 * gateway checker's "in nginx.conf:12" is mapped back to the user's file and line.
 */

/** Every placeholder, with what the lab puts there; README "Your own gateway configuration" lists them. */
export const GATEWAY_CONFIG_PLACEHOLDERS = {
  listen: 'address:port to listen on: 127.0.0.1 and a free port the lab picked (in a container 0.0.0.0 and a fixed port, published on the host\'s 127.0.0.1 only)',
  address: 'the address part of {{listen}}',
  port: 'the port part of {{listen}}',
  server_certificate: 'the server certificate followed by its intermediates (PEM; nginx ssl_certificate)',
  server_key: 'the server certificate\'s private key (PEM, 0600; nginx ssl_certificate_key)',
  server_pem: 'certificate, intermediates and key in one PEM (haproxy crt)',
  client_ca: 'the CA bundle client certificates are verified against (nginx ssl_client_certificate, haproxy ca-file)',
  crl: 'the CRLs of the lab CAs (nginx ssl_crl, haproxy crl-file); needs lab.gateway.crl: true',
  ocsp_responder: 'the URL of the lab\'s OCSP responder (nginx ssl_ocsp_responder); needs lab.ocspResponder',
  upstream: 'host:port of an HTTP echo upstream the lab runs beside the gateway (nginx proxy_pass http://{{upstream}}; haproxy server); in a server-block or frontend/backend config only',
  replica: 'the replica\'s name (gateway-nginx, or gateway-nginx-1..N), for a header such as x-mtls-chaos-replica',
  pid_file: 'where the gateway writes its pid (whole-file configs: nginx pid, haproxy pidfile)',
  error_log: 'the error log the lab reads rejection reasons from (whole-file nginx configs: error_log {{error_log}} info)',
  prefix: 'a private folder of this gateway for temp files (nginx *_temp_path)',
} as const;

export type GatewayConfigPlaceholder = keyof typeof GATEWAY_CONFIG_PLACEHOLDERS;

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/g;

/** The user's file as read, before anything is filled in. */
export interface GatewayConfigTemplate {
  /** As the scenario named it, resolved against the scenario's folder. */
  readonly file: string;
  readonly text: string;
  /** sha256 of the bytes, recorded in the result so two runs can be compared. */
  readonly sha256: string;
}

/** Own configs are a few KiB; a megabyte is a wrong file, not a config. */
const MAX_CONFIG_BYTES = 1024 * 1024;

export async function readGatewayConfigTemplate(file: string): Promise<GatewayConfigTemplate> {
  const text = await readBoundedText(file, {
    code: 'E_LAB_CONFIG',
    what: 'a gateway configuration (lab.gateway.config)',
    hint: 'give lab.gateway.config the path of your nginx or haproxy config, relative to the scenario file',
    maxBytes: MAX_CONFIG_BYTES,
  });
  return { file, text, sha256: createHash('sha256').update(text).digest('hex') };
}

export interface PlaceholderUse {
  readonly name: string;
  /** 1-based, in the user's file. */
  readonly line: number;
  readonly column: number;
}

/** Every `{{name}}` in the text, known or not, in order. */
export function placeholderUses(text: string): PlaceholderUse[] {
  const uses: PlaceholderUse[] = [];
  const lines = text.split('\n');
  lines.forEach((lineText, index) => {
    for (const match of lineText.matchAll(PLACEHOLDER)) {
      uses.push({ name: match[1] ?? '', line: index + 1, column: (match.index ?? 0) + 1 });
    }
  });
  return uses;
}

/** The filled file, and how to find the user's line from a line of it. */
export interface FilledGatewayConfig {
  readonly text: string;
  /** The user's line for a line of the filled file, undefined for a line the lab added. */
  userLineOf(filledLine: number): number | undefined;
}

export interface FillOptions {
  /** What the lab provides in this run; a placeholder missing here is an error naming why. */
  readonly values: Partial<Record<GatewayConfigPlaceholder, string>>;
  /** Why a known placeholder has no value in this lab, e.g. crl: "lab.gateway.crl is false". */
  readonly unavailable?: Partial<Record<GatewayConfigPlaceholder, string>>;
  /** Lines the lab writes before the user's text (a wrapper), and after it. */
  readonly before?: readonly string[];
  readonly after?: readonly string[];
}

/**
 * Fills every placeholder. Throws E_LAB_CONFIG, naming the user's file, line and column, for an
 * unknown placeholder (a typo) and for one this lab cannot fill, before any gateway sees the file.
 */
export function fillGatewayConfig(template: GatewayConfigTemplate, options: FillOptions): FilledGatewayConfig {
  const lines = template.text.split('\n');
  // A line that is all comment (`#` first, in nginx and haproxy alike) is left to the user: a
  // placeholder there is filled when the lab has a value and never an error, so commenting out
  // `ssl_crl {{crl}};` is enough to run without a CRL.
  const commentedOut = (line: number) => /^\s*#/.test(lines[line - 1] ?? '');
  for (const use of placeholderUses(template.text)) {
    if (commentedOut(use.line)) continue;
    const where = `${template.file}:${use.line}:${use.column}`;
    if (!Object.hasOwn(GATEWAY_CONFIG_PLACEHOLDERS, use.name)) {
      throw new LabError('E_LAB_CONFIG', `${where}: unknown placeholder {{${use.name}}}`, {
        file: template.file,
        path: ['lab', 'gateway', 'config'],
        hint: `the lab fills in ${Object.keys(GATEWAY_CONFIG_PLACEHOLDERS).map((name) => `{{${name}}}`).join(', ')} (README, "Your own gateway configuration")`,
      });
    }
    const name = use.name as GatewayConfigPlaceholder;
    const value = options.values[name];
    if (value === undefined) {
      const why = options.unavailable?.[name] ?? 'this lab does not provide it';
      throw new LabError('E_LAB_CONFIG', `${where}: {{${name}}} has no value in this lab: ${why}`, {
        file: template.file,
        path: ['lab', 'gateway', 'config'],
        hint: `{{${name}}} is ${GATEWAY_CONFIG_PLACEHOLDERS[name]}`,
      });
    }
  }
  for (const [name, value] of Object.entries(options.values)) {
    if (/[\r\n]/.test(value)) throw new RangeError(`the lab's value for {{${name}}} spans lines: ${JSON.stringify(value)}`);
  }
  const valueOf = (name: string) => (Object.hasOwn(options.values, name) ? options.values[name as GatewayConfigPlaceholder] : undefined);
  const body = lines.map((line) => line.replace(PLACEHOLDER, (match, name: string) => valueOf(name) ?? match)).join('\n');
  const before = options.before ?? [];
  const userLines = lines.length;
  const text = [...before, body, ...(options.after ?? [])].join('\n');
  return {
    text,
    userLineOf: (filledLine) => {
      const line = filledLine - before.length;
      return line >= 1 && line <= userLines ? line : undefined;
    },
  };
}

/**
 * A gateway checker's message with every "<filled file>:<line>" turned into the user's file and
 * line, so `nginx -t`'s "in /tmp/.../nginx.conf:12" reads as "in ./team-nginx.conf:9".
 */
export function messageInUserTerms(message: string, filledFile: string, template: GatewayConfigTemplate, filled: FilledGatewayConfig): string {
  const escaped = filledFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // nginx: "in /x/nginx.conf:12"; haproxy: "parsing [/x/haproxy.cfg:12]".
  return message.replace(new RegExp(`${escaped}(?::(\\d+))?`, 'g'), (whole, lineText: string | undefined) => {
    if (lineText === undefined) return template.file;
    const userLine = filled.userLineOf(Number(lineText));
    return userLine === undefined ? `${whole} (a line the lab adds around your config)` : `${template.file}:${userLine}`;
  });
}
