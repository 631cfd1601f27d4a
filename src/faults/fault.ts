import type { z } from 'zod';
import type { GatewayAbilities, LabSpec, OwnConfigFacts, OwnConfigReader, StartedLab } from '../lab/index.js';
import type { LoadControl } from '../load/index.js';
import type { ErrorCategory } from '../metrics/index.js';
import type { LabPki } from '../pki/index.js';
import type { FaultCommandRecord } from '../result/index.js';

/**
 * What a fault can reach while the run goes on: the lab's components, the PKI (to issue, revoke
 * or rotate), the running load (to swap client certificates, trust or route), a private folder.
 */
export interface FaultContext {
  readonly lab: StartedLab;
  readonly pki: LabPki;
  readonly load: LoadControl;
  /** The run's private temp folder (0700), removed at the end: keys for new certificates go here. */
  readonly workDir: string;
  readonly log: (line: string) => void;
  readonly signal: AbortSignal;
  /** The run's id (its report folder's suffix), for a team's own commands to tag what they do. */
  readonly runId: string;
  /** The scenario file (absolute): a team's own commands run in its folder. */
  readonly scenarioFile: string;
}

/** What a fault can do before the lab starts (issue certificates with chosen windows, change the lab spec). */
export interface PrepareContext {
  readonly pki: LabPki;
  readonly workDir: string;
  /** When the load is expected to start (epoch ms); `at` times are relative to the load's start. */
  readonly expectedLoadStartMs: number;
}

/**
 * One fault of a timeline, in the spirit of Toxiproxy's toxics: its own options only; when and
 * for how long (`at`, `for`) live in the timeline entry. inject/heal are called once each by the
 * timeline; heal must be idempotent and safe after a failed inject (it also runs on abort).
 */
export interface Fault {
  readonly kind: string;
  /** One line for plans and reports, e.g. "OCSP responder blackholed". */
  describe(): string;
  /** Optional work before the lab starts (e.g. certificates that will expire mid-run). */
  prepare?(context: PrepareContext): Promise<void>;
  /**
   * Optional, when the load starts: get ready so that inject at `at` is quick (e.g. start the
   * helper container a network namespace fault acts from). A failure is logged, not fatal:
   * inject tries again.
   */
  arm?(context: FaultContext): Promise<void>;
  inject(context: FaultContext): Promise<void>;
  heal(context: FaultContext): Promise<void>;
  /**
   * The attempt outcome that proves the fault took effect, asked just before inject: the timeline
   * records how long after the injection the first such attempt ended (FaultRecord.effect), e.g.
   * revocation latency = the revoked identity's first cert_revoked.
   */
  effect?(context: FaultContext): FaultEffect | undefined;
  /**
   * True when inject changes a system the lab does not own (a team's own command): the lab's
   * stop cannot undo it, so a heal that fails may leave that system broken and the run says so
   * loudly (FaultRecord.mayBeLeftBroken).
   */
  readonly actsOutsideLab?: boolean;
  /** The commands it ran so far, for the fault's record (FaultRecord.commands). */
  commands?(): readonly FaultCommandRecord[];
}

export interface FaultEffect {
  readonly category: ErrorCategory;
  /** Only attempts of this client identity (AttemptRecord.identity) count; any identity when absent. */
  readonly identity?: string;
}

/**
 * A fault kind as the registry knows it: the zod schema of its options (the scenario's fault
 * entry minus `at`, `for` and `kind`), a factory, and a check that the lab has what it needs.
 */
/** A team's own gateway config as the faults see it before the run. */
export interface OwnGatewayConfig {
  /** As the scenario named it. */
  readonly file: string;
  readonly facts: OwnConfigFacts;
  readonly directives: OwnConfigReader['directives'];
}

export interface FaultDefinition<Schema extends z.ZodType = z.ZodType> {
  readonly kind: string;
  /** One line for `mtls-chaos list --faults`. */
  readonly summary: string;
  readonly options: Schema;
  create(options: z.output<Schema>): Fault;
  /**
   * What is missing from the lab for this fault, as a message naming the lab field to add
   * (e.g. "needs lab.gateway.replicas >= 2"), or undefined when the lab can host it. `gateway`
   * is what the lab's gateway kind can do (its registered abilities when omitted).
   */
  requires?(options: z.output<Schema>, lab: LabSpec, gateway?: GatewayAbilities): string | undefined;
  /**
   * With lab.gateway.config: what the team's config lacks for this fault to change anything
   * ("has no ssl_ocsp ..."), read from the file before the run; undefined when it can act.
   */
  requiresOfOwnConfig?(options: z.output<Schema>, config: OwnGatewayConfig): string | undefined;
  /**
   * The runtime this fault needs when the other cannot host it, and why; the run refuses it on
   * the other runtime before anything starts (a scenario's runtime can be overridden by `run
   * --runtime`, so this is checked by the run, not the schema).
   */
  requiresRuntime?(options: z.output<Schema>): { readonly runtime: 'docker'; readonly why: string } | undefined;
}
