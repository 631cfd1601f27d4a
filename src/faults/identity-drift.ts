import { z } from 'zod';
import type { ClientIdentity } from '../load/index.js';
import type { FaultContext, FaultDefinition } from './fault.js';
import { clientCredential, reissueClient } from './lab-certificates.js';
import { labOwnsGateway } from './lab-gateway-requirement.js';

/**
 * Identity drift: rotated client certificates come out with a different SAN (a renamed trust
 * domain, namespace or service account in the issuing template), while staying perfectly valid
 * and chained to the trusted CA. A gateway that authorizes by SAN must refuse them with 403
 * (forbidden): TLS is fine, the identity is not allowed. Heal restores the original certificates.
 */
const options = z
  .strictObject({
    san: z
      .string()
      .regex(/^[a-z][a-z0-9+.-]*:\S+$/, { error: () => 'expected a URI template such as "spiffe://drifted.example.org/ns/lab/sa/{name}"' })
      .default('spiffe://drifted.example.org/ns/lab/sa/{name}')
      .meta({ description: 'The URI SAN the rotated certificates carry; {name} is the identity name (client-1, ...).' }),
    identities: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: 'How many of the load identities drift (the first N); default all of them.' }),
  })
  .meta({ description: 'Client certificates are re-issued (valid, same CA) with a different URI SAN.' });

export const identityDrift: FaultDefinition<typeof options> = {
  kind: 'identity-drift',
  summary: 'rotated client certificates carry a different SAN; a SAN allow-list refuses them (403 forbidden)',
  options,
  requires: (_options, lab, gateway) =>
    // A team's own gateway (kind external) authorizes by SAN itself, if it does: the drill shows whether it refuses.
    lab.gateway.authorization || !labOwnsGateway(lab, gateway) ? undefined : 'needs lab.gateway.authorization (a SAN allow-list, node gateway): without it nothing checks the SAN',
  create: (opts) => {
    let original: readonly ClientIdentity[] | undefined;
    return {
      kind: 'identity-drift',
      describe: () => `${opts.identities ?? 'all'} client certificates re-issued with SAN ${opts.san}`,
      inject: async (context: FaultContext) => {
        original = context.load.spec.identities;
        const count = opts.identities ?? original.length;
        const drifted = original.map((identity, index) =>
          index < count
            ? reissueClient(clientCredential(context.pki, identity.name), context.pki.intermediate, context.pki.intermediate.chain, {
                uris: [opts.san.replaceAll('{name}', identity.name)],
              })
            : identity,
        );
        await context.load.retarget({ identities: drifted });
      },
      heal: async (context: FaultContext) => {
        if (original) await context.load.retarget({ identities: original });
      },
    };
  },
};
