import { describe, expect, it } from 'vitest';
import { expectStaleReplicaSplit } from '../support/replica-split.js';
import { runStaleReplicaDrill } from '../support/stale-replica-drill.js';

// Up to two runs of a full-length drill on a loaded machine.
const DRILL_TIMEOUT_MS = 150_000;

describe('drill stale-server-cert-1-of-3 (server certificate rotation reaches 2 of 3 replicas)', () => {
  it.each([
    // Heal at 12 s; 4 s of recovery leave whole seconds after a heal slowed by a busy machine.
    { drill: 'stale-server-cert-1-of-3', kind: 'node', durationMs: 16_000 },
    // nginx at full length: its heal is a reload (~0.3 s), which a 2 s recovery phase would over-weigh.
    { drill: 'stale-server-cert-1-of-3-nginx', kind: 'nginx', durationMs: undefined },
    // haproxy behind haproxy: the attribution comes from the haproxy balancer's route log lines.
    { drill: 'stale-server-cert-1-of-3-haproxy', kind: 'haproxy', durationMs: undefined },
  ])('$kind: clients refuse the stale replica in the handshake, attributed to it through the balancer', async ({ drill, kind, durationMs }) => {
    const { outcome, logs } = await runStaleReplicaDrill(drill, durationMs);
    const { result, exitCode } = outcome;
    expect(result.lab.components.at(-1)!.kind).toBe(kind === 'haproxy' ? 'balancer/haproxy' : 'balancer/builtin');
    expectStaleReplicaSplit(result, {
      reached: [`gateway-${kind}-1`, `gateway-${kind}-2`],
      stale: `gateway-${kind}-3`,
      category: 'unknown_ca',
      logs,
    });
    // The client refused the server's certificate: no HTTP answer, so no replica header; the
    // attribution above came from the balancer's record of the connection.
    expect(result.errorSamples.unknown_ca).toEqual(['UNABLE_TO_GET_ISSUER_CERT_LOCALLY']);
    expect(exitCode).toBe(result.verdict === 'pass' ? 0 : 1);
  }, DRILL_TIMEOUT_MS);
});
