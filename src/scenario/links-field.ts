import { z } from 'zod';
import { LINK_NAMES, type LinksSpec } from '../lab/index.js';
import { expectedGot } from './field-types.js';

const oneOf = (values: readonly string[]): string => `one of ${values.map((value) => `"${value}"`).join(', ')}`;

/**
 * The lab fields of what is placed between components: fault proxies on links (network faults)
 * and the interceptor (interception faults). Spread into the lab schema.
 */
export const linkFields = {
  links: z
    .array(
      z.strictObject({
        between: z
          .enum(LINK_NAMES as ['client-gateway', 'gateway-ocsp'], { error: (issue) => expectedGot(oneOf(LINK_NAMES), issue.input) })
          .meta({ description: 'client-gateway: load goes through the proxy; gateway-ocsp: the gateway asks the OCSP responder through it.' }),
      }),
      { error: (issue) => expectedGot('a list of links like [{ between: client-gateway }]', issue.input) },
    )
    .optional()
    .meta({ description: 'A fault proxy (TCP, 127.0.0.1) on each of these links, for network faults (latency, blackhole, reset, bandwidth, partition; on docker, partition acts in the gateway container\'s namespace instead and loss needs no link).' }),
  interceptor: z
    .strictObject({
      kind: z
        .enum(['builtin', 'mitmproxy'], { error: (issue) => expectedGot('"builtin" or "mitmproxy"', issue.input) })
        .meta({ description: 'builtin: our own TLS man-in-the-middle; mitmproxy: mitmdump (Debian\'s mitmproxy) with our addon, docker runtime only.' }),
    })
    .optional()
    .meta({ description: 'A TLS interceptor with its own CA in front of the gateway, idle until an interception fault sends load through it.' }),
  tlsTerminator: z
    .strictObject({ kind: z.enum(['builtin'], { error: (issue) => expectedGot('"builtin"', issue.input) }).meta({ description: 'builtin: our own TLS-offloading front.' }) })
    .optional()
    .meta({
      description:
        'node gateway only: a TLS terminator in front of the gateway (with the lab server certificate) relaying TCP untouched until a tls-termination fault makes it end mTLS and forward plain HTTP, with or without a signed x-ssl-client-cert, to the gateway\'s plain-HTTP backend. nginx cannot verify a signed identity header without njs or lua.',
    }),
};

type LinkFieldsOutput = {
  links?: { between: 'client-gateway' | 'gateway-ocsp' }[] | undefined;
  interceptor?: { kind: 'builtin' | 'mitmproxy' } | undefined;
  tlsTerminator?: { kind: 'builtin' } | undefined;
};

/** Problems across lab fields: a link named twice, gateway-ocsp without a responder (what the gateway kind cannot: scenario-schema.ts). */
export function checkLinks(
  lab: LinkFieldsOutput & { ocspResponder?: unknown; gateway?: { kind: string; replicas?: number } },
  addIssue: (path: (string | number)[], message: string) => void,
): void {
  if (lab.tlsTerminator && (lab.gateway?.replicas ?? 1) > 1) addIssue(['tlsTerminator'], 'needs a single gateway replica (the terminator forwards to one backend)');
  if (lab.tlsTerminator && lab.interceptor) addIssue(['tlsTerminator'], 'expected either interceptor or tlsTerminator in front of the gateway, not both');
  const seen = new Set<string>();
  lab.links?.forEach((link, index) => {
    if (seen.has(link.between)) addIssue(['links', index, 'between'], `expected each link once, got "${link.between}" twice`);
    seen.add(link.between);
    if (link.between === 'gateway-ocsp' && !lab.ocspResponder) {
      addIssue(['links', index, 'between'], 'the gateway-ocsp link needs lab.ocspResponder: add ocspResponder: { kind: builtin }');
    }
  });
}

/** The link fields as the lab module's LinksSpec. */
export function linksSpecOf(lab: LinkFieldsOutput): LinksSpec {
  return {
    ...(lab.links && lab.links.length > 0 ? { links: lab.links.map((link) => ({ between: link.between })) } : {}),
    ...(lab.interceptor ? { interceptor: { kind: lab.interceptor.kind } } : {}),
    ...(lab.tlsTerminator ? { tlsTerminator: { kind: lab.tlsTerminator.kind } } : {}),
  };
}
