import { describe, expect, it } from 'vitest';
import { translateSlo, type ThresholdTranslation } from '../../../src/k6/index.js';
import { SLO_METRICS, parseSlo, type SloScope } from '../../../src/slo/index.js';

const translate = (expression: string, scope: SloScope = 'run'): ThresholdTranslation => translateSlo(parseSlo(expression), scope);
const thresholds = (expression: string, scope: SloScope = 'run') => {
  const translation = translate(expression, scope);
  if (!translation.translated) throw new Error(`expected "${expression}" to translate, got: ${translation.reason}`);
  return translation.thresholds.map(({ metric, expression: k6 }) => `${metric}: ${k6}`);
};
const reason = (expression: string, scope: SloScope = 'run'): string => {
  const translation = translate(expression, scope);
  if (translation.translated) throw new Error(`expected "${expression}" not to translate`);
  return translation.reason;
};

describe('translateSlo: one mapping per SLO kind', () => {
  it('handshake.STAT -> http_req_tls_handshaking with k6 trend stats', () => {
    expect(thresholds('handshake.p95 < 150ms')).toEqual(['http_req_tls_handshaking: p(95)<150']);
    expect(thresholds('handshake.p50 >= 1.5s')).toEqual(['http_req_tls_handshaking: med>=1500']);
    expect(thresholds('handshake.p90 < 100')).toEqual(['http_req_tls_handshaking: p(90)<100']);
    expect(thresholds('handshake.p99 <= 200ms')).toEqual(['http_req_tls_handshaking: p(99)<=200']);
    expect(thresholds('handshake.max < 1s')).toEqual(['http_req_tls_handshaking: max<1000']);
    expect(thresholds('handshake.mean < 20ms')).toEqual(['http_req_tls_handshaking: avg<20']);
  });

  it('tcp_connect, first_byte and total -> connecting, waiting and the iteration (one attempt per iteration)', () => {
    expect(thresholds('tcp_connect.p95 < 10ms')).toEqual(['http_req_connecting: p(95)<10']);
    expect(thresholds('first_byte.p99 < 50ms')).toEqual(['http_req_waiting: p(99)<50']);
    expect(thresholds('total.p99 < 500ms')).toEqual(['iteration_duration: p(99)<500']);
  });

  it('a phase-scoped SLO becomes a sub-metric on the phase tag the exported scenarios set', () => {
    expect(thresholds('handshake.p95 < 150ms', 'fault')).toEqual(['http_req_tls_handshaking{phase:fault}: p(95)<150']);
  });

  it('success.rate -> checks and http_req_failed, the failure side flipped', () => {
    expect(thresholds('success.rate >= 99.9%', 'baseline')).toEqual(['checks{phase:baseline}: rate>=0.999', 'http_req_failed{phase:baseline}: rate<=0.001']);
    expect(thresholds('success.rate <= 10%', 'fault')).toEqual(['checks{phase:fault}: rate<=0.1', 'http_req_failed{phase:fault}: rate>=0.9']);
  });

  it('error.rate -> http_req_failed', () => {
    expect(thresholds('error.rate < 1%')).toEqual(['http_req_failed: rate<0.01']);
  });

  it('attempts.count -> http_reqs count; attempts.rate only for the whole run', () => {
    expect(thresholds('attempts.count >= 100')).toEqual(['http_reqs: count>=100']);
    expect(thresholds('attempts.rate >= 40/s')).toEqual(['http_reqs: rate>=40']);
    expect(reason('attempts.rate >= 40/s', 'fault')).toMatch(/whole test/);
  });

  it('category.ok -> checks; category.forbidden.count -> requests answered 403', () => {
    expect(thresholds('category.ok.count == 0', 'fault')).toEqual(['checks{phase:fault}: passes==0']);
    expect(thresholds('category.ok.rate >= 99%')).toEqual(['checks: rate>=0.99', 'http_req_failed: rate<=0.01']);
    expect(thresholds('category.forbidden.count >= 1', 'fault')).toEqual(['http_reqs{phase:fault,status:403}: count>=1']);
  });

  it('late_starts.count -> dropped_iterations, with a note that it is the nearest figure', () => {
    const translation = translate('late_starts.count == 0');
    expect(translation.translated && translation.thresholds).toEqual([{ metric: 'dropped_iterations', expression: 'count==0' }]);
    expect(translation.translated && translation.note).toMatch(/nearest/);
  });
});

describe('translateSlo: SLOs k6 cannot express are said, with why', () => {
  it.each([
    ['gateway.cpu.p95 < 80%', /does not see the gateway/],
    ['generator.cpu.max < 90%', /k6 itself/],
    ['recovery.time < 5s', /fault timeline/],
    ['blast.radius <= 50%', /fault timeline/],
    ['effect.latency < 3s', /injection times/],
    ['category.cert_expired.rate >= 90%', /error code/],
    ['category.forbidden.rate >= 90%', /import k6/],
  ])('%s', (expression, why) => {
    expect(reason(expression, 'fault')).toMatch(why);
  });

  it('every metric an SLO can name either translates or says why not (none is dropped silently)', () => {
    const untranslated: string[] = [];
    for (const metric of SLO_METRICS.values()) {
      const value = metric.unit === 'ratio' ? '50%' : metric.unit === 'percent' ? '50%' : metric.unit === 'ms' ? '100ms' : '1';
      const translation = translate(`${metric.name} >= ${value}`);
      if (translation.translated) expect(translation.thresholds.length).toBeGreaterThan(0);
      else {
        expect(translation.reason.length).toBeGreaterThan(10);
        untranslated.push(metric.name);
      }
    }
    expect(untranslated).toContain('recovery.time');
    expect(untranslated).not.toContain('handshake.p95');
    expect(untranslated).not.toContain('success.rate');
  });
});
