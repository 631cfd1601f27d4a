import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FaultContext } from '../../../src/faults/index.js';
import { staleReplicas } from '../../../src/faults/stale-replicas.js';
import type { GatewayReloadFiles, LabSpec, StartedGateway } from '../../../src/lab/index.js';
import type { LoadTargetSpec } from '../../../src/load/index.js';
import { buildLabPki, splitPemBundle, type LabPki } from '../../../src/pki/index.js';
import { ScenarioError, validateScenario } from '../../../src/scenario/index.js';
import { validInput } from '../scenario/scenario-fixtures.js';

function problemOf(input: unknown): { readonly path: readonly (string | number)[]; readonly message: string } | undefined {
  try {
    validateScenario(input, 'drill.ts');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as ScenarioError).problems[0];
  }
  return undefined;
}

const lab = (replicas: number, extra: Partial<LabSpec> = {}): LabSpec => ({
  gateway: { kind: 'node', replicas },
  balancer: { kind: 'builtin' },
  ...extra,
});

describe('stale-replicas options and requirements', () => {
  it('defaults what to trust-bundle and refuses a negative or fractional reach', () => {
    expect(staleReplicas.options.parse({ reached: 2 })).toEqual({ reached: 2, what: 'trust-bundle' });
    expect(staleReplicas.options.safeParse({ reached: -1 }).success).toBe(false);
    expect(staleReplicas.options.safeParse({ reached: 1.5 }).success).toBe(false);
    expect(staleReplicas.options.safeParse({ reached: 1, what: 'leaf' }).error?.issues[0]?.message).toMatch(/trust-bundle.*server-certificate.*got "leaf"/);
  });

  it('needs several replicas behind the balancer, and no more reach than replicas', () => {
    const opts = { reached: 2, what: 'trust-bundle' } as const;
    expect(staleReplicas.requires?.(opts, { gateway: { kind: 'node' } })).toMatch(/lab\.gateway\.replicas >= 2.*lab\.balancer/);
    expect(staleReplicas.requires?.(opts, lab(3))).toBeUndefined();
    expect(staleReplicas.requires?.({ reached: 4, what: 'trust-bundle' }, lab(3))).toMatch(/replicas >= reached \(4\); the lab has 3/);
    expect(
      staleReplicas.requires?.(opts, lab(3, { gateway: { kind: 'node', replicas: 3, ocsp: { mode: 'hard-fail', cacheTtlMs: 0, timeoutMs: 1_000 } } })),
    ).toMatch(/ocsp\.mode off/);
    expect(staleReplicas.requires?.({ reached: 2, what: 'server-certificate' }, lab(3, { gateway: { kind: 'node', replicas: 3, crl: true } }))).toBeUndefined();
  });

  it('is checked by scenario validation, which also wants a balancer in front of replicas', () => {
    const fault = { at: '2s', for: '2s', kind: 'stale-replicas', reached: 2 };
    expect(problemOf({ ...validInput(), faults: [fault] })).toMatchObject({
      path: ['faults', 0, 'kind'],
      message: expect.stringMatching(/needs lab\.gateway\.replicas >= 2/),
    });
    expect(problemOf({ ...validInput(), lab: { gateway: { kind: 'node', replicas: 3 } } })).toMatchObject({
      path: ['lab', 'balancer'],
      message: expect.stringMatching(/is required when lab\.gateway\.replicas is 3/),
    });
    expect(problemOf({ ...validInput(), lab: { gateway: { kind: 'node', replicas: 9 }, balancer: { kind: 'builtin' } } })).toMatchObject({
      path: ['lab', 'gateway', 'replicas'],
      message: expect.stringMatching(/1 to 8, got 9/),
    });
    const scenario = validateScenario({ ...validInput(), lab: { gateway: { kind: 'nginx', replicas: 3 }, balancer: { kind: 'builtin' } }, faults: [fault] }, 'drill.ts');
    expect(scenario.lab.gateway.replicas).toBe(3);
    expect(scenario.lab.balancer).toEqual({ kind: 'builtin' });
    expect(validateScenario(validInput(), 'drill.ts').lab.gateway.replicas).toBe(1);
  });
});

