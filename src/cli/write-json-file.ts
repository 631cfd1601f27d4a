import { rename, writeFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { fsErrorReason } from '../fs-error-reason.js';

/** Writes `value` as JSON to `path` through a temp file and a rename, so a reader never sees half a file. */
export async function writeJsonAtomically(path: string, value: unknown, flag = '--json'): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`);
    await rename(temporary, path);
  } catch (error) {
    throw new UsageError('E_CLI_FILE', `cannot write ${flag} ${path}: ${fsErrorReason(error)}`, {
      file: path,
      hint: 'choose a path in a directory you can write to',
      cause: error,
    });
  }
}
