import { z } from 'zod';
import { CertificateAuthority } from '../pki/index.js';
import type { FaultContext, FaultDefinition } from './fault.js';
import { applyCertificates, clientCredential, originalCertificates, reissueClient, restoreFor, type LabCertificateSwap } from './lab-certificates.js';

/**
 * Clients whose certificates come from a CA the gateway does not trust: a new issuing CA that
 * reached the workloads before the gateway's trust bundle, or a workload that took certificates
 * from the wrong CA. At `at` every client identity the load uses is re-issued (same subject and
 * SANs, a new key) by an intermediate under a root made for this fault alone, and sent with that
 * intermediate; heal gives the load its own identities back. The gateway must refuse them as
 * unknown_ca (TLS alert 48, X509_V_ERR 20). The fault acts on the harness's side only, so it
 * works on every gateway kind, a team's own (external) included.
 */
const options = z.strictObject({}).meta({ description: 'No options: every client identity is re-issued by a CA nobody trusts.' });

export const untrustedIssuer: FaultDefinition<typeof options> = {
  kind: 'untrusted-issuer',
  summary: 'client certificates re-issued by a CA the gateway does not trust (a rollout that reached clients first); the gateway must refuse them as unknown_ca',
  options,
  create: () => {
    let original: Required<LabCertificateSwap> | undefined;
    let swapped: LabCertificateSwap | undefined;
    return {
      kind: 'untrusted-issuer',
      describe: () => 'client certificates re-issued by a CA the gateway does not trust',
      inject: async (context: FaultContext) => {
        original = originalCertificates(context);
        const organization = context.pki.root.certificate.subject.organization;
        const named = (commonName: string) => ({ commonName, ...(organization ? { organization } : {}) });
        const root = CertificateAuthority.createRoot({ subject: named('mtls-chaos Untrusted Root CA'), algorithm: context.pki.algorithm, pathLength: 1 });
        const issuer = root.issueIntermediate({ subject: named('mtls-chaos Untrusted Issuing CA'), pathLength: 0 });
        swapped = {
          identities: original.identities.map((identity) => reissueClient(clientCredential(context.pki, identity.name), issuer, issuer.chain.slice(0, 1), { newKey: true })),
        };
        await applyCertificates(context, swapped);
        context.log(`untrusted-issuer: ${swapped.identities!.length} client identit${swapped.identities!.length === 1 ? 'y' : 'ies'} now issued by ${issuer.name}`);
      },
      heal: async (context: FaultContext) => {
        if (original && swapped) await applyCertificates(context, restoreFor(swapped, original));
      },
    };
  },
};
