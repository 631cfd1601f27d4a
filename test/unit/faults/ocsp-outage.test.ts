import { describe, expect, it } from 'vitest';
import { describeOcspOutage, ocspOutage, OCSP_OUTAGE_MODES, responderModeOf } from '../../../src/faults/ocsp-outage.js';
import type { LabSpec, OcspResponderMode } from '../../../src/lab/index.js';

const parse = (input: unknown) => ocspOutage.options.safeParse(input);

const hardFailLab: LabSpec = {
  gateway: { kind: 'node', ocsp: { mode: 'hard-fail', cacheTtlMs: 2_000, timeoutMs: 1_000 } },
  ocspResponder: { kind: 'builtin' },
};

describe('ocsp-outage options', () => {
  it('maps each mode to the responder mode that implements it, with defaults', () => {
    const expected: Record<(typeof OCSP_OUTAGE_MODES)[number], OcspResponderMode> = {
      down: { kind: 'down' },
      blackhole: { kind: 'blackhole' },
      slow: { kind: 'slow', delayMs: 3_000 },
      'http-5xx': { kind: 'http-error', httpStatus: 503 },
      'try-later': { kind: 'error-status', status: 'tryLater' },
      unauthorized: { kind: 'error-status', status: 'unauthorized' },
      malformed: { kind: 'garbage' },
      stale: { kind: 'stale' },
      revoked: { kind: 'override', status: 'revoked' },
    };
    for (const mode of OCSP_OUTAGE_MODES) {
      const options = ocspOutage.options.parse({ mode });
      expect(responderModeOf(options)).toEqual(expected[mode]);
      expect(describeOcspOutage(options)).toMatch(/OCSP responder/);
    }
  });

  it('parses latency and status where they apply', () => {
    expect(responderModeOf(ocspOutage.options.parse({ mode: 'slow', latency: '1.5s' }))).toEqual({ kind: 'slow', delayMs: 1_500 });
    expect(responderModeOf(ocspOutage.options.parse({ mode: 'http-5xx', status: 500 }))).toEqual({ kind: 'http-error', httpStatus: 500 });
  });

  it('refuses unknown modes, options of another mode, bad durations and non-5xx statuses, naming the field', () => {
    const problems = (input: unknown) => {
      const result = parse(input);
      return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    };
    expect(problems({ mode: 'offline' })[0]).toMatch(/^mode: expected one of "down", "blackhole"/);
    expect(problems({ mode: 'down', latency: '2s' })).toEqual(['latency: applies to mode "slow" only, got mode "down"']);
    expect(problems({ mode: 'slow', status: 503 })).toEqual(['status: applies to mode "http-5xx" only, got mode "slow"']);
    expect(problems({ mode: 'slow', latency: 'soon' })[0]).toMatch(/^latency: expected a duration like "3s"/);
    expect(problems({ mode: 'http-5xx', status: 404 })[0]).toMatch(/^status: expected an HTTP status from 500 to 599/);
    expect(problems({ mode: 'down', extra: 1 })[0]).toMatch(/extra/);
  });

  it('needs a responder and a gateway that asks it', () => {
    const options = ocspOutage.options.parse({ mode: 'down' });
    expect(ocspOutage.requires!(options, hardFailLab)).toBeUndefined();
    expect(ocspOutage.requires!(options, { gateway: hardFailLab.gateway })).toMatch(/needs lab.ocspResponder/);
    expect(ocspOutage.requires!(options, { ...hardFailLab, gateway: { kind: 'nginx' } })).toMatch(/needs lab.gateway.ocsp.mode "hard-fail" or "soft-fail"/);
  });
});
