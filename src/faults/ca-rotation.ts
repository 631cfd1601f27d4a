import { z } from 'zod';
import { CertificateAuthority, trustBundlePem, type Certificate, type LabPki } from '../pki/index.js';
import type { LabSpec } from '../lab/index.js';
import type { ClientIdentity } from '../load/index.js';
import { faultDurationOption } from './fault-duration.js';
import type { FaultContext, FaultDefinition } from './fault.js';
import { clientCredential, reissueClient } from './lab-certificates.js';
import { labGatewayRequirement } from './lab-gateway-requirement.js';

/**
 * A CA rotation done in two steps, the way operators do it, in either order:
 * - bundle step: the gateway's trust bundle for client certificates becomes `overlap` (old and new
 *   CA) or `cutover` (new CA only), by hot reload;
 * - leaves step: every client identity is re-issued (new key, same subject and SANs) by the new
 *   issuing CA and sent with its new chain (retarget).
 * The first step happens at `at`, the second `stepDelay` later. Heal completes the rotation (runs
 * the second step if it has not happened yet) and leaves the new PKI in place: a rotation is not
 * undone, and the recovery phase measures the rotated system.
 *
 * ca: root: a new root with a new intermediate below it. The gateway's bundle is the root, so the
 *   order matters: leaves first, or a cutover before the leaves, strands clients (unknown_ca).
 *   crossSigned: the new intermediate is also signed by the old root (same subject and key), and
 *   the new leaves carry that cross-signed copy, so gateways still trusting only the old root
 *   accept them (leaves first becomes safe). OpenSSL builds one path from what the client sends:
 *   a cutover bundle (new root only) does not accept the cross-signed chain, and the drill shows it.
 *   The server side is untouched: the gateway keeps its certificate, clients their server trust.
 * ca: intermediate: a new intermediate under the same root. The bundle gains the new intermediate
 *   (overlap: root + old + new; cutover: root + new); since leaves carry their chain and the root
 *   anchors both generations, the rotation costs nothing in any order: the drill proves it.
 *
 * Revocation status comes first, as in a real rotation: before either step, the new generation is
 * published where the gateway looks: the builtin OCSP responder also answers for the new issuing
 * CA (gateways check the leaf: nginx `ssl_ocsp leaf`, our node gateway), and with lab.gateway.crl
 * the gateway is reloaded with a CRL file that also holds the new CAs' CRLs (OpenSSL wants a CRL
 * for every CA of the path once it checks any). Otherwise every new leaf would fail on a lab gap
 * (ocsp_unavailable, or unknown_ca for the missing CRL) rather than on the gateway.
 */
const options = z
  .strictObject({
    ca: z.enum(['intermediate', 'root']).meta({ description: 'Which CA is replaced: the issuing intermediate, or the root (with a new intermediate).' }),
    bundle: z
      .enum(['overlap', 'cutover'])
      .default('overlap')
      .meta({ description: "The gateway's new trust bundle: overlap (old and new CA) or cutover (new CA only)." }),
    order: z
      .enum(['bundle-first', 'leaves-first'])
      .default('bundle-first')
      .meta({ description: 'Which step comes first: the trust bundle, or the re-issued client certificates.' }),
    stepDelay: faultDurationOption({ minMs: 0, maxMs: 3_600_000, example: '3s', description: 'Time between the first and the second step.' }).prefault('3s'),
    crossSigned: z
      .boolean()
      .default(false)
      .meta({ description: 'ca root only: the new intermediate is cross-signed by the old root and the new leaves carry that copy.' }),
  })
  .refine((value) => !(value.crossSigned && value.ca !== 'root'), {
    path: ['crossSigned'],
    message: 'crossSigned applies to ca: root (a new intermediate under the same root is already trusted through it)',
  })
  .meta({ description: "Rotate the client CA in two steps (trust bundle, client certificates) in a chosen order; heal completes it." });

type RotationOptions = z.output<typeof options>;

/** The new PKI generation: what the bundle step and the leaves step put in place. */
export interface RotationPlan {
  /** The gateway's trust bundle for client certificates after the bundle step. */
  readonly trustBundlePem: string;
  /** The new issuing CA and the chain new leaves send. */
  readonly issuer: CertificateAuthority;
  readonly chain: readonly Certificate[];
  /** Every new CA, issuing CA first (ca: root adds the new root): whose CRLs the lab publishes. */
  readonly cas: readonly CertificateAuthority[];
}

/** Builds the new generation of the lab's client CA (pure but for key generation). */
export function planRotation(pki: LabPki, opts: Pick<RotationOptions, 'ca' | 'bundle' | 'crossSigned'>): RotationPlan {
  const organization = pki.root.certificate.subject.organization;
  const named = (commonName: string) => ({ commonName, ...(organization ? { organization } : {}) });
  const intermediateOptions = { subject: named(`${pki.intermediate.name} 2`), pathLength: 0 };
  if (opts.ca === 'intermediate') {
    const issuer = pki.root.issueIntermediate(intermediateOptions);
    const bundle =
      opts.bundle === 'overlap'
        ? [pki.root.certificate, pki.intermediate.certificate, issuer.certificate]
        : [pki.root.certificate, issuer.certificate];
    return { trustBundlePem: trustBundlePem(bundle), issuer, chain: [issuer.certificate], cas: [issuer] };
  }
  const root = CertificateAuthority.createRoot({ subject: named(`${pki.root.name} 2`), algorithm: pki.algorithm, pathLength: 1 });
  const issuer = root.issueIntermediate(intermediateOptions);
  const chain = opts.crossSigned ? [pki.root.crossSign(issuer, { pathLength: 0 })] : [issuer.certificate];
  const bundle = opts.bundle === 'overlap' ? [pki.root.certificate, root.certificate] : [root.certificate];
  return { trustBundlePem: trustBundlePem(bundle), issuer, chain, cas: [issuer, root] };
}

