/**
 * k6 stamps samples with Go's RFC 3339 time at nanosecond precision and a zone offset
 * ("2017-05-09T14:34:45.625742514+02:00"). Date.parse keeps only milliseconds, so the fraction
 * is added separately: epoch milliseconds with the sub-millisecond part kept.
 */
export function parseK6Time(text: string): number | undefined {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (!match) return undefined;
  const seconds = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  return seconds + (match[2] ? Number(`0${match[2]}`) * 1_000 : 0);
}

/** The inverse, for fixtures and tests: nanosecond digits, UTC. */
export function formatK6Time(epochMs: number): string {
  const wholeMs = Math.floor(epochMs);
  const iso = new Date(wholeMs).toISOString(); // 2026-01-01T00:00:00.123Z
  const nanos = Math.round((epochMs - wholeMs) * 1_000_000).toString().padStart(6, '0').slice(0, 6);
  return `${iso.slice(0, 23)}${nanos}Z`;
}
