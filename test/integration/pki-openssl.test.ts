import { execFile } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Certificate } from '../../src/pki/certificate.js';
import { CertificateAuthority } from '../../src/pki/certificate-authority.js';
import type { Credential } from '../../src/pki/credential.js';
import { fromPem } from '../../src/pki/der.js';
import { exportPkcs12 } from '../../src/pki/pkcs12.js';
import { trustBundlePem } from '../../src/pki/trust-bundle.js';

/*
 * Everything the lab PKI writes, checked by the real OpenSSL 3 command line and by Node's TLS
 * stack: the two relying parties whose opinion matters for drills.
 */
const OPENSSL = '/usr/bin/openssl';
const HOUR_MS = 3_600_000;
const SPIFFE_ID = 'spiffe://example.org/ns/billing/sa/api';

let dir = '';
let fileCounter = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-pki-openssl-'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Run {
  readonly code: number;
  /** stdout and stderr together: `openssl verify` splits its verdict across both. */
  readonly output: string;
}

function openssl(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(OPENSSL, args, { cwd: dir, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(error);
        return;
      }
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, output: `${stdout}${stderr}` });
    });
  });
}

async function writeTemp(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, `${++fileCounter}-${name}`);
  await writeFile(path, content);
  return path;
}

const pemOf = (certificates: readonly Certificate[]): string => certificates.map((certificate) => certificate.pem).join('');

async function verify(options: {
  trusted: readonly Certificate[];
  untrusted?: readonly Certificate[];
  leaf: Certificate;
  purpose?: 'sslserver' | 'sslclient';
}): Promise<Run> {
  const args = ['verify', '-CAfile', await writeTemp('ca.pem', pemOf(options.trusted))];
  if (options.untrusted?.length) args.push('-untrusted', await writeTemp('untrusted.pem', pemOf(options.untrusted)));
  if (options.purpose) args.push('-purpose', options.purpose);
  args.push(await writeTemp('leaf.pem', options.leaf.pem));
  return openssl(args);
}

function expectAccepted(run: Run): void {
  expect(run.output).toMatch(/leaf\.pem: OK/);
  expect(run.code).toBe(0);
}

function expectRejected(run: Run, error: RegExp): void {
  expect(run.output).toMatch(error);
  expect(run.code).not.toBe(0);
}

