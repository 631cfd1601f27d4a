import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { firstRequestTags, importK6, mergeK6Summaries, readK6Summary } from '../k6/index.js';
import { renderConsoleSummary, writeReports } from '../report/index.js';
import { readRunResult, type RunResult } from '../result/index.js';
import { TOOL_VERSION, newRunId } from '../run/index.js';
import { BUILT_IN_SCENARIO_DIR, loadScenario, type Scenario } from '../scenario/index.js';
import { parseSlo, type ScopedSlo } from '../slo/index.js';
import { printOut } from './print.js';
import { visibleText } from '../visible-text.js';

/** `import k6`: k6's measurements back into a result, judged by the drill's SLOs. */
export function importCommand(): Command {
  const importRoot = new Command('import').description('import another load engine\'s measurements (k6) as a result');
  importRoot.addCommand(
    new Command('k6')
      .description('read k6 --out json output (one file per runner) into a result.json that report and compare read; exit 0 SLOs met, 1 breached, 2 bad input')
      .argument('<file...>', 'NDJSON files written by `k6 run --out json=FILE` (.gz too)')
      .option('--summary <file...>', 'the files of `k6 run --summary-export=FILE` (one per runner): cross-check the request count, list k6\'s failed thresholds')
      .option('--faults <result.json>', 'the result of `mtls-chaos run <drill> --load external` made alongside: its clock, fault windows, gateway CPU and SLOs')
      .option('--scenario <file>', 'the drill whose SLOs judge the run (default: the drill of --faults, else the drill tag the exported script sets)')
      .option('--out <dir>', 'the folder for result.json and the reports (default: reports/<drill>-k6-<time>)')
      .action(async (files: string[], options: { summary?: string[]; faults?: string; scenario?: string; out?: string }) => {
        // --faults is a whole result, bounded and checked as for `report`.
        const faultRun = options.faults === undefined ? undefined : await readRunResult(options.faults);
        const scenario = await scenarioFor(options.scenario, faultRun, files[0]!);
        const slos: ScopedSlo[] = scenario
          ? scenario.slos.map(({ parsed, scope }) => ({ slo: parsed, scope }))
          : (faultRun?.slos ?? []).map((verdict) => ({ slo: parseSlo(verdict.expression), scope: verdict.scope }));
        const summary = options.summary === undefined ? undefined : mergeK6Summaries(await Promise.all(options.summary.map((file) => readK6Summary(file))));
        const drill = scenario
          ? { name: scenario.name, description: scenario.description, file: scenario.file }
          : { name: faultRun!.scenario.name, description: faultRun!.scenario.description, ...(faultRun!.scenario.file ? { file: faultRun!.scenario.file } : {}) };
        const result = await importK6({
          files,
          ...(summary ? { summary } : {}),
          drill,
          slos,
          ...(faultRun ? { faultRun } : {}),
          ...(scenario ? { plannedFaults: scenario.faults, plannedLoad: { profile: scenario.summary, durationMs: scenario.load.durationMs } } : {}),
          toolVersion: TOOL_VERSION,
        });
        const dir = resolve(options.out ?? join('reports', `${drill.name}-k6-${newRunId(new Date())}`));
        const written = await writeReports(result, dir);
        printOut(`${renderConsoleSummary(result)}\n`);
        printOut(`reports: ${written.map(visibleText).join(', ')}\n`);
        process.exitCode = result.verdict === 'pass' ? ExitCode.Ok : ExitCode.SloBreached;
      }),
  );
  return importRoot;
}

/** The drill: --scenario; else none when --faults carries the SLOs; else the drill tag of the k6 output, as a built-in drill. */
async function scenarioFor(file: string | undefined, faultRun: RunResult | undefined, firstOutput: string): Promise<Scenario | undefined> {
  if (file !== undefined) return loadScenario(file);
  if (faultRun) {
    // An external-load run keeps only the SLOs it could judge (gateway CPU): the drill file has them all.
    const drillFile = faultRun.scenario.file;
    if (drillFile && (await access(drillFile).then(() => true, () => false))) return loadScenario(drillFile);
    return undefined;
  }
  const drill = (await firstRequestTags(firstOutput))?.['drill'];
  const builtIn = drill && /^[a-z0-9][a-z0-9-]*$/.test(drill) ? join(BUILT_IN_SCENARIO_DIR, `${drill}.ts`) : undefined;
  if (builtIn && (await access(builtIn).then(() => true, () => false))) return loadScenario(builtIn);
  throw new UsageError('E_K6_NO_SCENARIO', `${firstOutput}: which drill's SLOs judge this k6 run? ${drill ? `its drill tag "${drill}" is not a built-in drill` : 'the output has no drill tag'}`, {
    hint: 'pass --scenario <file> (the drill you exported) or --faults <result.json of the fault run>',
  });
}
