import { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { MtlsChaosError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { SCENARIO_EXTENSIONS, ScenarioError, describePlan, listScenarioFiles, loadScenario, summarisePlan } from '../scenario/index.js';
import { formatError } from './format-error.js';
import { printErr, printOut } from './print.js';
import { visibleText } from '../visible-text.js';

export function validateCommand(): Command {
  return new Command('validate')
    .description('check scenario files without running anything; print each one\'s plan or every problem found')
    .argument('<file...>', 'scenario files (.ts, .mts, .js, .mjs, .yaml, .yml, .json), or folders of them')
    .option('--plan', 'print the full plan of each valid scenario, not just one line', false)
    .action(async (files: string[], options: { plan: boolean }, command: Command) => {
      const debug = Boolean(command.optsWithGlobals()['debug']);
      let invalid = 0;
      for (const file of await expandFolders(files)) {
        if (!(await validateOne(file, options.plan, debug))) invalid += 1;
      }
      if (invalid > 0) process.exitCode = ExitCode.InvalidInput;
    });
}

async function validateOne(file: string, plan: boolean, debug: boolean): Promise<boolean> {
  try {
    const scenario = await loadScenario(file);
    printOut(`ok ${visibleText(file)}: ${scenario.name}: ${summarisePlan(scenario)}\n`);
    if (plan) printOut(`${indent(describePlan(scenario))}\n`);
    return true;
  } catch (error) {
    if (!(error instanceof MtlsChaosError)) throw error;
    printErr(`${formatError(error, debug)}\n`);
    return false;
  }
}

/** A folder stands for the scenario files directly in it (what nightly CI points at). */
async function expandFolders(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const isFolder = await stat(path).then((stats) => stats.isDirectory(), () => false);
    if (!isFolder) {
      files.push(path);
      continue;
    }
    const inFolder = await listScenarioFiles(path);
    // An empty folder passing silently would hide a wrong path in a nightly job.
    if (inFolder.length === 0) {
      throw new ScenarioError('E_SCENARIO_FILE', `no scenario files (${SCENARIO_EXTENSIONS.join(', ')}) in this folder`, { file: path });
    }
    files.push(...inFolder);
  }
  return files;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
