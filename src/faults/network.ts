import { z } from 'zod';
import {
  describeNamespaceFault,
  describeToxic,
  LINK_NAMES,
  type AppliedNamespaceFault,
  type LinkName,
  type NamespaceFault,
  type NamespaceTraffic,
  type StartedLab,
  type Toxic,
} from '../lab/index.js';
import type { FaultDefinition } from './fault.js';
import { faultDurationOption } from './fault-duration.js';
import { labGatewayRequirement } from './lab-gateway-requirement.js';

/**
 * The network between two components misbehaves: the fault proxy the lab placed on the link
 * (lab.links) gets a toxic, in the spirit of Toxiproxy, and loses it on heal. Every connection
 * of the link is affected, old and new: a keep-alive connection the gateway holds open to the
 * OCSP responder is cut by a partition just as a new one is.
 *
 * On the docker runtime, partition and loss act inside the network namespace of the link's
 * server-side container instead (iptables from a helper container, src/lab/docker/namespace-faults.ts):
 * the kernel drops the packets, as a real firewall or a lossy network would. Loss exists only
 * there: a proxy relays a TCP byte stream and cannot lose a packet of it (TCP would resend it).
 * Latency, blackhole, reset and bandwidth stay on the proxy in both runtimes: `tc netem` would
 * be the namespace's way to delay packets, and this machine's kernel has no sch_netem.
 */
export const NETWORK_TOXICS = ['latency', 'blackhole', 'reset', 'bandwidth', 'partition', 'loss'] as const;
const PARTITION_MODES = ['refuse', 'blackhole'] as const;

const listOf = (values: readonly string[]) => values.map((value) => `"${value}"`).join(', ');

const PROBABILITY_EXPECTED = 'a share of packets above 0 and below 1, like 0.2 or "20%"';

/** toxic loss: 0.2 or "20%", parsed to a number once at the edge; 0 and 1 are refused (no fault, or a partition). */
const probabilityOption = z
  .union([z.number(), z.string()], { error: (issue) => `expected ${PROBABILITY_EXPECTED}, got ${JSON.stringify(issue.input)}` })
  .meta({ description: `toxic loss: the share of packets dropped each way, ${PROBABILITY_EXPECTED}.`, examples: [0.2, '20%'] })
  .transform((value, context) => {
    const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)\s*%$/.exec(value.trim()) : undefined;
    const probability = typeof value === 'number' ? value : match ? Number(match[1]) / 100 : Number.NaN;
    if (!(probability > 0 && probability < 1)) {
      const why = Number.isNaN(probability) ? '' : probability >= 1 ? ' (all packets lost is a partition: use toxic "partition")' : ' (no packet lost is no fault)';
      context.addIssue({ code: 'custom', message: `expected ${PROBABILITY_EXPECTED}, got ${JSON.stringify(value)}${why}`, input: value });
      return z.NEVER;
    }
    return probability;
  });

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
          'connections; bandwidth: at most `rate` bytes/s each way; partition: both directions cut (`mode` refuse or blackhole); ' +
          'loss: each packet dropped with `probability`, each way (docker runtime only).',
      }),
    latency: faultDurationOption({ minMs: 0, maxMs: 60_000, example: '100ms', description: 'toxic latency: the delay added to every chunk each way.' }).optional(),
    jitter: faultDurationOption({ minMs: 0, maxMs: 60_000, example: '20ms', description: 'toxic latency: ± this much, uniformly (default 0).' }).optional(),
    rate: z
      .int({ error: (issue) => `expected bytes per second (a whole number from 1), got ${JSON.stringify(issue.input)}` })
      .min(1, { error: (issue) => `expected bytes per second (a whole number from 1), got ${JSON.stringify(issue.input)}` })
      .optional()
      .meta({ description: 'toxic bandwidth: bytes per second each way.' }),
    probability: probabilityOption.optional(),
    mode: z
      .enum(PARTITION_MODES, { error: (issue) => `expected one of ${listOf(PARTITION_MODES)}, got ${JSON.stringify(issue.input)}` })
      .optional()
      .meta({ description: 'toxic partition: refuse (nothing listens: connection refused) or blackhole (nothing crosses; default).' }),
  })
  .superRefine((value, context) => {
    const only = (field: 'latency' | 'jitter' | 'rate' | 'mode' | 'probability', toxic: (typeof NETWORK_TOXICS)[number]) => {
      if (value[field] !== undefined && value.toxic !== toxic) {
        context.addIssue({ code: 'custom', path: [field], message: `applies to toxic "${toxic}" only, got toxic "${value.toxic}"`, input: undefined });
      }
    };
    only('latency', 'latency');
    only('jitter', 'latency');
    only('rate', 'bandwidth');
    only('mode', 'partition');
    only('probability', 'loss');
    if (value.toxic === 'loss' && value.probability === undefined) {
      context.addIssue({ code: 'custom', path: ['probability'], message: 'is required with toxic "loss": expected a share of packets like 0.2 or "20%"', input: undefined });
    }
    if (value.toxic === 'latency' && value.latency === undefined) {
      context.addIssue({ code: 'custom', path: ['latency'], message: 'is required with toxic "latency": expected a duration like "100ms"', input: undefined });
    }
    if (value.toxic === 'bandwidth' && value.rate === undefined) {
      context.addIssue({ code: 'custom', path: ['rate'], message: 'is required with toxic "bandwidth": expected bytes per second like 10000', input: undefined });
    }
  })
  .meta({ description: 'A toxic on a link of lab.links: link, toxic, and the toxic\'s parameters.' });

