import { beforeAll, describe, expect, it } from 'vitest';
import type { StartedGateway } from '../../src/lab/index.js';
import { probe, type ProbeResult } from '../../src/load/index.js';
import type { ErrorCategory } from '../../src/metrics/index.js';
import type { Credential } from '../../src/pki/index.js';
import { buildGatewayTestPki, type GatewayTestPki } from '../support/gateway-test-pki.js';
import { startTestLab } from '../support/test-lab.js';

/**
 * Every failure category the first drill promises, produced for real against the lab gateways
 * and classified by our own attempt code (what `run`, `probe` and `load` report). nginx answers
 * 400 for every certificate error, so its reason comes from its error log through the lab's
 * rejectionReasonSince hook, as in a run. haproxy says it itself: in a 495/496 with
 * x-mtls-chaos-reason (rejectWith http, the default) or in a TLS alert (rejectWith alert).
 */
let certs: GatewayTestPki;
beforeAll(async () => {
  certs = await buildGatewayTestPki();
});

const OCSP = { mode: 'hard-fail', cacheTtlMs: 0, timeoutMs: 2_000 } as const;

async function attempt(
  gateway: StartedGateway,
  client: Credential | undefined,
  options: { servername?: string; port?: number; timeoutMs?: number } = {},
): Promise<ProbeResult> {
  return probe(`https://${gateway.host}:${options.port ?? gateway.port}/`, {
    ...(client ? { certPem: client.chainPem, keyPem: client.keyPem } : {}),
    caPem: gateway.caPem,
    servername: options.servername ?? gateway.servername,
    timeoutMs: options.timeoutMs ?? 5_000,
    ...(gateway.rejectionReasonSince
      ? { serverReason: (context) => gateway.rejectionReasonSince!(context.startedAt.getTime()) }
      : {}),
  });
}

const categoryOf = async (result: Promise<ProbeResult>): Promise<ErrorCategory> => (await result).category;

describe.each(['node', 'nginx'] as const)('the %s gateway, as classified by our attempts', (kind) => {
  it('tells ok, expired, unknown CA, missing certificate, OCSP-revoked and wrong hostname apart', async () => {
    const { lab } = await startTestLab({ gateway: { kind, ocsp: OCSP }, ocspResponder: { kind: 'builtin' } }, certs.pki);
    const gateway = lab.gateway;
    expect(await categoryOf(attempt(gateway, certs.good))).toBe('ok');
    expect(await categoryOf(attempt(gateway, certs.expired))).toBe('cert_expired');
    expect(await categoryOf(attempt(gateway, certs.foreign))).toBe('unknown_ca');
    expect(await categoryOf(attempt(gateway, undefined))).toBe('certificate_required');
    expect(await categoryOf(attempt(gateway, certs.revokedAtStart))).toBe('cert_revoked');
    // Revoked while the lab runs. Our gateway (cache TTL 0 here) asks again and refuses at once;
    // nginx's ssl_ocsp_cache keeps the earlier "good" until its nextUpdate (it has no TTL knob),
    // so it keeps letting the revoked client in: the revocation latency drills measure this.
    expect(await categoryOf(attempt(gateway, certs.revokedLater))).toBe('ok');
    await lab.ocspResponder!.revoke(certs.revokedLater.certificate.serialNumber, 'keyCompromise');
    expect(await categoryOf(attempt(gateway, certs.revokedLater))).toBe(kind === 'node' ? 'cert_revoked' : 'ok');
    // The client asks for a name the server certificate does not carry.
    expect(await categoryOf(attempt(gateway, certs.good, { servername: 'billing.internal' }))).toBe('hostname_mismatch');
  });

  it('fails closed with ocsp_unavailable when the responder is gone (hard-fail)', async () => {
    const { lab } = await startTestLab({ gateway: { kind, ocsp: OCSP }, ocspResponder: { kind: 'builtin' } }, certs.pki);
    await lab.ocspResponder!.stop();
    expect(await categoryOf(attempt(lab.gateway, certs.good))).toBe('ocsp_unavailable');
  });

  it('rejects a certificate on the CRL as cert_revoked', async () => {
    const { lab } = await startTestLab({ gateway: { kind, crl: true } }, certs.pki);
    expect(await categoryOf(attempt(lab.gateway, certs.revokedAtStart))).toBe('cert_revoked');
    expect(await categoryOf(attempt(lab.gateway, certs.good))).toBe('ok');
  });

  it('times out against a frozen gateway and is refused once it is gone', async () => {
    const { lab } = await startTestLab({ gateway: { kind } }, certs.pki);
    const gateway = lab.gateway;
    const pids = gateway.pids();
    // SIGSTOP freezes every gateway process: the kernel still accepts the TCP connection, nobody answers.
    for (const pid of pids) process.kill(pid, 'SIGSTOP');
    try {
      const frozen = await attempt(gateway, certs.good, { timeoutMs: 1_000 });
      expect(frozen.category).toBe('handshake_timeout');
    } finally {
      for (const pid of pids) process.kill(pid, 'SIGCONT');
    }
    expect(await categoryOf(attempt(gateway, certs.good))).toBe('ok');
    await lab.stop();
    expect(await categoryOf(attempt(gateway, certs.good))).toBe('connection_refused');
  });
});

describe.each(['http', 'alert'] as const)('the haproxy gateway refusing with %s, as classified by our attempts', (rejectWith) => {
  it('tells ok, expired, not yet valid, unknown CA, missing certificate, CRL-revoked and wrong hostname apart', async () => {
    const { lab } = await startTestLab({ gateway: { kind: 'haproxy', crl: true, rejectWith } }, certs.pki);
    const gateway = lab.gateway;
    const notYetValid = certs.pki.intermediate.issueClient({
      subject: 'not-yet-valid',
      notBefore: new Date(Date.now() + 86_400_000),
      notAfter: new Date(Date.now() + 2 * 86_400_000),
    });
    const results = {
      good: await attempt(gateway, certs.good),
      expired: await attempt(gateway, certs.expired),
      notYetValid: await attempt(gateway, notYetValid),
      foreign: await attempt(gateway, certs.foreign),
      none: await attempt(gateway, undefined),
      revoked: await attempt(gateway, certs.revokedAtStart),
      wrongName: await attempt(gateway, certs.good, { servername: 'billing.internal' }),
    };
    expect(Object.fromEntries(Object.entries(results).map(([name, result]) => [name, result.category]))).toEqual({
      good: 'ok',
      expired: 'cert_expired',
      notYetValid: 'cert_not_yet_valid',
      foreign: 'unknown_ca',
      none: 'certificate_required',
      revoked: 'cert_revoked',
      wrongName: 'hostname_mismatch',
    });
    // http: the gateway's own words (495 + header); alert: the alert's name, and a not-yet-valid
    // certificate comes as bad_certificate, refined by the client-side diagnosis.
    if (rejectWith === 'http') {
      expect(results.expired.rawCode).toBe('HTTP_495_CERT_EXPIRED');
      expect(results.none.rawCode).toBe('HTTP_496_CERTIFICATE_REQUIRED');
    } else {
      expect(results.expired.rawCode).toBe('ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED');
      expect(results.notYetValid.rawCode).toBe('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE');
      expect(results.revoked.rawCode).toBe('ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED');
    }
  });
});
