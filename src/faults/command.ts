import { dirname } from 'node:path';
import { z } from 'zod';
import { commandEnding, type FaultCommandRecord } from '../result/index.js';
import { quoteArgv, splitArgv } from './command-argv.js';
import { runCommandProcess, type CommandOutcome } from './command-process.js';
import type { FaultContext, FaultDefinition } from './fault.js';
import { faultDurationOption } from './fault-duration.js';

/**
 * A server-side change the team scripts themselves, run at `at` and undone at `at + for`: a
 * reload, a certificate swap, `kubectl rollout restart`, a feature flag. Works with every gateway
 * kind: the harness only runs the commands and measures what the load sees meanwhile.
 *
 * Each command runs without a shell (the string split by command-argv.ts, or an argv list),
 * unless `shell: true` (then `/bin/sh -c <string>`), in the scenario's folder, with the
 * harness's environment plus the MTLS_CHAOS_* variables of commandEnvironment (nothing secret:
 * no key, no key path). A command that exits non-zero or outlives `timeout` (its process group
 * is killed) fails its step: a failed inject marks the fault failed; a failed heal may leave a
 * system the lab does not own broken, so it is reported loudly and the run exits 2
 * (Fault.actsOutsideLab). The heal runs after a failed inject too (the inject may have half
 * happened), and on Ctrl-C; an inject still running on Ctrl-C is killed first.
 */
const DEFAULT_TIMEOUT_MS = 30_000;

const commandField = (step: 'inject' | 'heal', description: string) =>
  z
    .union([z.string(), z.array(z.string())], {
      error: (issue) => `expected a command line (a string) or an argv list (strings), got ${JSON.stringify(issue.input) ?? 'nothing'}`,
    })
    .meta({
      description: `${description} A string is split into words as a shell would (quotes and backslashes; no variables, globs or pipes: those need shell: true); a list is the argv as it is.`,
      examples: step === 'inject' ? ['nginx -s reload', ['kubectl', 'rollout', 'restart', 'deployment/gateway']] : ['./restore-cert.sh'],
    });

const options = z
  .strictObject({
    inject: commandField('inject', 'What breaks the system, run at `at`.'),
    heal: commandField('heal', 'What undoes it, run at `at + for`, when the run ends, or on Ctrl-C; optional for one-shot changes (a reload) that have nothing to undo.').optional(),
    shell: z
      .boolean({ error: (issue) => `expected true or false, got ${JSON.stringify(issue.input)}` })
      .default(false)
      .meta({ description: 'true: each command is a line for /bin/sh -c (variables, pipes, &&). false (default): no shell.' }),
    timeout: faultDurationOption({
      minMs: 100,
      maxMs: 600_000,
      example: '30s',
      description: `How long each command may run before its process group is killed and its step failed (default ${DEFAULT_TIMEOUT_MS / 1000}s, at most 10m).`,
    }).optional(),
  })
  .transform((value, context) => {
    const prepare = (step: 'inject' | 'heal', command: string | string[]): PreparedCommand | undefined => {
      if (Array.isArray(command)) {
        if (value.shell) {
          context.addIssue({ code: 'custom', path: [step], message: 'expected a command line (a string) with shell: true, got an argv list; give one string, or drop shell: true', input: command });
          return undefined;
        }
        if (command.length === 0 || command[0] === '') {
          context.addIssue({ code: 'custom', path: [step], message: 'expected an argv list starting with the program to run, got an empty one', input: command });
          return undefined;
        }
        return { argv: command, shown: quoteArgv(command), shell: false };
      }
      if (value.shell) {
        if (command.trim() === '') {
          context.addIssue({ code: 'custom', path: [step], message: 'expected a command line, got nothing to run', input: command });
          return undefined;
        }
        return { argv: ['/bin/sh', '-c', command], shown: command, shell: true };
      }
      const split = splitArgv(command);
      if (!split.ok) {
        context.addIssue({ code: 'custom', path: [step], message: split.problem, input: command });
        return undefined;
      }
      return { argv: split.argv, shown: quoteArgv(split.argv), shell: false };
    };
    const inject = prepare('inject', value.inject);
    const heal = value.heal === undefined ? undefined : prepare('heal', value.heal);
    if (!inject || (value.heal !== undefined && !heal)) return z.NEVER;
    return { inject, ...(heal ? { heal } : {}), timeoutMs: value.timeout ?? DEFAULT_TIMEOUT_MS };
  })
  .meta({ description: 'A team\'s own commands: inject at `at`, heal at `at + for` (and on Ctrl-C), each bounded by timeout.' });

