import { MtlsChaosError } from '../../errors.js';
import type { Ability, GatewayAbilities, GatewayKindDefinition } from './gateway-kind.js';
import { externalGatewayKind } from './external-gateway-kind.js';
import { haproxyGatewayKind } from './haproxy-gateway-kind.js';
import { nginxGatewayKind } from './nginx-gateway-kind.js';
import { nodeGatewayKind } from './node-gateway-kind.js';

/**
 * Every gateway kind a scenario can name. Adding a kind: one file with its definition, one line
 * here, one test, one drill under scenarios/ (docs/ARCHITECTURE.md, "Adding a gateway kind").
 */
export const GATEWAY_KIND_DEFINITIONS = [nodeGatewayKind, nginxGatewayKind, haproxyGatewayKind, externalGatewayKind] as const;

/** The kinds as the scenario's lab.gateway.kind takes them. */
export type GatewayKind = (typeof GATEWAY_KIND_DEFINITIONS)[number]['kind'];

/** A set of gateway kinds; everything that depends on the kinds takes one, so a test can add a kind. */
export interface GatewayKindRegistry<Kind extends string = string> {
  readonly kinds: readonly [Kind, ...Kind[]];
  readonly definitions: readonly GatewayKindDefinition<Kind>[];
  definition(kind: string): GatewayKindDefinition<Kind>;
  /** The kinds that have this ability, for "use kind node" in a refusal. */
  kindsAble(ability: keyof GatewayAbilities): Kind[];
  /** Which kind declares this option field (e.g. rejectWith: haproxy), if any. */
  kindOwningOption(field: string): Kind | undefined;
}

export function gatewayKindRegistry<const Kind extends string>(definitions: readonly [GatewayKindDefinition<Kind>, ...GatewayKindDefinition<Kind>[]]): GatewayKindRegistry<Kind> {
  const byKind = new Map(definitions.map((definition) => [definition.kind as string, definition]));
  if (byKind.size !== definitions.length) throw new RangeError('two gateway kind definitions share a kind');
  const kinds = definitions.map((definition) => definition.kind) as [Kind, ...Kind[]];
  return {
    kinds,
    definitions,
    definition: (kind) => {
      const definition = byKind.get(kind);
      if (!definition) {
        throw new MtlsChaosError('E_GATEWAY_KIND', `unknown gateway kind "${kind}"`, { hint: `known kinds: ${kinds.join(', ')}` });
      }
      return definition;
    },
    kindsAble: (ability) => definitions.filter((definition) => definition.abilities[ability] === true).map((definition) => definition.kind),
    kindOwningOption: (field) => definitions.find((definition) => Object.hasOwn(definition.options.shape, field))?.kind,
  };
}

/** The registered kinds. */
export const gatewayKinds: GatewayKindRegistry<GatewayKind> = gatewayKindRegistry<GatewayKind>([...GATEWAY_KIND_DEFINITIONS]);

/** The reason a kind cannot, or undefined when it can. */
export function inability(ability: Ability): string | undefined {
  return ability === true ? undefined : ability;
}
