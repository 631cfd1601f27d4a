import { z } from 'zod';
import type { FaultDefinition } from './fault.js';

/**
 * TLS interception: the lab's interceptor (lab.interceptor, in the clients' path from the start,
 * relaying TCP untouched) switches to intercepting: it re-signs the gateway's name with its own
 * CA and connects to the gateway without a client certificate (it cannot forward one: it never
 * has the client's key). Heal switches it back to passthrough.
 *
 * clientsTrustInterceptor true: the clients' trust store gains the interception CA (as a managed
 * fleet with the proxy's CA pushed to it would; LoadControl.retarget), their handshake with the
 * interceptor succeeds, and the gateway must refuse the certificate-less connection:
 * certificate_required. false: the clients trust only the lab root and refuse the interceptor's
 * certificate: unknown_ca. Either way a healthy system lets no intercepted attempt through.
 *
 * Why switch an interceptor already in the path rather than retarget the load at one: attempts
 * in flight to the gateway at the moment of a retarget finish inside the fault window with an
 * honest `ok`, and "no attempt got through during interception" could only be judged up to that
 * race. The interceptor resets its passthrough connections when it switches, so every attempt of
 * the fault window either was intercepted or was cut by the switch.
 */
const options = z
  .strictObject({
    clientsTrustInterceptor: z
      .boolean({ error: (issue) => `expected true or false, got ${JSON.stringify(issue.input)}` })
      .meta({ description: 'true: clients trust the interception CA (the gateway must refuse); false: they do not (the clients must refuse).' }),
  })
  .meta({ description: 'The interceptor in the path starts intercepting: clientsTrustInterceptor true or false.' });

export const interception: FaultDefinition<typeof options> = {
  kind: 'interception',
  summary: 'the TLS interceptor in the path re-signs with its own CA (trusted by the clients or not); the gateway or the clients must refuse',
  options,
  requires: (_fault, lab) =>
    lab.interceptor ? undefined : 'needs lab.interceptor (the man-in-the-middle it switches on); add interceptor: { kind: builtin } to lab',
  create: (fault) => {
    let originalCaPem: string | undefined;
    let injected = false;
    return {
      kind: 'interception',
      describe: () => `TLS interception, clients ${fault.clientsTrustInterceptor ? 'trust' : 'do not trust'} the interception CA`,
      inject: async ({ lab, load }) => {
        const interceptor = lab.interceptor;
        if (!interceptor) throw new RangeError('the lab has no interceptor; add lab.interceptor: { kind: builtin }');
        injected = true;
        // Switch first, trust second: every moment between the planned time and the switch is one
        // in which an attempt could still get through un-intercepted inside the fault window;
        // an attempt that meets the interceptor before its clients trust it is refused (unknown_ca).
        await interceptor.setMode('intercept');
        if (fault.clientsTrustInterceptor) {
          originalCaPem = load.spec.caPem;
          await load.retarget({ caPem: `${interceptor.caPem}${originalCaPem}` });
        }
      },
      heal: async ({ lab, load }) => {
        if (!injected) return;
        injected = false;
        await lab.interceptor?.setMode('passthrough');
        if (originalCaPem !== undefined) {
          const caPem = originalCaPem;
          originalCaPem = undefined;
          await load.retarget({ caPem });
        }
      },
    };
  },
};
