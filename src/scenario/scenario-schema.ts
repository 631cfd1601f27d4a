import { z } from 'zod';
import { MAX_CONCURRENCY, MAX_LOAD_DURATION_MS, MAX_RATE_PER_SECOND, plannedAttempts, profileDurationMs, type LoadProfile } from '../load/index.js';
import { formatDuration } from '../duration.js';
import { KEY_ALGORITHMS } from '../pki/index.js';
import { countField, durationField, expectedGot, rateField } from './field-types.js';
import { sloField } from './slo-field.js';
import { MAX_TIMELINE_FAULTS, faultDefinition, faultKinds, type TimelineEntry } from '../faults/index.js';
import { MAX_GATEWAY_REPLICAS, gatewayKinds, inability, type GatewayAbilities, type GatewayKindRegistry, type GatewayOcspSpec, type GatewaySpec, type LabSpec } from '../lab/index.js';
import { checkLinks, linkFields, linksSpecOf } from './links-field.js';
import { checkFaultOverlaps } from './fault-overlaps.js';
import { scenarioPathField } from './scenario-path-field.js';
import { checkObserve, observeField } from './observe-field.js';

/**
 * The scenario schema: one zod schema is the validator, the TypeScript types (z.input for what
 * people write, z.output for what the run gets) and the JSON Schema editors complete YAML with,
 * so the three never drift. Strict objects everywhere: an unknown field is an error (most are
 * typos), never silently ignored. Field-local checks live on the field; checks across fields
 * live on the smallest object holding both, so the error points at the right path.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Limits that catch typos (an extra zero) while allowing any real drill on one machine. */
export const SCENARIO_LIMITS = {
  maxRatePerSecond: MAX_RATE_PER_SECOND,
  maxLoadDurationMs: MAX_LOAD_DURATION_MS,
  maxConcurrency: MAX_CONCURRENCY,
  maxClients: 10_000,
  maxRampStages: 100,
  maxFaults: MAX_TIMELINE_FAULTS,
  maxCertificateLifetimeMs: 3_650 * DAY_MS,
} as const;

/** The registered gateway kinds (src/lab/gateway-kinds/registry.ts). */
export const GATEWAY_KINDS = gatewayKinds.kinds;
export const OCSP_MODES = ['off', 'hard-fail', 'soft-fail'] as const;
export const RUNTIMES = ['local', 'docker'] as const;

const oneOf = (values: readonly string[]): string => `one of ${values.map((value) => `"${value}"`).join(', ')}`;
const enumField = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (issue) => expectedGot(oneOf(values), issue.input) });
const booleanField = () => z.boolean({ error: (issue) => expectedGot('true or false', issue.input) });

const pkiSchema = z
  .strictObject({
    algorithm: enumField(KEY_ALGORITHMS).default('ecdsa-p256').meta({ description: 'Key algorithm of every certificate in the lab PKI.' }),
    clients: countField(1, SCENARIO_LIMITS.maxClients, 'How many client certificates (identities) to issue.').default(4),
    intermediates: countField(0, 2, 'CAs between the root and the leaves: 0 (leaf <- root), 1 (leaf <- intermediate <- root) or 2.').default(1),
    clientLifetime: durationField({
      minMs: 0,
      minExclusive: true,
      maxMs: SCENARIO_LIMITS.maxCertificateLifetimeMs,
      example: '24h',
      description: 'Validity of the client certificates.',
    }).prefault('24h'),
    serverLifetime: durationField({
      minMs: 0,
      minExclusive: true,
      maxMs: SCENARIO_LIMITS.maxCertificateLifetimeMs,
      example: '90d',
      description: 'Validity of the server certificates.',
    }).prefault('90d'),
    issuer: z
      .strictObject({
        certificate: scenarioPathField('your issuing CA\'s PEM certificate, e.g. "./gameday-ca.crt.pem"').meta({ description: 'PEM certificate of the CA (relative to the scenario, inside its folder).' }),
        key: scenarioPathField('your issuing CA\'s PEM private key, e.g. "./gameday-ca.key.pem"').meta({ description: 'Its unencrypted PEM private key (relative to the scenario, inside its folder).' }),
      })
      .optional()
      .meta({
        description:
          'A CA your gateway already trusts (an intermediate made for game days): the run issues its client certificates from it instead of a new lab root; intermediates is then not used (README, "Game day on your own gateway").',
      }),
  })
  .meta({ description: 'The lab PKI: root, intermediate, server and client certificates, issued fresh for each run.' });

