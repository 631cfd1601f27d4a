import type { ErrorCategory } from '../../metrics/error-category.js';
import { REASON_HEADER, REPLICA_HEADER } from '../gateway-headers.js';
import type { GatewayTlsPolicy } from '../gateway.js';
import { LabError } from '../lab-error.js';
import { verifyNumbersByCategory } from '../verify-error-category.js';

/**
 * How a haproxy gateway refuses a client certificate:
 * - `http` (default): `verify optional` with every verify error ignored during the handshake
 *   (ca-ignore-err/crt-ignore-err all), then HTTP 495 with the verdict in x-mtls-chaos-reason
 *   (496 without a certificate), chosen from ssl_c_verify. The client learns why, even under
 *   TLS 1.3, and the answer names the replica: the node gateway's contract.
 * - `alert`: `verify required`, what most haproxy deployments run: the handshake fails with a TLS
 *   alert naming the reason (certificate_expired, unknown_ca, certificate_revoked, bad_certificate
 *   for a not-yet-valid one; docs/ARCHITECTURE.md, "How gateways refuse a client certificate"). An alert
 *   carries no replica name, and OpenSSL sends unknown_ca for a missing CRL.
 */
export const HAPROXY_REJECT_MODES = ['http', 'alert'] as const;
export type HaproxyRejectMode = (typeof HAPROXY_REJECT_MODES)[number];

/** What the lab's `global` and `defaults` sections say: the process, not the frontend. */
export interface HaproxyProcessInput {
  /** nbthread; default 1 (like one nginx worker, so gateway CPU compares). */
  readonly threads?: number;
  readonly pidFile?: string;
  /** A runtime API socket (`stats socket ... level admin`), e.g. for `show ssl cert`. */
  readonly statsSocket?: string;
  /** How long a worker replaced by a reload may finish its connections (hard-stop-after); default 3000. */
  readonly hardStopAfterMs?: number;
}

export interface HaproxyConfigInput extends HaproxyProcessInput {
  /** 127.0.0.1 locally; a container binds its own interface and the host maps the port to loopback. */
  readonly bindAddress?: string;
  readonly port: number;
  /** Sent as x-mtls-chaos-replica on every answer, refusals and haproxy's own errors included. */
  readonly replicaName: string;
  /** One PEM: the server certificate, its chain and its key (haproxy `crt`). */
  readonly certificateFile: string;
  /** The client CAs (haproxy `ca-file`). */
  readonly trustBundleFile: string;
  /** haproxy `crl-file`: it then checks the whole path (X509_V_FLAG_CRL_CHECK_ALL), so root's CRL too. */
  readonly crlFile?: string;
  readonly rejectWith?: HaproxyRejectMode;
  readonly tlsPolicy?: GatewayTlsPolicy;
}

