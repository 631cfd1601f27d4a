import { z } from 'zod';
import type { FaultContext, FaultDefinition } from './fault.js';
import {
  applyCertificates,
  CERTIFICATE_TARGETS,
  futureWindow,
  originalCertificates,
  reissueWithValidity,
  restoreFor,
  type LabCertificateSwap,
} from './lab-certificates.js';
import { labGatewayRequirement } from './lab-gateway-requirement.js';

/**
 * A certificate that is not valid yet: at `at` the target is replaced by the same certificate
 * re-issued with a notBefore one hour in the future, what a CA with a fast clock (or a renewal
 * that set notBefore to "tomorrow") hands out. Heal restores the originals.
 *
 * Clock skew through libfaketime (a component whose clock runs ahead or behind) is not a fault
 * kind here: libfaketime is not installed on our machines, and the same verdict (X509_V_ERR 9,
 * "certificate is not yet valid") is produced honestly by the certificate itself.
 */
const options = z
  .strictObject({
    target: z.enum(CERTIFICATE_TARGETS).meta({ description: 'Which certificate is not valid yet: client, server, intermediate or root.' }),
  })
  .meta({ description: 'The target certificate is replaced by one whose notBefore is an hour in the future (same key and names).' });

export const notYetValid: FaultDefinition<typeof options> = {
  kind: 'not-yet-valid',
  summary: 'a client, server, intermediate or root certificate is replaced by one with notBefore in the future',
  options,
  // A server, intermediate or root swap reloads the gateway; a client one is the harness's own.
  requires: (opts, lab, gateway) => (opts.target === 'client' ? undefined : labGatewayRequirement(lab, gateway)),
  create: (opts) => {
    let original: Required<LabCertificateSwap> | undefined;
    let swapped: LabCertificateSwap | undefined;
    return {
      kind: 'not-yet-valid',
      describe: () => `${opts.target} certificate not valid for another hour (notBefore in the future)`,
      inject: async (context: FaultContext) => {
        original = originalCertificates(context);
        swapped = reissueWithValidity(context.pki, opts.target, futureWindow(new Date()), original);
        await applyCertificates(context, swapped);
      },
      heal: async (context: FaultContext) => {
        if (original && swapped) await applyCertificates(context, restoreFor(swapped, original));
      },
    };
  },
};
