import { describe, expect, it } from 'vitest';
import { runDrill } from '../support/run-drill.js';
import { expectStaleReplicaSplit } from '../support/replica-split.js';

const DRILL_TIMEOUT_MS = 90_000;

describe('drill stale-server-cert-1-of-3 (server certificate rotation reaches 2 of 3 replicas)', () => {
  it.each([
    { drill: 'stale-server-cert-1-of-3', kind: 'node', durationMs: 14_000 },
    // nginx at full length: its heal is a reload (~0.3 s), which a 2 s recovery phase would over-weigh.
    { drill: 'stale-server-cert-1-of-3-nginx', kind: 'nginx', durationMs: undefined },
    // haproxy behind haproxy: the attribution comes from the haproxy balancer's route log lines.
    { drill: 'stale-server-cert-1-of-3-haproxy', kind: 'haproxy', durationMs: undefined },
  ])('$kind: clients refuse the stale replica in the handshake, attributed to it through the balancer', async ({ drill, kind, durationMs }) => {
    const { result, exitCode } = await runDrill(drill, durationMs === undefined ? {} : { durationMs });
    expect(result.lab.components.at(-1)!.kind).toBe(kind === 'haproxy' ? 'balancer/haproxy' : 'balancer/builtin');
    expectStaleReplicaSplit(result, {
      reached: [`gateway-${kind}-1`, `gateway-${kind}-2`],
      stale: `gateway-${kind}-3`,
      category: 'unknown_ca',
      ...(kind === 'haproxy' ? { recoveryRate: 0.95 } : {}),
    });
    // The client refused the server's certificate: no HTTP answer, so no replica header; the
    // attribution above came from the balancer's record of the connection.
    expect(result.errorSamples.unknown_ca).toEqual(['UNABLE_TO_GET_ISSUER_CERT_LOCALLY']);
    expect(result.verdict).toBe('pass');
    expect(exitCode).toBe(0);
  }, DRILL_TIMEOUT_MS);
});
