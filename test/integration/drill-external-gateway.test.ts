import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickFreePort } from '../../src/lab/free-port.js';
import { spawnTlsServer } from '../../src/lab/spawn-tls-server.js';
import { startForeignGateway, type ForeignGateway } from '../support/foreign-gateway.js';
import type { SupervisedProcess } from '../../src/lab/child-process-supervisor.js';
import { CertificateAuthority } from '../../src/pki/index.js';
import { runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { runCli } from '../support/run-cli.js';

/*
 * "The team's gateway": an `openssl s_server` the test starts itself on 127.0.0.1, with its own
 * PKI (a team root, its server certificate, and a game-day intermediate it already trusts
 * through that root). The scenario names it as lab.gateway.kind external and hands the harness
 * the intermediate as pki.issuer: the lab starts no gateway, issues its client certificates from
 * the team's intermediate, and its faults act from the client side only.
 */
let dir: string;
let port: number;
let gateway: SupervisedProcess;
let issuer: CertificateAuthority;
let teamRoot: CertificateAuthority;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-external-'));
  teamRoot = CertificateAuthority.createRoot({ subject: { commonName: 'Team Staging Root' }, pathLength: 1 });
  issuer = teamRoot.issueIntermediate({ subject: { commonName: 'Team Game-Day CA' }, pathLength: 0 });
  const server = teamRoot.issueServer({ subject: { commonName: 'staging-gateway' }, ipAddresses: ['127.0.0.1'] });
  await writeFile(join(dir, 'team-root.pem'), teamRoot.certificate.pem);
  await writeFile(join(dir, 'server.pem'), server.chainPem);
  await writeFile(join(dir, 'server.key'), server.keyPem, { mode: 0o600 });
  await writeFile(join(dir, 'gameday-ca.crt.pem'), issuer.certificate.pem);
  await writeFile(join(dir, 'gameday-ca.key.pem'), issuer.credential.keyPem, { mode: 0o600 });
  port = await pickFreePort();
  // -Verify: a client certificate is required and checked against the team root (the game-day CA chains to it).
  gateway = await spawnTlsServer({
    name: 'team-s_server',
    command: 'openssl',
    args: ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', join(dir, 'server.pem'), '-key', join(dir, 'server.key'), '-CAfile', join(dir, 'team-root.pem'), '-Verify', '2', '-verify_return_error', '-www', '-quiet'],
    logDir: dir,
    port,
    what: `openssl s_server on 127.0.0.1:${port}`,
    signal: AbortSignal.timeout(20_000),
  });
});
afterAll(async () => {
  await gateway?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function scenarioFile(name: string, faults: string, at: { dir: string; port: number } = { dir, port }, labLines: readonly string[] = [], durationS = 14): Promise<string> {
  const file = join(at.dir, `${name}.yaml`);
  await writeFile(
    file,
    [
      `name: ${name}`,
      'description: A drill on a gateway the team runs (openssl s_server on loopback).',
      'pki: { clients: 2, issuer: { certificate: gameday-ca.crt.pem, key: gameday-ca.key.pem } }',
      'lab:',
      `  gateway: { kind: external, address: "127.0.0.1:${at.port}", ca: team-root.pem }`,
      '  links: [{ between: client-gateway }]',
      ...labLines,
      `load: { rate: 20/s, duration: ${durationS}s, timeout: 2s }`,
      'slos: [{ expr: "success.rate >= 99%", phase: baseline }]',
      faults,
      '',
    ].join('\n'),
  );
  return file;
}

/** The team's own nginx.conf (not the lab's): their certificate, their client CA, client certificates required; `extra` lines go in the server block. */
function teamNginxConfig(nginxDir: string, nginxPort: number, extra: readonly string[] = []): string {
  return [
    ...(process.getuid?.() === 0 ? ['user root;'] : []),
    'worker_processes 1;',
    `pid ${nginxDir}/nginx.pid;`,
    'events { worker_connections 256; }',
    'http {',
    '    access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((temp) => `    ${temp}_temp_path ${nginxDir}/temp/${temp.replace('client_', '')};`),
    '    server {',
    `        listen 127.0.0.1:${nginxPort} ssl;`,
    `        ssl_certificate ${nginxDir}/server.crt;`,
    `        ssl_certificate_key ${nginxDir}/server.key;`,
    `        ssl_client_certificate ${nginxDir}/team-root.pem;`,
    '        ssl_verify_client on;',
    '        ssl_verify_depth 2;',
    ...extra.map((line) => `        ${line}`),
    "        location / { return 200 'hello'; }",
    '    }',
    '}',
    '',
  ].join('\n');
}

/** A folder for a team nginx of its own: a fresh server certificate from the team root, and the team's CA files. */
async function teamNginxDir(): Promise<{ nginxDir: string; server: ReturnType<CertificateAuthority['issueServer']> }> {
  const nginxDir = await mkdtemp(join(dir, 'nginx-'));
  const server = teamRoot.issueServer({ subject: { commonName: 'staging-nginx' }, ipAddresses: ['127.0.0.1'] });
  await writeFile(join(nginxDir, 'server.crt'), server.chainPem);
  await writeFile(join(nginxDir, 'server.key'), server.keyPem, { mode: 0o600 });
  for (const name of ['team-root.pem', 'gameday-ca.crt.pem', 'gameday-ca.key.pem']) await writeFile(join(nginxDir, name), await readFile(join(dir, name)));
  return { nginxDir, server };
}

describe('a drill on a gateway the team runs (lab.gateway.kind external)', () => {
  it('expires the client certificates issued from the team\'s CA, then partitions the harness\'s link: judged as cert_expired, then timeouts, healed both times', async () => {
    const file = await scenarioFile(
      'external-expiry-partition',
      ['faults:', '  - { at: 3s, for: 3s, kind: expiry, target: client }', '  - { at: 9s, for: 2s, kind: network, link: client-gateway, toxic: partition }'].join('\n'),
    );
    const scenario = await loadScenario(file);
    const logs: string[] = [];
    const outcome = await runScenario(scenario, { outDir: join(dir, 'reports'), signal: new AbortController().signal, log: (line) => logs.push(line) });
    const { result } = outcome;
    expect(result.status).toBe('completed');
    // No gateway process of the lab's: only the fault proxy on the harness's side.
    expect(result.lab.components.map((component) => component.kind)).toEqual(['gateway/external', 'fault-proxy/builtin']);
    expect(result.lab.components[0]).toMatchObject({ endpoint: `https://127.0.0.1:${port}/` });
    expect(result.faults.map((fault) => [fault.kind, fault.error])).toEqual([
      ['expiry', undefined],
      ['network', undefined],
    ]);
    expect(result.byPhase.baseline!.successRate).toBeGreaterThanOrEqual(0.99);
    // The team's s_server refuses the expired certificates with a certificate_expired alert.
    const seconds = (from: number, to: number) => result.timeline.filter((bucket) => bucket.second >= from && bucket.second <= to);
    const sum = (buckets: readonly (typeof result.timeline)[number][], count: (bucket: (typeof result.timeline)[number]) => number) => buckets.reduce((total, bucket) => total + count(bucket), 0);
    const expiry = seconds(4, 5);
    expect(sum(expiry, (bucket) => bucket.categories.cert_expired ?? 0) / sum(expiry, (bucket) => bucket.attempts)).toBeGreaterThanOrEqual(0.9);
    // The partition: attempts due while it holds get no answer through the harness's proxy, and
    // end (reset when it heals, or timed out) in the seconds up to the heal: ~40 at 20/s for 2 s.
    const partition = seconds(9, 11);
    expect(sum(partition, (bucket) => bucket.attempts - bucket.succeeded)).toBeGreaterThanOrEqual(30);
    expect(sum(partition, (bucket) => (bucket.categories.connection_reset ?? 0) + (bucket.categories.handshake_timeout ?? 0))).toBe(
      sum(partition, (bucket) => bucket.attempts - bucket.succeeded),
    );
    expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.9);
    expect(outcome.exitCode).toBe(result.verdict === 'pass' ? 0 : 1);
    // What the team's gateway must trust, written beside the reports: the issuer's certificate, no key.
    const bundle = await readFile(join(outcome.dir, 'client-ca.pem'), 'utf8');
    expect(bundle).toBe(issuer.certificate.pem);
    expect(bundle).not.toContain('PRIVATE KEY');
    expect(logs.some((line) => line.includes('starting gateway/external'))).toBe(true);
  }, 90_000);
});

describe('TLS interception on the harness\'s path to the team\'s gateway', () => {
  it('clients that trust the interceptor reach it and the team\'s gateway refuses the certificate-less connection it makes; then client certificates from an untrusted CA are refused as unknown_ca', async () => {
    const file = await scenarioFile(
      'external-interception',
      ['faults:', '  - { at: 2s, for: 3s, kind: interception, clientsTrustInterceptor: true }', '  - { at: 6s, for: 3s, kind: untrusted-issuer }'].join('\n'),
      { dir, port },
      ['  interceptor: { kind: builtin }'],
      11,
    );
    const { result } = await runScenario(await loadScenario(file), { outDir: join(dir, 'reports'), signal: new AbortController().signal });
    expect(result.status).toBe('completed');
    expect(result.faults.map((fault) => [fault.kind, fault.error])).toEqual([
      ['interception', undefined],
      ['untrusted-issuer', undefined],
    ]);
    expect(result.byPhase.baseline!.successRate).toBeGreaterThanOrEqual(0.99);
    const during = result.timeline.filter((bucket) => bucket.second >= 3 && bucket.second <= 4);
    // Nothing intercepted gets through. s_server refuses the interceptor's connection (no client
    // certificate) with an alert the interceptor cannot pass on: it cuts the client's connection.
    const attempts = during.reduce((total, bucket) => total + bucket.attempts, 0);
    expect(attempts).toBeGreaterThan(0);
    expect(during.reduce((total, bucket) => total + bucket.succeeded, 0)).toBe(0);
    expect(during.reduce((total, bucket) => total + (bucket.categories.connection_reset ?? 0) + (bucket.categories.certificate_required ?? 0), 0)).toBe(attempts);
    // s_server names the refusal itself: alert unknown_ca for a chain to a root it does not have.
    const untrusted = result.timeline.filter((bucket) => bucket.second >= 7 && bucket.second <= 8);
    const untrustedAttempts = untrusted.reduce((total, bucket) => total + bucket.attempts, 0);
    expect(untrustedAttempts).toBeGreaterThan(0);
    expect(untrusted.reduce((total, bucket) => total + (bucket.categories.unknown_ca ?? 0), 0)).toBe(untrustedAttempts);
    expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.9);
  }, 60_000);
});

