import { z } from 'zod';
import type { FaultDefinition } from './fault.js';
import { labGatewayRequirement } from './lab-gateway-requirement.js';

/**
 * TLS termination in front of the gateway: the lab's terminator (lab.tlsTerminator, in the
 * clients' path from the start, relaying TCP untouched) starts terminating the clients' mTLS
 * itself (the lab's server certificate; client certificates verified against the lab trust
 * bundle) and forwards each request as plain HTTP to the node gateway's backend listener, as a
 * load balancer that offloads TLS does. The client's certificate stops at the terminator: the
 * backend only learns of it through a forwarded header (x-ssl-client-cert, HMAC-signed with a
 * per-run secret), and must refuse a request without one (496 certificate_required) or with one
 * it cannot verify (403 forbidden).
 *
 * forwardClientCert false: the terminator forwards no identity (the classic mistake of moving TLS
 * to the edge without passing the identity on): every request must be refused. true: it forwards
 * the signed identity and the backend serves it. Heal switches it back to passthrough; the
 * switch resets the connections of the other mode either way (see interceptor-process.ts for why).
 */
const options = z
  .strictObject({
    forwardClientCert: z
      .boolean({ error: (issue) => `expected true or false, got ${JSON.stringify(issue.input)}` })
      .default(false)
      .meta({ description: 'true: the terminator forwards the client certificate in a signed x-ssl-client-cert header; false (default): it forwards no identity.' }),
  })
  .meta({ description: 'The TLS terminator in the path starts terminating mTLS and forwards plain HTTP to the gateway backend, with or without the client identity.' });

export const tlsTermination: FaultDefinition<typeof options> = {
  kind: 'tls-termination',
  summary: 'a TLS terminator in the path ends the clients\' mTLS and forwards plain HTTP, with or without a signed client identity; the backend must refuse what it cannot verify',
  options,
  requires: (_fault, lab, gateway) =>
    labGatewayRequirement(lab, gateway) ??
    (lab.tlsTerminator ? undefined : 'needs lab.tlsTerminator (the terminator it switches on); add tlsTerminator: { kind: builtin } to lab (node gateway only)'),
  create: (fault) => {
    let injected = false;
    return {
      kind: 'tls-termination',
      describe: () =>
        `TLS terminated in front of the gateway, ${fault.forwardClientCert ? 'client certificate forwarded (signed x-ssl-client-cert)' : 'without forwarding the client certificate'}`,
      inject: async ({ lab }) => {
        const terminator = lab.tlsTerminator;
        if (!terminator) throw new RangeError('the lab has no TLS terminator; add lab.tlsTerminator: { kind: builtin }');
        injected = true;
        await terminator.setMode('terminate', { forwardClientCert: fault.forwardClientCert });
      },
      heal: async ({ lab }) => {
        if (!injected) return;
        injected = false;
        await lab.tlsTerminator?.setMode('passthrough');
      },
    };
  },
};
