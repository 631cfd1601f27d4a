import { Command, Option } from 'commander';
import { checkPrerequisites, type Prerequisite } from '../lab/prerequisites.js';
import { printOut } from './print.js';

/**
 * `doctor`: a table of what this machine has. It exits 0 whatever is missing (the local runtime
 * needs only Node), unless `--require docker` asks whether the docker runtime can run here: then
 * 1 when the engine or an image is missing, which CI uses before the docker suite.
 */
export function doctorCommand(): Command {
  return new Command('doctor')
    .description('check what this machine has: Docker engine and images, nginx, haproxy, openssl, libfaketime, chromium; and how to get what is missing')
    .addOption(new Option('--require <runtime>', 'exit 1 when this runtime cannot run here').choices(['docker']))
    .action(async (options: { require?: 'docker' }) => {
      const checks = await checkPrerequisites();
      printOut(`${renderTable(checks)}\n`);
      const missing = checks.filter((check) => !check.ok);
      if (missing.length === 0) printOut('\neverything is available\n');
      else printOut(`\n${missing.length} missing; the local runtime with the node gateway needs none of them\n`);
      if (options.require === 'docker' && missing.some((check) => check.use === 'docker runtime')) process.exitCode = 1;
    });
}

function renderTable(checks: readonly Prerequisite[]): string {
  const rows = [['', 'what', 'for', 'detail'], ...checks.map((check) => [check.ok ? 'ok' : 'MISSING', check.name, check.use, check.ok ? check.detail : `${check.detail}; fix: ${check.fix ?? '?'}`])];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column]!) : cell)).join('  ').trimEnd()).join('\n');
}