const ocspSchema = z
  .strictObject({
    mode: enumField(OCSP_MODES)
      .default('off')
      .meta({
        description:
          'Client-certificate OCSP checking: hard-fail rejects when the responder cannot answer, ' +
          'soft-fail accepts (as NGINX ssl_ocsp does not: it is hard-fail only).',
      }),
    cacheTtl: durationField({
      minMs: 0,
      maxMs: DAY_MS,
      example: '60s',
      description: 'How long the gateway caches an OCSP answer (0s: ask every time).',
    }).prefault('60s'),
    timeout: durationField({
      minMs: 0,
      minExclusive: true,
      maxMs: MINUTE_MS,
      example: '2s',
      description: 'How long the gateway waits for the responder before failing (hard) or accepting (soft).',
    }).prefault('2s'),
  })
  .meta({ description: 'OCSP checking of client certificates by the gateway.' });

/**
 * lab.gateway over a set of gateway kinds: the fields every kind has, then each kind's own
 * (GatewayKindDefinition.options), which the lab check below refuses for any other kind.
 */
function gatewaySchemaFor<Kind extends string>(registry: GatewayKindRegistry<Kind>) {
  // Optional here, whatever the kind says: a field one kind requires is absent for the others.
  // checkGatewayAbilities says it is missing when its kind is the one chosen.
  const ownFields = Object.fromEntries(
    registry.definitions.flatMap((definition) => Object.entries(definition.options.shape as Record<string, z.ZodType>)).map(([field, schema]) => [field, schema.optional()]),
  ) as Record<string, z.ZodType>;
  return z
    .strictObject({
      kind: enumField(registry.kinds).meta({
        description: registry.definitions.map((definition) => `${definition.kind}: ${definition.description}`).join('; ') + '.',
      }),
      ...ownFields,
      config: scenarioPathField('your gateway config, e.g. "./nginx-team.conf"')
        .optional()
        .meta({
          description:
            'nginx and haproxy: your own config file (relative to the scenario) instead of the generated one, with {{placeholders}} where the lab puts its port, certificates, CRL and responder (README, "Your own gateway configuration").',
        }),
      ocsp: ocspSchema.prefault({}),
      crl: booleanField().default(false).meta({ description: 'Check client certificates against the lab CRL (with config: provide it as {{crl}}).' }),
      replicas: countField(1, MAX_GATEWAY_REPLICAS, 'How many gateway replicas (named <gateway>-1..N); more than 1 needs lab.balancer.').default(1),
      authorization: z
        .strictObject({
          allowSans: z.array(z.string().min(1)).optional().meta({ description: 'URI or DNS SANs allowed in, exactly, e.g. "spiffe://example.org/ns/lab/sa/client-1".' }),
          allowSanPrefixes: z.array(z.string().min(1)).optional().meta({ description: 'SAN prefixes allowed in, e.g. "spiffe://example.org/ns/lab/".' }),
        })
        .refine((rules) => (rules.allowSans?.length ?? 0) + (rules.allowSanPrefixes?.length ?? 0) > 0, {
          message: 'expected at least one entry in allowSans or allowSanPrefixes: an empty allow-list refuses everyone',
        })
        .optional()
        .meta({ description: 'Authorize verified clients by SAN; others get 403 (forbidden). Only kinds that can read SANs (node).' }),
    })
    .meta({ description: 'The mTLS gateway under test.' });
}

type GatewayOutput = z.output<ReturnType<typeof gatewaySchemaFor<string>>>;

/**
 * What a gateway kind cannot be asked for, said where it was asked: each rule reads the kind's
 * abilities (src/lab/gateway-kinds/gateway-kind.ts), so a new kind brings its own refusals.
 */
