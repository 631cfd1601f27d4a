import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { writeReports, type ReporterName } from '../report/index.js';
import { readRunResult } from '../result/index.js';
import { printOut } from './print.js';
import { visibleText } from '../visible-text.js';

/** `mtls-chaos report`: re-renders the reports of a saved result.json (after an upgrade, or elsewhere). */
export function reportCommand(): Command {
  return new Command('report')
    .description('re-render report.html, junit.xml and summary.md from a saved result.json (exit 0 written, 2 invalid result)')
    .argument('<result>', 'a result.json written by `mtls-chaos run`')
    .option('--html', 'write report.html')
    .option('--junit', 'write junit.xml')
    .option('--md', 'write summary.md')
    .option('--out <dir>', 'folder to write into (default: the result\'s own folder)')
    .action(async (file: string, options: { html?: boolean; junit?: boolean; md?: boolean; out?: string }) => {
      const result = await readRunResult(file);
      const chosen: ReporterName[] = [
        ...(options.html ? (['html'] as const) : []),
        ...(options.junit ? (['junit'] as const) : []),
        ...(options.md ? (['markdown'] as const) : []),
      ];
      // No flag: all three. result.json itself is never rewritten.
      const names: ReporterName[] = chosen.length > 0 ? chosen : ['html', 'junit', 'markdown'];
      const files = await writeReports(result, resolve(options.out ?? dirname(file)), names);
      for (const path of files) printOut(`wrote ${visibleText(path)}\n`);
    });
}
