import { MtlsChaosError, type ErrorContext } from '../errors.js';

/** One thing wrong with a scenario: where (field path) and what was expected versus found. */
export interface ScenarioProblem {
  /** Stable code of this problem, e.g. E_SCENARIO_FIELD, E_SCENARIO_RUNTIME, E_SLO_SYNTAX. */
  readonly code: string;
  /** Field path inside the scenario, e.g. ['load', 'rate'] or ['slos', 1]; empty for the whole file. */
  readonly path: readonly (string | number)[];
  /** What was expected and what was found, without the path (the printer adds it). */
  readonly message: string;
}

/**
 * A scenario file that cannot be used: missing, unreadable, unsafe, or invalid. Validation
 * reports every problem at once (k6's "a config validates itself"): `message`, `code` and `path`
 * are those of the first problem, `problems` lists all of them, the first included.
 *
 * Codes: E_SCENARIO_FILE (missing, unreadable, too large, binary, unknown extension),
 * E_SCENARIO_SYNTAX (YAML/JSON syntax, duplicate keys, aliases, tags, nesting),
 * E_SCENARIO_EXPORT (a TypeScript/JavaScript scenario without a usable default export),
 * E_SCENARIO_IMPORT (a scenario module importing a package or file that is not there),
 * E_SCENARIO_FIELD (a field's value), E_SCENARIO_RUNTIME, E_SCENARIO_FAULTS, E_SLO_SYNTAX,
 * E_SCENARIO_OBSERVE (alert SLOs without observe.prometheus), E_SCENARIO_RULES (observe.prometheus.rules:
 * unreadable, refused by promtool, or naming no alert an SLO names).
 */
export class ScenarioError extends MtlsChaosError {
  readonly problems: readonly ScenarioProblem[];

  constructor(code: string, message: string, context: ErrorContext & { problems?: readonly ScenarioProblem[] } = {}) {
    super(code, message, context);
    this.problems = context.problems ?? [{ code, path: context.path ?? [], message }];
  }

  /** The error for a list of problems (at least one): the first one leads. */
  static fromProblems(file: string, problems: readonly ScenarioProblem[], hint?: string): ScenarioError {
    const [first] = problems;
    if (!first) throw new TypeError('ScenarioError.fromProblems needs at least one problem');
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    return new ScenarioError(first.code, `${first.message}${more}`, {
      file,
      path: first.path,
      problems,
      ...(hint ? { hint } : {}),
    });
  }
}

/** `load.ramp.stages.0.to`: joined as src/cli/format-error.ts joins `MtlsChaosError.path`. */
export function formatFieldPath(path: readonly (string | number)[]): string {
  return path.join('.');
}
