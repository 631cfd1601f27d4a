import { z } from 'zod';
import { describeToxic, LINK_NAMES, type LinkName, type Toxic } from '../lab/index.js';
import type { FaultDefinition } from './fault.js';
import { faultDurationOption } from './fault-duration.js';

/**
 * The network between two components misbehaves: the fault proxy the lab placed on the link
 * (lab.links) gets a toxic, in the spirit of Toxiproxy, and loses it on heal. Every connection
 * of the link is affected, old and new: a keep-alive connection the gateway holds open to the
 * OCSP responder is cut by a partition just as a new one is.
 */
export const NETWORK_TOXICS = ['latency', 'blackhole', 'reset', 'bandwidth', 'partition'] as const;
const PARTITION_MODES = ['refuse', 'blackhole'] as const;

const listOf = (values: readonly string[]) => values.map((value) => `"${value}"`).join(', ');

const options = z
  .strictObject({
    link: z
      .enum(LINK_NAMES as [LinkName, ...LinkName[]], { error: (issue) => `expected one of ${listOf(LINK_NAMES)}, got ${JSON.stringify(issue.input)}` })
      .meta({ description: 'Which link: client-gateway (the load to the gateway) or gateway-ocsp (the gateway to its OCSP responder).' }),
    toxic: z
      .enum(NETWORK_TOXICS, { error: (issue) => `expected one of ${listOf(NETWORK_TOXICS)}, got ${JSON.stringify(issue.input)}` })
      .meta({
        description:
          'latency: each chunk held `latency` ± `jitter`; blackhole: accepted, never forwarded; reset: TCP RST on open and new ' +
          'connections; bandwidth: at most `rate` bytes/s each way; partition: both directions cut (`mode` refuse or blackhole).',
      }),
    latency: faultDurationOption({ minMs: 0, maxMs: 60_000, example: '100ms', description: 'toxic latency: the delay added to every chunk each way.' }).optional(),
    jitter: faultDurationOption({ minMs: 0, maxMs: 60_000, example: '20ms', description: 'toxic latency: ± this much, uniformly (default 0).' }).optional(),
    rate: z
      .int({ error: (issue) => `expected bytes per second (a whole number from 1), got ${JSON.stringify(issue.input)}` })
      .min(1, { error: (issue) => `expected bytes per second (a whole number from 1), got ${JSON.stringify(issue.input)}` })
      .optional()
      .meta({ description: 'toxic bandwidth: bytes per second each way.' }),
    mode: z
      .enum(PARTITION_MODES, { error: (issue) => `expected one of ${listOf(PARTITION_MODES)}, got ${JSON.stringify(issue.input)}` })
      .optional()
      .meta({ description: 'toxic partition: refuse (nothing listens: connection refused) or blackhole (nothing crosses; default).' }),
  })
  .superRefine((value, context) => {
    const only = (field: 'latency' | 'jitter' | 'rate' | 'mode', toxic: (typeof NETWORK_TOXICS)[number]) => {
      if (value[field] !== undefined && value.toxic !== toxic) {
        context.addIssue({ code: 'custom', path: [field], message: `applies to toxic "${toxic}" only, got toxic "${value.toxic}"`, input: undefined });
      }
    };
    only('latency', 'latency');
    only('jitter', 'latency');
    only('rate', 'bandwidth');
    only('mode', 'partition');
    if (value.toxic === 'latency' && value.latency === undefined) {
      context.addIssue({ code: 'custom', path: ['latency'], message: 'is required with toxic "latency": expected a duration like "100ms"', input: undefined });
    }
    if (value.toxic === 'bandwidth' && value.rate === undefined) {
      context.addIssue({ code: 'custom', path: ['rate'], message: 'is required with toxic "bandwidth": expected bytes per second like 10000', input: undefined });
    }
  })
  .meta({ description: 'A toxic on a link of lab.links: link, toxic, and the toxic\'s parameters.' });

export type NetworkOptions = z.output<typeof options>;

/** The proxy's toxic for the fault's options; pure, so the mapping is unit-tested. */
export function toxicOf(fault: NetworkOptions): Toxic {
  switch (fault.toxic) {
    case 'latency':
      return { kind: 'latency', latencyMs: fault.latency ?? 0, jitterMs: fault.jitter ?? 0 };
    case 'blackhole':
      return { kind: 'blackhole' };
    case 'reset':
      return { kind: 'reset' };
    case 'bandwidth':
      return { kind: 'bandwidth', bytesPerSecond: fault.rate ?? 1 };
    case 'partition':
      return { kind: 'partition', mode: fault.mode ?? 'blackhole' };
  }
}

export const network: FaultDefinition<typeof options> = {
  kind: 'network',
  summary: 'a toxic (latency, blackhole, reset, bandwidth, partition) on a link of lab.links, removed on heal',
  options,
  requires: (fault, lab) =>
    lab.links?.some((link) => link.between === fault.link)
      ? undefined
      : `needs lab.links to include { between: ${fault.link} } (the fault proxy it acts through); add links: [{ between: ${fault.link} }] to lab`,
  create: (fault) => {
    const toxic = toxicOf(fault);
    let injected = false;
    return {
      kind: 'network',
      describe: () => `${describeToxic(toxic)} on link ${fault.link}`,
      inject: async ({ lab }) => {
        const proxy = lab.links?.[fault.link];
        if (!proxy) throw new RangeError(`the lab has no fault proxy on link ${fault.link}; add lab.links: [{ between: ${fault.link} }]`);
        injected = true;
        await proxy.setToxic(toxic);
      },
      heal: async ({ lab }) => {
        if (!injected) return;
        injected = false;
        await lab.links?.[fault.link]?.setToxic(undefined);
      },
    };
  },
};
