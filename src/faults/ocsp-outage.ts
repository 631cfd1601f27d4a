import { z } from 'zod';
import type { GatewayAbilities, LabSpec, OcspResponderMode } from '../lab/index.js';
import type { FaultDefinition, OwnGatewayConfig } from './fault.js';
import { faultDurationOption } from './fault-duration.js';
import { labOwnsGateway } from './lab-gateway-requirement.js';
import { forgetRevocationFindings } from './revocation-findings.js';

/**
 * The lab's OCSP responder fails in one of the ways responders fail in production (down, blackholed,
 * slow, HTTP 5xx, tryLater, unauthorized, malformed, stale, revoked), and answers normally again on heal, on the same URL (the gateway is configured with it).
 *
 * What the gateway sees depends on its mode and on its cache of earlier answers: a cached `good`
 * hides any outage until it expires. Our node gateway keeps an answer min(cacheTtl, nextUpdate);
 * nginx (ssl_ocsp_cache) keeps it until nextUpdate and has no TTL knob, so on nginx the
 * responder's answer validity (lab.ocspResponder.validity) is what bounds the cache. Failures are
 * never cached by either: once the cache has expired, every handshake asks the broken responder.
 */
export const OCSP_OUTAGE_MODES = ['down', 'blackhole', 'slow', 'http-5xx', 'try-later', 'unauthorized', 'malformed', 'stale', 'revoked'] as const;
export type OcspOutageMode = (typeof OCSP_OUTAGE_MODES)[number];
/** What lab.ocspResponder kind "openssl" can do: stop listening (the process is stopped) or hang (SIGSTOP). */
export const OPENSSL_OUTAGE_MODES = ['down', 'blackhole'] as const satisfies readonly OcspOutageMode[];

const options = z
  .strictObject({
    mode: z
      .enum(OCSP_OUTAGE_MODES, {
        error: (issue) => `expected one of ${OCSP_OUTAGE_MODES.map((mode) => `"${mode}"`).join(', ')}, got ${JSON.stringify(issue.input)}`,
      })
      .meta({
        description:
          'down: not listening (connection refused); blackhole: accepts, never answers; slow: answers after `latency`; ' +
          'http-5xx: HTTP `status`; try-later / unauthorized: that OCSP error status (RFC 6960 4.2.1); malformed: bytes that are ' +
          'not an OCSP response; stale: nextUpdate already past; revoked: says revoked for every certificate.',
      }),
    latency: faultDurationOption({ minMs: 1, maxMs: 120_000, example: '3s', description: 'mode slow: how long each answer is delayed (default 3s).' }).optional(),
    status: z
      .int({ error: (issue) => `expected an HTTP status from 500 to 599, got ${JSON.stringify(issue.input)}` })
      .min(500, { error: (issue) => `expected an HTTP status from 500 to 599, got ${JSON.stringify(issue.input)}` })
      .max(599, { error: (issue) => `expected an HTTP status from 500 to 599, got ${JSON.stringify(issue.input)}` })
      .optional()
      .meta({ description: 'mode http-5xx: the HTTP status answered (default 503).' }),
  })
  .superRefine((value, context) => {
    if (value.latency !== undefined && value.mode !== 'slow') {
      context.addIssue({ code: 'custom', path: ['latency'], message: `applies to mode "slow" only, got mode "${value.mode}"`, input: undefined });
    }
    if (value.status !== undefined && value.mode !== 'http-5xx') {
      context.addIssue({ code: 'custom', path: ['status'], message: `applies to mode "http-5xx" only, got mode "${value.mode}"`, input: undefined });
    }
  })
  .meta({ description: 'How the OCSP responder fails: mode, plus latency (slow) or status (http-5xx).' });

export type OcspOutageOptions = z.output<typeof options>;

/** The responder mode for a fault mode; pure, so the mapping is unit-tested. */
export function responderModeOf(fault: OcspOutageOptions): OcspResponderMode {
  switch (fault.mode) {
    case 'down':
      return { kind: 'down' };
    case 'blackhole':
      return { kind: 'blackhole' };
    case 'slow':
      return { kind: 'slow', delayMs: fault.latency ?? 3_000 };
    case 'http-5xx':
      return { kind: 'http-error', httpStatus: fault.status ?? 503 };
    case 'try-later':
      return { kind: 'error-status', status: 'tryLater' };
    case 'unauthorized':
      return { kind: 'error-status', status: 'unauthorized' };
    case 'malformed':
      return { kind: 'garbage' };
    case 'stale':
      return { kind: 'stale' };
    case 'revoked':
      return { kind: 'override', status: 'revoked' };
  }
}

