import { z } from 'zod';
import { gatewayKinds, inability } from '../lab/index.js';
import type { ClientTlsOffer } from '../load/index.js';
import type { FaultDefinition } from './fault.js';
import { labGatewayRequirement } from './lab-gateway-requirement.js';

const OPENSSL_LIST = /^[A-Za-z0-9_:+\-.!@=]+$/;
const list = (description: string, example: string) =>
  z
    .string()
    .regex(OPENSSL_LIST, { error: () => `expected an OpenSSL list such as "${example}" (names separated by colons)` })
    .optional()
    .meta({ description, examples: [example] });

/**
 * A TLS policy changes mid-run, as when a security baseline is rolled out: TLS 1.3 only, a
 * narrower cipher list, or fewer signature algorithms.
 * - side gateway (default): the gateway's policy. Clients that cannot meet it (see load.tls,
 *   which restricts what the load offers) fail the handshake: the server answers with a
 *   protocol_version or handshake_failure alert, classified tls_policy, never as a certificate
 *   problem. Applied by hot reload (node: setSecureContext; nginx: ssl_protocols, ssl_ciphers and
 *   ssl_conf_command, then SIGHUP); heal puts the default policy back (TLS 1.2 and 1.3).
 * - side clients: what the client fleet offers (a client library upgrade, a hardened profile
 *   pushed to workloads), laid over load.tls by a retarget; heal gives the clients load.tls
 *   back. Acts from the harness's side only, so a gateway the team runs can be asked whether
 *   it still accepts a fleet that moved.
 */
const SIDES = ['gateway', 'clients'] as const;

const options = z
  .strictObject({
    side: z
      .enum(SIDES, { error: (issue) => `expected one of "gateway", "clients", got ${JSON.stringify(issue.input)}` })
      .default('gateway')
      .meta({ description: 'Whose policy narrows: the gateway\'s (a reload), or what the clients offer (the load\'s, from the harness side: works on an external gateway).' }),
    minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).optional().meta({ description: 'Lowest TLS version the gateway accepts, e.g. TLSv1.3.' }),
    maxVersion: z.enum(['TLSv1.2', 'TLSv1.3']).optional().meta({ description: 'Highest TLS version the gateway accepts.' }),
    ciphers: list('TLS 1.2 cipher list the gateway accepts.', 'ECDHE-ECDSA-AES256-GCM-SHA384'),
    ciphersuites: list('TLS 1.3 cipher suites the gateway accepts.', 'TLS_AES_256_GCM_SHA384'),
    sigalgs: list('Signature algorithms the gateway accepts.', 'ECDSA+SHA384'),
  })
  .refine(({ side: _side, ...policy }) => Object.values(policy).some((value) => value !== undefined), {
    message: 'expected at least one of minVersion, maxVersion, ciphers, ciphersuites or sigalgs: the new policy',
  })
  .refine((policy) => !(policy.minVersion === 'TLSv1.3' && policy.maxVersion === 'TLSv1.2'), {
    path: ['maxVersion'],
    message: 'expected a maxVersion at or above minVersion',
  })
  .meta({ description: "The gateway's new TLS policy (omitted fields keep the defaults)." });

type TlsPolicyOptions = z.output<typeof options>;

export const tlsPolicy: FaultDefinition<typeof options> = {
  kind: 'tls-policy',
  summary: "the gateway's TLS policy narrows mid-run (TLS 1.3 only, fewer ciphers or signature algorithms)",
  options,
  requires: (policy, lab, gateway = gatewayKinds.definition(lab.gateway.kind).abilities) => {
    if (policy.side === 'clients') return undefined;
    const notOurs = labGatewayRequirement(lab, gateway);
    if (notOurs) return notOurs;
    if (lab.gateway.config) {
      return `cannot narrow the TLS policy of your own gateway config (${lab.gateway.config}): it sets its protocols and ciphers itself; drop the fault or the config`;
    }
    const cannot = policy.sigalgs ? inability(gateway.sigalgs) : undefined;
    return cannot && `cannot set sigalgs on the ${lab.gateway.kind} gateway: ${cannot}; drop sigalgs or use the ${gatewayKinds.kindsAble('sigalgs').join(' or ')} gateway`;
  },
  create: ({ side, ...policy }) => {
    let injected = false;
    // side clients: what the load offered before the fault (load.tls), put back on heal.
    let offered: ClientTlsOffer | undefined;
    return {
      kind: 'tls-policy',
      describe: () =>
        `${side === 'gateway' ? 'gateway TLS policy' : 'TLS offer of the clients'} narrowed to ${Object.entries(policy)
          .filter(([, value]) => value !== undefined)
          .map(([field, value]) => `${field} ${value}`)
          .join(', ')}`,
      inject: async ({ lab, load }) => {
        injected = true;
        if (side === 'gateway') {
          await lab.gateway.reload({ tlsPolicy: policy });
          return;
        }
        offered = load.spec.tls;
        await load.retarget({ tls: clientOffer(offered, policy) });
      },
      heal: async ({ lab, load }) => {
        if (!injected) return;
        if (side === 'gateway') await lab.gateway.reload({ tlsPolicy: {} });
        else await load.retarget({ tls: offered });
      },
    };
  },
};

/** The clients' new offer: the policy over load.tls. Node takes TLS 1.2 ciphers and TLS 1.3 suites in one list. */
function clientOffer(offered: ClientTlsOffer | undefined, policy: Omit<TlsPolicyOptions, 'side'>): ClientTlsOffer {
  const ciphers = [policy.ciphers, policy.ciphersuites].filter((list) => list !== undefined).join(':');
  return {
    ...offered,
    ...(policy.minVersion ? { minVersion: policy.minVersion } : {}),
    ...(policy.maxVersion ? { maxVersion: policy.maxVersion } : {}),
    ...(ciphers ? { ciphers } : {}),
    ...(policy.sigalgs ? { sigalgs: policy.sigalgs } : {}),
  };
}