export type NetworkOptions = z.output<typeof options>;

/** The proxy's toxic for the fault's options (none for loss); pure, so the mapping is unit-tested. */
export function toxicOf(fault: NetworkOptions): Toxic | undefined {
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
    case 'loss':
      return undefined;
  }
}

/** What the fault is in a container's network namespace, for the toxics that can act there. */
export function namespaceFaultOf(fault: NetworkOptions): NamespaceFault | undefined {
  if (fault.toxic === 'partition') return { kind: 'partition', mode: fault.mode ?? 'blackhole' };
  if (fault.toxic === 'loss') return { kind: 'loss', probability: fault.probability ?? 0 };
  return undefined;
}

/**
 * Where a namespace fault goes for a link: the namespace of the link's server side. client-gateway:
 * each gateway container, connections to its listening port; gateway-ocsp: each gateway
 * container, its connections to the responder (or to the fault proxy in front of it, which is
 * what the gateway talks to).
 */
export function namespaceTargets(link: LinkName, lab: StartedLab): { component: string; traffic: NamespaceTraffic }[] {
  const gateways = lab.replicas.map((replica) => replica.name);
  if (link === 'client-gateway') return gateways.map((component) => ({ component, traffic: { direction: 'inbound' } }));
  const proxy = lab.links?.['gateway-ocsp'];
  const responderUrl = lab.ocspResponder?.labUrl;
  const peer = proxy ? proxy.address : responderUrl ? { host: new URL(responderUrl).hostname, port: Number(new URL(responderUrl).port) } : undefined;
  if (!peer) throw new RangeError('link gateway-ocsp: the lab has no OCSP responder of its own to cut the gateway off from; add lab.ocspResponder');
  return gateways.map((component) => ({ component, traffic: { direction: 'outbound', peer } }));
}

export const network: FaultDefinition<typeof options> = {
  kind: 'network',
  summary: 'a toxic (latency, blackhole, reset, bandwidth, partition; loss on docker) on a link, removed on heal: through the fault proxy of lab.links, or in the gateway container\'s network namespace (docker: partition, loss)',
  options,
  requires: (fault, lab, gateway) =>
    // On an external gateway only the harness's own link is there to act on.
    (fault.toxic === 'loss' || fault.link !== 'client-gateway' ? labGatewayRequirement(lab, gateway) : undefined) ??
    (    // loss acts only in the namespace (docker), never through a proxy.
    fault.toxic === 'loss' || lab.links?.some((link) => link.between === fault.link)
      ? undefined
      : `needs lab.links to include { between: ${fault.link} } (the fault proxy it acts through); add links: [{ between: ${fault.link} }] to lab`),
  requiresRuntime: (fault) =>
    fault.toxic === 'loss'
      ? { runtime: 'docker', why: 'packet loss is applied in the gateway container\'s network namespace; the local fault proxy relays a TCP stream and cannot lose its packets' }
      : undefined,
  create: (fault) => {
    const toxic = toxicOf(fault);
    const inNamespace = namespaceFaultOf(fault);
    let injected = false;
    let applied: AppliedNamespaceFault[] = [];
    const healNamespaces = async () => {
      const healing = applied;
      applied = [];
      await Promise.all(healing.map((one) => one.heal()));
    };
    return {
      kind: 'network',
      describe: () => `${toxic ? describeToxic(toxic) : describeNamespaceFault(inNamespace!)} on link ${fault.link}`,
      // The helper containers start with the load, not at `at`: applying is then one exec (tens of ms).
      arm: async ({ lab }) => {
        const namespaces = lab.networkNamespaces;
        if (!inNamespace || !namespaces) return;
        await Promise.all(namespaceTargets(fault.link, lab).map(({ component }) => namespaces.prepare(component)));
      },
      inject: async ({ lab, log }) => {
        const namespaces = lab.networkNamespaces;
        if (inNamespace && namespaces) {
          injected = true;
          try {
            for (const { component, traffic } of namespaceTargets(fault.link, lab)) {
              applied.push(await namespaces.apply(component, inNamespace, traffic));
              log(`network: ${describeNamespaceFault(inNamespace)} in the network namespace of ${component} (iptables)`);
            }
          } catch (error) {
            await healNamespaces();
            throw error;
          }
          return;
        }
        if (!toxic) throw new RangeError(`toxic ${fault.toxic} needs the docker runtime (network namespaces); run with --runtime docker`);
        const proxy = lab.links?.[fault.link];
        if (!proxy) throw new RangeError(`the lab has no fault proxy on link ${fault.link}; add lab.links: [{ between: ${fault.link} }]`);
        injected = true;
        await proxy.setToxic(toxic);
      },
      heal: async ({ lab }) => {
        if (!injected) return;
        injected = false;
        if (lab.networkNamespaces && inNamespace) await healNamespaces();
        else await lab.links?.[fault.link]?.setToxic(undefined);
      },
    };
  },
};
