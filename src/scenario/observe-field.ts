import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { ScenarioSlo } from './slo-field.js';
import { scenarioPathField } from './scenario-path-field.js';

/**
 * `rules: builtin`: the rules shipped in the package (contrib/prometheus, two levels above
 * src/scenario or dist/scenario). A file of the team's named builtin is written `./builtin`.
 */
export const BUILTIN_RULES = 'builtin';
export const BUILTIN_RULES_FILE = fileURLToPath(new URL('../../contrib/prometheus/mtls-chaos.rules.yml', import.meta.url));

/**
 * observe: how the run is watched from outside. `prometheus.rules` names the team's own alert
 * rules (a Prometheus rules file, relative to the scenario and inside its folder) or `builtin`:
 * a real Prometheus scrapes the run every second with them, and the alert.<Name>.* SLOs judge
 * what the alerts did (src/slo/alert-slo-metrics.ts).
 */
export const observeField = z
  .strictObject({
    prometheus: z
      .strictObject({
        rules: scenarioPathField('your Prometheus alert rules, e.g. "./alerts.yml", or builtin').meta({
          description:
            'A Prometheus rules file (relative to the scenario, inside its folder), or "builtin" for contrib/prometheus/mtls-chaos.rules.yml shipped with mtls-chaos. Checked with `promtool check rules` when promtool is installed.',
        }),
      })
      .meta({ description: 'A real Prometheus that scrapes the run every second and evaluates the rules (local runtime only for now).' }),
  })
  .optional()
  .meta({ description: 'Watch the run from outside: a Prometheus with your alert rules, judged by alert.<Name>.detect/clear/count SLOs.' });

export type ObserveSpec = { readonly prometheus: { readonly rules: string } };

/** observe with its rules file resolved: the shipped one for `builtin`, else against the scenario's folder. */
export function resolveObserve(observe: ObserveSpec | undefined, scenarioFile: string): ObserveSpec | undefined {
  if (!observe) return undefined;
  const { rules } = observe.prometheus;
  return { prometheus: { rules: rules === BUILTIN_RULES ? BUILTIN_RULES_FILE : resolve(dirname(scenarioFile), rules) } };
}

type AddIssue = (path: (string | number)[], message: string, code: string) => void;

/**
 * What observe needs from the rest of the scenario: alert SLOs need a Prometheus to judge them,
 * and the Prometheus runs as a local process beside the run (the docker image is not wired yet).
 */
export function checkObserve(scenario: { readonly observe?: ObserveSpec; readonly runtime: string; readonly slos: readonly ScenarioSlo[] }, addIssue: AddIssue): void {
  if (scenario.observe === undefined) {
    scenario.slos.forEach((slo, index) => {
      if (!slo.parsed.metric.startsWith('alert.')) return;
      addIssue(
        ['slos', index],
        `${slo.parsed.metric} judges what an alert did, but the scenario runs no Prometheus: add observe: { prometheus: { rules: ./alerts.yml } } (or rules: builtin)`,
        'E_SCENARIO_OBSERVE',
      );
    });
    return;
  }
  const runtimeError = observeRuntimeProblem(scenario.runtime);
  if (runtimeError) addIssue(['observe', 'prometheus'], runtimeError, 'E_SCENARIO_RUNTIME');
}

/** Why observe.prometheus cannot run on this runtime, or undefined when it can (also for `run --runtime`). */
export function observeRuntimeProblem(runtime: string): string | undefined {
  return runtime === 'local' ? undefined : `runs on the local runtime only for now (a Prometheus process beside the run), got runtime ${runtime}: use runtime: local, or drop observe for a docker run`;
}
