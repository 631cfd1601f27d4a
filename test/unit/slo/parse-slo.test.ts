import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { describeSlo, formatSloValue, parseSlo } from '../../../src/slo/index.js';

function syntaxError(expression: string): UsageError {
  try {
    parseSlo(expression);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('E_SLO_SYNTAX');
    return error as UsageError;
  }
  throw new Error(`"${expression}" parsed but should not have`);
}

describe('parseSlo', () => {
  it('parses the examples of the design, converting units', () => {
    expect(parseSlo('handshake.p95 < 150ms')).toEqual({
      expression: 'handshake.p95 < 150ms',
      metric: 'handshake.p95',
      operator: '<',
      threshold: 150,
      unit: 'ms',
    });
    expect(parseSlo('success.rate >= 99.9%')).toMatchObject({ metric: 'success.rate', operator: '>=', threshold: 0.999, unit: 'ratio' });
    expect(parseSlo('gateway.cpu.p95 < 80%')).toMatchObject({ threshold: 80, unit: 'percent' });
    expect(parseSlo('recovery.time < 30s')).toMatchObject({ metric: 'recovery.time', threshold: 30_000, unit: 'ms' });
  });

  it('converts time units to ms and accepts bare ms', () => {
    expect(parseSlo('total.p99 <= 1.5s').threshold).toBe(1_500);
    expect(parseSlo('total.max < 2m').threshold).toBe(120_000);
    expect(parseSlo('first_byte.mean < 1h').threshold).toBe(3_600_000);
    expect(parseSlo('tcp_connect.p50 < 3').threshold).toBe(3);
    expect(parseSlo('tcp_connect.p50 < 0.5ms').threshold).toBe(0.5);
    expect(parseSlo('handshake.p90<150 ms').threshold).toBe(150);
  });

  it('takes rates as percent or as a 0..1 ratio, CPU as percent, counts bare', () => {
    expect(parseSlo('success.rate >= 0.999').threshold).toBe(0.999);
    expect(parseSlo('error.rate < 0.1%').threshold).toBeCloseTo(0.001, 12);
    expect(parseSlo('category.cert_expired.rate >= 99%')).toMatchObject({ metric: 'category.cert_expired.rate', threshold: 0.99, unit: 'ratio' });
    expect(parseSlo('category.ok.count == 0')).toMatchObject({ threshold: 0, unit: 'count', operator: '==' });
    expect(parseSlo('generator.cpu.max < 90')).toMatchObject({ threshold: 90, unit: 'percent' });
    expect(parseSlo('attempts.rate >= 200/s')).toMatchObject({ threshold: 200, unit: 'per_second' });
    expect(parseSlo('attempts.count > 100')).toMatchObject({ threshold: 100, unit: 'count', operator: '>' });
    expect(parseSlo('late_starts.count <= 5')).toMatchObject({ threshold: 5, operator: '<=' });
  });

  it('accepts each operator, any spacing, and any case in metric names', () => {
    for (const operator of ['<', '<=', '>', '>=', '=='] as const) {
      expect(parseSlo(`handshake.p95${operator}150ms`).operator).toBe(operator);
      expect(parseSlo(`  handshake.p95   ${operator}   150ms  `).expression).toBe(`handshake.p95   ${operator}   150ms`);
    }
    expect(parseSlo('Handshake.P95 < 1s').metric).toBe('handshake.p95');
  });

  it('names an unknown metric with a "did you mean" and lists the valid ones', () => {
    const error = syntaxError('handshake.p59 < 150ms');
    expect(error.message).toBe('SLO "handshake.p59 < 150ms": unknown metric "handshake.p59" (did you mean "handshake.p95"?) at position 1');
    expect(error.hint).toMatch(/^did you mean "handshake.p95"\? valid metrics: handshake\|total\|tcp_connect\|first_byte\.\{p50,p90,p95,p99,max,mean\}/);
    expect(syntaxError('succes.rate > 99%').message).toContain('did you mean "success.rate"?');
    expect(syntaxError('category.cert_expird.rate > 99%').message).toContain('did you mean "category.cert_expired.rate"?');
    expect(syntaxError('gateway.cpu.p99 < 80%').message).toContain('did you mean "gateway.cpu.p95"?');
    const far = syntaxError('throughput > 5');
    expect(far.message).not.toContain('did you mean');
    expect(far.hint).toContain('success.rate, error.rate');
  });

  it('says what was expected at which position', () => {
    expect(syntaxError('').message).toBe('SLO "": expected a metric name, found the end of the expression at position 1');
    expect(syntaxError('< 150ms').message).toBe('SLO "< 150ms": expected a metric name, found "<" at position 1');
    expect(syntaxError('handshake.p95 150ms').message).toBe(
      'SLO "handshake.p95 150ms": expected an operator (<, <=, >, >=, ==) after "handshake.p95", found "150ms" at position 15',
    );
    expect(syntaxError('handshake.p95 = 150ms').message).toContain('expected an operator (<, <=, >, >=, ==)');
    expect(syntaxError('handshake.p95 <').message).toBe(
      'SLO "handshake.p95 <": expected a value (a time like 150ms, 1.5s or 2m), found the end of the expression at position 16',
    );
    expect(syntaxError('handshake.p95 < 150xs').message).toBe(
      'SLO "handshake.p95 < 150xs": expected a value (a time like 150ms, 1.5s or 2m), found "150xs" at position 17',
    );
    expect(syntaxError('handshake.p95 < 150ms and more').message).toBe(
      'SLO "handshake.p95 < 150ms and more": expected the end of the expression, found "and" at position 23',
    );
    expect(syntaxError('handshake.p95 < -1ms').message).toContain('position 17');
  });

  it('refuses a unit that does not fit the metric', () => {
    expect(syntaxError('handshake.p95 < 15%').message).toBe(
      'SLO "handshake.p95 < 15%": expected a time like 150ms, 1.5s or 2m, found "15%" for handshake.p95 at position 17',
    );
    expect(syntaxError('success.rate >= 99.9').message).toContain('write 99.9% if you meant percent');
    expect(syntaxError('success.rate >= 150%').message).toContain('up to 100%');
    expect(syntaxError('success.rate >= 5s').message).toContain('expected a rate like 99.9% or 0.999');
    expect(syntaxError('gateway.cpu.p95 < 80ms').message).toContain('expected a CPU percentage like 80%');
    expect(syntaxError('attempts.count > 10%').message).toContain('expected a plain count like 10');
    expect(syntaxError('attempts.rate > 10ms').message).toContain('expected a rate like 200 or 200/s');
  });
});

describe('describeSlo and formatSloValue', () => {
  it('describes in one line, with the scope when it is a phase', () => {
    expect(describeSlo(parseSlo('handshake.p95 < 150ms'))).toBe('TLS handshake p95 < 150 ms');
    expect(describeSlo(parseSlo('success.rate >= 99.9%'), 'fault')).toBe('success rate >= 99.9% (fault phase)');
    expect(describeSlo(parseSlo('category.cert_expired.rate >= 99%'))).toBe('share of cert_expired attempts >= 99%');
    expect(describeSlo(parseSlo('recovery.time < 30s'), 'recovery')).toBe('recovery time < 30 s (recovery phase)');
  });

  it('formats each unit', () => {
    expect(formatSloValue(12.3456, 'ms')).toBe('12.35 ms');
    expect(formatSloValue(30_000, 'ms')).toBe('30 s');
    expect(formatSloValue(0.999, 'ratio')).toBe('99.9%');
    expect(formatSloValue(0.98765, 'ratio')).toBe('98.765%');
    expect(formatSloValue(80, 'percent')).toBe('80%');
    expect(formatSloValue(17, 'count')).toBe('17');
    expect(formatSloValue(199.96, 'per_second')).toBe('200/s');
  });
});