const NAME = /^[A-Za-z0-9._-]+$/;
/** haproxy reads `"`, `'`, `\`, `#` and `$` (environment variables) specially, even inside quotes. */
const UNSAFE_IN_PATH = /["'\\#$\s]/;

/**
 * The haproxy.cfg of a lab gateway: one frontend with mTLS on bindAddress:port that answers by
 * itself (`http-request return`, no backend) with what it verified. Pure, so the exact keywords
 * are unit-tested and the docker runtime writes the same file. Needs haproxy 2.2+ (`http-request
 * return`, `http-after-response`); keywords checked against 2.6 (Debian bookworm).
 *
 * What haproxy 2.6 cannot do, and refuses here: OCSP checking of client certificates (it checks
 * client certificates against CRLs only), SAN authorization (no fetch for a client's SANs),
 * signature algorithm lists (no `sigalgs` bind keyword before 2.8).
 */
export function haproxyConfig(input: HaproxyConfigInput): string {
  if (!NAME.test(input.replicaName)) {
    throw configError('replicaName', `is not a plain name (letters, digits, . _ -): ${input.replicaName}`, 'name gateways with letters, digits, dots, dashes');
  }
  for (const field of ['certificateFile', 'trustBundleFile', 'crlFile'] as const) {
    const value = input[field];
    if (value !== undefined) assertHaproxyPath(field, value);
  }
  if (input.bindAddress !== undefined && !/^[0-9a-fA-F.:]+$/.test(input.bindAddress)) {
    throw configError('bindAddress', `is not an IP address: ${input.bindAddress}`, 'give an address such as 127.0.0.1');
  }
  const rejectWith = input.rejectWith ?? 'http';
  const address = input.bindAddress ?? '127.0.0.1';
  const bind = [
    `bind ${address.includes(':') ? `[${address}]` : address}:${input.port} ssl`,
    `crt "${input.certificateFile}"`,
    `ca-file "${input.trustBundleFile}"`,
    ...(input.crlFile ? [`crl-file "${input.crlFile}"`] : []),
    // Errors ignored in the handshake are still in ssl_c_verify (and in the session, so a resumed
    // session of a refused client is refused again).
    rejectWith === 'http' ? 'verify optional ca-ignore-err all crt-ignore-err all' : 'verify required',
    ...tlsPolicyOptions(input.tlsPolicy),
  ];
  const lines = [
    ...haproxyGlobalAndDefaults(input),
    'frontend mtls',
    `    ${bind.join(' ')}`,
    // Every answer, haproxy's own 400/408 included, names the replica (stale-replica drills).
    `    http-after-response set-header ${REPLICA_HEADER} ${input.replicaName}`,
    ...refusalRules(rejectWith),
    '    http-request return status 200 content-type application/json ' +
      `lf-string "${successBody(input.replicaName)}"`,
    '',
  ];
  return lines.join('\n');
}

/**
 * The lab's `global` and `defaults` sections, each followed by an empty line: for the generated
 * config and in front of a team's own frontend/backend sections (haproxy-own-config.ts). Master-
 * worker mode comes from the command line (-W, haproxy-gateway.ts), not from here.
 */
export function haproxyGlobalAndDefaults(input: HaproxyProcessInput): string[] {
  for (const field of ['pidFile', 'statsSocket'] as const) {
    const value = input[field];
    if (value !== undefined) assertHaproxyPath(field, value);
  }
  return [
    '# Generated by mtls-chaos for one lab run; edits are lost.',
    'global',
    `    nbthread ${input.threads ?? 1}`,
    '    maxconn 4096',
    `    hard-stop-after ${input.hardStopAfterMs ?? 3_000}ms`,
    ...(input.pidFile ? [`    pidfile "${input.pidFile}"`] : []),
    ...(input.statsSocket ? [`    stats socket "${input.statsSocket}" mode 600 level admin`] : []),
    '',
    'defaults',
    '    mode http',
    '    timeout connect 5s',
    '    timeout client 30s',
    '    timeout server 30s',
    '    timeout http-request 10s',
    '    timeout http-keep-alive 30s',
    '',
  ];
}

/** Throws E_LAB_HAPROXY_CONFIG for a path haproxy would misread in a config line. */
export function assertHaproxyPath(field: string, value: string): void {
  if (UNSAFE_IN_PATH.test(value) || value.length === 0) {
    throw configError(field, `contains a character haproxy would misread (quote, backslash, #, $ or space): ${value}`, 'use a work directory path without them');
  }
}

/**
 * Which reason a refusal names when verification found several problems, first first: the
 * order in which OpenSSL checks a path (chain to a trusted root, then revocation, then validity
 * dates), so `http` names what `alert` would have sent.
 */
const REASON_ORDER: readonly ErrorCategory[] = ['unknown_ca', 'cert_revoked', 'cert_expired', 'cert_not_yet_valid', 'ocsp_unavailable'];

/**
 * One `http-request return` per category, in REASON_ORDER. With every error ignored OpenSSL goes
 * on verifying after the first one, and ssl_c_verify keeps only the *last* (a foreign client
 * ends on "unable to get CRL" once crl-file is set): so each rule also looks at the first error
 * of the leaf (ssl_c_err) and of the rest of the chain (ssl_c_ca_err). ssl_c_verify is the
 * backstop: it alone survives session resumption. Anything else unverified is bad_certificate.
 * With `alert` the rules are a guard only: `verify required` never lets an unverified client
 * reach HTTP.
 */
function refusalRules(rejectWith: HaproxyRejectMode): string[] {
  const refuse = (status: number, category: ErrorCategory, condition: string) =>
    `    http-request return status ${status} content-type text/plain string "${category}" hdr ${REASON_HEADER} ${category} hdr connection close if ${condition}`;
  const numbers = verifyNumbersByCategory();
  const specific = REASON_ORDER.map((category) => {
    const codes = (numbers.get(category) ?? []).join(' ');
    return refuse(495, category, `{ ssl_c_ca_err ${codes} } || { ssl_c_err ${codes} } || { ssl_c_verify ${codes} }`);
  });
  return [
    ...(rejectWith === 'http' ? ['    # verify optional: refuse here, in HTTP, saying why (495/496 as nginx names them).'] : []),
    refuse(496, 'certificate_required', '!{ ssl_c_used }'),
    ...specific,
    refuse(495, 'bad_certificate', '!{ ssl_c_verify 0 }'),
  ];
}

/** The same JSON as the nginx and node gateways echo; haproxy's `json` converter escapes the DNs. */
function successBody(replicaName: string): string {
  const field = (name: string, fetch: string) => `\\"${name}\\":\\"%[${fetch}]\\"`;
  return (
    `{\\"replica\\":\\"${replicaName}\\",\\"client\\":{` +
    [
      field('subject', 'ssl_c_s_dn(,0,rfc2253),json(utf8s)'),
      field('issuer', 'ssl_c_i_dn(,0,rfc2253),json(utf8s)'),
      field('serialNumber', 'ssl_c_serial,hex'),
      `\\"verify\\":\\"SUCCESS\\"`,
    ].join(',') +
    '}}'
  );
}

const TLS_VERSIONS = ['TLSv1.2', 'TLSv1.3'] as const;

/**
 * The TLS policy as bind options: ssl-min-ver/ssl-max-ver, `ciphers` (TLS 1.2) and `ciphersuites`
 * (TLS 1.3). haproxy 2.6 has no signature-algorithm keyword: a sigalgs policy is refused.
 */
function tlsPolicyOptions(policy: GatewayTlsPolicy | undefined): string[] {
  assertHaproxySupportsTlsPolicy(policy);
  const min = policy?.minVersion ?? 'TLSv1.2';
  const max = policy?.maxVersion ?? 'TLSv1.3';
  return [
    `ssl-min-ver ${min}`,
    `ssl-max-ver ${max}`,
    ...(policy?.ciphers ? [`ciphers ${policy.ciphers}`] : []),
    ...(policy?.ciphersuites ? [`ciphersuites ${policy.ciphersuites}`] : []),
  ];
}

/** Throws E_LAB_HAPROXY_CONFIG for a TLS policy haproxy 2.6 cannot express. */
export function assertHaproxySupportsTlsPolicy(policy: GatewayTlsPolicy | undefined): void {
  if (!policy) return;
  if (TLS_VERSIONS.indexOf(policy.maxVersion ?? 'TLSv1.3') < TLS_VERSIONS.indexOf(policy.minVersion ?? 'TLSv1.2')) {
    throw configError('tlsPolicy', `maxVersion ${policy.maxVersion} is below minVersion ${policy.minVersion}`, 'give a maxVersion at or above minVersion');
  }
  if (policy.sigalgs) {
    throw configError('tlsPolicy.sigalgs', 'haproxy 2.6 cannot restrict signature algorithms (its `sigalgs` bind keyword came in 2.8)', 'drop sigalgs, or use the node or nginx gateway');
  }
  for (const [field, value] of Object.entries(policy)) {
    if (typeof value === 'string' && !/^[A-Za-z0-9_:+\-.!@=]+$/.test(value)) {
      throw configError(`tlsPolicy.${field}`, `is not an OpenSSL list: ${value}`, 'use OpenSSL names separated by colons, e.g. ECDHE-ECDSA-AES256-GCM-SHA384');
    }
  }
}

/** Throws E_LAB_HAPROXY_CONFIG for what haproxy cannot do; called before any component starts. */
export function assertHaproxySupports(spec: { readonly ocsp?: { readonly mode: string }; readonly authorization?: unknown }): void {
  if (spec.ocsp && spec.ocsp.mode !== 'off') {
    throw new LabError('E_LAB_HAPROXY_CONFIG', `haproxy cannot check client certificates with OCSP (mode "${spec.ocsp.mode}"): it checks them against CRLs only`, {
      path: ['lab', 'gateway', 'ocsp', 'mode'],
      hint: 'use crl: true with the haproxy gateway, or the node or nginx gateway for OCSP',
    });
  }
  if (spec.authorization) {
    throw new LabError('E_LAB_HAPROXY_CONFIG', 'haproxy 2.6 cannot authorize clients by SAN: no sample fetch exposes a client certificate\'s SANs', {
      path: ['lab', 'gateway', 'authorization'],
      hint: 'use the node gateway for SAN allow-lists',
    });
  }
}

function configError(field: string, problem: string, hint: string): LabError {
  return new LabError('E_LAB_HAPROXY_CONFIG', `haproxy config: ${field} ${problem}`, { hint });
}
