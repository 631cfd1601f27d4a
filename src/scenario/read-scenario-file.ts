import { readFile, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fsErrorReason, isFsError } from '../fs-error-reason.js';
import { missingImportError } from './missing-import-error.js';
import { moduleSyntaxError } from './module-syntax-error.js';
import { resolveOwnPackageForScenarios } from './own-package-import.js';
import { trackModuleLoad } from './modules-loading.js';
import { ScenarioError } from './scenario-error.js';
import { parseScenarioYaml } from './parse-yaml.js';

/** Larger than any real scenario by far; caps memory and parse time before parsing starts. */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

const DATA_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;
const MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'] as const;
export const SCENARIO_EXTENSIONS: readonly string[] = [...MODULE_EXTENSIONS, ...DATA_EXTENSIONS];

const LIST_HINT = 'give a built-in drill by its name (`mtls-chaos list` shows them, e.g. baseline) or a scenario file\'s path';

/**
 * Reads a scenario file into a plain value, not yet validated: YAML and JSON are parsed as
 * untrusted data; TypeScript and JavaScript modules are imported and their default export taken
 * (a module is code the user chose to run, like a vitest or k6 config).
 */
export async function readScenarioFile(file: string, options: { signal?: AbortSignal } = {}): Promise<unknown> {
  options.signal?.throwIfAborted();
  const extension = extname(file).toLowerCase();
  if (!SCENARIO_EXTENSIONS.includes(extension)) {
    throw new ScenarioError('E_SCENARIO_FILE', `expected a scenario file ending in ${SCENARIO_EXTENSIONS.join(', ')}, got "${extension || 'no extension'}"`, {
      file,
      hint: LIST_HINT,
    });
  }
  const size = await fileSize(file);
  if (size > MAX_SCENARIO_BYTES) {
    throw new ScenarioError('E_SCENARIO_FILE', `is ${size} bytes; a scenario may be at most ${MAX_SCENARIO_BYTES} bytes (1 MiB)`, {
      file,
      hint: 'a scenario is a short description of a drill; is this the right file?',
    });
  }
  if ((MODULE_EXTENSIONS as readonly string[]).includes(extension)) return importScenarioModule(file, extension);
  const bytes = await readFile(file, options.signal ? { signal: options.signal } : {}).catch((error: unknown) => {
    throw isFsError(error) ? unreadable(file, error) : error;
  });
  // Checked again: the file may have grown since stat, or be a special file stat reports as small.
  if (bytes.length > MAX_SCENARIO_BYTES) {
    throw new ScenarioError('E_SCENARIO_FILE', `is larger than ${MAX_SCENARIO_BYTES} bytes (1 MiB)`, { file });
  }
  return parseScenarioYaml(decodeText(bytes, file), file);
}

async function fileSize(file: string): Promise<number> {
  try {
    const stats = await stat(file);
    if (!stats.isFile()) throw new ScenarioError('E_SCENARIO_FILE', 'is not a regular file (a directory?)', { file, hint: LIST_HINT });
    return stats.size;
  } catch (error) {
    if (error instanceof ScenarioError) throw error;
    throw unreadable(file, error);
  }
}

/** A scenario file the system will not give us: missing, no permission, a path through a file. */
function unreadable(file: string, error: unknown): ScenarioError {
  return new ScenarioError('E_SCENARIO_FILE', `cannot read it: ${fsErrorReason(error)}`, { file, hint: LIST_HINT, cause: error });
}

/** Text only: a NUL byte or invalid UTF-8 means a binary file, not a scenario. */
function decodeText(bytes: Buffer, file: string): string {
  if (bytes.includes(0)) {
    throw new ScenarioError('E_SCENARIO_FILE', 'looks binary (contains NUL bytes); expected a UTF-8 text file', { file });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (error) {
    throw new ScenarioError('E_SCENARIO_FILE', 'is not valid UTF-8 text', { file, cause: error, hint: 'save the file as UTF-8' });
  }
}

const EXPORT_HINT = 'a TypeScript scenario ends with `export default defineScenario({...})`';

/**
 * One tsx namespace for every TypeScript scenario this process loads: the modules they import
 * (this package's scenario API, zod, ...) are compiled once and shared. tsImport compiles them
 * again for each file: `list` over ~45 drills took 44 s that way.
 */
let typeScriptImport: ((specifier: string, parent: string) => Promise<unknown>) | undefined;

async function importTypeScript(url: string): Promise<unknown> {
  if (!typeScriptImport) {
    // Imported lazily so that YAML-only use never loads esbuild. Both loaders, as tsImport does:
    // a .ts file outside a "type": "module" package is compiled to CommonJS and required.
    const namespace = `mtls-chaos-scenarios-${process.pid}`;
    (await import('tsx/cjs/api')).register({ namespace });
    typeScriptImport = (await import('tsx/esm/api')).register({ namespace }).import;
  }
  // A query per load: the scenario file itself is read afresh each time (it may have changed).
  return typeScriptImport(`${url}?load=${Date.now()}-${Math.random().toString(36).slice(2)}`, import.meta.url);
}

async function importScenarioModule(file: string, extension: string): Promise<unknown> {
  const url = pathToFileURL(file).href;
  let module: Record<string, unknown>;
  try {
    resolveOwnPackageForScenarios();
    // tsx's ESM API loads TypeScript under plain node (the built CLI) without a global loader.
    const load = extension === '.ts' || extension === '.mts' ? importTypeScript(url) : import(url);
    module = (await trackModuleLoad(file, load)) as Record<string, unknown>;
  } catch (error) {
    // Read by the module loader, not by us: the scenario file it could not open is still a file
    // problem (a file the module's own code fails to read is the module's error, below).
    if (isFsError(error) && error.path !== undefined && resolve(error.path) === resolve(file)) throw unreadable(file, error);
    const syntaxError = await moduleSyntaxError(error, file);
    if (syntaxError) throw syntaxError;
    const importError = missingImportError(error, file);
    if (importError) throw importError;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ScenarioError('E_SCENARIO_EXPORT', `could not be loaded: ${reason}`, { file, cause: error, hint: EXPORT_HINT });
  }
  const value = defaultExport(module);
  if (value === undefined) {
    throw new ScenarioError('E_SCENARIO_EXPORT', 'has no default export; expected the scenario as the default export', { file, hint: EXPORT_HINT });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const found = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'function' ? 'a function' : typeof value;
    throw new ScenarioError('E_SCENARIO_EXPORT', `default export is ${found}; expected the scenario object`, { file, hint: EXPORT_HINT });
  }
  return value;
}

/**
 * A .ts file outside a `"type": "module"` package is compiled to CommonJS by tsx; importing it
 * from ESM then gives `default` = module.exports, marked `__esModule` by esbuild, with the
 * real default export inside it.
 */
function defaultExport(module: Record<string, unknown>): unknown {
  const outer = module['default'];
  if (outer !== null && typeof outer === 'object' && (outer as { __esModule?: unknown }).__esModule === true) {
    return (outer as Record<string, unknown>)['default'];
  }
  return outer;
}