function checkGatewayAbilities(
  gateway: GatewayOutput & Readonly<Record<string, unknown>>,
  lab: { readonly tlsTerminator?: unknown; readonly balancer?: unknown },
  registry: GatewayKindRegistry,
  addIssue: (path: (string | number)[], message: string, input?: unknown) => void,
): void {
  const { kind } = gateway;
  const definition = registry.definition(kind);
  const cannot = (ability: keyof GatewayAbilities) => inability(definition.abilities[ability]);
  const useKinds = (ability: keyof GatewayAbilities) => registry.kindsAble(ability).map((able) => `"${able}"`).join(' or ');
  const mode = gateway.ocsp.mode;
  const checks: [boolean, keyof GatewayAbilities, (string | number)[], (reason: string) => string, unknown][] = [
    [gateway.authorization !== undefined, 'sanAuthorization', ['gateway', 'authorization'], (reason) => `is not available with lab.gateway.kind "${kind}": ${reason}; use kind ${useKinds('sanAuthorization')}`, undefined],
    [mode !== 'off', 'clientOcsp', ['gateway', 'ocsp', 'mode'], (reason) => `expected "off" with lab.gateway.kind "${kind}", got "${mode}": ${reason}`, mode],
    [mode === 'soft-fail' && !cannot('clientOcsp'), 'ocspSoftFail', ['gateway', 'ocsp', 'mode'], (reason) => `expected "off" or "hard-fail" with lab.gateway.kind "${kind}", got "soft-fail": ${reason}`, mode],
    [gateway.config !== undefined, 'ownConfig', ['gateway', 'config'], (reason) => `is not available with lab.gateway.kind "${kind}": ${reason}`, gateway.config],
    [lab.tlsTerminator !== undefined, 'signedIdentity', ['tlsTerminator'], (reason) => `needs gateway kind ${useKinds('signedIdentity')}: ${reason}`, undefined],
    [gateway.replicas > 1, 'labOwnsGateway', ['gateway', 'replicas'], (reason) => `expected 1 with lab.gateway.kind "${kind}", got ${gateway.replicas}: ${reason}`, gateway.replicas],
    [lab.balancer !== undefined, 'labOwnsGateway', ['balancer'], (reason) => `is not available with lab.gateway.kind "${kind}": ${reason}`, undefined],
    [gateway.crl, 'labOwnsGateway', ['gateway', 'crl'], (reason) => `expected false with lab.gateway.kind "${kind}": ${reason}; its own CRL settings apply`, gateway.crl],
  ];
  for (const [asked, ability, path, message, input] of checks) {
    const reason = asked ? cannot(ability) : undefined;
    if (reason !== undefined) addIssue(path, message(reason), input);
  }
  for (const [field, schema] of Object.entries(definition.options.shape as Record<string, z.ZodType>)) {
    if (gateway[field] === undefined && !schema.safeParse(undefined).success) {
      addIssue(['gateway', field], `is required with lab.gateway.kind "${kind}": ${schema.meta()?.description ?? ''}`.replace(/: $/, ''), undefined);
    }
  }
  for (const field of Object.keys(gateway)) {
    const owner = registry.kindOwningOption(field);
    if (owner !== undefined && owner !== kind && gateway[field] !== undefined) {
      addIssue(['gateway', field], `is ${/^[aeiou]/.test(owner) ? 'an' : 'a'} ${owner} gateway option, and lab.gateway.kind is "${kind}"; remove it or use kind "${owner}"`, gateway[field]);
    }
  }
  if (gateway.config !== undefined && mode !== 'off') {
    addIssue(['gateway', 'ocsp', 'mode'], `expected "off" with lab.gateway.config: your config decides OCSP checking (e.g. nginx ssl_ocsp); remove lab.gateway.ocsp`, mode);
  }
}

