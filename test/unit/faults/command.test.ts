import { describe, expect, it } from 'vitest';
import { command, commandEnvironment, commandRecord, type CommandOptions } from '../../../src/faults/command.js';
import type { FaultContext } from '../../../src/faults/index.js';
import { commandEnding } from '../../../src/result/index.js';
import { validateScenario } from '../../../src/scenario/index.js';
import { problemLines, validInput } from '../scenario/scenario-fixtures.js';

const parse = (fault: Record<string, unknown>): CommandOptions => command.options.parse(fault);

const withFault = (fault: Record<string, unknown>) => ({ ...validInput(), faults: [{ at: '1s', for: '2s', kind: 'command', ...fault }] });

describe('command fault options', () => {
  it('a string is split into argv, no shell by default, timeout 30 s', () => {
    expect(parse({ inject: "nginx -s 'reload'", heal: ['./restore.sh', 'a b'] })).toEqual({
      inject: { argv: ['nginx', '-s', 'reload'], shown: 'nginx -s reload', shell: false },
      heal: { argv: ['./restore.sh', 'a b'], shown: "./restore.sh 'a b'", shell: false },
      timeoutMs: 30_000,
    });
  });

  it('shell: true runs the line with /bin/sh -c, shell syntax allowed', () => {
    expect(parse({ inject: 'kill -HUP $(cat /run/nginx.pid) && echo done', shell: true, timeout: '5s' })).toEqual({
      inject: { argv: ['/bin/sh', '-c', 'kill -HUP $(cat /run/nginx.pid) && echo done'], shown: 'kill -HUP $(cat /run/nginx.pid) && echo done', shell: true },
      timeoutMs: 5_000,
    });
  });

  it('validate refuses unbalanced quotes and shell syntax without a shell, naming the field', () => {
    expect(problemLines(withFault({ inject: "echo 'oops", heal: 'kill -HUP $PID' }))).toEqual([
      "faults.0.inject: unbalanced single quote at character 6: close it with '",
      'faults.0.heal: "$" at character 11 is shell syntax, and this command runs without a shell: set shell: true, or quote it to pass it literally',
    ]);
  });

  it('validate refuses an argv list with shell: true, an empty command, a bad timeout and unknown options', () => {
    expect(problemLines(withFault({ inject: ['a'], shell: true }))).toEqual([
      'faults.0.inject: expected a command line (a string) with shell: true, got an argv list; give one string, or drop shell: true',
    ]);
    expect(problemLines(withFault({ inject: [] }))).toEqual(['faults.0.inject: expected an argv list starting with the program to run, got an empty one']);
    expect(problemLines(withFault({ inject: 'true', timeout: '20m' }))).toEqual(['faults.0.timeout: expected a duration from 100ms to 10m, got "20m"']);
    expect(problemLines(withFault({ inject: 42 }))[0]).toBe('faults.0.inject: expected a command line (a string) or an argv list (strings), got 42');
    expect(problemLines(withFault({ inject: 'true', sehll: true }))[0]).toMatch(/^faults\.0(\.sehll)?: .*sehll/);
  });

  it('works with every gateway kind: nothing required of the lab', () => {
    for (const kind of ['node', 'nginx', 'haproxy']) {
      const scenario = validateScenario({ ...withFault({ inject: 'true' }), lab: { gateway: { kind } } }, 'drill.yaml');
      expect(scenario.faults[0]!.kind).toBe('command');
    }
  });
});

describe('what a command is told and how it is recorded', () => {
  it('environment: the gateway address, kind, name, processes, run id and scenario file, no key', () => {
    const gateway = { host: '127.0.0.1', port: 8443, kind: 'nginx', servername: 'gateway.lab', pids: () => [10, 11] };
    const context = { lab: { gateway, replicas: [gateway] }, runId: 'run-1', scenarioFile: '/drills/reload.ts' } as unknown as FaultContext;
    expect(commandEnvironment(context, 'heal')).toEqual({
      MTLS_CHAOS_FAULT_STEP: 'heal',
      MTLS_CHAOS_RUN_ID: 'run-1',
      MTLS_CHAOS_SCENARIO_FILE: '/drills/reload.ts',
      MTLS_CHAOS_GATEWAY: '127.0.0.1:8443',
      MTLS_CHAOS_GATEWAY_KIND: 'nginx',
      MTLS_CHAOS_SERVERNAME: 'gateway.lab',
      MTLS_CHAOS_GATEWAY_PIDS: '10 11',
    });
  });

  it('ok only for exit code 0 in time; the ending says what happened', () => {
    const prepared = { argv: ['x'], shown: 'x', shell: false };
    const base = { durationMs: 12, timedOut: false, aborted: false, output: '', outputBytes: 0 };
    const ok = commandRecord('inject', prepared, { ...base, exitCode: 0 }, 5_000);
    expect(ok.ok).toBe(true);
    expect(commandEnding(ok)).toBe('exit 0 in 12 ms');
    const failed = commandRecord('heal', prepared, { ...base, exitCode: 3 }, 5_000);
    expect([failed.ok, commandEnding(failed)]).toEqual([false, 'exit 3 in 12 ms']);
    const timedOut = commandRecord('heal', prepared, { ...base, signal: 'SIGTERM', timedOut: true }, 5_000);
    expect([timedOut.ok, commandEnding(timedOut)]).toEqual([false, 'timed out after 5 s (process group killed)']);
    const missing = commandRecord('inject', prepared, { ...base, spawnError: 'not found: x' }, 5_000);
    expect([missing.ok, commandEnding(missing)]).toEqual([false, 'not found: x']);
  });
});
