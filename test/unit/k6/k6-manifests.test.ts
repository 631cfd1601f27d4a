import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { k6Manifests, toYaml } from '../../../src/k6/index.js';
import { kubernetesName } from '../../../src/k6/k6-manifests.js';
import { testRunValidator } from '../../support/k6-testrun-schema.js';

const input = { drill: 'gateway-pause', parallelism: 4, scriptFile: 'script.ts', tlsDir: 'tls', tlsFiles: ['ca.crt', 'client-1.crt', 'client-1.key'] };

describe('k6Manifests', () => {
  const validate = testRunValidator();

  it('writes a TestRun that the k6-operator schema accepts, parsed back from its YAML', () => {
    const manifests = k6Manifests({ ...input, target: 'https://gateway.example:8443' });
    const testRun = parse(toYaml(manifests.testRun));
    expect(validate(testRun), JSON.stringify(validate.errors)).toBe(true);
    expect(testRun).toMatchObject({ apiVersion: 'k6.io/v1alpha1', kind: 'TestRun', spec: { parallelism: 4, script: { configMap: { name: 'mtls-chaos-gateway-pause-script', file: 'script.ts' } } } });
    expect(testRun.spec.arguments).toMatch(/--out json=\/results\/\$\{HOSTNAME\}\.ndjson/);
    expect(testRun.spec.arguments).toMatch(/--summary-export=/);
    expect(testRun.spec.runner.env).toContainEqual({ name: 'MTLS_CHAOS_TARGET', value: 'https://gateway.example:8443' });
  });

  it('the validator catches a misspelt field and a missing required one (it is not a rubber stamp)', () => {
    const testRun = parse(toYaml(k6Manifests(input).testRun));
    expect(validate({ ...testRun, spec: { ...testRun.spec, paralelism: 2 } })).toBe(false);
    const { parallelism: _dropped, ...withoutParallelism } = testRun.spec;
    expect(validate({ ...testRun, spec: withoutParallelism })).toBe(false);
    expect(validate({ ...testRun, spec: { ...testRun.spec, parallelism: 'four' } })).toBe(false);
  });

  it('the Secret comes from files (kustomize or kubectl), never with key material in a manifest', () => {
    const manifests = k6Manifests(input);
    const kustomization = parse(toYaml(manifests.kustomization));
    expect(kustomization.secretGenerator).toEqual([{ name: 'mtls-chaos-gateway-pause-tls', type: 'Opaque', files: ['tls/ca.crt', 'tls/client-1.crt', 'tls/client-1.key'] }]);
    expect(kustomization.configMapGenerator).toEqual([{ name: 'mtls-chaos-gateway-pause-script', files: ['script.ts'] }]);
    expect(manifests.createSecretCommand).toBe(
      'kubectl create secret generic mtls-chaos-gateway-pause-tls --from-file=tls/ca.crt --from-file=tls/client-1.crt --from-file=tls/client-1.key',
    );
    for (const document of [manifests.testRun, manifests.kustomization, manifests.resultsClaim]) expect(toYaml(document)).not.toMatch(/BEGIN|PRIVATE/);
  });
});

describe('kubernetesName', () => {
  it('never ends in "-" where the 50-character cut falls, and keeps to DNS-1123 characters', () => {
    const cut = kubernetesName(`mtls-chaos-${'a'.repeat(38)}-tail`, 50);
    expect(cut).toBe(`mtls-chaos-${'a'.repeat(38)}`);
    expect(kubernetesName('mtls-chaos-Expired_Client.Cert', 50)).toBe('mtls-chaos-expired-client-cert');
    for (const name of [cut, kubernetesName('--', 50), kubernetesName(`x${'-'.repeat(60)}`, 50)]) {
      expect(name).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
    }
  });
});
