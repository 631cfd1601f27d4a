import { join } from 'node:path';
import type { RunResult } from '../result/run-result.js';
import { writeFileAtomic } from './atomic-write.js';
import type { Reporter } from './reporter.js';

export const RESULT_FILE_NAME = 'result.json';

/** result.json: the RunResult itself, pretty-printed so that two runs diff line by line. */
export class JsonReporter implements Reporter {
  readonly name = 'json';

  async write(result: RunResult, dir: string): Promise<string> {
    const path = join(dir, RESULT_FILE_NAME);
    await writeFileAtomic(path, `${JSON.stringify(result, null, 2)}\n`);
    return path;
  }
}