describe('a command fault on the team\'s own nginx (lab.gateway.kind external)', () => {
  let nginx: ForeignGateway | undefined;
  afterAll(async () => {
    await nginx?.stop();
  });

  it('swaps its server certificate for an expired one and reloads it (cert_expired), and the heal restores the certificate', async () => {
    const { nginxDir, server } = await teamNginxDir();
    const expired = teamRoot.issueServer({
      subject: { commonName: 'staging-nginx' },
      ipAddresses: ['127.0.0.1'],
      key: server.key,
      notBefore: new Date(Date.now() - 48 * 3_600_000),
      notAfter: new Date(Date.now() - 3_600_000),
    });
    await writeFile(join(nginxDir, 'server-valid.crt'), server.chainPem);
    await writeFile(join(nginxDir, 'server-expired.crt'), expired.chainPem);
    // The team's own script: put a certificate in place, then reload nginx (SIGHUP to its master).
    await writeFile(join(nginxDir, 'swap-cert.sh'), 'set -e\ncp "server-$1.crt" server.crt\nkill -HUP "$(cat nginx.pid)"\necho "server certificate: $1"\n');
    // The team's baseline is TLS 1.3 only: a client fleet that falls back to TLS 1.2 is refused.
    nginx = await startForeignGateway('nginx', nginxDir, 1, ([nginxPort]) => teamNginxConfig(nginxDir, nginxPort!, ['ssl_protocols TLSv1.3;']));
    const file = await scenarioFile(
      'external-command-swap',
      [
        'faults:',
        '  - { at: 3s, for: 4s, kind: command, inject: "sh swap-cert.sh expired", heal: "sh swap-cert.sh valid", timeout: 10s }',
        '  - { at: 8s, for: 3s, kind: tls-policy, side: clients, maxVersion: TLSv1.2 }',
      ].join('\n'),
      { dir: nginxDir, port: nginx.ports[0]! },
    );
    const outcome = await runScenario(await loadScenario(file), { outDir: join(nginxDir, 'reports'), signal: new AbortController().signal });
    const { result } = outcome;
    expect(result.status).toBe('completed');
    expect(result.faults.map((fault) => [fault.kind, fault.error])).toEqual([
      ['command', undefined],
      ['tls-policy', undefined],
    ]);
    expect(result.faults[0]!.commands?.map((command) => [command.step, command.exitCode])).toEqual([
      ['inject', 0],
      ['heal', 0],
    ]);
    expect(result.byPhase.baseline!.successRate).toBeGreaterThanOrEqual(0.99);
    // The load checks the gateway's certificate: the expired one is refused as cert_expired.
    const during = result.timeline.filter((bucket) => bucket.second >= 4 && bucket.second <= 6);
    const attempts = during.reduce((total, bucket) => total + bucket.attempts, 0);
    const expiredCount = during.reduce((total, bucket) => total + (bucket.categories.cert_expired ?? 0), 0);
    expect(expiredCount / attempts).toBeGreaterThanOrEqual(0.9);
    // Clients that offer TLS 1.2 at most meet a TLS 1.3-only gateway: every handshake fails as tls_policy.
    const fallback = result.timeline.filter((bucket) => bucket.second >= 9 && bucket.second <= 10);
    const fallbackAttempts = fallback.reduce((total, bucket) => total + bucket.attempts, 0);
    expect(fallbackAttempts).toBeGreaterThan(0);
    expect(fallback.reduce((total, bucket) => total + (bucket.categories.tls_policy ?? 0), 0)).toBe(fallbackAttempts);
    expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.9);
    // The heal put the valid certificate back.
    expect(await readFile(join(nginxDir, 'server.crt'), 'utf8')).toBe(server.chainPem);
  }, 90_000);
});

