import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { REPO_ROOT } from './run-cli.js';

/**
 * The TestRun schema vendored from grafana/k6-operator (see test/fixtures/k6-operator/SOURCE.md).
 * A CRD schema leaves unknown fields to the API server, which prunes them silently; here every
 * object with declared properties is closed, so a misspelt field fails instead of vanishing.
 */
export function testRunValidator() {
  const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/k6-operator/testrun-v1alpha1.schema.json'), 'utf8'));
  const close = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const object = node as Record<string, unknown>;
    if (object['properties'] && object['type'] === 'object' && object['additionalProperties'] === undefined && !object['x-kubernetes-preserve-unknown-fields']) {
      object['additionalProperties'] = false;
    }
    Object.values(object).forEach(close);
  };
  close(schema);
  // x-kubernetes-* keywords and OpenAPI formats (int32, int64) are not JSON Schema: ignore them.
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  return ajv.compile(schema);
}
