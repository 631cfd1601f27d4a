export type { Ability, GatewayAbilities, GatewayBinary, GatewayKindDefinition, OwnConfigFacts, OwnConfigReader } from './gateway-kind.js';
export { defineGatewayKind } from './gateway-kind.js';
export { GATEWAY_KIND_DEFINITIONS, gatewayKindRegistry, gatewayKinds, inability, type GatewayKind, type GatewayKindRegistry } from './registry.js';
