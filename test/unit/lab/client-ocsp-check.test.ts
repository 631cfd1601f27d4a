import { beforeAll, describe, expect, it } from 'vitest';
import { ClientOcspCheck, type ClientOcspCheckOptions } from '../../../src/lab/client-ocsp-check.js';
import {
  buildLabPki,
  buildOcspErrorResponse,
  buildOcspResponse,
  parseOcspRequest,
  type CertificateAuthority,
  type Credential,
  type LabPki,
} from '../../../src/pki/index.js';

let pki: LabPki;
let client: Credential;
let issuer: CertificateAuthority;

beforeAll(async () => {
  pki = await buildLabPki({ clients: 1 });
  client = pki.clients[0]!;
  issuer = pki.intermediate;
});

/** A responder in a function: answers from the CA unless told to fail; counts queries. */
function responder(behaviour: { fail?: 'refused' | 'tryLater' | 'garbage' | 'stale' } = {}) {
  const state = { queries: 0, behaviour };
  const post: NonNullable<ClientOcspCheckOptions['post']> = async (_url, body) => {
    state.queries++;
    switch (state.behaviour.fail) {
      case 'refused':
        throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      case 'tryLater':
        return buildOcspErrorResponse('tryLater');
      case 'garbage':
        return Buffer.from('not ocsp');
      case 'stale':
        return buildOcspResponse({ ca: issuer, request: parseOcspRequest(body), nextUpdate: new Date(Date.now() - 60_000), thisUpdate: new Date(Date.now() - 120_000) });
      default:
        return buildOcspResponse({ ca: issuer, request: parseOcspRequest(body) });
    }
  };
  return { state, post };
}

const check = (options: Partial<ClientOcspCheckOptions> & Pick<ClientOcspCheckOptions, 'post'>) =>
  new ClientOcspCheck({ mode: 'hard-fail', cacheTtlMs: 60_000, timeoutMs: 1_000, responderUrl: 'http://127.0.0.1:1/', ...options });

describe('ClientOcspCheck', () => {
  it('accepts a good certificate and caches the answer per serial', async () => {
    const { state, post } = responder();
    const ocsp = check({ post });
    expect(await ocsp.check(client.certificate, issuer.certificate, undefined)).toBeUndefined();
    expect(await ocsp.check(client.certificate, issuer.certificate, undefined)).toBeUndefined();
    expect(state.queries).toBe(1);
  });

  it('shares one query among concurrent checks of the same serial', async () => {
    const { state, post } = responder();
    const ocsp = check({ post });
    await Promise.all(Array.from({ length: 10 }, () => ocsp.check(client.certificate, issuer.certificate, undefined)));
    expect(state.queries).toBe(1);
  });

  it('asks again once cacheTtlMs has passed, and sees a revocation then', async () => {
    let nowMs = Date.now();
    const { state, post } = responder();
    const revoked = issuer.issueClient({ subject: 'to-revoke' });
    const ocsp = check({ post, cacheTtlMs: 10_000, now: () => nowMs });
    expect(await ocsp.check(revoked.certificate, issuer.certificate, undefined)).toBeUndefined();
    issuer.revoke(revoked.certificate.serialNumber, 'keyCompromise');
    nowMs += 5_000;
    expect(await ocsp.check(revoked.certificate, issuer.certificate, undefined)).toBeUndefined(); // cached "good"
    nowMs += 6_000;
    expect(await ocsp.check(revoked.certificate, issuer.certificate, undefined)).toBe('cert_revoked');
    expect(state.queries).toBe(2);
  });

  it.each(['refused', 'tryLater', 'garbage', 'stale'] as const)('hard-fail refuses when the responder is %s; soft-fail lets the client in', async (fail) => {
    const hard = check({ post: responder({ fail }).post, mode: 'hard-fail' });
    expect(await hard.check(client.certificate, issuer.certificate, undefined)).toBe('ocsp_unavailable');
    expect(hard.lastProblem).toBeTruthy();
    const soft = check({ post: responder({ fail }).post, mode: 'soft-fail' });
    expect(await soft.check(client.certificate, issuer.certificate, undefined)).toBeUndefined();
  });

  it('does not cache failures: the next handshake asks again', async () => {
    const { state, post } = responder({ fail: 'refused' });
    const ocsp = check({ post });
    expect(await ocsp.check(client.certificate, issuer.certificate, undefined)).toBe('ocsp_unavailable');
    state.behaviour.fail = undefined;
    expect(await ocsp.check(client.certificate, issuer.certificate, undefined)).toBeUndefined();
    expect(state.queries).toBe(2);
  });

  it('refuses an answer signed by a CA other than the issuer', async () => {
    const stranger = await buildLabPki();
    const post: NonNullable<ClientOcspCheckOptions['post']> = async (_url, body) =>
      buildOcspResponse({ ca: issuer, request: parseOcspRequest(body), signer: stranger.intermediate.credential });
    const ocsp = check({ post });
    expect(await ocsp.check(client.certificate, issuer.certificate, undefined)).toBe('ocsp_unavailable');
    expect(ocsp.lastProblem).toMatch(/not trusted/);
  });

  it('uses the AIA URL when no responder is configured, and fails closed without either', async () => {
    const urls: string[] = [];
    const { post } = responder();
    const ocsp = new ClientOcspCheck({ mode: 'hard-fail', cacheTtlMs: 0, timeoutMs: 1_000, post: (url, body, timeout) => (urls.push(url), post(url, body, timeout)) });
    expect(await ocsp.check(client.certificate, issuer.certificate, 'http://ocsp.example/')).toBeUndefined();
    expect(urls).toEqual(['http://ocsp.example/']);
    expect(await ocsp.check(client.certificate, issuer.certificate, undefined)).toBe('ocsp_unavailable');
  });
});
