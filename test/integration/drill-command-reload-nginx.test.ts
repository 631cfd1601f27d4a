import { describe, expect, it } from 'vitest';
import { runDrill } from '../support/run-drill.js';

/**
 * The command-reload-nginx drill: the team's own reload script (scenarios/scripts/nginx-reload.sh)
 * really reloads the lab's nginx five times under load, and a graceful reload costs no handshake.
 */
describe('drill command-reload-nginx', () => {
  it('the script reloads the nginx master five times, then once more on heal; the SLOs hold', async () => {
    const { result, exitCode } = await runDrill('command-reload-nginx');
    const fault = result.faults[0]!;
    expect(fault.error).toBeUndefined();
    const [inject, heal] = fault.commands!;
    expect(inject).toMatchObject({ step: 'inject', command: 'sh scripts/nginx-reload.sh 5 1', exitCode: 0, ok: true });
    const master = /SIGHUP to the nginx master \(pid (\d+)\)/.exec(inject!.output)?.[1];
    expect(master).toBeDefined();
    expect(inject!.output.trim().split('\n')).toEqual([1, 2, 3, 4, 5].map((index) => `reload ${index} of 5: SIGHUP to the nginx master (pid ${master})`));
    expect(heal).toMatchObject({ step: 'heal', exitCode: 0, output: `reload 1 of 1: SIGHUP to the nginx master (pid ${master})\n` });
    expect(result.byPhase.fault!.attempts).toBeGreaterThan(100);
    expect(result.slos.filter((slo) => !slo.passed)).toEqual([]);
    expect(exitCode).toBe(0);
  }, 90_000);
});