function labSchemaFor<Kind extends string>(registry: GatewayKindRegistry<Kind>) {
  return z
  .strictObject({
    gateway: gatewaySchemaFor(registry),
    ocspResponder: z
      .strictObject({
        kind: enumField(['builtin', 'openssl']).meta({
          description:
            'builtin: our RFC 6960 responder over HTTP (every ocsp-outage mode). openssl: `openssl ocsp` answering from an index.txt of the lab CA ' +
            '(locally in a network namespace of its own behind 127.0.0.1, as root or with user namespaces; in docker the mtls-chaos/openssl-ocsp image); ocsp-outage modes down and blackhole only.',
        }),
        validity: durationField({
          minMs: 1_000,
          maxMs: 7 * DAY_MS,
          example: '1h',
          description:
            'nextUpdate - thisUpdate of its answers (openssl ocsp -nmin: whole minutes with kind openssl). nginx caches an answer until its nextUpdate, so this bounds what nginx caches.',
        }).optional(),
        port: z
          .int({ error: (issue) => `expected a port number from 1024 to 65535, got ${JSON.stringify(issue.input)}` })
          .min(1024, { error: (issue) => `expected a port number from 1024 to 65535, got ${JSON.stringify(issue.input)}` })
          .max(65_535, { error: (issue) => `expected a port number from 1024 to 65535, got ${JSON.stringify(issue.input)}` })
          .optional()
          .meta({
            description:
              'external gateway only: the 127.0.0.1 port the responder listens on (default: a free one, chosen at start). Its URL goes into the AIA of the client certificates the run issues; a fixed port lets your gateway name it (nginx ssl_ocsp_responder).',
          }),
      })
      .superRefine((responder, context) => {
        if (responder.kind === 'openssl' && responder.validity !== undefined && responder.validity % MINUTE_MS !== 0) {
          context.addIssue({
            code: 'custom',
            path: ['validity'],
            message: `expected whole minutes with kind "openssl" (openssl ocsp -nmin), got ${responder.validity / 1000}s; use e.g. "1m"`,
            input: responder.validity,
          });
        }
      })
      .optional()
      .meta({ description: 'The OCSP responder the gateway asks; required when gateway.ocsp.mode is not off.' }),
    balancer: z
      .strictObject({
        kind: enumField(['builtin', 'haproxy']).meta({
          description:
            'builtin: our TCP round-robin balancer; haproxy: haproxy in TCP mode (the local binary, or its image on the host network in docker). TLS passes through to the replicas either way.',
        }),
      })
      .optional()
      .meta({ description: 'The load balancer in front of the gateway replicas; required when gateway.replicas is more than 1.' }),
    ...linkFields,
  })
  .meta({ description: 'The components the run starts (and always stops).' })
  .superRefine((lab, context) => {
    checkLinks(lab, (path, message) => context.addIssue({ code: 'custom', path, message, input: undefined }));
    if (lab.gateway.replicas > 1 && !lab.balancer) {
      context.addIssue({
        code: 'custom',
        path: ['balancer'],
        message: `is required when lab.gateway.replicas is ${lab.gateway.replicas}: the replicas need a balancer in front; add balancer: { kind: builtin }`,
        input: undefined,
      });
    }
    const mode = lab.gateway.ocsp.mode;
    if (mode !== 'off' && !lab.ocspResponder) {
      context.addIssue({
        code: 'custom',
        path: ['ocspResponder'],
        message: `is required when lab.gateway.ocsp.mode is "${mode}": the gateway needs a responder to ask; add ocspResponder: { kind: builtin }`,
        input: undefined,
      });
    }
    checkHarnessOcspResponder(lab, (path, message, input) => context.addIssue({ code: 'custom', path, message, input }));
    checkGatewayAbilities(lab.gateway, lab, registry, (path, message, input) => context.addIssue({ code: 'custom', path, message, input }));
  });
}

const RATE_DESCRIPTION = { maxPerSecond: SCENARIO_LIMITS.maxRatePerSecond } as const;

const rampSchema = z
  .strictObject({
    from: rateField({ ...RATE_DESCRIPTION, allowZero: true, example: '10/s', description: 'Arrival rate at the start of the ramp.' }),
    stages: z
      .array(
        z.strictObject({
          to: rateField({ ...RATE_DESCRIPTION, allowZero: true, example: '100/s', description: 'Arrival rate at the end of this stage.' }),
          over: durationField({
            minMs: 0,
            minExclusive: true,
            maxMs: SCENARIO_LIMITS.maxLoadDurationMs,
            example: '30s',
            description: 'How long this stage takes; the rate moves linearly.',
          }),
        }),
        { error: (issue) => expectedGot('a list of stages like [{ to: "100/s", over: "30s" }]', issue.input) },
      )
      .min(1, { error: () => 'expected at least one stage like { to: "100/s", over: "30s" }, got an empty list' })
      .max(SCENARIO_LIMITS.maxRampStages, {
        error: (issue) => `expected at most ${SCENARIO_LIMITS.maxRampStages} stages, got ${Array.isArray(issue.input) ? issue.input.length : '?'}`,
      }),
  })
  .meta({ description: 'Open-loop arrival rate that moves linearly from `from` through each stage.' });

const LOAD_MODES = ['rate', 'concurrency', 'ramp'] as const;

