import { z } from 'zod';
import { faultDurationOption } from './fault-duration.js';
import type { FaultContext, FaultDefinition } from './fault.js';
import {
  applyCertificates,
  CERTIFICATE_TARGETS,
  currentWindow,
  expiredWindow,
  originalCertificates,
  reissueWithValidity,
  restoreFor,
  type LabCertificateSwap,
} from './lab-certificates.js';
import { labGatewayRequirement } from './lab-gateway-requirement.js';

/**
 * A certificate expires: at `at` the target is replaced by the same certificate (same key, same
 * names) re-issued with a notAfter in the past, which is what a peer sees the second after a real
 * expiry. client: every load identity; server: the gateway's certificate (hot reload);
 * intermediate: the intermediate in the client chains and in the server chain; root: the root in
 * the gateway's trust bundle and in what the clients trust.
 *
 * renewal: { after } brings a renewed certificate (valid now) that long after the expiry, inside
 * the fault window, as a late renewal job would; 'never' (the default) leaves it expired until
 * heal. Heal restores the run's original certificates.
 */
const options = z
  .strictObject({
    target: z.enum(CERTIFICATE_TARGETS).meta({ description: 'Which certificate expires: client, server, intermediate or root.' }),
    renewal: z
      .union([
        z.literal('never'),
        z.strictObject({ after: faultDurationOption({ minMs: 0, maxMs: 86_400_000, example: '5s', description: 'How long after the expiry the renewed certificate arrives.' }) }),
      ])
      .default('never')
      .meta({ description: "'never' (default), or { after: '5s' }: a renewed certificate arrives that long after the expiry." }),
  })
  .meta({ description: 'The target certificate is replaced by one already expired (same key and names, notAfter in the past).' });

type ExpiryOptions = z.output<typeof options>;

export const expiry: FaultDefinition<typeof options> = {
  kind: 'expiry',
  summary: 'a client, server, intermediate or root certificate expires (optionally renewed late)',
  options,
  // A server, intermediate or root swap reloads the gateway; a client one is the harness's own.
  requires: (opts, lab, gateway) => (opts.target === 'client' ? undefined : labGatewayRequirement(lab, gateway)),
  create: (opts: ExpiryOptions) => {
    const renewalMs = opts.renewal === 'never' ? undefined : opts.renewal.after;
    let original: Required<LabCertificateSwap> | undefined;
    let swapped: LabCertificateSwap | undefined;
    let renewalTimer: NodeJS.Timeout | undefined;
    let renewing: Promise<void> | undefined;
    let healed = false;
    return {
      kind: 'expiry',
      describe: () =>
        `${opts.target} certificate expired${renewalMs === undefined ? ', never renewed' : `, renewed ${renewalMs / 1000}s later`}`,
      inject: async (context: FaultContext) => {
        original = originalCertificates(context);
        const expired = reissueWithValidity(context.pki, opts.target, expiredWindow(new Date()), original);
        swapped = expired;
        await applyCertificates(context, expired);
        if (renewalMs !== undefined) {
          renewalTimer = setTimeout(() => {
            if (healed) return;
            renewing = (async () => {
              const renewed = reissueWithValidity(context.pki, opts.target, currentWindow(new Date()), original!);
              await applyCertificates(context, renewed);
              context.log(`fault expiry: renewed ${opts.target} certificate arrived`);
            })().catch((error: unknown) => context.log(`fault expiry: renewal failed: ${(error as Error).message}`));
          }, renewalMs);
        }
      },
      heal: async (context: FaultContext) => {
        healed = true;
        clearTimeout(renewalTimer);
        await renewing;
        if (original && swapped) await applyCertificates(context, restoreFor(swapped, original));
      },
    };
  },
};
