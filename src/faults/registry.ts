import { MtlsChaosError } from '../errors.js';
import type { FaultDefinition } from './fault.js';
import { gatewayPause } from './gateway-pause.js';
import { ocspOutage } from './ocsp-outage.js';
import { revocation } from './revocation.js';
import { expiry } from './expiry.js';
import { notYetValid } from './not-yet-valid.js';
import { caRotation } from './ca-rotation.js';
import { tlsPolicy } from './tls-policy.js';
import { identityDrift } from './identity-drift.js';
import { network } from './network.js';
import { interception } from './interception.js';
import { staleReplicas } from './stale-replicas.js';
import { tlsTermination } from './tls-termination.js';
import { command } from './command.js';
import { untrustedIssuer } from './untrusted-issuer.js';

/**
 * Every fault kind a scenario can name. Adding a fault: one file with its FaultDefinition, one
 * line here, one test, one drill under scenarios/.
 */
const DEFINITIONS: readonly FaultDefinition[] = [
  gatewayPause,
  ocspOutage,
  revocation,
  expiry,
  notYetValid,
  caRotation,
  tlsPolicy,
  identityDrift,
  network,
  interception,
  staleReplicas,
  tlsTermination,
  command,
  untrustedIssuer,
];

const BY_KIND = new Map(DEFINITIONS.map((definition) => [definition.kind, definition]));

export function faultKinds(): string[] {
  return [...BY_KIND.keys()].sort();
}

export function faultDefinitions(): readonly FaultDefinition[] {
  return DEFINITIONS;
}

export function faultDefinition(kind: string): FaultDefinition {
  const definition = BY_KIND.get(kind);
  if (!definition) {
    throw new MtlsChaosError('E_FAULT_KIND', `unknown fault kind "${kind}"`, { hint: `known kinds: ${faultKinds().join(', ')}` });
  }
  return definition;
}
