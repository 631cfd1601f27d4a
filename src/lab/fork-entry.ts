import { fileURLToPath } from 'node:url';

export interface ForkEntry {
  /** Absolute path of the file to fork. */
  readonly modulePath: string;
  /** Node options the child needs to load it. */
  readonly execArgv: readonly string[];
}

/**
 * Where a process entry file is, and how to fork it. From `dist/` the caller's own URL ends in
 * .js and the compiled sibling is forked plainly; from `src/` run through tsx (tests, `tsx`)
 * it ends in .ts and the child must load tsx too, or it cannot import TypeScript.
 *
 * `relativeTs` is written as the TypeScript file name (e.g. './processes/node-gateway-process.ts'),
 * resolved against `callerUrl` (the caller's import.meta.url).
 */
export function resolveForkEntry(callerUrl: string, relativeTs: string): ForkEntry {
  const fromSource = callerUrl.endsWith('.ts');
  const relative = fromSource ? relativeTs : relativeTs.replace(/\.ts$/, '.js');
  return {
    modulePath: fileURLToPath(new URL(relative, callerUrl)),
    execArgv: fromSource ? ['--import', 'tsx'] : [],
  };
}
