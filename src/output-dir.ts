import { mkdir } from 'node:fs/promises';
import { UsageError } from './errors.js';
import { MKDIR_REASONS, fsErrorReason } from './fs-error-reason.js';

/**
 * Creates the folder a command writes into (and its parents), or says why it cannot: an `--out`
 * that is an existing file, a path under a file, a folder without write permission. Checked
 * before the work starts where possible, so a drill is not run for reports that cannot be written.
 */
export async function createOutputDir(dir: string, options: { mode?: number; hint?: string } = {}): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, ...(options.mode === undefined ? {} : { mode: options.mode }) });
  } catch (error) {
    throw new UsageError('E_OUT_DIR', `cannot create this folder: ${fsErrorReason(error, MKDIR_REASONS)}`, {
      file: dir,
      hint: options.hint ?? 'give --out a folder you can write to (it is created if missing), not an existing file',
      cause: error,
    });
  }
}
