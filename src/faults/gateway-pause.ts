import { z } from 'zod';
import type { FaultDefinition } from './fault.js';
import { labGatewayRequirement } from './lab-gateway-requirement.js';

/**
 * The gateway hangs: every gateway process is frozen with SIGSTOP and thawed with SIGCONT. The
 * kernel keeps accepting TCP connections into the listen backlog, so clients connect and then
 * wait: what a gateway stuck in a GC pause, a deadlock or a CPU-starved container looks like.
 * Healthy clients time out (handshake_timeout) and recover as soon as the gateway runs again.
 */
const options = z.strictObject({}).meta({ description: 'No options: every gateway process is frozen.' });

export const gatewayPause: FaultDefinition<typeof options> = {
  kind: 'gateway-pause',
  summary: 'freeze every gateway process (SIGSTOP) and thaw it on heal (SIGCONT)',
  options,
  requires: (_options, lab, gateway) => labGatewayRequirement(lab, gateway),
  create: () => {
    let frozen: number[] = [];
    return {
      kind: 'gateway-pause',
      describe: () => 'gateway processes frozen (SIGSTOP)',
      inject: async ({ lab }) => {
        frozen = lab.gateway.pids();
        for (const pid of frozen) process.kill(pid, 'SIGSTOP');
      },
      heal: async () => {
        for (const pid of frozen.splice(0)) {
          try {
            process.kill(pid, 'SIGCONT');
          } catch {
            // already gone: nothing to thaw
          }
        }
      },
    };
  },
};
