import { resolve } from 'node:path';
import { toProblems, fallbackErrorMap } from './problems.js';
import { readScenarioFile } from './read-scenario-file.js';
import { ScenarioError } from './scenario-error.js';
import { scenarioSchema, type Scenario } from './scenario-schema.js';
import { checkUntrustedValue } from './untrusted-value.js';
import { builtInDrillFile } from './built-in.js';
import { checkOwnGatewayConfig, resolveGatewayConfigPath } from './own-gateway-config-check.js';
import { resolveObserve } from './observe-field.js';
import { checkAlertRules } from './alert-rules-check.js';

const FIELD_HINT = '`mtls-chaos schema` prints every field; scenarios/examples/baseline.yaml is a complete example';

/** Reads, checks and validates a scenario file (or a built-in drill by name); throws ScenarioError listing every problem. */
export async function loadScenario(fileOrDrillName: string, options: { signal?: AbortSignal } = {}): Promise<Scenario> {
  const file = (await builtInDrillFile(fileOrDrillName)) ?? fileOrDrillName;
  const raw = await readScenarioFile(file, options);
  options.signal?.throwIfAborted();
  const scenario = validateScenario(raw, file);
  await checkOwnGatewayConfig(scenario);
  await checkAlertRules(scenario, options);
  return scenario;
}

/**
 * Validates a value already read (a parsed YAML document, a module's default export):
 * all problems at once, each with its field path, before anything starts.
 */
export function validateScenario(raw: unknown, file: string): Scenario {
  let result: ReturnType<typeof scenarioSchema.safeParse>;
  try {
    checkUntrustedValue(raw, file);
    result = scenarioSchema.safeParse(raw, { reportInput: true, error: fallbackErrorMap });
  } catch (error) {
    if (error instanceof ScenarioError) throw error;
    // A module's export can be anything: a getter or a Proxy that throws when read.
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ScenarioError('E_SCENARIO_EXPORT', `could not be read: ${reason}`, {
      file,
      cause: error,
      hint: 'export plain data: `export default defineScenario({...})` with strings, numbers, lists and mappings',
    });
  }
  if (!result.success) {
    throw ScenarioError.fromProblems(file, toProblems(result.error.issues, scenarioSchema), FIELD_HINT);
  }
  // The files the scenario names (lab.gateway config and ca, pki.issuer, observe.prometheus.rules), resolved against its folder.
  const { config, ca } = result.data.lab.gateway;
  const gateway = {
    ...result.data.lab.gateway,
    ...(config === undefined ? {} : { config: resolveGatewayConfigPath(config, file) }),
    ...(ca === undefined ? {} : { ca: resolveGatewayConfigPath(ca, file) }),
  };
  const { issuer } = result.data.pki;
  const pki = issuer ? { ...result.data.pki, issuer: { certificate: resolveGatewayConfigPath(issuer.certificate, file), key: resolveGatewayConfigPath(issuer.key, file) } } : result.data.pki;
  const observe = resolveObserve(result.data.observe, file);
  return { ...result.data, pki, lab: { ...result.data.lab, gateway }, ...(observe ? { observe } : {}), file: resolve(file) };
}
