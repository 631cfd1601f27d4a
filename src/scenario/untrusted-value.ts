import { ScenarioError, type ScenarioProblem } from './scenario-error.js';

/** Keys that can reach Object.prototype when a parsed object is merged or assigned somewhere. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** No scenario field is nested this deep; deeper input is an attack or a mistake. */
export const MAX_DEPTH = 32;

/**
 * Checks a value parsed from an untrusted file (or exported by a module) before validation:
 * prototype-polluting keys are refused, not stripped, so nothing is silently dropped; nesting
 * is capped, which also catches reference cycles in module exports.
 */
export function checkUntrustedValue(value: unknown, file: string): void {
  const problems: ScenarioProblem[] = [];
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (node === null || typeof node !== 'object') return;
    if (path.length > MAX_DEPTH) {
      throw new ScenarioError('E_SCENARIO_SYNTAX', `nested deeper than ${MAX_DEPTH} levels`, {
        file,
        path: path.slice(0, 8),
        hint: 'a scenario is a few levels deep; check for a runaway structure or a reference cycle',
      });
    }
    if (Array.isArray(node)) {
      node.forEach((item, index) => walk(item, [...path, index]));
      return;
    }
    for (const key of Object.keys(node)) {
      if (FORBIDDEN_KEYS.has(key)) {
        problems.push({
          code: 'E_SCENARIO_FIELD',
          path: [...path, key],
          message: `forbidden key "${key}": it could alter object prototypes and is never a scenario field`,
        });
        continue;
      }
      walk((node as Record<string, unknown>)[key], [...path, key]);
    }
  };
  walk(value, []);
  if (problems.length > 0) throw ScenarioError.fromProblems(file, problems);
}