/**
 * What the lab lacks for the rotation to measure the gateway: the new issuing CA must get OCSP
 * answers when the gateway checks OCSP, and `openssl ocsp` answers for the CA it started with only.
 */
export function rotationRequirement(lab: LabSpec): string | undefined {
  const checksOcsp = lab.gateway.config !== undefined || (lab.gateway.ocsp !== undefined && lab.gateway.ocsp.mode !== 'off');
  if (lab.ocspResponder?.kind !== 'openssl' || !checksOcsp) return undefined;
  return (
    'cannot use lab.ocspResponder kind "openssl": it answers for the CA it started with only, so the new CA\'s leaves ' +
    'would get no OCSP answer (ocsp_unavailable) whatever the gateway does; use ocspResponder: { kind: builtin }, which learns the new CA'
  );
}

/** Publishes the new generation's revocation status where the lab's gateway looks (see above). */
async function publishRevocationStatus(context: FaultContext, plan: RotationPlan): Promise<void> {
  const { lab } = context;
  if (lab.ocspResponder) {
    // rotationRequirement keeps a responder that cannot learn it out of labs whose gateway asks it.
    if (lab.ocspResponder.addIssuer) {
      await lab.ocspResponder.addIssuer(plan.issuer);
      context.log(`fault ca-rotation: ${lab.ocspResponder.name} answers for ${plan.issuer.name} too`);
    } else context.log(`fault ca-rotation: ${lab.ocspResponder.name} cannot answer for the new CA`);
  }
  if (lab.crls) {
    for (const ca of plan.cas) lab.crls.add(ca);
    await lab.gateway.reload({ crlPem: lab.crls.pem() });
    context.log(`fault ca-rotation: gateway reloaded with the CRLs of ${plan.cas.map((ca) => ca.name).join(', ')} too`);
  }
}

export const caRotation: FaultDefinition<typeof options> = {
  kind: 'ca-rotation',
  summary: 'rotate the client CA (intermediate or root): trust bundle and client certificates, in either order',
  options,
  requires: (_options, lab, gateway) => labGatewayRequirement(lab, gateway) ?? rotationRequirement(lab),
  create: (opts: RotationOptions) => {
    let plan: RotationPlan | undefined;
    let leaves: ClientIdentity[] | undefined;
    const done = { bundle: false, leaves: false };
    let secondTimer: NodeJS.Timeout | undefined;
    let secondStep: Promise<void> | undefined;
    const steps = opts.order === 'bundle-first' ? (['bundle', 'leaves'] as const) : (['leaves', 'bundle'] as const);

    const run = async (context: FaultContext, step: 'bundle' | 'leaves') => {
      if (done[step] || !plan || !leaves) return;
      done[step] = true;
      if (step === 'bundle') {
        await context.lab.gateway.reload({ trustBundlePem: plan.trustBundlePem });
        // Only for diagnosing refusals the gateway does not explain (nginx without its log line).
        await context.load.retarget({ clientCaPem: plan.trustBundlePem });
      } else {
        await context.load.retarget({ identities: leaves });
      }
      context.log(`fault ca-rotation: ${step} step done`);
    };

    return {
      kind: 'ca-rotation',
      describe: () =>
        `${opts.ca} CA rotated: ${opts.bundle === 'overlap' ? 'overlap bundle (old + new)' : 'cutover bundle (new only)'}, ` +
        `${steps[0]} then ${steps[1]} ${opts.stepDelay / 1000}s later${opts.crossSigned ? ', new intermediate cross-signed by the old root' : ''}`,
      inject: async (context: FaultContext) => {
        plan = planRotation(context.pki, opts);
        const issuer = plan.issuer;
        const chain = plan.chain;
        leaves = context.load.spec.identities.map((identity) =>
          reissueClient(clientCredential(context.pki, identity.name), issuer, chain, { newKey: true }),
        );
        // After the leaves are issued (the responder learns their serials), before any is used.
        await publishRevocationStatus(context, plan);
        await run(context, steps[0]);
        secondTimer = setTimeout(() => {
          secondStep = run(context, steps[1]).catch((error: unknown) => context.log(`fault ca-rotation: ${steps[1]} step failed: ${(error as Error).message}`));
        }, opts.stepDelay);
      },
      heal: async (context: FaultContext) => {
        clearTimeout(secondTimer);
        await secondStep;
        // Completing the rotation, not undoing it: whatever step is left happens now.
        for (const step of steps) await run(context, step);
      },
    };
  },
};
