import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../support/run-cli.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/**
 * The full capacity sweep: `bench --matrix` over every dimension for the node and nginx gateways,
 * with the default 10 s steps (tens of minutes). Prints each table; the target is that every
 * configuration found a capacity. Add a scenario here when a gateway kind gets one (haproxy).
 */
export async function capacityBench(): Promise<boolean> {
  let allFound = true;
  for (const scenario of ['scenarios/bench-nginx.ts', 'scenarios/bench-node.ts']) {
    process.stdout.write(`\n-- ${scenario} --matrix --\n`);
    const code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'bench', scenario, '--matrix', '--start', '50/s'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
      child.on('exit', (exitCode) => resolve(exitCode ?? 1));
    });
    allFound = allFound && code === 0;
  }
  return allFound;
}
