import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CLIENT_CERT_HEADER, newIdentitySecret, signedIdentityHeaders } from '../../src/lab/forwarded-identity.js';
import { REASON_HEADER } from '../../src/lab/index.js';
import { buildLabPki } from '../../src/pki/index.js';
import { runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { runDrill } from '../support/run-drill.js';
import { startTestLab } from '../support/test-lab.js';

interface Answer {
  readonly status: number;
  readonly reason: string | undefined;
  readonly body: string;
}

function collect(resolve: (answer: Answer) => void, reject: (error: Error) => void) {
  return (response: import('node:http').IncomingMessage) => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (body += chunk));
    response.on('end', () => resolve({ status: response.statusCode ?? 0, reason: response.headers[REASON_HEADER] as string | undefined, body }));
    response.on('error', reject);
  };
}

function plainGet(port: number, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path: '/', headers, agent: false }, collect(resolve, reject));
    request.on('error', reject);
    request.end();
  });
}

function mtlsGet(port: number, options: { ca: string; cert: string; key: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest({ host: '127.0.0.1', port, path: '/', servername: 'localhost', agent: false, ...options }, collect(resolve, reject));
    request.on('error', reject);
    request.end();
  });
}

async function runYaml(name: string, lines: string[]) {
  const dir = await mkdtemp(join(tmpdir(), `mtls-chaos-${name}-`));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, [`name: ${name}`, ...lines, ''].join('\n'));
  return runScenario(await loadScenario(file), { outDir: dir, signal: AbortSignal.timeout(60_000) });
}

describe('drill tls-termination-drops-identity and the tls-termination fault', () => {
  it('no identity forwarded: the backend refuses every terminated request (496 certificate_required)', async () => {
    const { result, exitCode } = await runDrill('tls-termination-drops-identity');
    expect(result.faults[0]).toMatchObject({
      kind: 'tls-termination',
      description: 'TLS terminated in front of the gateway, without forwarding the client certificate',
    });
    expect(result.lab.components.map((component) => component.kind)).toContain('tls-terminator/builtin');
    const fault = result.byPhase.fault!;
    expect(result.status).toBe('completed');
    expect(result.byPhase.baseline).toBeUndefined();
    expect(fault.attempts).toBeGreaterThan(200);
    expect(fault.categories.ok).toBe(0);
    expect(fault.categories.certificate_required / fault.attempts).toBeGreaterThanOrEqual(0.95);
    // Besides certificate_required, only the few passthrough connections reset by the switch.
    const unexpected = Object.entries(fault.categories).filter(([name, count]) => name !== 'certificate_required' && name !== 'connection_reset' && count > 0);
    expect(unexpected).toEqual([]);
    expect(result.verdict).toBe('pass');
    expect(exitCode).toBe(0);
  }, 90_000);

  it('identity forwarded and signed: the backend accepts it and success holds through the whole run', async () => {
    const { result } = await runYaml('tls-termination-forward', [
      'description: TLS terminated for the whole run, client certificate forwarded signed',
      'lab: { gateway: { kind: node }, tlsTerminator: { kind: builtin } }',
      'pki: { clients: 4 }',
      'load: { rate: 40/s, duration: 8s, timeout: 3s }',
      'faults: [{ at: 0s, kind: tls-termination, forwardClientCert: true }]',
    ]);
    expect(result.faults[0]!.description).toMatch(/client certificate forwarded/);
    const fault = result.byPhase.fault!;
    expect(fault.attempts).toBeGreaterThan(200);
    expect(fault.categories.certificate_required).toBe(0);
    expect(fault.categories.forbidden).toBe(0);
    // All but the few passthrough connections reset at the switch.
    expect(fault.successRate).toBeGreaterThanOrEqual(0.98);
  }, 90_000);

  it('heals: passthrough again, mTLS end to end, success back', async () => {
    const { result } = await runYaml('tls-termination-heal', [
      'description: TLS terminated without forwarding for 4 s, then healed',
      'lab: { gateway: { kind: node }, tlsTerminator: { kind: builtin } }',
      'pki: { clients: 2 }',
      'load: { rate: 30/s, duration: 12s, timeout: 3s }',
      'faults: [{ at: 3s, for: 4s, kind: tls-termination }]',
    ]);
    expect(result.faults[0]!.healedAtMs).toBeDefined();
    expect(result.byPhase.baseline!.successRate).toBeGreaterThanOrEqual(0.99);
    expect(result.byPhase.fault!.categories.certificate_required).toBeGreaterThan(50);
    const recovery = result.byPhase.recovery!;
    expect(recovery.attempts).toBeGreaterThan(100);
    expect(recovery.successRate).toBeGreaterThanOrEqual(0.99);
    expect(recovery.categories.certificate_required).toBeLessThanOrEqual(2);
    expect(result.recovery?.timeMs).toBeLessThan(3_000);
  }, 90_000);

  it('the backend listener believes only signed identities: none 496, forged 403, signed 200; the terminator strips client-sent headers', async () => {
    const pki = await buildLabPki({ clients: 1 });
    const { lab } = await startTestLab({ gateway: { kind: 'node' }, tlsTerminator: { kind: 'builtin' } }, pki);
    const backendPort = lab.replicas[0]!.backendPort!;
    expect(backendPort).toBeGreaterThan(0);
    const secretFile = join(lab.workDir, '..', 'pki', 'identity-header-secret');
    expect((await import('node:fs')).statSync(secretFile).mode & 0o777).toBe(0o600);
    const secret = (await readFile(secretFile, 'utf8')).trim();
    const client = pki.clients[0]!;

    expect(await plainGet(backendPort, {})).toMatchObject({ status: 496, reason: 'certificate_required' });
    const forged = await plainGet(backendPort, signedIdentityHeaders(client.chainPem, newIdentitySecret()));
    expect(forged).toMatchObject({ status: 403, reason: 'forbidden' });
    expect(forged.body).toMatch(/bad x-ssl-client-cert-signature/);
    const signed = await plainGet(backendPort, signedIdentityHeaders(client.chainPem, secret));
    expect(signed.status).toBe(200);
    expect(JSON.parse(signed.body).client.serialNumber).toBe(client.certificate.serialNumber);

    // Through the terminator, terminating without forwarding: a client cannot smuggle its own header in.
    const terminator = lab.tlsTerminator!;
    await terminator.setMode('terminate', { forwardClientCert: false });
    const tls = { ca: pki.root.certificate.pem, cert: client.chainPem, key: client.keyPem };
    const smuggled = await new Promise<Answer>((resolve, reject) => {
      const request = httpsRequest(
        { host: '127.0.0.1', port: terminator.port, path: '/', servername: 'localhost', agent: false, headers: signedIdentityHeaders(client.chainPem, secret), ...tls },
        collect(resolve, reject),
      );
      request.on('error', reject);
      request.end();
    });
    expect(smuggled).toMatchObject({ status: 496, reason: 'certificate_required' });
    await terminator.setMode('terminate', { forwardClientCert: true });
    const forwarded = await mtlsGet(terminator.port, tls);
    expect(forwarded.status).toBe(200);
    expect(JSON.parse(forwarded.body).client.serialNumber).toBe(client.certificate.serialNumber);
    expect(await terminator.stats()).toMatchObject({ forwardedWithIdentity: 1, forwardedWithoutIdentity: 1 });
    expect(CLIENT_CERT_HEADER).toBe('x-ssl-client-cert');
  }, 60_000);
});
