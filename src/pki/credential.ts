import type { Certificate } from './certificate.js';
import type { KeyPair } from './key-algorithm.js';

/**
 * A certificate with its private key and the intermediates a peer needs to build the path
 * (leaf first, root excluded: roots are in the trust bundle, not on the wire).
 */
export class Credential {
  private keyPemCache: string | undefined;

  constructor(
    readonly certificate: Certificate,
    readonly key: KeyPair,
    readonly intermediates: readonly Certificate[],
  ) {}

  /** PKCS#8 PEM of the private key; exported on first use (fleets rarely need all of them). */
  get keyPem(): string {
    this.keyPemCache ??= this.key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    return this.keyPemCache;
  }

  /** The leaf then its intermediates, as TLS servers and clients send them. */
  get chainPem(): string {
    return [this.certificate, ...this.intermediates].map((cert) => cert.pem).join('');
  }

  get name(): string {
    return this.certificate.subject.commonName;
  }
}
