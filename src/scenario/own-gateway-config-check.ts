import { dirname, resolve } from 'node:path';
import { faultDefinition } from '../faults/index.js';
import { gatewayKinds, readGatewayConfigTemplate, type GatewayKindRegistry } from '../lab/index.js';
import { ScenarioError, type ScenarioProblem } from './scenario-error.js';
import type { Scenario } from './scenario-schema.js';

/** A file lab.gateway names (config, ca) as the scenario wrote it, resolved against the scenario file's folder. */
export function resolveGatewayConfigPath(config: string, scenarioFile: string): string {
  return resolve(dirname(scenarioFile), config);
}

/**
 * Reads the team's own gateway config before the run and says what cannot work: a file the lab
 * cannot run (its kind's reader: never listens on {{listen}}, binds beyond loopback), and each
 * fault the config makes meaningless (an OCSP outage behind a config without ssl_ocsp), naming
 * the fault and the missing directive. The placeholders and the gateway's own checker (nginx -t,
 * haproxy -c) are checked again when the gateway starts.
 */
export async function checkOwnGatewayConfig(scenario: Scenario, registry: GatewayKindRegistry = gatewayKinds): Promise<void> {
  const file = scenario.lab.gateway.config;
  if (file === undefined) return;
  const reader = registry.definition(scenario.lab.gateway.kind).ownConfig;
  if (!reader) return;
  const template = await readGatewayConfigTemplate(file);
  const facts = reader.inspect(template);
  const config = { file: template.file, facts, directives: reader.directives };
  const problems: ScenarioProblem[] = [];
  scenario.faults.forEach((fault, index) => {
    const missing = faultDefinition(fault.kind).requiresOfOwnConfig?.(fault.options, config);
    if (missing) problems.push({ code: 'E_SCENARIO_FAULTS', path: ['faults', index, 'kind'], message: `fault ${fault.kind} ${missing}` });
  });
  if (problems.length > 0) throw ScenarioError.fromProblems(scenario.file, problems, 'change the fault or your gateway config; README, "Your own gateway configuration"');
}