const loadSchema = z
  .strictObject({
    rate: rateField({
      ...RATE_DESCRIPTION,
      allowZero: false,
      example: '50/s',
      description: 'Open loop: attempts start on this schedule whatever the gateway does (no coordinated omission).',
    }).optional(),
    concurrency: countField(1, SCENARIO_LIMITS.maxConcurrency, 'Closed loop: this many attempts in flight at all times.').optional(),
    ramp: rampSchema.optional(),
    duration: durationField({
      minMs: 0,
      minExclusive: true,
      maxMs: SCENARIO_LIMITS.maxLoadDurationMs,
      example: '30s',
      description: 'How long the load runs; required with rate or concurrency; with ramp it is the sum of the stages.',
    }).optional(),
    resumption: booleanField().default(false).meta({ description: 'Resume TLS sessions (abbreviated handshakes) instead of full handshakes.' }),
    timeout: durationField({
      minMs: 0,
      minExclusive: true,
      maxMs: 5 * MINUTE_MS,
      example: '5s',
      description: 'Deadline of one attempt (connect + handshake + request).',
    }).prefault('5s'),
    path: z
      .string({ error: (issue) => expectedGot('an HTTP path like "/"', issue.input) })
      .max(2_048, { error: () => 'expected an HTTP path of at most 2048 characters' })
      .regex(/^\/[\x21-\x7e]*$/, { error: (issue) => expectedGot('an HTTP path starting with "/" without spaces', issue.input) })
      .default('/')
      .meta({ description: 'The path of the one HTTP request each attempt makes.' }),
    identities: countField(1, SCENARIO_LIMITS.maxClients, 'How many client certificates to round-robin over (default: pki.clients).').optional(),
    tls: z
      .strictObject({
        minVersion: enumField(['TLSv1.2', 'TLSv1.3']).optional().meta({ description: 'Lowest TLS version the clients offer (default TLSv1.2).' }),
        maxVersion: enumField(['TLSv1.2', 'TLSv1.3']).optional().meta({ description: 'Highest TLS version the clients offer (default TLSv1.3).' }),
        ciphers: z.string().regex(/^[A-Za-z0-9_:+\-.!@=]+$/).optional().meta({ description: 'OpenSSL cipher list the clients offer (TLS 1.2 names and/or TLS_ suites).' }),
        sigalgs: z.string().regex(/^[A-Za-z0-9_:+\-.]+$/).optional().meta({ description: 'OpenSSL signature algorithms the clients accept, e.g. "ECDSA+SHA256".' }),
      })
      .optional()
      .meta({ description: "Restrict what the clients offer in the handshake (an older fleet, against a gateway's TLS policy); default Node's." }),
  })
  .meta({ description: 'How load is offered: exactly one of rate, concurrency or ramp.' })
  .superRefine((load, context) => {
    const modes = LOAD_MODES.filter((mode) => load[mode] !== undefined);
    if (modes.length === 0) {
      context.addIssue({
        code: 'custom',
        path: [],
        message: 'expected one of rate (open loop, e.g. "50/s"), concurrency (closed loop, e.g. 8) or ramp, got none of them',
        input: load,
      });
      return;
    }
    if (modes.length > 1) {
      context.addIssue({
        code: 'custom',
        path: [modes[1] ?? ''],
        message: `expected only one of rate, concurrency or ramp, got both ${modes.join(' and ')}`,
        input: load[modes[1] ?? 'rate'],
      });
      return;
    }
    if (load.ramp) {
      // Refinements also run after continuable problems inside the ramp (a bad rate string);
      // judge the totals only when every stage parsed, or the message would be nonsense.
      const { from, stages } = load.ramp;
      const parsed = stages.length > 0 && typeof from === 'number' && stages.every((stage) => typeof stage.to === 'number' && typeof stage.over === 'number');
      if (!parsed) return;
      const rampMs = stages.reduce((total, stage) => total + stage.over, 0);
      const rates = [from, ...stages.map((stage) => stage.to)];
      if (rates.every((rate) => rate === 0)) {
        context.addIssue({ code: 'custom', path: ['ramp'], message: 'expected a ramp that rises above 0/s, got one that offers no load', input: undefined });
      } else {
        checkAttempts(load, ['ramp'], context);
      }
      if (rampMs > SCENARIO_LIMITS.maxLoadDurationMs) {
        context.addIssue({
          code: 'custom',
          path: ['ramp', 'stages'],
          message: `expected stages lasting at most 24h in total, got ${formatDuration(rampMs)}`,
          input: undefined,
        });
      } else if (load.duration !== undefined && load.duration !== rampMs) {
        context.addIssue({
          code: 'custom',
          path: ['duration'],
          message: `expected ${formatDuration(rampMs)} (with load.ramp the duration is the sum of the stages), got ${formatDuration(load.duration)}; remove load.duration or make it match`,
          input: undefined,
        });
      }
    } else if (load.duration === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['duration'],
        message: `is required with load.${modes[0]}: expected a duration like "30s"`,
        input: undefined,
      });
    } else if (typeof load.rate === 'number' && typeof load.duration === 'number') {
      checkAttempts(load, ['rate'], context);
    }
  })
  .transform((load) => {
    const profile = toProfile(load);
    return {
      profile,
      durationMs: profile.kind === 'ramp' ? profile.stages.reduce((total, stage) => total + stage.durationMs, 0) : profile.durationMs,
      resumption: load.resumption,
      timeoutMs: load.timeout,
      path: load.path,
      /** Undefined here; the scenario fills in pki.clients. */
      identities: load.identities,
      ...(load.tls ? { tls: load.tls } : {}),
    };
  });