/** Replicas and a load that write down what was done to them, in order. */
function fakeContext(pki: LabPki, count: number) {
  const events: string[] = [];
  const reloads = new Map<string, GatewayReloadFiles[]>();
  const replicas = Array.from({ length: count }, (_, index): StartedGateway => {
    const name = `gateway-node-${index + 1}`;
    reloads.set(name, []);
    return {
      name,
      kind: 'node',
      host: '127.0.0.1',
      port: 1000 + index,
      servername: 'localhost',
      caPem: pki.root.certificate.pem,
      pids: () => [],
      reload: async (files = {}) => {
        events.push(`reload ${name}`);
        reloads.get(name)!.push(files);
      },
      stop: async () => undefined,
    };
  });
  let spec: LoadTargetSpec = {
    url: 'https://127.0.0.1:1/',
    identities: pki.clients.map((client) => ({ name: client.name, certPem: client.chainPem, keyPem: client.keyPem })),
    caPem: pki.root.certificate.pem,
  };
  const context = {
    lab: { gateway: replicas[0], replicas },
    pki,
    load: {
      get spec() {
        return spec;
      },
      retarget: async (changes: Partial<LoadTargetSpec>) => {
        events.push(`retarget ${Object.keys(changes).sort().join('+')}`);
        spec = { ...spec, ...changes };
      },
    },
    workDir: '/nonexistent',
    log: () => undefined,
    signal: new AbortController().signal,
  } as unknown as FaultContext;
  return { context, events, reloads, spec: () => spec };
}

const subjectsOf = (pem: string) => splitPemBundle(pem).map((der) => new X509Certificate(der).subject.split('\n').find((line) => line.startsWith('CN=')));

describe('stale-replicas inject and heal', () => {
  let pki: LabPki;
  beforeAll(async () => {
    pki = await buildLabPki({ clients: 2 });
  });

  it('trust-bundle: the first M replicas get old + new CA before the clients move to the new CA; heal reaches all', async () => {
    const fault = staleReplicas.create({ reached: 2, what: 'trust-bundle' });
    const { context, events, reloads, spec } = fakeContext(pki, 3);
    await fault.heal(context); // before inject: nothing rotated, nothing to do
    expect(events).toEqual([]);
    await fault.inject(context);
    expect(events).toEqual(['reload gateway-node-1', 'reload gateway-node-2', 'retarget clientCaPem+identities']);
    const bundle = reloads.get('gateway-node-1')![0]!.trustBundlePem!;
    expect(subjectsOf(bundle)).toEqual(['CN=mtls-chaos Lab Root CA', 'CN=mtls-chaos Lab Root CA G2']);
    expect(reloads.get('gateway-node-3')).toEqual([]);
    const identity = spec().identities[0]!;
    expect(identity.name).toBe(pki.clients[0]!.name);
    // The client leaf now comes from the new intermediate, sent with it.
    expect(subjectsOf(identity.certPem)).toEqual(['CN=client-1', 'CN=mtls-chaos Lab Intermediate CA G2']);
    expect(identity.keyPem).not.toBe(pki.clients[0]!.keyPem);

    events.length = 0;
    await fault.heal(context);
    // The push completes: only the stale replica still needed the bundle.
    expect(events).toEqual(['reload gateway-node-3', 'retarget clientCaPem+identities']);
    expect(reloads.get('gateway-node-3')![0]!.trustBundlePem).toBe(bundle);
    expect(spec().identities[0]).toEqual(identity); // the clients stay on the new CA
  });

  it('server-certificate: clients trust both, M replicas switch, clients retire the old CA; the stale replica keeps the old certificate', async () => {
    const fault = staleReplicas.create({ reached: 1, what: 'server-certificate' });
    const { context, events, reloads, spec } = fakeContext(pki, 3);
    await fault.inject(context);
    expect(events).toEqual(['retarget caPem+clientCaPem', 'reload gateway-node-1', 'retarget caPem+clientCaPem']);
    const files = reloads.get('gateway-node-1')![0]!;
    expect(subjectsOf(files.certificateChainPem!)).toEqual(['CN=server-1', 'CN=mtls-chaos Lab Intermediate CA G2']);
    expect(files.keyPem).toMatch(/PRIVATE KEY/);
    expect(subjectsOf(spec().caPem)).toEqual(['CN=mtls-chaos Lab Root CA G2']);
    // The clients' own certificates did not change, and the gateways still trust them.
    expect(spec().identities[0]!.certPem).toBe(pki.clients[0]!.chainPem);
    expect(spec().clientCaPem).toBe(pki.root.certificate.pem);
    expect(reloads.get('gateway-node-2')).toEqual([]);

    await fault.heal(context);
    await fault.heal(context); // idempotent: nothing left to reload
    expect(reloads.get('gateway-node-1')).toHaveLength(1);
    for (const name of ['gateway-node-2', 'gateway-node-3']) expect(reloads.get(name)![0]!.certificateChainPem).toBe(files.certificateChainPem);
  });
});
