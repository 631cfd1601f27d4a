import { describe, expect, it } from 'vitest';
import { runDrill } from '../support/run-drill.js';
import { expectStaleReplicaSplit } from '../support/replica-split.js';
import { runStaleReplicaDrill } from '../support/stale-replica-drill.js';
import { isAlive } from '../support/processes.js';

// Up to two runs of a full-length drill on a loaded machine.
const DRILL_TIMEOUT_MS = 150_000;

describe('drill stale-replicas-1-of-3 (client-CA bundle reaches 2 of 3 replicas)', () => {
  it.each([
    // Heal at 12 s: 4 s of recovery is enough for node (its reload is one IPC message), with
    // whole seconds left after a heal slowed by a busy machine.
    { drill: 'stale-replicas-1-of-3', kind: 'node', durationMs: 16_000 },
    // nginx at full length: its heal is a reload (~0.3 s), which a 2 s recovery phase would over-weigh.
    { drill: 'stale-replicas-1-of-3-nginx', kind: 'nginx', durationMs: undefined },
    // haproxy: the same, its reload being SIGUSR2 to each master; the stale master never gets one.
    { drill: 'stale-replicas-1-of-3-haproxy', kind: 'haproxy', durationMs: undefined },
  ])('$kind: about 1/3 of fault-phase attempts fail as unknown_ca, every one on the stale replica', async ({ drill, kind, durationMs }) => {
    const { outcome, logs } = await runStaleReplicaDrill(drill, durationMs);
    const { result, exitCode } = outcome;
    expect(result.faults[0]).toMatchObject({ kind: 'stale-replicas', atMs: 6_000 });
    expect(result.faults[0]!.healedAtMs).toBeDefined();
    expect(result.lab.components.filter((component) => component.kind === `gateway/${kind}`)).toHaveLength(3);
    expectStaleReplicaSplit(result, {
      reached: [`gateway-${kind}-1`, `gateway-${kind}-2`],
      stale: `gateway-${kind}-3`,
      category: 'unknown_ca',
      logs,
    });
    expect(exitCode).toBe(result.verdict === 'pass' ? 0 : 1);
  }, DRILL_TIMEOUT_MS);

  it('heals when aborted in the middle of the fault, stops every replica and the balancer, and writes an aborted result', async () => {
    // Aborted once the fault shows (the first unknown_ca measured), not a fixed while after the
    // injection: on a loaded 2-core machine (load 7-8) no attempt made after the rotation had
    // finished 1.5 s later, and the run was aborted before the fault was measured at all.
    const { result, exitCode } = await runDrill('stale-replicas-1-of-3', {
      abortAfterAttempt: { matches: (record) => record.category === 'unknown_ca', afterMs: 200 },
    });
    expect(exitCode).toBe(130);
    expect(result.status).toBe('aborted');
    expect(result.faults[0]!.injectedAtMs).toBeDefined();
    // Healed by the abort, before the planned heal at 12 s.
    expect(result.faults[0]!.healedAtMs).toBeLessThan(12_000);
    expect(result.byReplica['gateway-node-3']?.categories.unknown_ca).toBeGreaterThan(0);
    expect(result.lab.components).toHaveLength(4);
    for (const component of result.lab.components) expect(isAlive(component.pid!), component.name).toBe(false);
  }, DRILL_TIMEOUT_MS);
});