/** An open loop that offers less than one attempt rounds to nothing (a rate like 0.0001/h for 10s). */
function checkAttempts(load: Parameters<typeof toProfile>[0], path: string[], context: z.RefinementCtx): void {
  const attempts = plannedAttempts(toProfile(load)) ?? 1;
  if (attempts >= 1) return;
  context.addIssue({
    code: 'custom',
    path,
    message: `expected a load that offers at least one attempt, got ${Number(attempts.toPrecision(3))} attempts over ${formatDuration(profileDurationMs(toProfile(load)))}: it rounds to nothing; raise the rate or the duration`,
    input: undefined,
  });
}

function toProfile(load: { rate?: number; concurrency?: number; ramp?: { from: number; stages: { to: number; over: number }[] }; duration?: number }): LoadProfile {
  if (load.ramp) {
    return {
      kind: 'ramp',
      startRatePerSecond: load.ramp.from,
      stages: load.ramp.stages.map((stage) => ({ toRatePerSecond: stage.to, durationMs: stage.over })),
    };
  }
  const durationMs = load.duration ?? 0;
  return load.rate !== undefined
    ? { kind: 'constant-rate', ratePerSecond: load.rate, durationMs }
    : { kind: 'concurrency', concurrency: load.concurrency ?? 1, durationMs };
}


const runtimeField = enumField(RUNTIMES)
  .default('local')
  .meta({ description: 'Where components run: local child processes (default) or docker containers (images built by `npm run containers:build`; `run --runtime` overrides it).' });

const faultEntrySchema = z
  .looseObject({
    at: durationField({
      minMs: 0,
      maxMs: SCENARIO_LIMITS.maxLoadDurationMs,
      example: '20s',
      description: 'When the fault is injected, after the load starts.',
    }),
    for: durationField({
      minMs: 0,
      minExclusive: true,
      maxMs: SCENARIO_LIMITS.maxLoadDurationMs,
      example: '15s',
      description: 'How long it lasts before it heals; without it the fault stays until the run ends (no recovery phase).',
    }).optional(),
    kind: enumField(faultKinds() as [string, ...string[]]).meta({ description: 'Which fault; its own options sit beside at, for and kind.' }),
  })
  .transform((entry, context): TimelineEntry => {
    const { at, for: forMs, kind, ...rest } = entry;
    const parsed = faultDefinition(kind).options.safeParse(rest);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        context.addIssue({ code: 'custom', path: issue.path as (string | number)[], message: issue.message, input: undefined });
      }
      return z.NEVER;
    }
    return { atMs: at, forMs, kind, options: parsed.data };
  })
  .meta({ description: 'One fault of the timeline: { at, for?, kind, ...options of that kind }.' });

const faultsField = z
  .array(faultEntrySchema, { error: (issue) => expectedGot('a list of faults like [{ at: 20s, for: 15s, kind: gateway-pause }]', issue.input) })
  .max(SCENARIO_LIMITS.maxFaults, {
    error: (issue) => `expected at most ${SCENARIO_LIMITS.maxFaults} faults, got ${Array.isArray(issue.input) ? issue.input.length : '?'}`,
  })
  .default([])
  .meta({ description: `The fault timeline. Kinds: ${faultKinds().join(', ')}.` });

const NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/**
 * The whole scenario, from what people write (strings, defaults) to what a run uses (numbers),
 * over a set of gateway kinds: the registered ones (scenarioSchema), or a test's.
 */
