import { UsageError } from '../errors.js';
import { fsErrorReason, isFsError } from '../fs-error-reason.js';
import { createOutputDir } from '../output-dir.js';
import type { RunResult } from '../result/run-result.js';
import { HtmlReporter } from './html-reporter.js';
import { JsonReporter } from './json-reporter.js';
import { JunitReporter } from './junit-reporter.js';
import { MarkdownReporter } from './markdown-reporter.js';
import type { Reporter } from './reporter.js';

/** Reporters by name; adding one (html, junit) is one file and one line here. */
const REPORTERS = {
  json: () => new JsonReporter(),
  html: () => new HtmlReporter(),
  junit: () => new JunitReporter(),
  markdown: () => new MarkdownReporter(),
} as const satisfies Record<string, () => Reporter>;

export type ReporterName = keyof typeof REPORTERS;
export const REPORTER_NAMES = Object.keys(REPORTERS) as ReporterName[];
/** Every run writes all four: result.json, report.html, junit.xml, summary.md. */
export const DEFAULT_REPORTERS: readonly ReporterName[] = ['json', 'html', 'junit', 'markdown'];

export function createReporter(name: string): Reporter {
  const create = (REPORTERS as Record<string, (() => Reporter) | undefined>)[name];
  if (!create) {
    throw new UsageError('E_REPORTER_UNKNOWN', `unknown reporter "${name}"`, { hint: `choose from: ${REPORTER_NAMES.join(', ')}` });
  }
  return create();
}

/** Creates `dir` if needed and writes each report into it; returns the paths written, in order. */
export async function writeReports(result: RunResult, dir: string, names: readonly string[] = DEFAULT_REPORTERS): Promise<string[]> {
  const reporters = names.map(createReporter); // all names checked before anything is written
  await createOutputDir(dir);
  const paths: string[] = [];
  for (const reporter of reporters) {
    try {
      paths.push(await reporter.write(result, dir));
    } catch (error) {
      if (!isFsError(error)) throw error;
      throw new UsageError('E_REPORT_WRITE', `cannot write the ${reporter.name} report: ${fsErrorReason(error)}`, {
        // A rename's target (`dest`), not the temporary file beside it (src/report/atomic-write.ts).
        file: (error as { dest?: string }).dest ?? error.path ?? dir,
        hint: 'write the reports into a folder you can write to, with space left (--out)',
        cause: error,
      });
    }
  }
  return paths;
}
