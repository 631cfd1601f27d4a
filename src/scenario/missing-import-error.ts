import { isAbsolute } from 'node:path';
import { PACKAGE_NAME } from './own-package-import.js';
import { ScenarioError } from './scenario-error.js';

/**
 * The error for a scenario module that imports something not there (a package not installed, a
 * file path that is wrong), or undefined for any other failure. Node's message names what is
 * missing: "Cannot find package 'x' imported from ..." (ESM) or "Cannot find module 'x'" (CommonJS,
 * as tsx compiles a .ts file outside a "type": "module" package). Without this a person read a
 * hint about `export default`, which was not the problem.
 */
export function missingImportError(error: unknown, file: string): ScenarioError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (!(error instanceof Error) || (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND')) return undefined;
  const named = /^Cannot find (?:package|module) '([^']+)'/.exec(error.message);
  const missing = named?.[1];
  if (missing === undefined) return undefined;
  const isPackage = !missing.startsWith('.') && !missing.startsWith('file:') && !isAbsolute(missing);
  const packageName = isPackage ? bareName(missing) : undefined;
  return new ScenarioError('E_SCENARIO_IMPORT', `imports ${isPackage ? 'package' : 'file'} "${packageName ?? missing}", which cannot be found`, {
    file,
    cause: error,
    hint: packageName
      ? `install it where the scenario's folder can see it (\`npm install ${packageName}\` there or in a parent folder)${packageName === PACKAGE_NAME ? '' : `; "${PACKAGE_NAME}" itself needs no install`}`
      : 'check the path in the import: it is relative to the file that imports it',
  });
}

/** The package of a bare specifier: "lodash/fp" -> "lodash", "@scope/pkg/x" -> "@scope/pkg". */
function bareName(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}
