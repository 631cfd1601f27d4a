import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { matrixCombinations, parseMatrixDimensions } from '../../../../src/bench/index.js';
import { GATEWAY_KIND_DEFINITIONS, defineGatewayKind, gatewayKindRegistry, gatewayKinds, LabError } from '../../../../src/lab/index.js';
import { checkPrerequisites, dockerImages } from '../../../../src/lab/prerequisites.js';
import { scenarioSchema, scenarioSchemaFor, type Scenario } from '../../../../src/scenario/index.js';

import { tempDir, validInput } from '../../scenario/scenario-fixtures.js';

/**
 * A gateway kind added through the registry alone (its definition and one registry entry),
 * showing up everywhere the kinds are derived: the scenario schema and its JSON Schema, its own
 * field and its refusals, doctor's programs and images, and bench --matrix's abilities.
 */
const throwaway = defineGatewayKind({
  kind: 'throwaway',
  description: 'a gateway kind that exists only in this test',
  abilities: {
    ed25519: 'its TLS library predates Ed25519',
    clientOcsp: 'it has no OCSP client',
    ocspSoftFail: 'it has no OCSP client',
    sanAuthorization: 'it reads no SANs',
    signedIdentity: 'it trusts no header',
    sigalgs: true,
    ownConfig: 'it has no config file',
    labOwnsGateway: true,
  },
  options: z.strictObject({ throttle: z.number().int().positive().optional().meta({ description: 'throwaway gateway only: a knob of its own.' }) }),
  binaries: [{ name: 'throwaway-gw', fix: 'build it from this test' }],
  image: { name: 'mtls-chaos/throwaway:latest', use: 'the throwaway gateway' },
  preflight: () => {
    throw new LabError('E_LAB_THROWAWAY', 'the throwaway gateway never starts');
  },
  start: () => Promise.reject(new Error('never started')),
});

const registry = gatewayKindRegistry([...GATEWAY_KIND_DEFINITIONS, throwaway]);
const schema = scenarioSchemaFor(registry);

function scenarioWith(gateway: Record<string, unknown>): Scenario {
  return { ...schema.parse({ ...validInput(), lab: { gateway } }), file: '/unit/drill.yaml' } as unknown as Scenario;
}

describe('a gateway kind added through the registry alone', () => {
  it('is a kind the scenario schema takes, with its own field, and the JSON Schema lists both', () => {
    const scenario = scenarioWith({ kind: 'throwaway', throttle: 3 });
    expect(scenario.lab.gateway).toMatchObject({ kind: 'throwaway', throttle: 3 });
    const json = JSON.stringify(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }));
    expect(json).toContain('"throwaway"');
    expect(json).toContain('throwaway gateway only: a knob of its own.');
    // The registered schema knows nothing of it.
    expect(scenarioSchema.safeParse({ ...validInput(), lab: { gateway: { kind: 'throwaway' } } }).success).toBe(false);
  });

  it('refuses its own field on another kind, and what it cannot do, with its own reasons', () => {
    const onNode = schema.safeParse({ ...validInput(), lab: { gateway: { kind: 'node', throttle: 3 } } });
    expect(onNode.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['lab.gateway.throttle', 'is a throwaway gateway option, and lab.gateway.kind is "node"; remove it or use kind "throwaway"'],
    ]);
    const asked = schema.safeParse({
      ...validInput(),
      lab: { gateway: { kind: 'throwaway', ocsp: { mode: 'hard-fail' }, authorization: { allowSans: ['spiffe://a/b'] } }, ocspResponder: { kind: 'builtin' } },
    });
    expect(asked.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).sort()).toEqual([
      'lab.gateway.authorization: is not available with lab.gateway.kind "throwaway": it reads no SANs; use kind "node"',
      'lab.gateway.ocsp.mode: expected "off" with lab.gateway.kind "throwaway", got "hard-fail": it has no OCSP client',
    ]);
  });

  it('shows in doctor: its program on this machine and its image', async () => {
    const bin = await tempDir();
    await writeFile(join(bin, 'throwaway-gw'), '#!/bin/sh\n');
    await chmod(join(bin, 'throwaway-gw'), 0o755);
    const checks = await checkPrerequisites({ searchPath: bin, gatewayKinds: registry });
    expect(checks.find((check) => check.name === 'throwaway-gw')).toMatchObject({ use: 'throwaway gateway', ok: true, detail: join(bin, 'throwaway-gw') });
    expect(checks.find((check) => check.name === 'nginx')).toMatchObject({ use: 'nginx gateway' });
    expect(dockerImages(registry)).toContainEqual({ name: 'mtls-chaos/throwaway:latest', use: 'the throwaway gateway' });
    expect(dockerImages(gatewayKinds).map((image) => image.name)).not.toContain('mtls-chaos/throwaway:latest');
  });

  it('gets the matrix dimensions its abilities allow, and the others are named with its reasons', () => {
    const { combinations, skipped } = matrixCombinations(scenarioWith({ kind: 'throwaway' }), parseMatrixDimensions('key,ocsp'), registry);
    expect(combinations.map((combination) => combination.change)).toEqual(['throwaway, ECDSA P-256, chain 2, resumption off, OCSP off, TLS 1.3', 'RSA-2048']);
    expect(skipped).toEqual([
      'Ed25519: the throwaway gateway does not support it (its TLS library predates Ed25519)',
      'OCSP: the throwaway gateway does not check client certificates with OCSP (it has no OCSP client)',
    ]);
  });

  it('is refused by name everywhere a kind is looked up when it is not registered', () => {
    expect(() => gatewayKinds.definition('throwaway')).toThrow(/unknown gateway kind "throwaway".*/);
    expect(registry.definition('throwaway').kind).toBe('throwaway');
    expect(() => gatewayKindRegistry([throwaway, throwaway])).toThrow(/share a kind/);
  });
});
