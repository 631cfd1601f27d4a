import { Command, Option } from 'commander';
import { parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { renderConsoleSummary } from '../report/index.js';
import { LiveView, runScenario, watchInterrupts } from '../run/index.js';
import { describePlan, loadScenario } from '../scenario/index.js';
import { printOut } from './print.js';
import { allowTargetOption, guardScenarioTarget } from './allow-target-flag.js';
import { visibleText } from '../visible-text.js';
import { startRunPrometheus } from '../run/run-prometheus.js';
import { metricsListenOption, parseMetricsFlags, prometheusRwOption, startLiveMetrics, type MetricsFlags } from './metrics-flags.js';

/** After a second Ctrl-C, the longest the run may take to finish writing before the process exits. */
const STOP_NOW_EXIT_MS = 2_000;

export function runCommand(): Command {
  return new Command('run')
    .description('run a drill: build its lab, drive its load, judge its SLOs, write its reports (exit 0 met, 1 breached, 2 invalid/lab failed)')
    .argument('<scenario>', 'a scenario file (.ts, .yaml, .json); see `mtls-chaos list` for the built-in drills')
    .option('--out <dir>', 'parent folder of the run\'s report folder', 'reports')
    .option('--duration <duration>', 'replace the scenario\'s load duration (e.g. 10s for a quick try)')
    .option('--quiet', 'no progress lines, only the summary', false)
    .option('--load <engine>', 'internal: our own load; external: start the lab and the faults, print the endpoint and TLS files for k6, make no load', 'internal')
    .option('--checkpoint-every <duration>', 'write result.json (status running) this often during the run, so a killed run keeps its numbers', '10s')
    .addOption(new Option('--runtime <runtime>', 'where components run, replacing the scenario\'s runtime').choices(['local', 'docker']))
    .addOption(allowTargetOption())
    .addOption(metricsListenOption())
    .addOption(prometheusRwOption())
    .action(async (file: string, options: MetricsFlags & { out: string; duration?: string; quiet: boolean; load: string; checkpointEvery: string; runtime?: 'local' | 'docker'; allowTarget: string[] }) => {
      const metricsFlags = parseMetricsFlags(options);
      const durationMs = options.duration === undefined ? undefined : parseDuration(options.duration, '--duration');
      const checkpointIntervalMs = Math.max(1_000, parseDuration(options.checkpointEvery, '--checkpoint-every'));
      if (options.load !== 'internal' && options.load !== 'external') {
        throw new UsageError('E_USAGE_LOAD', `--load: expected "internal" or "external", got "${options.load}"`, {
          hint: '--load external runs the lab and the fault timeline while k6 (see `mtls-chaos export k6`) makes the load',
        });
      }
      // Validate before anything starts: an invalid file costs no lab.
      const scenario = await loadScenario(file);
      // A gateway the team runs (lab.gateway.kind external) outside loopback: allowed, or exit 2 before a packet.
      const guarded = guardScenarioTarget('run', scenario, options.allowTarget);
      printOut(`${describePlan(scenario)}\n`);
      if (guarded && !guarded.loopback) printOut(`target   ${guarded.address} outside loopback (allowed by ${guarded.allowedBy})\n`);
      printOut('\n');
      // Bound (and its address printed) before the lab starts, so a scraper sees the whole run.
      // observe.prometheus: the run serves its series even without --metrics-listen, for its own Prometheus.
      const liveMetrics = await startLiveMetrics(scenario.observe && !metricsFlags.listen ? { ...metricsFlags, listen: { host: '127.0.0.1', port: 0 } } : metricsFlags);
      const runPrometheus = scenario.observe && liveMetrics ? await startRunPrometheus(scenario.observe, liveMetrics, AbortSignal.timeout(60_000)) : undefined;
      if (runPrometheus) printOut(`prometheus ${runPrometheus.prometheus.url} evaluates ${visibleText(scenario.observe!.prometheus.rules)} every 1s\n`);
      const interrupts = watchInterrupts(() => {
        // The run has killed its processes and removed its keys; give it a moment to write the
        // aborted result, but never more: this is the "stop now" the person asked for.
        setTimeout(() => process.exit(interrupts.received() === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted), STOP_NOW_EXIT_MS).unref();
      });
      // On a terminal a block redrawn in place; in CI logs a plain line every 5 s.
      const view = new LiveView(process.stderr);
      try {
        const outcome = await runScenario(scenario, {
          outDir: options.out,
          ...(durationMs === undefined ? {} : { durationMs }),
          ...(options.runtime ? { runtime: options.runtime } : {}),
          signal: interrupts.signal,
          ...(options.load === 'external'
            ? {
                externalLoad: {
                  onReady: (info) =>
                    printOut(
                      `external load: the lab is up; make the load now, for ${info.durationMs / 1000}s (the fault timeline starts now)\n` +
                        `  endpoint     ${info.target}\n` +
                        `  client cert  ${info.certificate}\n` +
                        `  client key   ${info.key}   (PRIVATE KEY, 0600; removed when the run ends)\n` +
                        `  CA           ${info.ca}\n` +
                        `  k6           ${info.k6Command}\n` +
                        '  afterwards   mtls-chaos import k6 k6.ndjson --summary summary.json --faults <this run\'s result.json>\n',
                    ),
                },
              }
            : {}),
          urgent: interrupts.urgent,
          ...(liveMetrics ? { liveMetrics } : {}),
          ...(runPrometheus ? { alertsFrom: { prometheusUrl: runPrometheus.prometheus.url } } : {}),
          checkpointIntervalMs,
          abortedBy: () => interrupts.received(),
          log: (line) => view.log(line),
          ...(options.quiet ? {} : { onProgress: (status) => view.update(status) }),
        });
        view.end();
        printOut(`${renderConsoleSummary(outcome.result)}\n`);
        printOut(`reports: ${outcome.files.map(visibleText).join(', ')}\n`);
        process.exitCode = outcome.exitCode;
      } finally {
        // Also when the run throws: the error goes below the last log line, not into the block.
        view.end();
        interrupts.dispose();
        await liveMetrics?.close();
        await runPrometheus?.stop();
      }
    });
}