export function describeOcspOutage(fault: OcspOutageOptions): string {
  switch (fault.mode) {
    case 'down':
      return 'OCSP responder down (connections refused)';
    case 'blackhole':
      return 'OCSP responder blackholed (accepts, never answers)';
    case 'slow':
      return `OCSP responder slow (each answer ${fault.latency ?? 3_000} ms late)`;
    case 'http-5xx':
      return `OCSP responder answers HTTP ${fault.status ?? 503}`;
    case 'try-later':
      return 'OCSP responder answers tryLater';
    case 'unauthorized':
      return 'OCSP responder answers unauthorized';
    case 'malformed':
      return 'OCSP responder answers malformed bytes';
    case 'stale':
      return 'OCSP responder answers stale responses (nextUpdate past)';
    case 'revoked':
      return 'OCSP responder answers revoked for every certificate';
  }
}

/**
 * What the lab lacks for an OCSP fault to reach the gateway; shared with the revocation fault. A
 * gateway the lab does not run (external) is reached through the responder the harness runs and
 * names in the AIA of its client certificates (run/harness-ocsp-url.ts); whether that gateway
 * checks OCSP at all is the team's config, which the harness cannot read.
 */
export function ocspRequirement(lab: LabSpec, gateway?: GatewayAbilities): string | undefined {
  if (!labOwnsGateway(lab, gateway)) {
    return lab.ocspResponder
      ? undefined
      : 'needs lab.ocspResponder: { kind: builtin }: the harness runs it and names it in the AIA of its client certificates, and your gateway must check OCSP from the AIA (nginx ssl_ocsp leaf)';
  }
  if (!lab.ocspResponder) return 'needs lab.ocspResponder: { kind: builtin } or { kind: openssl } (the responder it breaks)';
  // With the team's own config, the config decides (checked against it when the scenario loads).
  if (!lab.gateway.config && (!lab.gateway.ocsp || lab.gateway.ocsp.mode === 'off')) {
    return 'needs lab.gateway.ocsp.mode "hard-fail" or "soft-fail": with OCSP off the gateway never asks the responder';
  }
  return undefined;
}

/** What a team's gateway config lacks for an OCSP fault to reach it; shared with the revocation fault. */
export function ownConfigOcspRequirement(config: OwnGatewayConfig): string | undefined {
  return config.facts.clientOcsp
    ? undefined
    : `changes nothing on your gateway config ${config.file}: it never checks client certificates with OCSP (no ${config.directives.clientOcsp}); add it, or drop the fault`;
}

export const ocspOutage: FaultDefinition<typeof options> = {
  kind: 'ocsp-outage',
  summary: 'the OCSP responder goes down, hangs, slows, errors, lies (stale, revoked) and comes back on heal',
  options,
  requiresOfOwnConfig: (_options, config) => ownConfigOcspRequirement(config),
  requires: (options, lab, gateway) => {
    const missing = ocspRequirement(lab, gateway);
    if (missing) return missing;
    // A real `openssl ocsp` can be stopped or frozen; it cannot be made to answer late, wrong or stale.
    if (lab.ocspResponder?.kind === 'openssl' && !(OPENSSL_OUTAGE_MODES as readonly string[]).includes(options.mode)) {
      return (
        `mode "${options.mode}" needs lab.ocspResponder kind "builtin": with kind "openssl" (a real openssl ocsp) ` +
        `ocsp-outage has modes ${OPENSSL_OUTAGE_MODES.map((mode) => `"${mode}"`).join(' and ')} only`
      );
    }
    return undefined;
  },
  create: (fault) => ({
    kind: 'ocsp-outage',
    describe: () => describeOcspOutage(fault),
    inject: async (context) => {
      if (!context.lab.ocspResponder) throw new Error('the lab has no OCSP responder');
      await context.lab.ocspResponder.setMode(responderModeOf(fault));
      await forgetRevocationFindings(context);
    },
    heal: async (context) => {
      await context.lab.ocspResponder?.setMode({ kind: 'normal' });
      await forgetRevocationFindings(context);
    },
  }),
};
