import { describe, expect, it } from 'vitest';
import { benchCommand, describeBenchPlan, settingsFrom } from '../../../src/cli/bench-command.js';
import { describeLoadPlan, loadCommand } from '../../../src/cli/load-command.js';
import { probeCommand } from '../../../src/cli/probe-command.js';

describe('--allow-target', () => {
  it.each([
    ['probe', probeCommand()],
    ['load', loadCommand()],
    ['bench', benchCommand()],
  ])('%s documents it and the environment variable in --help', (_name, command) => {
    const help = command.helpInformation().replace(/\s+/g, ' ');
    expect(help).toContain('--allow-target <host[:port]> let load go to this host');
    expect(help).toContain('MTLS_CHAOS_ALLOW_TARGETS');
    expect(help).toContain('host names are not resolved to decide');
  });
});

describe('the plan printed before load leaves for a permitted target', () => {
  it('names the rate, the duration, the attempts, the in-flight bound and the hard caps of an open loop', () => {
    // The derived bound: twice rate x timeout (40/s x 5 s x 2); small enough that no file-descriptor limit lowers it.
    const plan = describeLoadPlan({ kind: 'constant-rate', ratePerSecond: 40, durationMs: 30_000 }, 5_000, undefined);
    expect(plan).toBe('open loop at 40/s for 30s (1200 attempts), 400 in flight at most, timeout 5s per attempt (hard caps 100000/s, 10000 in flight, 24h)');
    expect(describeLoadPlan({ kind: 'constant-rate', ratePerSecond: 200, durationMs: 30_000 }, 5_000, 50)).toContain('50 in flight at most');
  });

  it('names the concurrency of a closed loop as its in-flight bound', () => {
    expect(describeLoadPlan({ kind: 'concurrency', concurrency: 8, durationMs: 120_000 }, 5_000, undefined)).toMatch(/^closed loop for 2m, 8 in flight at most/);
  });

  it('names the rates a bench may offer, its steps and its in-flight bound', () => {
    const flags = { slo: [], start: '50/s', max: '200/s', step: '10s', minAttempts: '50', resolution: '5%', maxSteps: '12', gatewayPid: [], allowTarget: [], workers: '2', timeout: '2s' };
    const plan = describeBenchPlan(settingsFrom(flags, { targetOnThisMachine: false }));
    expect(plan).toContain('from 50/s up to 200/s at most');
    expect(plan).toContain('12 steps at most of 10s (+2s warm-up each');
    // Two workers at 100/s each, 2 s timeout: 2 x (100/s x 2 s x 2).
    expect(plan).toContain('800 in flight at most');
    expect(describeBenchPlan(settingsFrom({ ...flags, maxInFlight: '300' }, { targetOnThisMachine: false }))).toContain('300 in flight at most');
  });
});
