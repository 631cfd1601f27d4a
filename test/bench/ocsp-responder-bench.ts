import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerRuntime } from '../../src/lab/docker/index.js';
import { startLab, type LabSpec, type StartedOcspResponder } from '../../src/lab/index.js';
import { buildLabPki, buildOcspRequest, parseOcspResponse, type Certificate, type LabPki } from '../../src/pki/index.js';

const ANSWER_WINDOW_MS = 3_000;
type Kind = 'builtin' | 'openssl';
type Runtime = 'local' | 'docker';

interface Figures {
  readonly readyMs: number;
  readonly answersPerSecond: number;
  readonly revokedOnNextRequest: boolean;
}

async function statusOf(responder: StartedOcspResponder, certificate: Certificate, issuer: Certificate): Promise<string> {
  const response = await fetch(responder.url, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: buildOcspRequest(certificate, issuer), signal: AbortSignal.timeout(5_000) });
  return parseOcspResponse(new Uint8Array(await response.arrayBuffer()), { issuer }).singleResponses?.[0]?.status ?? 'none';
}

/** Responder start (lab start to its ready line), answers/s one request at a time (as a gateway asks), and whether a revocation shows on the next request. */
async function measure(kind: Kind, runtime: Runtime, pki: LabPki): Promise<Figures> {
  const workDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-bench-ocsp-'));
  const runId = `bench-${process.pid}-${Date.now()}`;
  const docker = runtime === 'docker' ? await DockerRuntime.open({ runId, workDir }) : undefined;
  const spec: LabSpec = { gateway: { kind: 'node', ocsp: { mode: 'hard-fail', cacheTtlMs: 0, timeoutMs: 1_000 } }, ocspResponder: { kind } };
  const started = performance.now();
  let readyMs = Number.NaN;
  const lab = await startLab(spec, pki, {
    workDir,
    runId,
    signal: AbortSignal.timeout(60_000),
    ...(docker ? { runtime: docker } : {}),
    log: (line) => {
      if (Number.isNaN(readyMs) && line.startsWith(`ocsp/${kind} ready`)) readyMs = performance.now() - started;
    },
  });
  try {
    const responder = lab.ocspResponder!;
    const issuer = pki.intermediate.certificate;
    const [first, second] = pki.clients.map((client) => client.certificate);
    // The rate: bytes only (parsing and verifying each answer here would measure pkijs, not the responder).
    const request = buildOcspRequest(second!, issuer);
    let answers = 0;
    const until = performance.now() + ANSWER_WINDOW_MS;
    while (performance.now() < until) {
      const response = await fetch(responder.url, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: request, signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      if (response.status === 200) answers += 1;
    }
    await responder.revoke(first!.serialNumber, 'keyCompromise');
    const revokedOnNextRequest = (await statusOf(responder, first!, issuer)) === 'revoked';
    await responder.unrevoke(first!.serialNumber);
    return { readyMs, answersPerSecond: answers / (ANSWER_WINDOW_MS / 1_000), revokedOnNextRequest };
  } finally {
    await lab.stop();
    await docker?.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** builtin vs openssl OCSP responder, local and docker: start time, sequential answers/s, revocation on the next request. */
export async function ocspResponderBench(): Promise<boolean> {
  const pki = await buildLabPki({ clients: 2 });
  let met = true;
  process.stdout.write('responder  runtime  ready ms  answers/s  revoked on next request\n');
  const results: Partial<Record<`${Kind}/${Runtime}`, Figures>> = {};
  for (const runtime of ['local', 'docker'] as const) {
    for (const kind of ['builtin', 'openssl'] as const) {
      const figures = await measure(kind, runtime, pki);
      results[`${kind}/${runtime}`] = figures;
      process.stdout.write(
        `${kind.padEnd(9)}  ${runtime.padEnd(7)}  ${figures.readyMs.toFixed(0).padStart(8)}  ${figures.answersPerSecond.toFixed(0).padStart(9)}  ${figures.revokedOnNextRequest ? 'yes' : 'NO'}\n`,
      );
      met &&= figures.revokedOnNextRequest;
    }
  }
  for (const runtime of ['local', 'docker'] as const) {
    const ratio = results[`openssl/${runtime}`]!.answersPerSecond / results[`builtin/${runtime}`]!.answersPerSecond;
    process.stdout.write(`openssl / builtin answers/s, ${runtime}: ${ratio.toFixed(2)}x\n`);
  }
  process.stdout.write('targets: every responder says revoked on the request right after a revocation\n');
  return met;
}
