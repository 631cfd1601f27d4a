import { INPUT_BOUNDS, readBoundedText } from '../bounded-file.js';

/**
 * Reads a file named by a flag (a PEM certificate, key or CA bundle): a missing, unreadable,
 * special or oversized file is bad input (exit 2, E_CLI_FILE) naming the file and the flag.
 */
export async function readFlagFile(path: string, flag: string): Promise<string> {
  return readBoundedText(path, {
    code: 'E_CLI_FILE',
    what: `the file of ${flag}`,
    hint: `check the path given to ${flag} and that you may read it`,
    maxBytes: INPUT_BOUNDS.flagFileBytes,
  });
}
