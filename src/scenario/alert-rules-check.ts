import { execFile } from 'node:child_process';
import { dirname, relative } from 'node:path';
import { parse } from 'yaml';
import { readBoundedText } from '../bounded-file.js';
import { MtlsChaosError } from '../errors.js';
import { findExecutable } from '../lab/index.js';
import { didYouMean } from './did-you-mean.js';
import { BUILTIN_RULES_FILE } from './observe-field.js';
import { ScenarioError, type ScenarioProblem } from './scenario-error.js';
import type { Scenario } from './scenario-schema.js';

const FIELD = ['observe', 'prometheus', 'rules'] as const;
const HINT = 'fix the rules file, or check it with `promtool check rules <file>`; README, "Time to detect"';
/** A rules file of a few hundred alerts is tens of KiB. */
const MAX_RULES_BYTES = 4 * 1024 * 1024;
const PROMTOOL_TIMEOUT_MS = 20_000;

/**
 * Reads observe.prometheus.rules before the run: the file exists, Prometheus would load it
 * (`promtool check rules` when promtool is installed, else at least YAML with a `groups` list),
 * and every alert an SLO names (alert.<Name>.detect) is one of its alerts. A rules file Prometheus
 * refuses would otherwise show up as a run whose alerts never fired.
 */
export async function checkAlertRules(scenario: Scenario, options: { signal?: AbortSignal; promtool?: string | null } = {}): Promise<void> {
  const rulesFile = scenario.observe?.prometheus.rules;
  if (rulesFile === undefined) return;
  const shown = displayPath(rulesFile, scenario.file);
  const fail = (message: string, cause?: unknown): never => {
    throw new ScenarioError('E_SCENARIO_RULES', message, { file: scenario.file, path: FIELD, hint: HINT, cause });
  };
  let text: string;
  try {
    text = await readBoundedText(rulesFile, { code: 'E_SCENARIO_RULES', what: 'a Prometheus rules file', hint: HINT, maxBytes: MAX_RULES_BYTES });
  } catch (error) {
    return fail(`${shown}: ${error instanceof MtlsChaosError ? error.message : String(error)}`, error);
  }
  const promtool = options.promtool === undefined ? findExecutable('promtool', process.env.PATH ?? '', ['/usr/bin/promtool']) : options.promtool;
  if (promtool) {
    const refusal = await promtoolRefusal(promtool, rulesFile, options.signal);
    if (refusal !== undefined) fail(`promtool check rules refused ${shown}: ${refusal}`);
  }
  let document: unknown;
  try {
    document = parse(text, { maxAliasCount: 50 });
  } catch (error) {
    return fail(`${shown} is not YAML: ${(error as Error).message.split('\n')[0]}`, error);
  }
  const groups = (document as { groups?: unknown } | null)?.groups;
  if (!Array.isArray(groups)) return fail(`${shown}: expected a Prometheus rules file with a "groups" list, got ${document === null ? 'an empty file' : 'no groups'}`);
  checkNamedAlerts(scenario, alertNames(groups), shown);
}

function alertNames(groups: readonly unknown[]): string[] {
  return groups.flatMap((group) => {
    const rules = (group as { rules?: unknown } | null)?.rules;
    return Array.isArray(rules) ? rules.flatMap((rule) => (typeof (rule as { alert?: unknown } | null)?.alert === 'string' ? [(rule as { alert: string }).alert] : [])) : [];
  });
}

function checkNamedAlerts(scenario: Scenario, alerts: readonly string[], shown: string): void {
  const problems: ScenarioProblem[] = [];
  scenario.slos.forEach((slo, index) => {
    const name = /^alert\.(.+)\.[a-z]+$/.exec(slo.parsed.metric)?.[1];
    if (name === undefined || alerts.includes(name)) return;
    const near = didYouMean(name, alerts);
    problems.push({
      code: 'E_SCENARIO_RULES',
      path: ['slos', index],
      message:
        `names alert ${name}, which ${shown} does not define` +
        (near ? ` (did you mean ${near}? alert names are case-sensitive)` : alerts.length > 0 ? ` (its alerts: ${alerts.join(', ')})` : ' (it defines no alerts)'),
    });
  });
  if (problems.length > 0) throw ScenarioError.fromProblems(scenario.file, problems, 'name an alert of observe.prometheus.rules as its rule spells it');
}

/** promtool's own words when it refuses the file (the lines after FAILED:), undefined when it accepts it. */
function promtoolRefusal(promtool: string, rulesFile: string, signal?: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(promtool, ['check', 'rules', rulesFile], { timeout: PROMTOOL_TIMEOUT_MS, maxBuffer: 1024 * 1024, ...(signal ? { signal } : {}) }, (error, stdout, stderr) => {
      if (!error) {
        resolve(undefined);
        return;
      }
      const output = `${stdout}\n${stderr}`;
      const failed = output.split('\n').slice(Math.max(0, output.split('\n').findIndex((line) => /FAILED/.test(line)) + 1));
      const words = failed.map((line) => line.trim()).filter((line) => line.length > 0 && !/^Checking /.test(line)).join('; ');
      resolve((words || output.trim() || `exit code ${String(error.code)}`).slice(0, 600));
    });
  });
}

/** The rules file as the scenario named it: ./alerts.yml, or the builtin rules. */
function displayPath(file: string, scenarioFile: string): string {
  if (file === BUILTIN_RULES_FILE) return 'the builtin rules (contrib/prometheus/mtls-chaos.rules.yml)';
  const path = relative(dirname(scenarioFile), file);
  return path.startsWith('..') ? file : `./${path}`;
}
