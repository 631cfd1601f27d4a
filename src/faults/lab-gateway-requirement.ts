import { gatewayKinds, inability, type GatewayAbilities, type LabSpec } from '../lab/index.js';

/**
 * For a fault that acts on the gateway itself (swaps its certificate, freezes it, reloads its
 * trust or CRL, narrows its TLS policy): refused when the lab does not own the gateway (kind
 * external), naming why and what can act on a team's gateway instead. `gateway` is the kind's
 * abilities (the registered kind's when omitted).
 */
export function labGatewayRequirement(lab: LabSpec, gateway?: GatewayAbilities): string | undefined {
  const cannot = inability((gateway ?? gatewayKinds.definition(lab.gateway.kind).abilities).labOwnsGateway);
  return (
    cannot &&
    `needs a gateway the lab runs, and lab.gateway.kind is "${lab.gateway.kind}": ${cannot}; ` +
      'faults from the client side (client-certificate expiry, not-yet-valid, untrusted-issuer, identity-drift, tls-policy with side: clients, ' +
      'network on link client-gateway, interception, revocation and ocsp-outage through the harness\'s lab.ocspResponder) work on it, and a command fault can change it'
  );
}

/** True when the lab runs the gateway (every kind but external). */
export function labOwnsGateway(lab: LabSpec, gateway?: GatewayAbilities): boolean {
  return labGatewayRequirement(lab, gateway) === undefined;
}