describe('revocation through the harness\'s OCSP responder, on the team\'s own nginx (ssl_ocsp leaf: it asks the AIA)', () => {
  let nginx: ForeignGateway | undefined;
  afterAll(async () => {
    await nginx?.stop();
  });

  it('revokes client-1 (cert_revoked, client-2 unharmed), then takes the responder down (nginx fails closed: refused, and no cause is invented)', async () => {
    const { nginxDir } = await teamNginxDir();
    // No ssl_ocsp_responder and no cache: nginx asks the URL in each client certificate's AIA on every handshake.
    nginx = await startForeignGateway('nginx', nginxDir, 1, ([nginxPort]) => teamNginxConfig(nginxDir, nginxPort!, ['ssl_ocsp leaf;']));
    const file = await scenarioFile(
      'external-revocation',
      ['faults:', '  - { at: 3s, for: 3s, kind: revocation, identity: 0 }', '  - { at: 9s, for: 2s, kind: ocsp-outage, mode: down }'].join('\n'),
      { dir: nginxDir, port: nginx.ports[0]! },
      ['  ocspResponder: { kind: builtin }'],
    );
    const logs: string[] = [];
    const outcome = await runScenario(await loadScenario(file), { outDir: join(nginxDir, 'reports'), signal: new AbortController().signal, log: (line) => logs.push(line) });
    const { result } = outcome;
    expect(result.status).toBe('completed');
    expect(result.faults.map((fault) => [fault.kind, fault.error])).toEqual([
      ['revocation', undefined],
      ['ocsp-outage', undefined],
    ]);
    // The responder's URL was printed, and is the one nginx dialled: the baseline passes only if it answers good.
    const announced = logs.find((line) => line.startsWith('OCSP responder of this run: '));
    expect(announced).toMatch(/http:\/\/127\.0\.0\.1:\d+\//);
    expect(result.byPhase.baseline!.successRate).toBeGreaterThanOrEqual(0.99);
    // nginx answers a bare 400; the load asks the same responder itself and finds client-1 revoked.
    const revoked = result.faults[0]!;
    expect(revoked.effect?.afterMs).toBeDefined();
    const seconds = (from: number, to: number) => result.timeline.filter((bucket) => bucket.second >= from && bucket.second <= to);
    const during = seconds(4, 5);
    const count = (buckets: typeof during, category: string) => buckets.reduce((total, bucket) => total + (bucket.categories[category as 'ok'] ?? 0), 0);
    const attempts = during.reduce((total, bucket) => total + bucket.attempts, 0);
    // Round-robin over two identities: half the attempts are client-1's, every one of them refused as revoked.
    expect(count(during, 'cert_revoked') / attempts).toBeGreaterThanOrEqual(0.4);
    expect(count(during, 'cert_revoked') + count(during, 'ok')).toBe(attempts);
    // The outage: nginx fails closed for everyone. Its 400 says nothing, and the load's own look-up
    // finds the responder silent: refused without a known reason (bad_certificate), never a
    // revocation remembered from before the heal, never an OCSP cause the gateway did not state.
    const outage = seconds(10, 10);
    const outageAttempts = outage.reduce((total, bucket) => total + bucket.attempts, 0);
    expect(outageAttempts).toBeGreaterThan(0);
    expect(count(outage, 'bad_certificate')).toBe(outageAttempts);
    expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.9);
  }, 90_000);
});

