import type { GatewayReloadFiles } from '../lab/index.js';
import type { ClientIdentity } from '../load/index.js';
import { CertificateAuthority, type Certificate, type Credential, type LabPki } from '../pki/index.js';
import type { FaultContext } from './fault.js';

/**
 * The certificate material a fault can swap while the run goes on, and how to swap it: the
 * gateway's server chain and trust bundle (hot reload, same processes) and the load's client
 * identities and server trust (retarget: new attempts use them). Shared by the certificate
 * lifecycle faults (expiry, not-yet-valid, ca-rotation, identity-drift).
 */
export interface LabCertificateSwap {
  /** Client certificates (leaf + chain) the load presents. */
  readonly identities?: readonly ClientIdentity[];
  /** What the load trusts for the server's certificate. */
  readonly caPem?: string;
  /** The gateway's own certificate chain and key. */
  readonly server?: { readonly certificateChainPem: string; readonly keyPem: string };
  /** What the gateway trusts for client certificates. */
  readonly trustBundlePem?: string;
}

export type CertificateTarget = 'client' | 'server' | 'intermediate' | 'root';
export const CERTIFICATE_TARGETS = ['client', 'server', 'intermediate', 'root'] as const;

export interface ValidityWindow {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** What the run started with: the state a heal restores. */
export function originalCertificates(context: FaultContext): Required<LabCertificateSwap> {
  const server = serverOf(context.pki);
  return {
    identities: context.load.spec.identities,
    caPem: context.load.spec.caPem,
    server: { certificateChainPem: server.chainPem, keyPem: server.keyPem },
    // startLab gives every gateway the lab root as its trust bundle (writeLabPki).
    trustBundlePem: context.pki.root.certificate.pem,
  };
}

/** Pushes a swap: the gateway first (one reload), then the load (one retarget). */
export async function applyCertificates(context: FaultContext, swap: LabCertificateSwap): Promise<void> {
  const reload: GatewayReloadFiles = {
    ...(swap.server ? { certificateChainPem: swap.server.certificateChainPem, keyPem: swap.server.keyPem } : {}),
    ...(swap.trustBundlePem !== undefined ? { trustBundlePem: swap.trustBundlePem } : {}),
  };
  if (Object.keys(reload).length > 0) await context.lab.gateway.reload(reload);
  const retarget = {
    ...(swap.identities ? { identities: swap.identities } : {}),
    ...(swap.caPem !== undefined ? { caPem: swap.caPem } : {}),
  };
  if (Object.keys(retarget).length > 0) await context.load.retarget(retarget);
}

/** The parts of `original` that `swap` replaced: what a heal puts back. */
export function restoreFor(swap: LabCertificateSwap, original: Required<LabCertificateSwap>): LabCertificateSwap {
  return {
    ...(swap.identities ? { identities: original.identities } : {}),
    ...(swap.caPem !== undefined ? { caPem: original.caPem } : {}),
    ...(swap.server ? { server: original.server } : {}),
    ...(swap.trustBundlePem !== undefined ? { trustBundlePem: original.trustBundlePem } : {}),
  };
}

/**
 * `target` re-issued with `window` as its validity, and whatever carries it:
 * - client: every client the load uses, re-issued by the lab intermediate (same key, subject, SANs);
 * - server: the gateway's certificate, same key and names;
 * - intermediate: the intermediate re-signed by the root with its own key and name, so every
 *   existing leaf still chains to it, then sent in the client chains and the server chain;
 * - root: the root re-signed by itself with its own key and name, in the gateway's trust bundle
 *   (for clients) and in what the load trusts (for the server).
 * Re-using keys and names is what a renewal does, so the only difference a peer can see is the
 * validity window: that is what the fault measures.
 */
export function reissueWithValidity(
  pki: LabPki,
  target: CertificateTarget,
  window: ValidityWindow,
  current: { readonly identities: readonly ClientIdentity[] },
): LabCertificateSwap {
  const server = serverOf(pki);
  switch (target) {
    case 'client':
      return {
        identities: current.identities.map((identity) => {
          const credential = clientCredential(pki, identity.name);
          return reissueClient(credential, pki.intermediate, pki.intermediate.chain, { window });
        }),
      };
    case 'server': {
      const leaf = pki.intermediate.issueServer({
        subject: server.certificate.subject,
        key: server.key,
        ...subjectAltNamesOf(server.certificate),
        ...window,
      });
      return { server: { certificateChainPem: leaf.chainPem, keyPem: leaf.keyPem } };
    }
    case 'intermediate': {
      const intermediate = pki.root.issueIntermediate({
        subject: pki.intermediate.certificate.subject,
        key: pki.intermediate.key,
        pathLength: pki.intermediate.pathLength ?? 0,
        ...window,
      }).certificate;
      return {
        identities: current.identities.map((identity) => ({
          name: identity.name,
          certPem: clientCredential(pki, identity.name).certificate.pem + intermediate.pem,
          keyPem: identity.keyPem,
        })),
        server: { certificateChainPem: server.certificate.pem + intermediate.pem, keyPem: server.keyPem },
      };
    }
    case 'root': {
      const root = CertificateAuthority.createRoot({
        subject: pki.root.certificate.subject,
        key: pki.root.key,
        ...(pki.root.pathLength === undefined ? {} : { pathLength: pki.root.pathLength }),
        ...window,
      }).certificate;
      return { trustBundlePem: root.pem, caPem: root.pem };
    }
  }
}

/**
 * A client certificate re-issued by `issuer` with the same subject and key; SAN URIs and DNS
 * names kept unless `uris` replaces them; sent with `chain` (the issuer's intermediates, or a
 * cross-signed one).
 */
export function reissueClient(
  credential: Credential,
  issuer: CertificateAuthority,
  chain: readonly Certificate[],
  options: { readonly window?: ValidityWindow; readonly uris?: readonly string[]; readonly newKey?: boolean },
): ClientIdentity {
  const names = subjectAltNamesOf(credential.certificate);
  const leaf = issuer.issueClient({
    subject: credential.certificate.subject,
    ...(options.newKey ? {} : { key: credential.key }),
    ...names,
    ...(options.uris ? { uris: options.uris } : {}),
    ...(options.window ?? {}),
  });
  return { name: credential.name, certPem: leaf.certificate.pem + chain.map((certificate) => certificate.pem).join(''), keyPem: leaf.keyPem };
}

/** The lab credential behind a load identity (the run names identities after their certificate's CN). */
export function clientCredential(pki: LabPki, name: string): Credential {
  const credential = pki.clients.find((client) => client.name === name);
  if (!credential) throw new RangeError(`the load identity "${name}" is not one of the lab's client certificates`);
  return credential;
}

function serverOf(pki: LabPki): Credential {
  const server = pki.servers[0];
  if (!server) throw new RangeError('the lab PKI has no server certificate');
  return server;
}

/** DNS, IP and URI SANs of a certificate, as issue options (Node prints them "DNS:a, IP Address:b, URI:c"). */
export function subjectAltNamesOf(certificate: Certificate): { dnsNames?: string[]; ipAddresses?: string[]; uris?: string[] } {
  const names = (certificate.x509.subjectAltName ?? '').split(', ').filter(Boolean);
  const pick = (prefix: string) => names.filter((name) => name.startsWith(prefix)).map((name) => name.slice(prefix.length));
  const dnsNames = pick('DNS:');
  const ipAddresses = pick('IP Address:');
  const uris = pick('URI:');
  return {
    ...(dnsNames.length > 0 ? { dnsNames } : {}),
    ...(ipAddresses.length > 0 ? { ipAddresses } : {}),
    ...(uris.length > 0 ? { uris } : {}),
  };
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A window that ended `agoMs` before `now` (30 days long): an already expired certificate. */
export function expiredWindow(now: Date, agoMs = HOUR_MS): ValidityWindow {
  const notAfter = new Date(now.getTime() - agoMs);
  return { notBefore: new Date(notAfter.getTime() - 30 * DAY_MS), notAfter };
}

/** A window that starts `inMs` after `now`: a certificate not valid yet. */
export function futureWindow(now: Date, inMs = HOUR_MS): ValidityWindow {
  const notBefore = new Date(now.getTime() + inMs);
  return { notBefore, notAfter: new Date(notBefore.getTime() + 30 * DAY_MS) };
}

/** A window valid now (backdated by 5 minutes, like a CA's default), for a renewal. */
export function currentWindow(now: Date): ValidityWindow {
  return { notBefore: new Date(now.getTime() - 5 * 60_000), notAfter: new Date(now.getTime() + 30 * DAY_MS) };
}
