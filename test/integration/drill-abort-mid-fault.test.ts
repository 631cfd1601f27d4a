import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/result/index.js';
import { runDrill } from '../support/run-drill.js';

/**
 * Ctrl-C in the middle of a fault, for the fault kinds whose own drill tests do not already do
 * it (gateway-pause, ocsp-outage, network, expiry, ca-rotation and stale-replicas do): the
 * fault is healed before the lab stops, every process of the lab is gone, and the result on disk
 * is marked aborted with what was measured.
 */
const DRILLS: { drill: string; kind: string }[] = [
  { drill: 'not-yet-valid-client', kind: 'not-yet-valid' },
  { drill: 'revocation-latency', kind: 'revocation' },
  { drill: 'interception-trusted', kind: 'interception' },
  { drill: 'tls13-only-vs-tls12-clients', kind: 'tls-policy' },
  { drill: 'san-drift-allowlist', kind: 'identity-drift' },
];

describe.each(DRILLS)('Ctrl-C during the $kind fault of $drill', ({ drill, kind }) => {
  it('heals the fault, stops every process and writes an aborted result', async () => {
    const { result, exitCode, dir } = await runDrill(drill, {
      abortAfterLog: { line: new RegExp(`fault ${kind}: inject`), afterMs: 1_500 },
    });
    expect(exitCode).toBe(130);
    expect(result.status).toBe('aborted');
    const fault = result.faults.find((record) => record.kind === kind)!;
    expect(fault.injectedAtMs).toBeDefined();
    expect(fault.healedAtMs).toBeDefined();
    expect(fault.error).toBeUndefined();
    const saved = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as RunResult;
    expect(saved.status).toBe('aborted');
    expect(saved.summary.attempts).toBeGreaterThan(0);
    for (const component of result.lab.components) {
      if (component.pid !== undefined) expect(() => process.kill(component.pid!, 0), component.name).toThrow();
    }
  }, 60_000);
});
