import type { K6Manifests } from './k6-manifests.js';
import { RUNNER_PATHS } from './k6-manifests.js';
import { SCRIPT_ENV } from './k6-script.js';
import type { ThresholdTranslation } from './k6-thresholds.js';
import { visibleText } from '../visible-text.js';

export interface ExportReadmeInput {
  readonly drill: string;
  readonly scenarioFile: string;
  readonly scriptFile: string;
  readonly tlsDir: string;
  readonly parallelism: number;
  readonly manifests: K6Manifests;
  readonly untranslated: readonly ThresholdTranslation[];
  readonly untranslatedLoad: readonly string[];
}

/**
 * README.txt of an exported folder: how to run it with plain k6 and with the k6-operator. People
 * copy commands out of it, so text from the scenario (its file's path, its SLOs) is shown with
 * control characters written out: a newline in a path must not add an instruction of its own.
 */
export function renderExportReadme(input: ExportReadmeInput): string {
  const { manifests } = input;
  const notJudged = input.untranslated.map((t) => `  - ${visibleText(t.expression)} (${t.scope === 'run' ? 'whole run' : `${t.scope} phase`}): ${t.translated ? '' : t.reason}`);
  return `mtls-chaos k6 export of the drill "${visibleText(input.drill)}" (${visibleText(input.scenarioFile)})
${'='.repeat(60)}

Files
  ${`${input.scriptFile}`.padEnd(20)}the load as a k6 script (TypeScript, typed with @types/k6; k6 >= 0.57 runs .ts directly)
  ${`${input.tlsDir}/`.padEnd(20)}PRIVATE KEYS: client-1.key (mode 0600), client-1.crt, ca.crt. Do not commit,
                      do not paste into tickets; delete the folder when done.
  testrun.yaml        k6-operator TestRun (k6.io/v1alpha1), parallelism ${input.parallelism}
  results-pvc.yaml    a ReadWriteMany claim where each runner writes its JSON output
  kustomization.yaml  ConfigMap (the script) and Secret (the TLS files) generated from the files

The certificates here come from a fresh lab PKI issued at export time. To drive a lab that
\`mtls-chaos run <drill> --load external\` started, use the folder that command prints instead
(${SCRIPT_ENV.tlsDir}=<its folder>): the lab trusts only its own CA.

1. Plain k6 (one machine)
  ${SCRIPT_ENV.target}=https://<gateway host>:<port> SSL_CERT_FILE=${input.tlsDir}/ca.crt \\
    k6 run --out json=k6.ndjson --summary-export=summary.json ${input.scriptFile}
  (k6 has no option for a custom server CA: Go's SSL_CERT_FILE sets the roots it trusts.)

2. k6-operator (Kubernetes, ${input.parallelism} runner${input.parallelism === 1 ? '' : 's'})
  Edit ${SCRIPT_ENV.target} in testrun.yaml to the gateway as the runners reach it, then either
    kubectl apply -k .
  or, without kustomize:
    ${manifests.createConfigMapCommand}
    ${manifests.createSecretCommand}
    kubectl apply -f results-pvc.yaml -f testrun.yaml
  The operator gives each runner an execution segment: an arrival rate of R/s in the script
  becomes R/${input.parallelism} per runner, R/s in total. Each runner writes
  ${RUNNER_PATHS.results}/<pod>.ndjson and <pod>-summary.json on the claim; copy them out.

3. Back into mtls-chaos
  mtls-chaos import k6 k6.ndjson [more runners' .ndjson ...] --summary summary.json [...] --faults <result.json of the fault run>
  gives a result.json (and the usual reports) that \`report\` and \`compare\` read. With --faults,
  the phases and fault windows come from the harness run on the same clock; both machines' clocks
  must agree (NTP), as k6 stamps its samples with wall-clock time.

SLOs that are not k6 thresholds (import k6 judges them):
${notJudged.length === 0 ? '  none: every SLO is also a threshold in the script' : notJudged.join('\n')}
${input.untranslatedLoad.length === 0 ? '' : `\nNot reproduced by k6:\n${input.untranslatedLoad.map((line) => `  - ${visibleText(line)}`).join('\n')}\n`}`;
}