describe('openssl verify accepts and rejects our chains for the right reasons', () => {
  it.each(['ecdsa-p256', 'ecdsa-p384', 'ed25519', 'rsa-2048'] as const)('%s: root -> intermediate -> leaf verifies', async (algorithm) => {
    const root = CertificateAuthority.createRoot({ subject: `Root ${algorithm}`, algorithm, pathLength: 1 });
    const intermediate = root.issueIntermediate({ subject: 'Issuing CA', pathLength: 0 });
    const server = intermediate.issueServer({ subject: 'api', dnsNames: ['api.example.org'], ipAddresses: ['127.0.0.1', '::1'] });
    const client = intermediate.issueClient({ subject: 'billing', uris: [SPIFFE_ID] });
    expectAccepted(await verify({ trusted: [root.certificate], untrusted: intermediate.chain, leaf: server.certificate, purpose: 'sslserver' }));
    expectAccepted(await verify({ trusted: [root.certificate], untrusted: intermediate.chain, leaf: client.certificate, purpose: 'sslclient' }));
  });

  it('rejects an expired leaf: error 10 at depth 0', async () => {
    const root = CertificateAuthority.createRoot({ subject: 'Root' });
    const intermediate = root.issueIntermediate({ subject: 'Inter' });
    const now = Date.now();
    const leaf = intermediate.issueServer({ subject: 'expired', notBefore: new Date(now - 2 * HOUR_MS), notAfter: new Date(now - HOUR_MS) });
    expectRejected(
      await verify({ trusted: [root.certificate], untrusted: intermediate.chain, leaf: leaf.certificate }),
      /error 10 at 0 depth lookup: certificate has expired/,
    );
  });

  it('rejects a not-yet-valid leaf: error 9 at depth 0', async () => {
    const root = CertificateAuthority.createRoot({ subject: 'Root' });
    const intermediate = root.issueIntermediate({ subject: 'Inter' });
    const now = Date.now();
    const leaf = intermediate.issueServer({ subject: 'future', notBefore: new Date(now + HOUR_MS), notAfter: new Date(now + 2 * HOUR_MS) });
    expectRejected(
      await verify({ trusted: [root.certificate], untrusted: intermediate.chain, leaf: leaf.certificate }),
      /error 9 at 0 depth lookup: certificate is not yet valid/,
    );
  });

  it('rejects a certificate used for the other side of TLS: error 26, unsuitable purpose', async () => {
    const root = CertificateAuthority.createRoot({ subject: 'Root' });
    const intermediate = root.issueIntermediate({ subject: 'Inter' });
    const client = intermediate.issueClient({ subject: 'client' });
    const server = intermediate.issueServer({ subject: 'server' });
    expectRejected(
      await verify({ trusted: [root.certificate], untrusted: intermediate.chain, leaf: client.certificate, purpose: 'sslserver' }),
      /error 26 at 0 depth lookup: unsuitable certificate purpose/,
    );
    expectRejected(
      await verify({ trusted: [root.certificate], untrusted: intermediate.chain, leaf: server.certificate, purpose: 'sslclient' }),
      /error 26 at 0 depth lookup: unsuitable certificate purpose/,
    );
  });

  it('rejects a chain to a root it does not trust: error 20, unable to get local issuer certificate', async () => {
    const trusted = CertificateAuthority.createRoot({ subject: 'Trusted Root' });
    const stranger = CertificateAuthority.createRoot({ subject: 'Stranger Root' });
    const strangerIntermediate = stranger.issueIntermediate({ subject: 'Stranger Inter' });
    const leaf = strangerIntermediate.issueClient({ subject: 'intruder' });
    expectRejected(
      await verify({ trusted: [trusted.certificate], untrusted: strangerIntermediate.chain, leaf: leaf.certificate }),
      /error 20 at 1 depth lookup: unable to get local issuer certificate/,
    );
  });

  it('rejects a leaf under an expired intermediate: error 10 at depth 1', async () => {
    const root = CertificateAuthority.createRoot({ subject: 'Root' });
    const now = Date.now();
    const intermediate = root.issueIntermediate({
      subject: 'Expired Inter',
      notBefore: new Date(now - 48 * HOUR_MS),
      notAfter: new Date(now - 24 * HOUR_MS),
    });
    const leaf = intermediate.issueServer({ subject: 'leaf' });
    expectRejected(
      await verify({ trusted: [root.certificate], untrusted: intermediate.chain, leaf: leaf.certificate }),
      /error 10 at 1 depth lookup: certificate has expired/,
    );
  });

  it('reads pathLength: a pathLength 0 intermediate issues leaves, one CA too many below pathLength 1 fails with error 25', async () => {
    const root = CertificateAuthority.createRoot({ subject: 'Root', pathLength: 1 });
    const issuing = root.issueIntermediate({ subject: 'I1', pathLength: 0 });
    const leaf = issuing.issueServer({ subject: 'leaf' });
    expectAccepted(await verify({ trusted: [root.certificate], untrusted: issuing.chain, leaf: leaf.certificate }));

    // Our API checks only the issuing CA's own pathLength, so a second intermediate under an
    // unconstrained I1 can be made; OpenSSL then enforces the root's pathLength 1.
    const unconstrained = root.issueIntermediate({ subject: 'I1 unconstrained' });
    const tooDeep = unconstrained.issueIntermediate({ subject: 'I2' });
    const deepLeaf = tooDeep.issueServer({ subject: 'deep leaf' });
    expectRejected(
      await verify({ trusted: [root.certificate], untrusted: tooDeep.chain, leaf: deepLeaf.certificate }),
      /error 25 at \d depth lookup: path length constraint exceeded/,
    );
  });

  it('cross-signing: a leaf of the new intermediate verifies under the old root through the cross certificate only', async () => {
    const oldRoot = CertificateAuthority.createRoot({ subject: 'Root R1' });
    const newRoot = CertificateAuthority.createRoot({ subject: 'Root R2', algorithm: 'ecdsa-p384' });
    const newIntermediate = newRoot.issueIntermediate({ subject: 'Inter I2' });
    const crossSigned = oldRoot.crossSign(newIntermediate);
    const leaf = newIntermediate.issueServer({ subject: 'api' });

    expectAccepted(await verify({ trusted: [oldRoot.certificate], untrusted: [crossSigned], leaf: leaf.certificate }));
    expectAccepted(await verify({ trusted: [newRoot.certificate], untrusted: [newIntermediate.certificate], leaf: leaf.certificate }));
    expectRejected(
      await verify({ trusted: [oldRoot.certificate], untrusted: [newIntermediate.certificate], leaf: leaf.certificate }),
      /error 20 at 1 depth lookup: unable to get local issuer certificate/,
    );
    // The overlap bundle (old + new roots) accepts the new chain without the cross certificate.
    const overlap = trustBundlePem([oldRoot.certificate, newRoot.certificate]);
    const args = ['verify', '-CAfile', await writeTemp('overlap.pem', overlap)];
    args.push('-untrusted', await writeTemp('i2.pem', newIntermediate.certificate.pem), await writeTemp('leaf.pem', leaf.certificate.pem));
    expectAccepted(await openssl(args));
  });
});

