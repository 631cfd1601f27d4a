import { stringify } from 'yaml';
import { SCRIPT_ENV } from './k6-script.js';

export interface K6ManifestInput {
  readonly drill: string;
  readonly parallelism: number;
  /** Script file name in the ConfigMap. */
  readonly scriptFile: string;
  /** Folder (relative to the manifests) and file names of the TLS material for the Secret. */
  readonly tlsDir: string;
  readonly tlsFiles: readonly string[];
  readonly target?: string;
}

export interface K6Manifests {
  readonly names: { readonly testRun: string; readonly configMap: string; readonly secret: string; readonly resultsClaim: string };
  /** The TestRun (k6.io/v1alpha1) custom resource. */
  readonly testRun: Record<string, unknown>;
  /** A claim for the runners' JSON output; one file per runner pod. */
  readonly resultsClaim: Record<string, unknown>;
  /** kustomization.yaml: the ConfigMap and the Secret generated from the files, never inlined. */
  readonly kustomization: Record<string, unknown>;
  /** The same Secret with kubectl alone, for people who do not use kustomize. */
  readonly createSecretCommand: string;
  readonly createConfigMapCommand: string;
}

const K6_IMAGE_GID = 12_345;

/** Mount points inside each runner pod. */
export const RUNNER_PATHS = { tls: '/etc/mtls-chaos/tls', results: '/results' } as const;

/**
 * k6-operator manifests for the exported script: the operator starts `parallelism` runner pods and
 * gives each an execution segment, so an arrival rate in the script is split across runners
 * (each runs rate/N) and the total is the drill's rate. `arguments` goes through a shell in the
 * runner (k6-operator's TestRunSpec.NeedsShellCmd), so ${HOSTNAME} names each runner's file.
 */
export function k6Manifests(input: K6ManifestInput): K6Manifests {
  const base = kubernetesName(`mtls-chaos-${input.drill}`, 50);
  const names = { testRun: base, configMap: `${base}-script`, secret: `${base}-tls`, resultsClaim: `${base}-results` };
  const env = [
    { name: SCRIPT_ENV.tlsDir, value: RUNNER_PATHS.tls },
    // k6 has no option for a custom server CA; Go reads SSL_CERT_FILE for its roots.
    { name: 'SSL_CERT_FILE', value: `${RUNNER_PATHS.tls}/ca.crt` },
    { name: SCRIPT_ENV.target, value: input.target ?? 'https://gateway.example:8443' },
  ];
  const testRun = {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: { name: names.testRun, labels: { 'app.kubernetes.io/managed-by': 'mtls-chaos', 'mtls-chaos/drill': input.drill } },
    spec: {
      parallelism: input.parallelism,
      script: { configMap: { name: names.configMap, file: input.scriptFile } },
      arguments: `--out json=${RUNNER_PATHS.results}/\${HOSTNAME}.ndjson --summary-export=${RUNNER_PATHS.results}/\${HOSTNAME}-summary.json --tag runner=\${HOSTNAME}`,
      runner: {
        env,
        // The grafana/k6 image runs as uid/gid 12345: the group owns the Secret's files (0440)
        // and the results claim, so k6 can read its key and write its output without root.
        securityContext: { runAsNonRoot: true, fsGroup: K6_IMAGE_GID },
        volumes: [
          { name: 'tls', secret: { secretName: names.secret, defaultMode: 0o440 } },
          { name: 'results', persistentVolumeClaim: { claimName: names.resultsClaim } },
        ],
        volumeMounts: [
          { name: 'tls', mountPath: RUNNER_PATHS.tls, readOnly: true },
          { name: 'results', mountPath: RUNNER_PATHS.results },
        ],
      },
    },
  };
  const resultsClaim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: names.resultsClaim },
    spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } } },
  };
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['testrun.yaml', 'results-pvc.yaml'],
    // Names fixed so that the TestRun (a custom resource kustomize does not rewrite) finds them.
    generatorOptions: { disableNameSuffixHash: true },
    configMapGenerator: [{ name: names.configMap, files: [input.scriptFile] }],
    secretGenerator: [{ name: names.secret, type: 'Opaque', files: input.tlsFiles.map((file) => `${input.tlsDir}/${file}`) }],
  };
  const createSecretCommand = `kubectl create secret generic ${names.secret} ${input.tlsFiles.map((file) => `--from-file=${input.tlsDir}/${file}`).join(' ')}`;
  const createConfigMapCommand = `kubectl create configmap ${names.configMap} --from-file=${input.scriptFile}`;
  return { names, testRun, resultsClaim, kustomization, createSecretCommand, createConfigMapCommand };
}

export function toYaml(document: Record<string, unknown>): string {
  return stringify(document, { lineWidth: 0 });
}

/**
 * A DNS-1123 label Kubernetes accepts as a name (lower-case alphanumerics and '-', starting and
 * ending with an alphanumeric), at most `maxLength` long so that suffixes like "-results" fit in 63.
 */
export function kubernetesName(text: string, maxLength: number): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, maxLength)
    .replace(/^-+|-+$/g, '');
  return name.length > 0 ? name : 'mtls-chaos';
}
