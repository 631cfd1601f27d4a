import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';

/** Reads a file named by a flag; a missing or unreadable file is bad input (exit 2) naming the file. */
export async function readFlagFile(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError('E_CLI_FILE', `cannot read ${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      file: path,
      hint: `check the path given to ${flag} and that you may read it`,
      cause: error,
    });
  }
}
