import { Command } from 'commander';
import { sweepDeadRuns } from '../lab/sweep-dead-runs.js';

export function cleanupCommand(): Command {
  return new Command('cleanup')
    .description('remove what crashed or killed runs left behind: their component processes, temp folders with keys, registry files')
    .action(async () => {
      const report = await sweepDeadRuns();
      process.stdout.write(
        report.runs === 0
          ? 'nothing to clean: no dead run left anything behind\n'
          : `cleaned ${report.runs} dead run(s): ${report.processes} process group(s) killed, ${report.tempDirs} temp folder(s) removed\n`,
      );
    });
}
