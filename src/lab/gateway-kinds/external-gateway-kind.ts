import { z } from 'zod';
import { INPUT_BOUNDS, readBoundedText } from '../../bounded-file.js';
import { MtlsChaosError } from '../../errors.js';
import { parseHostPort } from '../../load/index.js';
// The file, not scenario/index.ts: the scenario schema imports the lab's gateway kinds.
import { scenarioPathField } from '../../scenario/scenario-path-field.js';
import type { GatewaySpec, StartedGateway } from '../gateway.js';
import { LabError } from '../lab-error.js';
import { defineGatewayKind } from './gateway-kind.js';

/** Said after "lab.gateway.kind external: " wherever something needs the gateway the lab runs. */
const NOT_OURS = 'the lab does not run this gateway (it is the team\'s, at lab.gateway.address)';

const addressField = z
  .string({ error: () => 'expected the gateway\'s host:port, e.g. "gateway.staging.example:8443"' })
  .superRefine((text, context) => {
    try {
      if (parseHostPort(text, 'lab.gateway.address').port === undefined) {
        context.addIssue({ code: 'custom', message: `expected host:port with a port, got ${JSON.stringify(text)}; e.g. "${text}:443"` });
      }
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as MtlsChaosError).message.replace(/^lab\.gateway\.address: /, 'expected host:port: ') });
    }
  });

const options = z.strictObject({
  address: addressField.meta({
    description:
      'external gateway only (required): host:port of the gateway your team runs. Outside loopback, `run` needs --allow-target host:port (README, "Game day on your own gateway").',
  }),
  servername: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'external gateway only: the name sent as SNI and checked against its server certificate; default the host of address.' }),
  ca: scenarioPathField('the CA bundle that verifies your gateway\'s server certificate, e.g. "./staging-ca.pem"').meta({ description: 'external gateway only (required): PEM bundle (relative to the scenario, inside its folder) that verifies the gateway\'s server certificate.' }),
});

/**
 * A gateway the team runs (staging): the lab starts nothing for it and aims the load, the fault
 * proxies and the faults acting from the harness's side at lab.gateway.address. Everything that
 * needs the gateway itself in the lab's hands is refused with NOT_OURS.
 */
export const externalGatewayKind = defineGatewayKind({
  kind: 'external',
  description: 'a gateway your team runs, at lab.gateway.address; the lab starts nothing for it and acts only from the client side',
  abilities: {
    ed25519: true,
    clientOcsp: NOT_OURS,
    ocspSoftFail: NOT_OURS,
    sanAuthorization: NOT_OURS,
    signedIdentity: NOT_OURS,
    sigalgs: NOT_OURS,
    ownConfig: NOT_OURS,
    labOwnsGateway: NOT_OURS,
  },
  options,
  binaries: [],
  image: { name: 'mtls-chaos/node:latest', use: 'the fault proxies in front of an external gateway' },
  preflight: (spec, runtime) => {
    if (runtime === 'docker') {
      throw new LabError('E_LAB_EXTERNAL', 'lab.gateway.kind external runs with the local runtime only: the lab starts no container for it', {
        path: ['runtime'],
        hint: 'use runtime: local (or run --runtime local)',
      });
    }
    externalAddress(spec);
  },
  start: async (spec) => startExternalGateway(spec),
});

/** lab.gateway.address and lab.gateway.ca of an external gateway, required (the schema checks them; a spec built in code may not have). */
function externalAddress(spec: GatewaySpec): { host: string; port: number; ca: string } {
  const missing = spec.address === undefined ? 'address' : spec.ca === undefined ? 'ca' : undefined;
  if (missing !== undefined) {
    throw new LabError('E_LAB_EXTERNAL', `lab.gateway.${missing} is required with kind external`, {
      path: ['lab', 'gateway', missing],
      hint: 'address: "host:port" of your gateway, ca: "./your-ca.pem" (the bundle that verifies its server certificate)',
    });
  }
  const { host, port } = parseHostPort(spec.address!, 'lab.gateway.address');
  if (port === undefined) throw new LabError('E_LAB_EXTERNAL', 'lab.gateway.address needs a port', { path: ['lab', 'gateway', 'address'], hint: 'e.g. "127.0.0.1:8443"' });
  return { host, port, ca: spec.ca! };
}

async function startExternalGateway(spec: GatewaySpec): Promise<StartedGateway> {
  const { host, port, ca } = externalAddress(spec);
  const caPem = await readBoundedText(ca, {
    code: 'E_LAB_EXTERNAL_CA',
    what: 'a PEM CA bundle',
    hint: 'lab.gateway.ca: the PEM bundle that verifies your gateway\'s server certificate',
    maxBytes: INPUT_BOUNDS.flagFileBytes,
  });
  if (!caPem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new LabError('E_LAB_EXTERNAL_CA', `${ca}: has no PEM certificate`, { path: ['lab', 'gateway', 'ca'], hint: 'give the PEM bundle that verifies your gateway\'s server certificate' });
  }
  const name = spec.name ?? 'gateway-external';
  return {
    name,
    kind: 'external',
    host,
    port,
    servername: spec.servername ?? host,
    caPem,
    pids: () => [],
    reload: () => Promise.reject(new LabError('E_LAB_RELOAD', `${name}: cannot reload a gateway the lab does not own (lab.gateway.kind external)`, { hint: 'use a command fault to change your gateway' })),
    stop: () => Promise.resolve(),
  };
}
