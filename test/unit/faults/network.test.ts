import { describe, expect, it } from 'vitest';
import { namespaceFaultOf, namespaceTargets, network, toxicOf } from '../../../src/faults/network.js';
import { assertRuntimeHostsFaults } from '../../../src/faults/index.js';
import { LabError, type StartedLab } from '../../../src/lab/index.js';
import type { LabSpec } from '../../../src/lab/index.js';

const parse = (input: unknown) => network.options.safeParse(input);
const lab = (links: LabSpec['links']): LabSpec => ({
  gateway: { kind: 'node' },
  ...(links ? { links } : {}),
});

describe('network fault options', () => {
  it('maps each toxic with its parameters', () => {
    const latency = parse({ link: 'client-gateway', toxic: 'latency', latency: '100ms', jitter: '20ms' });
    expect(latency.success && toxicOf(latency.data)).toEqual({ kind: 'latency', latencyMs: 100, jitterMs: 20 });
    const partition = parse({ link: 'gateway-ocsp', toxic: 'partition' });
    expect(partition.success && toxicOf(partition.data)).toEqual({ kind: 'partition', mode: 'blackhole' });
    const refuse = parse({ link: 'gateway-ocsp', toxic: 'partition', mode: 'refuse' });
    expect(refuse.success && toxicOf(refuse.data)).toEqual({ kind: 'partition', mode: 'refuse' });
    const bandwidth = parse({ link: 'client-gateway', toxic: 'bandwidth', rate: 2_000 });
    expect(bandwidth.success && toxicOf(bandwidth.data)).toEqual({ kind: 'bandwidth', bytesPerSecond: 2_000 });
    expect(parse({ link: 'client-gateway', toxic: 'reset' }).success).toBe(true);
    expect(parse({ link: 'client-gateway', toxic: 'blackhole' }).success).toBe(true);
  });

  it('refuses parameters of another toxic, missing ones, unknown links', () => {
    const messages = (input: unknown) => {
      const result = parse(input);
      return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    };
    expect(messages({ link: 'client-gateway', toxic: 'reset', latency: '1s' })).toEqual(['latency: applies to toxic "latency" only, got toxic "reset"']);
    expect(messages({ link: 'client-gateway', toxic: 'latency' })).toEqual(['latency: is required with toxic "latency": expected a duration like "100ms"']);
    expect(messages({ link: 'client-gateway', toxic: 'bandwidth' })[0]).toMatch(/^rate: is required/);
    expect(messages({ link: 'client-gateway', toxic: 'partition', mode: 'drop' })[0]).toMatch(/^mode: expected one of "refuse", "blackhole"/);
    expect(messages({ link: 'gateway-balancer', toxic: 'reset' })[0]).toMatch(/^link: expected one of "client-gateway", "gateway-ocsp"/);
  });

  it('requires the link in lab.links, naming the field to add', () => {
    const fault = { link: 'gateway-ocsp', toxic: 'reset' } as const;
    expect(network.requires!(fault, lab(undefined))).toBe(
      'needs lab.links to include { between: gateway-ocsp } (the fault proxy it acts through); add links: [{ between: gateway-ocsp }] to lab',
    );
    expect(network.requires!(fault, lab([{ between: 'client-gateway' }]))).toMatch(/lab\.links/);
    expect(network.requires!(fault, lab([{ between: 'gateway-ocsp' }]))).toBeUndefined();
  });

  it('describes what it does to which link', () => {
    const fault = network.create({ link: 'client-gateway', toxic: 'latency', latency: 100, jitter: 20 });
    expect(fault.describe()).toBe('latency 100 ms ± 20 ms on link client-gateway');
  });

  it('heal without an inject does nothing (safe on abort before the fault)', async () => {
    const fault = network.create({ link: 'client-gateway', toxic: 'reset' });
    await expect(fault.heal({ lab: {} } as never)).resolves.toBeUndefined();
  });

  it('loss: a probability above 0 and below 1, as a number or a percentage; docker only, no proxy needed', () => {
    const share = parse({ link: 'client-gateway', toxic: 'loss', probability: 0.2 });
    expect(share.success && namespaceFaultOf(share.data)).toEqual({ kind: 'loss', probability: 0.2 });
    const percent = parse({ link: 'client-gateway', toxic: 'loss', probability: '25%' });
    expect(percent.success && namespaceFaultOf(percent.data)).toEqual({ kind: 'loss', probability: 0.25 });
    expect(percent.success && toxicOf(percent.data)).toBeUndefined();
    const messages = (input: unknown) => {
      const result = parse(input);
      return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    };
    expect(messages({ link: 'client-gateway', toxic: 'loss' })).toEqual(['probability: is required with toxic "loss": expected a share of packets like 0.2 or "20%"']);
    expect(messages({ link: 'client-gateway', toxic: 'loss', probability: 1 })[0]).toMatch(/^probability: expected a share of packets above 0 and below 1.*got 1 \(all packets lost is a partition/);
    expect(messages({ link: 'client-gateway', toxic: 'loss', probability: '0%' })[0]).toMatch(/^probability: .*got "0%" \(no packet lost is no fault\)/);
    expect(messages({ link: 'client-gateway', toxic: 'loss', probability: 'lots' })[0]).toMatch(/^probability: expected .* like 0.2 or "20%", got "lots"$/);
    expect(messages({ link: 'client-gateway', toxic: 'partition', probability: 0.5 })).toEqual(['probability: applies to toxic "loss" only, got toxic "partition"']);
    expect(network.requires!({ link: 'client-gateway', toxic: 'loss', probability: 0.2 }, lab(undefined))).toBeUndefined();
    expect(network.create({ link: 'client-gateway', toxic: 'loss', probability: 0.2 }).describe()).toBe('packet loss 20% each way on link client-gateway');
  });

  it('the local runtime refuses loss before anything starts, naming the fault and --runtime docker', () => {
    const faults = [
      { atMs: 1_000, forMs: 1_000, kind: 'network', options: { link: 'client-gateway', toxic: 'partition' } },
      { atMs: 3_000, forMs: 1_000, kind: 'network', options: { link: 'client-gateway', toxic: 'loss', probability: 0.2 } },
    ];
    expect(() => assertRuntimeHostsFaults(faults, 'docker')).not.toThrow();
    let error: unknown;
    try {
      assertRuntimeHostsFaults(faults, 'local', 'drill.yaml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LabError);
    expect(error).toMatchObject({ code: 'E_LAB_RUNTIME', file: 'drill.yaml', path: ['faults', 1], hint: expect.stringContaining('--runtime docker') });
    expect((error as Error).message).toMatch(/^fault 2 \(network: packet loss 20% each way on link client-gateway\) needs the docker runtime/);
  });

  it('in a namespace: the gateways\' listening port for client-gateway, their traffic to the responder (or its proxy) for gateway-ocsp', () => {
    const replicas = [{ name: 'gateway-node-1' }, { name: 'gateway-node-2' }];
    const started = { replicas, ocspResponder: { labUrl: 'http://ocsp-builtin:8443/' } } as unknown as StartedLab;
    expect(namespaceTargets('client-gateway', started)).toEqual([
      { component: 'gateway-node-1', traffic: { direction: 'inbound' } },
      { component: 'gateway-node-2', traffic: { direction: 'inbound' } },
    ]);
    expect(namespaceTargets('gateway-ocsp', started)[0]).toEqual({ component: 'gateway-node-1', traffic: { direction: 'outbound', peer: { host: 'ocsp-builtin', port: 8443 } } });
    const proxied = { ...started, links: { 'gateway-ocsp': { address: { host: 'proxy-gateway-ocsp', port: 8443 } } } } as unknown as StartedLab;
    expect(namespaceTargets('gateway-ocsp', proxied)[1]!.traffic).toEqual({ direction: 'outbound', peer: { host: 'proxy-gateway-ocsp', port: 8443 } });
  });
});