describe('probe --scenario (the same file drives a probe and a drill)', () => {
  it('probes the team\'s gateway with the scenario\'s target, CA and an identity issued from pki.issuer', async () => {
    const file = await scenarioFile('external-probe', 'faults: []');
    const result = await runCli(['probe', '--scenario', file, '--json']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ category: 'ok', httpStatus: 200 });
  });

  it('loads the team\'s gateway with the scenario\'s identities (load --scenario)', async () => {
    const file = await scenarioFile('external-load', 'faults: []');
    const json = join(dir, 'load.json');
    const result = await runCli(['load', '--scenario', file, '--rate', '10/s', '--duration', '2s', '--json-out', json]);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(await readFile(json, 'utf8'))).toMatchObject({ attempts: 20, succeeded: 20 });
  });

  it('refuses a scenario whose gateway the lab runs, and --scenario beside a URL', async () => {
    const labFile = join(dir, 'lab-gateway.yaml');
    await writeFile(labFile, ['name: lab-gateway', 'description: A lab drill.', 'lab: { gateway: { kind: node } }', 'load: { rate: 5/s, duration: 1s }', ''].join('\n'));
    const lab = await runCli(['probe', '--scenario', labFile]);
    expect(lab.exitCode).toBe(2);
    expect(lab.stderr).toContain('error[E_CLI_SCENARIO_TARGET]');
    const both = await runCli(['probe', `https://127.0.0.1:${port}/`, '--scenario', labFile]);
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain('--scenario takes the URL');
  });
});
