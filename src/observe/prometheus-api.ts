import { MtlsChaosError } from '../errors.js';

/**
 * The Prometheus HTTP API could not answer a query the run needed (not reachable, an error
 * status, an answer that is not the API's JSON). Codes: E_PROMETHEUS_QUERY.
 */
export class PrometheusQueryError extends MtlsChaosError {}

const TIMEOUT_MS = 10_000;

/** GETs one API path (e.g. /api/v1/rules) and returns its `data`, or throws PrometheusQueryError naming the path. */
export async function prometheusApi<T>(baseUrl: string, path: string, params: Record<string, string>, signal?: AbortSignal): Promise<T> {
  const url = `${baseUrl.replace(/\/+$/, '')}${path}?${new URLSearchParams(params).toString()}`;
  const fail = (reason: string, cause?: unknown): never => {
    throw new PrometheusQueryError('E_PROMETHEUS_QUERY', `Prometheus at ${baseUrl} did not answer ${path}: ${reason}`, {
      hint: 'the Prometheus that evaluates observe.prometheus.rules must run until the alerts are read; check that it is up (GET /-/ready) and its log',
      cause,
    });
  };
  let response: Response;
  try {
    const timeout = AbortSignal.timeout(TIMEOUT_MS);
    response = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (error) {
    return fail(error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error), error);
  }
  let body: { status?: unknown; data?: unknown; error?: unknown };
  try {
    body = (await response.json()) as typeof body;
  } catch (error) {
    return fail(`HTTP ${response.status}, and the body is not JSON`, error);
  }
  if (body.status !== 'success') return fail(`HTTP ${response.status}: ${typeof body.error === 'string' ? body.error : 'status is not success'}`);
  return body.data as T;
}
