import { access, readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fsErrorReason } from '../fs-error-reason.js';
import { SCENARIO_EXTENSIONS } from './read-scenario-file.js';
import { ScenarioError } from './scenario-error.js';

/**
 * The package's scenarios/ folder. This file sits at src/scenario/ (run through tsx) or
 * dist/scenario/ (built); both are two levels below the package root.
 */
export const BUILT_IN_SCENARIO_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

/** Scenario files directly in `dir` (not sub-folders such as examples/), sorted by name. */
export async function listScenarioFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
    throw new ScenarioError('E_SCENARIO_FILE', `cannot list the scenarios in this folder: ${fsErrorReason(error)}`, { file: dir, cause: error });
  });
  return entries
    .filter((entry) => entry.isFile() && SCENARIO_EXTENSIONS.includes(extname(entry.name).toLowerCase()))
    .filter((entry) => !entry.name.endsWith('.d.ts') && !entry.name.endsWith('.schema.json'))
    .map((entry) => join(dir, entry.name))
    .sort();
}

/**
 * A built-in drill named as `mtls-chaos list` names it ("baseline", "ocsp-slow-nginx"): its file,
 * or undefined when `argument` is not a bare drill name or no built-in drill has it. A path or a
 * file name with an extension is always taken as a path.
 */
export async function builtInDrillFile(argument: string): Promise<string | undefined> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(argument)) return undefined;
  const file = join(BUILT_IN_SCENARIO_DIR, `${argument}.ts`);
  return access(file).then(
    () => file,
    () => undefined,
  );
}
