import { z } from 'zod';
import type { StartedLab } from '../lab/index.js';
import type { Credential, LabPki } from '../pki/index.js';
import type { FaultDefinition } from './fault.js';
import { ocspRequirement, ownConfigOcspRequirement } from './ocsp-outage.js';
import { labOwnsGateway } from './lab-gateway-requirement.js';
import { forgetRevocationFindings } from './revocation-findings.js';

/**
 * A client certificate is revoked mid-run: the CA records it, the OCSP responder answers
 * `revoked` for it (via ocsp), and the gateway is reloaded with a fresh CRL (via crl). Heal takes
 * the revocation back (the CA, the responder and a new CRL).
 *
 * The timeline times the effect (FaultRecord.effect, SLO `effect.latency`): from the revocation
 * until the revoked identity's first attempt refused as cert_revoked: the revocation latency.
 * Through OCSP it is bounded by the gateway's cache of the earlier `good` answer (node:
 * min(cacheTtl, nextUpdate); nginx: until nextUpdate, lab.ocspResponder.validity, 1 h by default).
 * Through a CRL it is the reload: new handshakes see it at once.
 */
const VIAS = ['ocsp', 'crl', 'both'] as const;

const options = z
  .strictObject({
    identity: z
      .int({ error: (issue) => `expected the index of a client certificate (0 = client-1), got ${JSON.stringify(issue.input)}` })
      .min(0, { error: (issue) => `expected an index of 0 or more (0 = client-1), got ${JSON.stringify(issue.input)}` })
      .default(0)
      .meta({ description: 'Which client certificate is revoked: its index in the PKI (0 = client-1); it should be among the load identities.' }),
    via: z
      .enum(VIAS, { error: (issue) => `expected one of "ocsp", "crl", "both", got ${JSON.stringify(issue.input)}` })
      .default('ocsp')
      .meta({ description: 'How the gateway learns of it: OCSP (the responder answers revoked), a reloaded CRL, or both.' }),
  })
  .meta({ description: 'Which client certificate is revoked, and through OCSP, CRL or both.' });

export type RevocationOptions = z.output<typeof options>;

function clientOf(pki: LabPki, index: number): Credential {
  const client = pki.clients[index];
  if (!client) throw new RangeError(`revocation: identity ${index} does not exist: the PKI has ${pki.clients.length} client certificate(s)`);
  return client;
}

/** Fresh CRLs of every CA the gateway's CRL file holds (lab/lab-crls.ts), a rotated-in CA's included. */
async function reloadCrl(lab: StartedLab): Promise<void> {
  if (!lab.crls) throw new Error('the lab gives the gateway no CRL file (lab.gateway.crl)');
  await lab.gateway.reload({ crlPem: lab.crls.pem() });
}

export const revocation: FaultDefinition<typeof options> = {
  kind: 'revocation',
  summary: 'revoke a client certificate (OCSP and/or CRL) and time until the gateway refuses it; heal un-revokes',
  options,
  requiresOfOwnConfig: ({ via }, config) => {
    const ocsp = via !== 'crl' ? ownConfigOcspRequirement(config) : undefined;
    if (ocsp) return `${ocsp} (via "${via}" revokes through OCSP)`;
    if (via !== 'ocsp' && !config.facts.crl) {
      return `changes nothing on your gateway config ${config.file}: it checks no CRL (no ${config.directives.crl}); add it with lab.gateway.crl: true, or use via "ocsp"`;
    }
    return undefined;
  },
  requires: ({ via }, lab, gateway) => {
    // A gateway the team runs learns of it only from the harness's responder (its URL in the client certificates' AIA).
    if (!labOwnsGateway(lab, gateway) && via !== 'ocsp') {
      return `via "${via}" needs a gateway the lab runs (it reloads the gateway's CRL file); with lab.gateway.kind "${lab.gateway.kind}" use via: ocsp and lab.ocspResponder: { kind: builtin }`;
    }
    if (via !== 'crl') {
      const missing = ocspRequirement(lab, gateway);
      if (missing) return `${missing} (via "${via}" revokes through OCSP)`;
    }
    if (via !== 'ocsp' && !lab.gateway.crl) return `needs lab.gateway.crl: true (via "${via}" revokes through a CRL)`;
    return undefined;
  },
  create: ({ identity, via }) => {
    const throughOcsp = via !== 'crl';
    const throughCrl = via !== 'ocsp';
    return {
      kind: 'revocation',
      describe: () => `client certificate #${identity} (client-${identity + 1}) revoked via ${via}`,
      effect: ({ pki }) => ({ category: 'cert_revoked', identity: clientOf(pki, identity).name }),
      inject: async ({ lab, pki, load, log }) => {
        const serial = clientOf(pki, identity).certificate.serialNumber;
        const { revokedAt } = pki.intermediate.revoke(serial, 'keyCompromise');
        if (throughOcsp) {
          if (!lab.ocspResponder) throw new Error('the lab has no OCSP responder');
          await lab.ocspResponder.revoke(serial, 'keyCompromise', revokedAt);
        }
        if (throughCrl) await reloadCrl(lab);
        await forgetRevocationFindings({ lab, load });
        log(`revocation: ${clientOf(pki, identity).name} (serial ${serial}) revoked via ${via}`);
      },
      heal: async ({ lab, pki, load }) => {
        const serial = clientOf(pki, identity).certificate.serialNumber;
        pki.intermediate.unrevoke(serial);
        if (throughOcsp) await lab.ocspResponder?.unrevoke(serial);
        if (throughCrl) await reloadCrl(lab);
        await forgetRevocationFindings({ lab, load });
      },
    };
  },
};