export function scenarioSchemaFor<Kind extends string>(registry: GatewayKindRegistry<Kind>) {
  return z
  .strictObject(
    {
      $schema: z.string().optional().meta({ description: 'The JSON Schema this file follows (for editors); ignored.' }),
      name: z
        .string({ error: (issue) => expectedGot('a name like "baseline"', issue.input) })
        .max(64, { error: () => 'expected a name of at most 64 characters' })
        .regex(NAME_PATTERN, { error: (issue) => expectedGot('lower-case letters, digits and dashes, starting with a letter or digit', issue.input) })
        .meta({ description: 'Short name of the drill; names the report folder.' }),
      description: z
        .string({ error: (issue) => expectedGot('a description', issue.input) })
        .trim()
        .min(1, { error: () => 'expected a description of what the drill breaks, what a healthy system does and what the SLOs assert, got an empty string' })
        .max(10_000, { error: () => 'expected a description of at most 10000 characters' })
        .meta({ description: 'What the drill breaks, what a healthy system does, what the SLOs assert. The first line is the one-liner of `mtls-chaos list`.' }),
      runtime: runtimeField,
      pki: pkiSchema.prefault({}),
      lab: labSchemaFor(registry),
      load: loadSchema,
      slos: z
        .array(sloField, { error: (issue) => expectedGot('a list of SLOs like ["handshake.p95 < 150ms"]', issue.input) })
        .default([])
        .meta({ description: 'Thresholds the run is judged by; exit code 1 when one is breached.' }),
      faults: faultsField,
      observe: observeField,
    },
    { error: (issue) => (issue.code === 'invalid_type' ? expectedGot('a scenario: a mapping with name, description, lab, load and slos', issue.input) : undefined) },
  )
  .meta({ title: 'mtls-chaos scenario', description: 'A drill: a lab, a load profile, a fault timeline and SLOs.' })
  .superRefine((scenario, context) => {
    const loadMs = scenario.load.durationMs;
    scenario.faults.forEach((fault, index) => {
      if (fault.atMs >= loadMs) {
        context.addIssue({
          code: 'custom',
          path: ['faults', index, 'at'],
          message: `expected a time before the load ends (${formatDuration(loadMs)}), got ${formatDuration(fault.atMs)}: the fault would never happen`,
          input: undefined,
        });
      }
      if (fault.atMs < loadMs && fault.forMs !== undefined && fault.atMs + fault.forMs > loadMs) {
        context.addIssue({
          code: 'custom',
          path: ['faults', index, 'for'],
          message:
            `expected the fault to heal before the load ends (${formatDuration(loadMs)}), got a heal at ${formatDuration(fault.atMs + fault.forMs)}: ` +
            'there would be no recovery to measure; shorten for, or leave it out to keep the fault until the end',
          input: undefined,
          params: { code: 'E_SCENARIO_FAULTS' },
        });
      }
      const missing = faultDefinition(fault.kind).requires?.(fault.options, labSpecOf(scenario.lab, registry), registry.definition(scenario.lab.gateway.kind).abilities);
      if (missing) context.addIssue({ code: 'custom', path: ['faults', index, 'kind'], message: `fault ${fault.kind} ${missing}`, input: undefined });
    });
    checkFaultOverlaps(scenario.faults, (index, message) =>
      context.addIssue({ code: 'custom', path: ['faults', index, 'at'], message, input: undefined, params: { code: 'E_SCENARIO_FAULTS' } }),
    );
    checkObserve(scenario, (path, message, code) => context.addIssue({ code: 'custom', path, message, input: undefined, params: { code } }));
    const identities = scenario.load.identities;
    if (identities !== undefined && identities > scenario.pki.clients) {
      context.addIssue({
        code: 'custom',
        path: ['load', 'identities'],
        message: `expected at most pki.clients (${scenario.pki.clients}), got ${identities}: each identity is one client certificate; raise pki.clients or lower load.identities`,
        input: identities,
      });
    }
  })
  .transform((scenario) => ({
    name: scenario.name,
    description: scenario.description,
    /** The first line of the description: the one-liner of `list` and reports. */
    summary: firstLine(scenario.description),
    runtime: scenario.runtime,
    pki: {
      algorithm: scenario.pki.algorithm,
      clients: scenario.pki.clients,
      intermediates: scenario.pki.intermediates as 0 | 1 | 2,
      clientLifetimeMs: scenario.pki.clientLifetime,
      serverLifetimeMs: scenario.pki.serverLifetime,
      ...(scenario.pki.issuer ? { issuer: scenario.pki.issuer } : {}),
    },
    lab: {
      gateway: gatewaySpecOf(scenario.lab.gateway, registry),
      ocspResponder: ocspResponderSpecOf(scenario.lab.ocspResponder),
      ...(scenario.lab.balancer ? { balancer: scenario.lab.balancer } : {}),
      ...linksSpecOf(scenario.lab),
    },
    load: { ...scenario.load, identities: scenario.load.identities ?? scenario.pki.clients },
    slos: scenario.slos,
    faults: scenario.faults,
    ...(scenario.observe ? { observe: scenario.observe } : {}),
  }));
}

