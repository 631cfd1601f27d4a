import { Command, Option } from 'commander';
import { parseDuration } from '../duration.js';
import { renderConsoleSummary } from '../report/index.js';
import { runScenario, watchInterrupts } from '../run/index.js';
import { describePlan, loadScenario } from '../scenario/index.js';

export function runCommand(): Command {
  return new Command('run')
    .description('run a drill: build its lab, drive its load, judge its SLOs, write its reports (exit 0 met, 1 breached, 2 invalid/lab failed)')
    .argument('<scenario>', 'a scenario file (.ts, .yaml, .json); see `mtls-chaos list` for the built-in drills')
    .option('--out <dir>', 'parent folder of the run\'s report folder', 'reports')
    .option('--duration <duration>', 'replace the scenario\'s load duration (e.g. 10s for a quick try)')
    .option('--quiet', 'no progress lines, only the summary', false)
    .addOption(new Option('--runtime <runtime>', 'where components run, replacing the scenario\'s runtime').choices(['local', 'docker']))
    .action(async (file: string, options: { out: string; duration?: string; quiet: boolean; runtime?: 'local' | 'docker' }) => {
      const durationMs = options.duration === undefined ? undefined : parseDuration(options.duration, '--duration');
      // Validate before anything starts: an invalid file costs no lab.
      const scenario = await loadScenario(file);
      process.stdout.write(`${describePlan(scenario)}\n\n`);
      const interrupts = watchInterrupts();
      const interactive = process.stderr.isTTY === true;
      let lastPlainLine = 0;
      try {
        const outcome = await runScenario(scenario, {
          outDir: options.out,
          ...(durationMs === undefined ? {} : { durationMs }),
          ...(options.runtime ? { runtime: options.runtime } : {}),
          signal: interrupts.signal,
          abortedBy: () => interrupts.received(),
          log: (line) => process.stderr.write(`${interactive ? '\r\x1b[K' : ''}${line}\n`),
          onProgress: (line) => {
            if (options.quiet) return;
            if (interactive) {
              process.stderr.write(`\r\x1b[K${line}`);
            } else if (Date.now() - lastPlainLine >= 5_000) {
              // CI logs: a plain line every 5 s rather than a carriage-return animation.
              lastPlainLine = Date.now();
              process.stderr.write(`${line}\n`);
            }
          },
        });
        if (interactive && !options.quiet) process.stderr.write('\r\x1b[K');
        process.stdout.write(`${renderConsoleSummary(outcome.result)}\n`);
        process.stdout.write(`reports: ${outcome.files.join(', ')}\n`);
        process.exitCode = outcome.exitCode;
      } finally {
        interrupts.dispose();
      }
    });
}