export interface PreparedCommand {
  readonly argv: readonly string[];
  /** How it is shown in plans and reports. */
  readonly shown: string;
  readonly shell: boolean;
}

export type CommandOptions = z.output<typeof options>;

/**
 * What a command is told about the run, as environment variables beside the harness's own:
 * where the load goes and which processes serve it (to signal a reload), never a key.
 */
export function commandEnvironment(context: FaultContext, step: 'inject' | 'heal'): Record<string, string> {
  const { gateway, replicas } = context.lab;
  return {
    MTLS_CHAOS_FAULT_STEP: step,
    MTLS_CHAOS_RUN_ID: context.runId,
    MTLS_CHAOS_SCENARIO_FILE: context.scenarioFile,
    MTLS_CHAOS_GATEWAY: `${gateway.host}:${gateway.port}`,
    MTLS_CHAOS_GATEWAY_KIND: gateway.kind,
    MTLS_CHAOS_SERVERNAME: gateway.servername,
    MTLS_CHAOS_GATEWAY_PIDS: replicas.flatMap((replica) => replica.pids()).join(' '),
  };
}

/** The record of one finished command; `ok` only for exit code 0 in time. */
export function commandRecord(step: 'inject' | 'heal', command: PreparedCommand, outcome: CommandOutcome, timeoutMs: number): FaultCommandRecord {
  return {
    step,
    command: command.shown,
    shell: command.shell,
    durationMs: outcome.durationMs,
    timeoutMs,
    ...(outcome.exitCode === undefined ? {} : { exitCode: outcome.exitCode }),
    ...(outcome.signal === undefined ? {} : { signal: outcome.signal }),
    ...(outcome.timedOut ? { timedOut: true as const } : {}),
    ...(outcome.aborted ? { aborted: true as const } : {}),
    ...(outcome.spawnError === undefined ? {} : { error: outcome.spawnError }),
    output: outcome.output,
    outputBytes: outcome.outputBytes,
    ok: outcome.exitCode === 0 && !outcome.timedOut && !outcome.aborted,
  };
}

function lastLine(output: string): string | undefined {
  const line = output.split('\n').map((text) => text.trim()).filter((text) => text !== '').at(-1);
  return line === undefined ? undefined : line.length > 200 ? `${line.slice(0, 200)}...` : line;
}

function shortened(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export const command: FaultDefinition<typeof options> = {
  kind: 'command',
  summary: 'run a team\'s own command (a reload, a certificate swap, a rollout restart, a feature flag) and its heal; exit code, duration and output recorded',
  options,
  create: (fault) => {
    const records: FaultCommandRecord[] = [];
    let healed = false;
    const run = async (step: 'inject' | 'heal', prepared: PreparedCommand, context: FaultContext, signal?: AbortSignal) => {
      const outcome = await runCommandProcess({
        argv: prepared.argv,
        cwd: dirname(context.scenarioFile),
        env: { ...process.env, ...commandEnvironment(context, step) },
        timeoutMs: fault.timeoutMs,
        ...(signal ? { signal } : {}),
      });
      const record = commandRecord(step, prepared, outcome, fault.timeoutMs);
      records.push(record);
      const ending = commandEnding(record);
      context.log(`fault command: ${step} ${prepared.shown}: ${ending}`);
      if (!record.ok) {
        const said = lastLine(record.output);
        throw new Error(`${step} command ${ending}${said === undefined ? '' : `; its last line: ${said}`}`);
      }
    };
    return {
      kind: 'command',
      actsOutsideLab: true,
      describe: () => `command ${shortened(fault.inject.shown)}${fault.heal ? `, heal ${shortened(fault.heal.shown)}` : ' (no heal)'}`,
      // Ctrl-C kills an inject still running: the heal then runs, as the person expects.
      inject: (context) => run('inject', fault.inject, context, context.signal),
      heal: async (context) => {
        if (!fault.heal || healed) return;
        healed = true;
        // No abort signal: on Ctrl-C the heal is exactly what must still run (bounded by the timeout).
        await run('heal', fault.heal, context);
      },
      commands: () => records,
    };
  },
};