/** The scenario schema over the registered gateway kinds. */
export const scenarioSchema = scenarioSchemaFor(gatewayKinds);

/** The lab section as the lab module's LabSpec (durations in ms), for the faults' requirement checks. */
function labSpecOf(lab: LabOutput, registry: GatewayKindRegistry): LabSpec {
  return {
    // A test registry's kinds are not GatewayKind; the faults' checks get their abilities beside.
    gateway: gatewaySpecOf(lab.gateway, registry) as LabSpec['gateway'],
    ...(lab.ocspResponder ? { ocspResponder: ocspResponderSpecOf(lab.ocspResponder) } : {}),
    ...(lab.balancer ? { balancer: lab.balancer } : {}),
    ...linksSpecOf(lab),
  };
}

function ocspResponderSpecOf(responder: LabOutput['ocspResponder']): LabSpec['ocspResponder'] {
  return (
    responder && {
      kind: responder.kind,
      ...(responder.validity === undefined ? {} : { validityMs: responder.validity }),
      ...(responder.port === undefined ? {} : { port: responder.port }),
    }
  );
}

/**
 * In front of a gateway the team runs, the responder is the harness's: its URL is written into the
 * AIA of the client certificates before they are issued (run/harness-ocsp-url.ts), so it must be
 * the builtin one on a port known in advance, with no proxy between (the gateway dials the AIA).
 * With a lab gateway the lab wires the URL itself, so a fixed port would only invite clashes.
 */
function checkHarnessOcspResponder(
  lab: Pick<LabOutput, 'gateway' | 'ocspResponder' | 'links'>,
  addIssue: (path: (string | number)[], message: string, input: unknown) => void,
): void {
  const responder = lab.ocspResponder;
  if (!responder) return;
  const external = lab.gateway.kind === 'external';
  if (!external && responder.port !== undefined) {
    addIssue(['ocspResponder', 'port'], 'applies to lab.gateway.kind external only: the lab wires its own gateways to the responder; remove port', responder.port);
  }
  if (external && responder.kind !== 'builtin') {
    addIssue(['ocspResponder', 'kind'], 'expected "builtin" with lab.gateway.kind external: its URL goes into the client certificates\' AIA, so it must listen on a port known before they are issued', responder.kind);
  }
  if (external && (lab.links ?? []).some((link) => link.between === 'gateway-ocsp')) {
    addIssue(['links'], 'a gateway-ocsp link needs a gateway the lab runs (kind external asks the AIA URL directly); slow or cut the responder with an ocsp-outage fault instead', undefined);
  }
}

/** lab.gateway of a validated scenario: GatewaySpec with its defaults filled in. */
type ScenarioGateway<Kind extends string> = Omit<GatewaySpec, 'kind' | 'ocsp' | 'crl' | 'replicas'> & {
  readonly kind: Kind;
  readonly ocsp: GatewayOcspSpec;
  readonly crl: boolean;
  readonly replicas: number;
};

type LabOutput = z.output<ReturnType<typeof labSchemaFor<string>>>;

/**
 * lab.gateway as the lab module's GatewaySpec (durations in ms), with the kind's own fields
 * (checked by its definition's options) passed through as they are.
 */
function gatewaySpecOf<Kind extends string>(gateway: GatewayOutput & { kind: Kind } & Readonly<Record<string, unknown>>, registry: GatewayKindRegistry): ScenarioGateway<Kind> {
  const ownFields = Object.fromEntries(
    Object.keys(registry.definition(gateway.kind).options.shape)
      .filter((field) => gateway[field] !== undefined)
      .map((field) => [field, gateway[field]]),
  ) as Partial<GatewaySpec>;
  return {
    ...ownFields,
    kind: gateway.kind,
    ocsp: { mode: gateway.ocsp.mode, cacheTtlMs: gateway.ocsp.cacheTtl, timeoutMs: gateway.ocsp.timeout },
    crl: gateway.crl,
    replicas: gateway.replicas,
    ...(gateway.authorization ? { authorization: gateway.authorization } : {}),
    ...(gateway.config ? { config: gateway.config } : {}),
  };
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim().length > 0)?.trim() ?? '';
}

/** What people write: in YAML, or typed in TypeScript through `defineScenario`. */
export type ScenarioInput = z.input<typeof scenarioSchema>;

/** A validated scenario with numbers inside, and the file it came from (absolute path). */
export type Scenario = z.output<typeof scenarioSchema> & { readonly file: string };
