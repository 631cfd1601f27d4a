import { describe, expect, it } from 'vitest';
import { network, toxicOf } from '../../../src/faults/network.js';
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
});
