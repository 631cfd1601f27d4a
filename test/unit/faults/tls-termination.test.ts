import { describe, expect, it } from 'vitest';
import { tlsTermination } from '../../../src/faults/tls-termination.js';
import type { FaultContext } from '../../../src/faults/index.js';
import {
  CLIENT_CERT_HEADER,
  CLIENT_CERT_SIGNATURE_HEADER,
  newIdentitySecret,
  signedIdentityHeaders,
  verifyForwardedIdentity,
} from '../../../src/lab/forwarded-identity.js';
import { buildLabPki, CertificateAuthority } from '../../../src/pki/index.js';

const pki = await buildLabPki({ clients: 1 });
const client = pki.clients[0]!;
const trust = pki.root.certificate.pem;

describe('forwarded identity headers', () => {
  const secret = newIdentitySecret();

  it('a signed chain from the lab PKI is accepted, with its leaf', () => {
    const verdict = verifyForwardedIdentity(signedIdentityHeaders(client.chainPem, secret), secret, trust);
    expect(verdict.ok).toBe(true);
    if (verdict.ok) expect(verdict.leaf.serialNumber).toBe(client.certificate.x509.serialNumber);
  });

  it('no header: certificate_required (nothing was forwarded)', () => {
    expect(verifyForwardedIdentity({}, secret, trust)).toMatchObject({ ok: false, category: 'certificate_required' });
  });

  it('a forged header (signed with another secret) is forbidden', () => {
    const forged = signedIdentityHeaders(client.chainPem, newIdentitySecret());
    expect(verifyForwardedIdentity(forged, secret, trust)).toMatchObject({ ok: false, category: 'forbidden', detail: `bad ${CLIENT_CERT_SIGNATURE_HEADER}` });
  });

  it('an unsigned header, a malformed signature, or a signature of another value are forbidden', () => {
    const good = signedIdentityHeaders(client.chainPem, secret);
    expect(verifyForwardedIdentity({ [CLIENT_CERT_HEADER]: good[CLIENT_CERT_HEADER]! }, secret, trust)).toMatchObject({ category: 'forbidden' });
    expect(verifyForwardedIdentity({ ...good, [CLIENT_CERT_SIGNATURE_HEADER]: 'zz' }, secret, trust)).toMatchObject({ category: 'forbidden' });
    const other = signedIdentityHeaders(pki.servers[0]!.chainPem, secret);
    const swapped = { [CLIENT_CERT_HEADER]: good[CLIENT_CERT_HEADER]!, [CLIENT_CERT_SIGNATURE_HEADER]: other[CLIENT_CERT_SIGNATURE_HEADER]! };
    expect(verifyForwardedIdentity(swapped, secret, trust)).toMatchObject({ category: 'forbidden' });
  });

  it('a correctly signed certificate that does not chain to the trust bundle is forbidden', () => {
    const stranger = CertificateAuthority.createRoot({ subject: { commonName: 'Stranger CA' } }).issueClient({ subject: { commonName: 'stranger' } });
    const verdict = verifyForwardedIdentity(signedIdentityHeaders(stranger.chainPem, secret), secret, trust);
    expect(verdict).toMatchObject({ ok: false, category: 'forbidden' });
    if (!verdict.ok) expect(verdict.detail).toMatch(/does not chain/);
  });

  it('the leaf alone (without its intermediate) does not chain to a root-only bundle', () => {
    const verdict = verifyForwardedIdentity(signedIdentityHeaders(client.certificate.pem, secret), secret, trust);
    expect(verdict).toMatchObject({ ok: false, category: 'forbidden' });
  });

  it('an expired forwarded certificate is forbidden', () => {
    const later = Date.now() + 10 * 365 * 24 * 3600_000;
    expect(verifyForwardedIdentity(signedIdentityHeaders(client.chainPem, secret), secret, trust, later)).toMatchObject({ category: 'forbidden' });
  });
});

describe('tls-termination fault', () => {
  function fakeContext() {
    const events: string[] = [];
    const context = {
      lab: {
        tlsTerminator: {
          setMode: async (mode: string, options?: { forwardClientCert: boolean }) => {
            events.push(`mode ${mode}${options ? ` forward=${options.forwardClientCert}` : ''}`);
          },
        },
      },
    } as unknown as FaultContext;
    return { context, events };
  }

  it('defaults forwardClientCert to false; inject switches the terminator on, heal back to passthrough (once)', async () => {
    const options = tlsTermination.options.parse({});
    expect(options).toEqual({ forwardClientCert: false });
    const fault = tlsTermination.create(options);
    const { context, events } = fakeContext();
    await fault.heal(context);
    await fault.inject(context);
    await fault.heal(context);
    await fault.heal(context);
    expect(events).toEqual(['mode terminate forward=false', 'mode passthrough']);
    expect(fault.describe()).toMatch(/without forwarding/);
  });

  it('forwards when asked; requires lab.tlsTerminator and refuses unknown options', () => {
    const fault = tlsTermination.create(tlsTermination.options.parse({ forwardClientCert: true }));
    expect(fault.describe()).toMatch(/signed/);
    expect(tlsTermination.requires?.({ forwardClientCert: true }, { gateway: { kind: 'node' } })).toMatch(/lab.tlsTerminator/);
    expect(tlsTermination.requires?.({ forwardClientCert: true }, { gateway: { kind: 'node' }, tlsTerminator: { kind: 'builtin' } })).toBeUndefined();
    expect(tlsTermination.options.safeParse({ forwardClientCert: 'yes' }).success).toBe(false);
    expect(tlsTermination.options.safeParse({ forward: true }).success).toBe(false);
  });
});
