import { beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackUrl, RevocationLookup, type RevocationLookupOptions } from '../../../src/load/revocation-lookup.js';
import { buildLabPki, buildOcspResponse, issueCrl, parseOcspRequest, type Credential, type LabPki } from '../../../src/pki/index.js';

let pki: LabPki;
const OCSP_URL = 'http://127.0.0.1:9/';
const CRL_URL = 'http://127.0.0.1:9/intermediate.crl';

beforeAll(async () => {
  pki = await buildLabPki({ clients: 1 });
});

/** A responder in a function that answers from the lab intermediate and counts the questions. */
function countingResponder() {
  const state = { posts: 0 };
  const post: NonNullable<RevocationLookupOptions['post']> = async (_url, body) => {
    state.posts += 1;
    return buildOcspResponse({ ca: pki.intermediate, request: parseOcspRequest(body) });
  };
  return { state, post };
}

const ask = (lookup: RevocationLookup, client: Credential, withIssuer = true) =>
  lookup.lookup(client.name, client.certificate, [...(client.certificate.x509.infoAccess ?? '').matchAll(/OCSP - URI:(\S+)/g)].map((m) => m[1]!), withIssuer ? pki.intermediate.certificate : undefined);

describe('RevocationLookup', () => {
  it('asks at most once per identity per interval, with concurrent callers sharing the question', async () => {
    const { state, post } = countingResponder();
    let nowMs = Date.now();
    const lookup = new RevocationLookup({ post, minIntervalMs: 10_000, now: () => nowMs });
    const client = pki.intermediate.issueClient({ subject: 'asked-once', ocspUrl: OCSP_URL });
    const findings = await Promise.all(Array.from({ length: 20 }, () => ask(lookup, client)));
    expect(state.posts).toBe(1);
    expect(findings[0]!.checked).toEqual([`its OCSP responder ${OCSP_URL} answers good`]);
    nowMs += 9_000;
    await ask(lookup, client);
    expect(state.posts).toBe(1);
    nowMs += 2_000;
    await ask(lookup, client);
    expect(state.posts).toBe(2);
  });

  it('asks no responder off this machine unless allowed, and says so', async () => {
    const { state, post } = countingResponder();
    const remote = pki.intermediate.issueClient({ subject: 'remote-aia', ocspUrl: 'http://ocsp.example.com/' });
    const finding = await ask(new RevocationLookup({ post }), remote);
    expect(state.posts).toBe(0);
    expect(finding.notChecked).toEqual(['its OCSP responder http://ocsp.example.com/ (not on this machine; --revocation-fetch any allows it)']);
    await ask(new RevocationLookup({ post, scope: 'any' }), remote);
    expect(state.posts).toBe(1);
    expect((await ask(new RevocationLookup({ post, scope: 'off' }), remote)).notChecked).toEqual(['revocation (--revocation-fetch off)']);
  });

  it('reads the certificate\'s own CRL and believes it only when the issuer signed it', async () => {
    const listed = pki.intermediate.issueClient({ subject: 'on-the-crl', crlUrl: CRL_URL });
    pki.intermediate.revoke(listed.certificate.serialNumber, 'keyCompromise');
    const crl = issueCrl(pki.intermediate);
    const finding = await ask(new RevocationLookup({ getCrl: async () => crl.der }), listed);
    expect(finding.revoked).toMatch(/^the certificate's CRL http:\/\/127\.0\.0\.1:9\/intermediate\.crl lists it as revoked since /);
    // The root's CRL (a different issuer) is no evidence about the intermediate's certificate.
    const foreign = await ask(new RevocationLookup({ getCrl: async () => issueCrl(pki.root).der }), listed);
    expect(foreign.revoked).toBeUndefined();
    expect(foreign.checked).toEqual([`its CRL ${CRL_URL} is not usable (the CRL was issued by another CA than the certificate)`]);
  });

  it('without the issuer, still learns whether the responder answers, but judges nothing', async () => {
    const { post } = countingResponder();
    const client = pki.intermediate.issueClient({ subject: 'issuer-unknown', ocspUrl: OCSP_URL });
    const finding = await ask(new RevocationLookup({ post }), client, false);
    expect(finding.revoked).toBeUndefined();
    expect(finding.checked).toEqual([`its OCSP responder ${OCSP_URL} answers (the answer not judged)`]);
    expect(finding.notChecked[0]).toMatch(/^the revocation status itself/);
  });

  it('says a certificate without AIA or CRL distribution point cannot be checked', async () => {
    const finding = await ask(new RevocationLookup(), pki.intermediate.issueClient({ subject: 'no-aia', ocspUrl: null, crlUrl: null }));
    expect(finding).toEqual({ checked: [], notChecked: ['revocation (the certificate names no OCSP responder and no CRL distribution point)'] });
  });
});

describe('isLoopbackUrl', () => {
  it.each([
    ['http://127.0.0.1:8080/', true],
    ['http://127.10.0.1/', true],
    ['http://[::1]:9/', true],
    ['http://localhost/ocsp', true],
    ['http://ocsp.example.com/', false],
    ['http://10.0.0.1/', false],
    ['not a url', false],
  ])('%s -> %s', (url, expected) => {
    expect(isLoopbackUrl(url)).toBe(expected);
  });
});
