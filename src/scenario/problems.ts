import { z } from 'zod';
import { didYouMean } from './did-you-mean.js';
import { describeValue, expectedGot } from './field-types.js';
import type { ScenarioProblem } from './scenario-error.js';

type Path = readonly (string | number)[];
type Issue = z.core.$ZodIssue;

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping of fields',
  array: 'a list',
};

/**
 * Messages for issues whose field has no message of its own, in the same "expected ..., got ..."
 * form. Passed to safeParse; field-level messages take precedence (zod 4 error precedence).
 */
export const fallbackErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return expectedGot(TYPE_NAMES[issue.expected] ?? issue.expected, issue.input);
    case 'invalid_value':
      return expectedGot(`one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`, issue.input);
    case 'too_small':
      return `expected at least ${String(issue.minimum)}, got ${describeValue(issue.input)}`;
    case 'too_big':
      return `expected at most ${String(issue.maximum)}, got ${describeValue(issue.input)}`;
    default:
      return undefined;
  }
};

/**
 * Turns zod's issues into problems a person can act on, one per line: unknown keys each get
 * their own path and a did-you-mean from the sibling fields the schema knows; a union (an SLO is
 * a string or { expr, phase }) reports the branch matching what was written.
 */
export function toProblems(issues: readonly Issue[], schema: z.core.$ZodType, prefix: Path = []): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path.map(pathSegment)];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, path);
      for (const key of issue.keys) {
        const suggestion = didYouMean(key, known);
        const hint = suggestion ? `did you mean "${suggestion}"?` : known.length ? `expected one of ${known.join(', ')}` : '';
        problems.push({ code: 'E_SCENARIO_FIELD', path: [...path, key], message: `unknown field${hint ? `; ${hint}` : ''}` });
      }
    } else if (issue.code === 'invalid_union') {
      const branch = matchingBranch(issue.errors);
      if (branch) problems.push(...toProblems(branch, schema, path));
      else problems.push({ code: 'E_SCENARIO_FIELD', path, message: issue.message });
    } else {
      const code = issue.code === 'custom' && typeof issue.params?.['code'] === 'string' ? issue.params['code'] : 'E_SCENARIO_FIELD';
      problems.push({ code, path, message: issue.message });
    }
  }
  return problems;
}

function pathSegment(segment: PropertyKey): string | number {
  return typeof segment === 'symbol' ? String(segment) : segment;
}

/** The one branch whose type matched the input (its problems are deeper than the union itself). */
function matchingBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  const matching = branches.filter((issues) => !issues.some((issue) => issue.path.length === 0 && issue.code === 'invalid_type'));
  return matching.length === 1 ? matching[0] : undefined;
}

/** The field names the schema allows at a path, for did-you-mean. */
function knownKeysAt(schema: z.core.$ZodType, path: Path): string[] {
  const keys = new Set<string>();
  const visit = (node: z.core.$ZodType, rest: Path): void => {
    const def = node._zod.def as unknown as Record<string, unknown> & { type: string };
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'readonly':
      case 'catch':
      case 'nonoptional':
        visit(def['innerType'] as z.core.$ZodType, rest);
        return;
      case 'pipe':
        visit(def['in'] as z.core.$ZodType, rest);
        return;
      case 'union':
        for (const option of def['options'] as z.core.$ZodType[]) visit(option, rest);
        return;
      case 'array':
        if (typeof rest[0] === 'number') visit(def['element'] as z.core.$ZodType, rest.slice(1));
        return;
      case 'object': {
        const shape = def['shape'] as Record<string, z.core.$ZodType>;
        if (rest.length === 0) {
          Object.keys(shape).filter((key) => key !== '$schema').forEach((key) => keys.add(key));
          return;
        }
        const child = shape[String(rest[0])];
        if (child) visit(child, rest.slice(1));
        return;
      }
      default:
        return;
    }
  };
  visit(schema, path);
  return [...keys];
}