describe('openssl pkcs12 reads our PKCS#12 files without -legacy', () => {
  it.each(['ecdsa-p256', 'ecdsa-p384', 'ed25519', 'rsa-2048'] as const)('%s', async (algorithm) => {
    const root = CertificateAuthority.createRoot({ subject: `Root ${algorithm}`, algorithm });
    const intermediate = root.issueIntermediate({ subject: 'Inter' });
    const server = intermediate.issueServer({ subject: 'api', dnsNames: ['api.example.org'] });
    const path = await writeTemp('server.p12', exportPkcs12(server, { password: 'lab-secret', trustAnchors: [root.certificate] }));

    const run = await openssl(['pkcs12', '-in', path, '-passin', 'pass:lab-secret', '-nodes', '-info']);
    expect(run.code).toBe(0);
    expect(run.output).toContain('MAC: sha256, Iteration 2048');
    expect(run.output).toContain('Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256');
    expect(run.output).toContain('friendlyName: api');
    for (const certificate of [server.certificate, intermediate.certificate, root.certificate]) {
      expect(run.output).toContain(certificate.pem.trim());
    }
    // The key openssl took out of the bundle (PKCS#8 PEM, label "PRIVATE KEY") is ours.
    const keyDer = fromPem('PRIVATE KEY', run.output);
    expect(createPrivateKey({ key: keyDer, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'der' })).toEqual(
      server.key.privateKey.export({ type: 'pkcs8', format: 'der' }),
    );

    const wrong = await openssl(['pkcs12', '-in', path, '-passin', 'pass:not-it', '-nodes', '-info']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.output).toContain('Mac verify error: invalid password?');
  });
});

