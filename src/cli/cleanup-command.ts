import { Command } from 'commander';
import type { DockerSweepReport } from '../lab/docker/index.js';
import { sweepDeadRuns } from '../lab/sweep-dead-runs.js';
import { printOut } from './print.js';

export function cleanupCommand(): Command {
  return new Command('cleanup')
    .description('remove what crashed or killed runs left behind: their component processes, temp folders with keys, registry files, and their Docker containers and networks')
    .action(async () => {
      const report = await sweepDeadRuns();
      printOut(
        report.runs === 0
          ? 'nothing to clean: no dead run left anything behind\n'
          : `cleaned ${report.runs} dead run(s): ${report.processes} process group(s) killed, ${report.tempDirs} temp folder(s) removed\n`,
      );
      let docker: DockerSweepReport | undefined;
      try {
        const { dockerClient, sweepDeadDockerRuns } = await import('../lab/docker/index.js');
        docker = await sweepDeadDockerRuns(dockerClient());
      } catch {
        // No engine: nothing of ours can be running in it.
        printOut('docker: no engine reachable, no containers to clean\n');
      }
      if (docker) {
        printOut(
          docker.runs === 0
            ? 'docker: nothing to clean\n'
            : `docker: cleaned ${docker.runs} dead run(s): ${docker.containers} container(s), ${docker.networks} network(s) removed\n`,
        );
      }
    });
}
