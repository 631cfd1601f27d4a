import { Command } from 'commander';
import { relative } from 'node:path';
import { MtlsChaosError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { faultDefinitions } from '../faults/index.js';
import { BUILT_IN_SCENARIO_DIR, ScenarioError, listScenarioFiles, loadScenario } from '../scenario/index.js';
import { formatError } from './format-error.js';
import { printErr, printOut } from './print.js';
import { visibleText } from '../visible-text.js';

export function listCommand(): Command {
  return new Command('list')
    .description('list the drills in a folder (by default the built-in ones) with their one-line descriptions')
    .option('--dir <dir>', 'folder of scenario files', BUILT_IN_SCENARIO_DIR)
    .option('--faults', 'list the fault kinds a scenario\'s faults[].kind can name instead, one line each')
    .action(async (options: { dir: string; faults?: boolean }, command: Command) => {
      if (options.faults) {
        listFaultKinds();
        return;
      }
      const debug = Boolean(command.optsWithGlobals()['debug']);
      await listScenarios(options.dir, debug);
    });
}

/** Every kind in the fault registry (src/faults/registry.ts) with its one-line summary. */
function listFaultKinds(): void {
  const definitions = [...faultDefinitions()].sort((a, b) => a.kind.localeCompare(b.kind));
  const width = Math.max(...definitions.map((definition) => definition.kind.length));
  for (const definition of definitions) printOut(`${definition.kind.padEnd(width)}  ${definition.summary}\n`);
}

async function listScenarios(dir: string, debug: boolean): Promise<void> {
  let files: string[];
  try {
    files = await listScenarioFiles(dir);
  } catch (error) {
    throw new ScenarioError('E_SCENARIO_FILE', `cannot list scenarios: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      file: dir,
      hint: 'pass a folder of scenario files with --dir',
      cause: error,
    });
  }
  const rows: { name: string; file: string; summary: string }[] = [];
  let invalid = 0;
  for (const file of files) {
    // Paths as a user would type them from here: `mtls-chaos run scenarios/baseline.ts`.
    const fromHere = relative(process.cwd(), file);
    const shown = fromHere && !fromHere.startsWith('..') ? fromHere : file;
    try {
      const scenario = await loadScenario(file);
      rows.push({ name: scenario.name, file: visibleText(shown), summary: visibleText(scenario.summary) });
    } catch (error) {
      if (!(error instanceof MtlsChaosError)) throw error;
      printErr(`${formatError(error, debug)}\n`);
      invalid += 1;
    }
  }
  if (rows.length === 0 && invalid === 0) {
    printOut(`no scenarios in ${visibleText(dir)}\n`);
    return;
  }
  rows.sort((a, b) => a.name.localeCompare(b.name));
  const nameWidth = Math.max(...rows.map((row) => row.name.length));
  const fileWidth = Math.max(...rows.map((row) => row.file.length));
  for (const row of rows) {
    printOut(`${row.name.padEnd(nameWidth)}  ${row.file.padEnd(fileWidth)}  ${row.summary}\n`);
  }
  if (invalid > 0) process.exitCode = ExitCode.InvalidInput;
}
