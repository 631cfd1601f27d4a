import { describe, expect, it } from 'vitest';
import { interception } from '../../../src/faults/interception.js';
import type { FaultContext } from '../../../src/faults/index.js';
import type { LoadTargetSpec } from '../../../src/load/index.js';

/** A lab with a fake interceptor and a load whose retargets are recorded. */
function fakeContext() {
  const events: string[] = [];
  let spec = { url: 'https://127.0.0.1:9000/', caPem: 'LAB-ROOT\n', identities: [] } as unknown as LoadTargetSpec;
  const context = {
    lab: {
      interceptor: {
        host: '127.0.0.1',
        port: 9100,
        caPem: 'INTERCEPTION-CA\n',
        setMode: async (mode: string) => {
          events.push(`mode ${mode}`);
        },
      },
    },
    load: {
      get spec() {
        return spec;
      },
      retarget: async (changes: Partial<LoadTargetSpec>) => {
        events.push(`trust ${JSON.stringify(changes.caPem)}`);
        spec = { ...spec, ...changes };
      },
    },
  } as unknown as FaultContext;
  return { context, events, spec: () => spec };
}

describe('interception fault', () => {
  it('trusted: switches the interceptor first, then adds its CA to the clients\' trust; heal undoes both', async () => {
    const { context, events, spec } = fakeContext();
    const fault = interception.create({ clientsTrustInterceptor: true });
    await fault.inject(context);
    expect(spec().caPem).toBe('INTERCEPTION-CA\nLAB-ROOT\n');
    await fault.heal(context);
    expect(events).toEqual(['mode intercept', 'trust "INTERCEPTION-CA\\nLAB-ROOT\\n"', 'mode passthrough', 'trust "LAB-ROOT\\n"']);
    expect(spec().caPem).toBe('LAB-ROOT\n');
    expect(spec().url).toBe('https://127.0.0.1:9000/');
  });

  it('untrusted: the clients\' trust is left alone', async () => {
    const { context, events } = fakeContext();
    const fault = interception.create({ clientsTrustInterceptor: false });
    await fault.inject(context);
    await fault.heal(context);
    await fault.heal(context);
    expect(events).toEqual(['mode intercept', 'mode passthrough']);
    expect(fault.describe()).toBe('TLS interception, clients do not trust the interception CA');
  });

  it('requires lab.interceptor, naming the field to add', () => {
    expect(interception.requires!({ clientsTrustInterceptor: true }, { gateway: { kind: 'node' } })).toBe(
      'needs lab.interceptor (the man-in-the-middle it switches on); add interceptor: { kind: builtin } to lab',
    );
    expect(interception.requires!({ clientsTrustInterceptor: true }, { gateway: { kind: 'node' }, interceptor: { kind: 'builtin' } })).toBeUndefined();
  });

  it('refuses a missing or non-boolean clientsTrustInterceptor', () => {
    expect(interception.options.safeParse({}).success).toBe(false);
    expect(interception.options.safeParse({ clientsTrustInterceptor: 'yes' }).success).toBe(false);
  });
});
