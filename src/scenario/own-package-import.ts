import Module, { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

/** The name a scenario imports `defineScenario` and the types from. */
export const PACKAGE_NAME = 'mtls-chaos';

/**
 * The entry file `import 'mtls-chaos'` means: this package's own `exports["."]`, found by
 * self-reference (a module inside a package may import the package by its name), so the path is
 * written in package.json only.
 */
function ownEntryFile(): string {
  return createRequire(import.meta.url).resolve(PACKAGE_NAME);
}

/**
 * Runs in the module hooks thread (data: URL, so it is plain JavaScript whether this package runs
 * built or from src under tsx). Only a failed resolution of the bare name is changed: a
 * mtls-chaos installed next to the scenario still wins, as Node would choose it.
 */
const ESM_HOOKS = `
let entryUrl;
export function initialize(data) { entryUrl = data.entryUrl; }
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (specifier !== ${JSON.stringify(PACKAGE_NAME)} || error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    return { url: entryUrl, format: 'module', shortCircuit: true };
  }
}
`;

let installed = false;

/**
 * Makes `import { defineScenario } from 'mtls-chaos'` work in a scenario outside any project
 * that installed mtls-chaos: a global install or `npx` leaves no node_modules in the user's
 * folder, and Node looks for packages only upwards from the importing file. The running
 * package answers instead (both module systems: tsx compiles a .ts file outside a
 * `"type": "module"` package to CommonJS and requires it). Process-wide and idempotent, as the
 * module resolution it extends.
 */
export function resolveOwnPackageForScenarios(): void {
  if (installed) return;
  installed = true;
  let entryFile: string;
  try {
    entryFile = ownEntryFile();
  } catch {
    // A checkout never built has no dist/ to answer with; its own drills import ../src/ instead.
    return;
  }
  register(`data:text/javascript,${encodeURIComponent(ESM_HOOKS)}`, { data: { entryUrl: pathToFileURL(entryFile).href } });
  // CommonJS has no public resolve hook in Node 20 (module.registerHooks came in 22.15);
  // _resolveFilename is the seam tsx's own CommonJS loader wraps (node_modules/tsx/dist/cjs).
  const cjs = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const resolveFilename = cjs._resolveFilename;
  cjs._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
    try {
      return resolveFilename.call(this, request, ...rest);
    } catch (error) {
      if (request !== PACKAGE_NAME || (error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
      return entryFile;
    }
  };
}