describe('Node TLS mutual handshake with lab certificates', () => {
  const servers: tls.Server[] = [];
  const sockets: tls.TLSSocket[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  });

  interface Seen {
    readonly authorized: boolean;
    readonly authorizationError: string | undefined;
    readonly peer: tls.DetailedPeerCertificate;
  }

  /** Starts an mTLS server on 127.0.0.1:0 that reports what it saw of the first client. */
  async function startServer(options: tls.TlsOptions): Promise<{ port: number; seen: Promise<Seen> }> {
    let report: (seen: Seen) => void = () => undefined;
    const seen = new Promise<Seen>((resolve) => {
      report = resolve;
    });
    const server = tls.createServer({ requestCert: true, rejectUnauthorized: false, ...options }, (socket) => {
      sockets.push(socket);
      // Typed as Error | undefined, but Node sets a code string such as 'CERT_HAS_EXPIRED', or null.
      const authorizationError: unknown = socket.authorizationError;
      report({
        authorized: socket.authorized,
        authorizationError: authorizationError === null || authorizationError === undefined ? undefined : String(authorizationError),
        peer: socket.getPeerCertificate(true),
      });
      socket.end('ok');
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { port: (server.address() as AddressInfo).port, seen };
  }

  /** Connects with a client credential and resolves once the server's answer has arrived. */
  function connect(port: number, client: Credential, ca: string): Promise<{ authorized: boolean; data: string }> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, key: client.keyPem, cert: client.chainPem, ca });
      sockets.push(socket);
      let data = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        data += chunk;
      });
      socket.on('end', () => resolve({ authorized: socket.authorized, data }));
      socket.on('error', reject);
    });
  }

  function pki(algorithm: 'ecdsa-p256' | 'rsa-2048' = 'ecdsa-p256') {
    const root = CertificateAuthority.createRoot({ subject: 'Lab Root', algorithm });
    const intermediate = root.issueIntermediate({ subject: 'Lab Issuing CA' });
    const server = intermediate.issueServer({ subject: 'gateway', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const client = intermediate.issueClient({ subject: 'billing-api', uris: [SPIFFE_ID] });
    return { root, intermediate, server, client };
  }

  it('authorizes a client of the lab root and shows its CN and SPIFFE URI', async () => {
    const { root, server, client } = pki();
    const { port, seen } = await startServer({ key: server.keyPem, cert: server.chainPem, ca: root.certificate.pem });
    const answer = await connect(port, client, root.certificate.pem);
    expect(answer).toEqual({ authorized: true, data: 'ok' });
    const observed = await seen;
    expect(observed.authorized).toBe(true);
    expect(observed.authorizationError).toBeUndefined();
    expect(observed.peer.subject.CN).toBe('billing-api');
    expect(observed.peer.subjectaltname).toBe(`URI:${SPIFFE_ID}`);
    expect(observed.peer.issuerCertificate.subject.CN).toBe('Lab Issuing CA');
  });

  it('does not authorize a client certificate from an unrelated root: UNABLE_TO_GET_ISSUER_CERT_LOCALLY', async () => {
    const { root, server } = pki();
    const stranger = CertificateAuthority.createRoot({ subject: 'Stranger Root' }).issueIntermediate({ subject: 'Stranger CA' });
    const intruder = stranger.issueClient({ subject: 'intruder' });
    const { port, seen } = await startServer({ key: server.keyPem, cert: server.chainPem, ca: root.certificate.pem });
    await connect(port, intruder, root.certificate.pem);
    const observed = await seen;
    expect(observed.authorized).toBe(false);
    expect(observed.authorizationError).toBe('UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    expect(observed.peer.subject.CN).toBe('intruder');
  });

  it('does not authorize an expired client certificate: CERT_HAS_EXPIRED', async () => {
    const { root, intermediate, server } = pki();
    const now = Date.now();
    const expired = intermediate.issueClient({ subject: 'late', notBefore: new Date(now - 2 * HOUR_MS), notAfter: new Date(now - HOUR_MS) });
    const { port, seen } = await startServer({ key: server.keyPem, cert: server.chainPem, ca: root.certificate.pem });
    await connect(port, expired, root.certificate.pem);
    expect(await seen).toMatchObject({ authorized: false, authorizationError: 'CERT_HAS_EXPIRED' });
  });

  it.each(['ecdsa-p256', 'rsa-2048'] as const)('%s: a server configured from our PKCS#12 sends its chain and is trusted', async (algorithm) => {
    const { root, server, client } = pki(algorithm);
    const pfx = exportPkcs12(server, { password: 'lab-secret' });
    const { port, seen } = await startServer({ pfx, passphrase: 'lab-secret', ca: root.certificate.pem });
    // The client trusts only the root, so the handshake needs the intermediate from the PFX.
    expect(await connect(port, client, root.certificate.pem)).toEqual({ authorized: true, data: 'ok' });
    expect((await seen).authorized).toBe(true);
  });
});
