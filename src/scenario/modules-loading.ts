import { ScenarioError } from './scenario-error.js';

/**
 * The scenario modules whose import has not settled yet. Process-wide on purpose: so is the
 * module map that holds them, and a module whose top-level await never settles leaves nothing
 * else behind (no pending timer or socket: the event loop simply runs dry). The CLI asks here
 * why its work never finished (src/cli/exit-guard.ts).
 */
const loading = new Set<string>();

/** Marks `file` as loading until `load` settles; returns `load`'s own outcome. */
export async function trackModuleLoad<T>(file: string, load: Promise<T>): Promise<T> {
  loading.add(file);
  try {
    return await load;
  } finally {
    loading.delete(file);
  }
}

/** The error to report when the process runs dry while a scenario module is still loading. */
export function unsettledScenarioError(): ScenarioError | undefined {
  const [file] = loading;
  if (file === undefined) return undefined;
  return new ScenarioError('E_SCENARIO_UNSETTLED', 'never finished loading: a top-level await in it waits for something that never happens', {
    file,
    hint: 'a scenario module must finish loading on its own; remove the await or make what it waits for settle (nothing after this file was checked)',
  });
}
