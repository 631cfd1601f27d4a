import { z } from 'zod';
import { gatewayKinds, inability } from '../lab/index.js';
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
 * The gateway's TLS policy changes mid-run, as when a security baseline is rolled out: TLS 1.3
 * only, a narrower cipher list, or fewer signature algorithms. Clients that cannot meet it (see
 * load.tls, which restricts what the load offers) fail the handshake: the server answers with a
 * protocol_version or handshake_failure alert, classified tls_policy, never as a certificate
 * problem. Applied by hot reload (node: setSecureContext; nginx: ssl_protocols, ssl_ciphers and
 * ssl_conf_command, then SIGHUP); heal puts the default policy back (TLS 1.2 and 1.3).
 */
const options = z
  .strictObject({
    minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).optional().meta({ description: 'Lowest TLS version the gateway accepts, e.g. TLSv1.3.' }),
    maxVersion: z.enum(['TLSv1.2', 'TLSv1.3']).optional().meta({ description: 'Highest TLS version the gateway accepts.' }),
    ciphers: list('TLS 1.2 cipher list the gateway accepts.', 'ECDHE-ECDSA-AES256-GCM-SHA384'),
    ciphersuites: list('TLS 1.3 cipher suites the gateway accepts.', 'TLS_AES_256_GCM_SHA384'),
    sigalgs: list('Signature algorithms the gateway accepts.', 'ECDSA+SHA384'),
  })
  .refine((policy) => Object.values(policy).some((value) => value !== undefined), {
    message: 'expected at least one of minVersion, maxVersion, ciphers, ciphersuites or sigalgs: the new policy',
  })
  .refine((policy) => !(policy.minVersion === 'TLSv1.3' && policy.maxVersion === 'TLSv1.2'), {
    path: ['maxVersion'],
    message: 'expected a maxVersion at or above minVersion',
  })
  .meta({ description: "The gateway's new TLS policy (omitted fields keep the defaults)." });

export const tlsPolicy: FaultDefinition<typeof options> = {
  kind: 'tls-policy',
  summary: "the gateway's TLS policy narrows mid-run (TLS 1.3 only, fewer ciphers or signature algorithms)",
  options,
  requires: (policy, lab, gateway = gatewayKinds.definition(lab.gateway.kind).abilities) => {
    const notOurs = labGatewayRequirement(lab, gateway);
    if (notOurs) return notOurs;
    if (lab.gateway.config) {
      return `cannot narrow the TLS policy of your own gateway config (${lab.gateway.config}): it sets its protocols and ciphers itself; drop the fault or the config`;
    }
    const cannot = policy.sigalgs ? inability(gateway.sigalgs) : undefined;
    return cannot && `cannot set sigalgs on the ${lab.gateway.kind} gateway: ${cannot}; drop sigalgs or use the ${gatewayKinds.kindsAble('sigalgs').join(' or ')} gateway`;
  },
  create: (policy) => {
    let injected = false;
    return {
      kind: 'tls-policy',
      describe: () =>
        `gateway TLS policy narrowed to ${Object.entries(policy)
          .filter(([, value]) => value !== undefined)
          .map(([field, value]) => `${field} ${value}`)
          .join(', ')}`,
      inject: async ({ lab }) => {
        injected = true;
        await lab.gateway.reload({ tlsPolicy: policy });
      },
      heal: async ({ lab }) => {
        if (injected) await lab.gateway.reload({ tlsPolicy: {} });
      },
    };
  },
};
