import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { DEFAULT_COMPARE_OPTIONS, compareResults, renderComparison } from '../report/index.js';
import { readRunResult } from '../result/index.js';
import { printOut } from './print.js';
import { emitJson, jsonOption, jsonOutOption, type JsonOutputFlags } from './json-output.js';

/** `mtls-chaos compare`: tonight against last night; exit 1 when something regressed beyond the tolerance. */
export function compareCommand(): Command {
  return new Command('compare')
    .description('compare two results of a drill per metric and SLO; exit 1 when the candidate regressed beyond the tolerance, 0 otherwise, 2 invalid input')
    .argument('<baseline>', 'the reference result.json (e.g. last night\'s)')
    .argument('<candidate>', 'the result.json to judge')
    .option('--tolerance <percent>', 'relative worsening allowed for latency percentiles, attempts/s and gateway CPU', '10%')
    .option('--rate-tolerance <points>', 'worsening allowed for success and failure-category rates, in percentage points', '1')
    .addOption(jsonOption('the comparison'))
    .addOption(jsonOutOption('the comparison'))
    .action(async (baselineFile: string, candidateFile: string, options: { tolerance: string; rateTolerance: string } & JsonOutputFlags) => {
      const tolerance = parsePercent(options.tolerance, '--tolerance');
      const rateTolerance = parsePercent(options.rateTolerance, '--rate-tolerance');
      const [baseline, candidate] = [await readRunResult(baselineFile), await readRunResult(candidateFile)];
      const comparison = compareResults(baseline, candidate, { ...DEFAULT_COMPARE_OPTIONS, tolerance, rateTolerance });
      await emitJson(options, comparison, () => renderComparison(comparison));
      process.exitCode = comparison.regressions > 0 ? ExitCode.SloBreached : ExitCode.Ok;
    });
}

/** "10%" or "10" -> 0.1 (for --rate-tolerance, "1" means one percentage point -> 0.01). */
function parsePercent(text: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const value = match ? Number(match[1]) / 100 : Number.NaN;
  if (!Number.isFinite(value) || value > 10) {
    throw new UsageError('E_CLI_FLAG', `${flag} must be a percentage like "10%", got "${text}"`, { hint: `e.g. ${flag} 5%` });
  }
  return value;
}
