import type { z } from 'zod';
import type { GatewayOptions, GatewaySpec, StartedGateway } from '../gateway.js';
import type { GatewayConfigTemplate } from '../own-config/gateway-config-template.js';

/** `true`, or why this gateway kind cannot (said to the user as is, after "lab.gateway.kind X: "). */
export type Ability = true | string;

/**
 * What a gateway kind can be asked for. The scenario schema's cross-field checks, `bench
 * --matrix` and the faults' "can this gateway do it" checks all read these, so a kind states each
 * once, with its reason when it cannot.
 */
export interface GatewayAbilities {
  /** Ed25519 certificates (OpenSSL 1.1.1+ on both sides). */
  readonly ed25519: Ability;
  /** Checks client certificates with OCSP (lab.gateway.ocsp.mode hard-fail). */
  readonly clientOcsp: Ability;
  /** Lets a client in when the responder cannot answer (lab.gateway.ocsp.mode soft-fail). */
  readonly ocspSoftFail: Ability;
  /** Authorizes verified clients by SAN (lab.gateway.authorization). */
  readonly sanAuthorization: Ability;
  /** Trusts an identity signed by lab.tlsTerminator in front of it. */
  readonly signedIdentity: Ability;
  /** Takes a signature-algorithm list (tls-policy fault, sigalgs). */
  readonly sigalgs: Ability;
  /** Runs the team's own config (lab.gateway.config). */
  readonly ownConfig: Ability;
  /**
   * The lab starts, reloads and stops this gateway: what acts on the gateway itself (server
   * certificate swaps, pauses, replicas, a CRL or OCSP setting it reads) needs it. Not for a
   * gateway the team runs (kind external).
   */
  readonly labOwnsGateway: Ability;
}

/**
 * What a team's own gateway config does that decides whether a fault can act on it, read from
 * the file before the run (`validate` says so when a fault would change nothing).
 */
export interface OwnConfigFacts {
  /** Checks client certificates with OCSP (nginx ssl_ocsp). */
  readonly clientOcsp: boolean;
  /** Checks client certificates against a CRL (nginx ssl_crl, haproxy crl-file). */
  readonly crl: boolean;
}

/** How a kind reads its own configs. */
export interface OwnConfigReader {
  /** Throws E_LAB_CONFIG for a config the lab cannot run (never listens on {{listen}}, binds beyond loopback). */
  inspect(template: GatewayConfigTemplate): OwnConfigFacts;
  /** The directives behind each fact, for messages: clientOcsp "ssl_ocsp leaf". */
  readonly directives: { readonly [Fact in keyof OwnConfigFacts]: string };
}

/** A program doctor looks for on this machine, for the local runtime. */
export interface GatewayBinary {
  readonly name: string;
  /** Where to look beyond PATH (Debian puts nginx and haproxy in /usr/sbin). */
  readonly fallbacks?: readonly string[];
  readonly fix: string;
}

/**
 * One gateway kind: how it starts (locally and in docker), its own scenario fields, what it can
 * do, what it needs. Adding a kind is one file with its definition, one line in
 * gateway-kinds/registry.ts, one test and one drill (docs/ARCHITECTURE.md, "Adding a gateway kind").
 */
export interface GatewayKindDefinition<Kind extends string = string> {
  readonly kind: Kind;
  /** One sentence for the JSON schema and `list`: what runs. */
  readonly description: string;
  readonly abilities: GatewayAbilities;
  /**
   * Fields of lab.gateway that only this kind has (beside kind, ocsp, crl, replicas...), as a zod
   * object: validated when the kind is chosen, refused naming the kind otherwise.
   */
  readonly options: z.ZodObject;
  /** Present when abilities.ownConfig is true: reads lab.gateway.config before the run. */
  readonly ownConfig?: OwnConfigReader;
  /** Local runtime: the programs it runs (doctor lists them; preflight refuses when one is missing). */
  readonly binaries: readonly GatewayBinary[];
  /** Docker runtime: its image (containers/<name>/Dockerfile) and what else uses it. */
  readonly image: { readonly name: string; readonly use: string };
  /**
   * Before any component starts: throws a LabError for what this machine lacks or this kind
   * cannot express, so nothing is started and stopped for a run that was never possible.
   */
  preflight(spec: GatewaySpec, runtime: 'local' | 'docker'): void;
  /** Starts one replica. */
  start(spec: GatewaySpec, options: GatewayOptions): Promise<StartedGateway>;
}

/** Keeps the kind's literal type (GatewayKind is the union of the registered ones). */
export function defineGatewayKind<const Kind extends string>(definition: GatewayKindDefinition<Kind>): GatewayKindDefinition<Kind> {
  return definition;
}
