import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The first executable `name` in `searchPath` (PATH-style), else the first executable fallback
 * (Debian puts nginx and haproxy in /usr/sbin, outside a user's PATH); undefined when none is.
 */
export function findExecutable(name: string, searchPath: string, fallbacks: readonly string[]): string | undefined {
  for (const candidate of [...searchPath.split(delimiter).filter(Boolean).map((dir) => join(dir, name)), ...fallbacks]) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}
