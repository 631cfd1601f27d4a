import { describe, expect, it } from 'vitest';
import { runDrill } from '../support/run-drill.js';
import { expectStaleReplicaSplit } from '../support/replica-split.js';
import { isAlive } from '../support/processes.js';

const DRILL_TIMEOUT_MS = 90_000;

describe('drill stale-replicas-1-of-3 (client-CA bundle reaches 2 of 3 replicas)', () => {
  it.each([
    // Heal at 12 s: 2 s of recovery is enough for node (its reload is one IPC message).
    { drill: 'stale-replicas-1-of-3', kind: 'node', durationMs: 14_000 },
    // nginx at full length: its heal is a reload (~0.3 s), which a 2 s recovery phase would over-weigh.
    { drill: 'stale-replicas-1-of-3-nginx', kind: 'nginx', durationMs: undefined },
    // haproxy: the same, its reload being SIGUSR2 to each master; the stale master never gets one.
    { drill: 'stale-replicas-1-of-3-haproxy', kind: 'haproxy', durationMs: undefined },
  ])('$kind: about 1/3 of fault-phase attempts fail as unknown_ca, every one on the stale replica', async ({ drill, kind, durationMs }) => {
    const { result, exitCode } = await runDrill(drill, durationMs === undefined ? {} : { durationMs });
    expect(result.faults[0]).toMatchObject({ kind: 'stale-replicas', atMs: 6_000 });
    expect(result.faults[0]!.healedAtMs).toBeDefined();
    expect(result.lab.components.filter((component) => component.kind === `gateway/${kind}`)).toHaveLength(3);
    expectStaleReplicaSplit(result, {
      reached: [`gateway-${kind}-1`, `gateway-${kind}-2`],
      stale: `gateway-${kind}-3`,
      category: 'unknown_ca',
      ...(kind === 'haproxy' ? { recoveryRate: 0.95 } : {}),
    });
    expect(result.verdict).toBe('pass');
    expect(exitCode).toBe(0);
  }, DRILL_TIMEOUT_MS);

  it('heals when aborted in the middle of the fault, stops every replica and the balancer, and writes an aborted result', async () => {
    // Aborted 1.5 s after the injection (starting 3 replicas takes a variable while on a busy machine).
    const { result, exitCode } = await runDrill('stale-replicas-1-of-3', { abortAfterLog: { line: /stale-replicas: rotation reached/, afterMs: 1_500 } });
    expect(exitCode).toBe(130);
    expect(result.status).toBe('aborted');
    expect(result.faults[0]!.injectedAtMs).toBeDefined();
    expect(result.faults[0]!.healedAtMs).toBeDefined();
    expect(result.byReplica['gateway-node-3']?.categories.unknown_ca).toBeGreaterThan(0);
    expect(result.lab.components).toHaveLength(4);
    for (const component of result.lab.components) expect(isAlive(component.pid!), component.name).toBe(false);
  }, DRILL_TIMEOUT_MS);
});
