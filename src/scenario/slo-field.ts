import { z } from 'zod';
import { MtlsChaosError } from '../errors.js';
import { parseSlo, type ParsedSlo, type SloScope } from '../slo/index.js';
import { expectedGot } from './field-types.js';

/** Where an SLO is judged: the whole run, or one phase (baseline, fault, recovery: docs/ARCHITECTURE.md, "The life of a run"). */
export const SLO_SCOPES = ['run', 'baseline', 'fault', 'recovery'] as const satisfies readonly SloScope[];

/** One SLO of a scenario after validation: the text as written, its scope, and the parsed form. */
export interface ScenarioSlo {
  readonly expression: string;
  readonly scope: SloScope;
  readonly parsed: ParsedSlo;
}

const EXAMPLE = '"handshake.p95 < 150ms"';

/**
 * Parses with the SLO grammar itself, so a scenario that validates is one whose SLOs can be
 * judged; a syntax error keeps the parser's code (E_SLO_SYNTAX) and message.
 */
function parseExpression(expression: string, context: z.RefinementCtx): ParsedSlo | typeof z.NEVER {
  try {
    return parseSlo(expression);
  } catch (error) {
    if (!(error instanceof MtlsChaosError)) throw error;
    context.addIssue({
      code: 'custom',
      // The parser's hint lists every metric: worth reading when short, noise when long.
      message: error.hint && error.hint.length <= 160 ? `${error.message} (${error.hint})` : error.message,
      input: expression,
      params: { code: error.code },
    });
    return z.NEVER;
  }
}

const expressionSchema = z
  .string({ error: (issue) => expectedGot(`an SLO like ${EXAMPLE}`, issue.input) })
  .min(1, { error: () => `expected an SLO like ${EXAMPLE}, got an empty string` });

const phasedSchema = z.strictObject({
  expr: expressionSchema.meta({ description: 'The threshold, e.g. handshake.p95 < 150ms.' }),
  phase: z
    .enum(SLO_SCOPES, { error: (issue) => expectedGot(`one of ${SLO_SCOPES.map((s) => `"${s}"`).join(', ')}`, issue.input) })
    .default('run')
    .meta({ description: 'Where the SLO is judged: the whole run (default) or one phase.' }),
});

/** An SLO: a string judged over the whole run, or `{ expr, phase }` judged in one phase. */
export const sloField = z
  .union([expressionSchema, phasedSchema], {
    error: (issue) => expectedGot(`an SLO like ${EXAMPLE} or { expr: ${EXAMPLE}, phase: baseline }`, issue.input),
  })
  .meta({
    description:
      'A k6-style threshold: <metric> <op> <value>, e.g. handshake.p95 < 150ms, success.rate >= 99.9%, ' +
      'gateway.cpu.p95 < 80%. A plain string is judged over the whole run; { expr, phase } in one phase.',
  })
  .transform((value, context): ScenarioSlo => {
    const expression = typeof value === 'string' ? value.trim() : value.expr.trim();
    const scope: SloScope = typeof value === 'string' ? 'run' : value.phase;
    return { expression, scope, parsed: parseExpression(expression, context) as ParsedSlo };
  });
