import { generateKeyPair, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

/** The key algorithms a lab PKI can use, as named on the command line and in scenarios. */
export const KEY_ALGORITHMS = [
  'ecdsa-p256',
  'ecdsa-p384',
  'ed25519',
  'rsa-2048',
  'rsa-3072',
  'rsa-4096',
] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

export interface KeyPair {
  readonly algorithm: KeyAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** How a key of this algorithm signs certificates, CRLs and OCSP responses (RFC 5758, 8410, 4055). */
interface SignatureProfile {
  /** Digest handed to crypto.sign; null for Ed25519, which hashes internally. */
  readonly digest: 'sha256' | 'sha384' | null;
  /** AlgorithmIdentifier OID of the signature. */
  readonly signatureOid: string;
  /**
   * RSA's AlgorithmIdentifier carries an explicit NULL parameter (RFC 4055 section 5);
   * ECDSA and Ed25519 identifiers must omit parameters (RFC 5758 3.2, RFC 8410 3).
   */
  readonly nullParameters: boolean;
}

const SIGNATURE_PROFILES: Record<KeyAlgorithm, SignatureProfile> = {
  'ecdsa-p256': { digest: 'sha256', signatureOid: '1.2.840.10045.4.3.2', nullParameters: false },
  'ecdsa-p384': { digest: 'sha384', signatureOid: '1.2.840.10045.4.3.3', nullParameters: false },
  ed25519: { digest: null, signatureOid: '1.3.101.112', nullParameters: false },
  'rsa-2048': { digest: 'sha256', signatureOid: '1.2.840.113549.1.1.11', nullParameters: true },
  'rsa-3072': { digest: 'sha256', signatureOid: '1.2.840.113549.1.1.11', nullParameters: true },
  'rsa-4096': { digest: 'sha256', signatureOid: '1.2.840.113549.1.1.11', nullParameters: true },
};

export function signatureProfile(algorithm: KeyAlgorithm): SignatureProfile {
  return SIGNATURE_PROFILES[algorithm];
}

export function isKeyAlgorithm(value: string): value is KeyAlgorithm {
  return (KEY_ALGORITHMS as readonly string[]).includes(value);
}

type GenerateArgs =
  | ['ec', { namedCurve: string }]
  | ['ed25519', Record<string, never>]
  | ['rsa', { modulusLength: number }];

function generateArgs(algorithm: KeyAlgorithm): GenerateArgs {
  switch (algorithm) {
    case 'ecdsa-p256':
      return ['ec', { namedCurve: 'P-256' }];
    case 'ecdsa-p384':
      return ['ec', { namedCurve: 'P-384' }];
    case 'ed25519':
      return ['ed25519', {}];
    case 'rsa-2048':
      return ['rsa', { modulusLength: 2048 }];
    case 'rsa-3072':
      return ['rsa', { modulusLength: 3072 }];
    case 'rsa-4096':
      return ['rsa', { modulusLength: 4096 }];
  }
}

/** Synchronous key generation: right for EC and Ed25519, which take microseconds. */
export function generateKeyPairNow(algorithm: KeyAlgorithm): KeyPair {
  const [type, options] = generateArgs(algorithm);
  const { privateKey, publicKey } = generateKeyPairSync(type as 'ec', options as { namedCurve: string });
  return { algorithm, privateKey, publicKey };
}

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * Asynchronous key generation runs on libuv's thread pool, so RSA keys (tens of milliseconds
 * each) are generated on every core in parallel instead of blocking the event loop.
 */
export async function generateKeyPairInPool(algorithm: KeyAlgorithm): Promise<KeyPair> {
  if (!algorithm.startsWith('rsa-')) return generateKeyPairNow(algorithm);
  const [, options] = generateArgs(algorithm);
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', options as { modulusLength: number });
  return { algorithm, privateKey, publicKey };
}

/** Signs `data` the way X.509 expects: ECDSA signatures come out DER-encoded (Ecdsa-Sig-Value). */
export function signWith(key: KeyPair, data: Uint8Array): Buffer {
  return sign(signatureProfile(key.algorithm).digest, data, key.privateKey);
}

/** Which lab algorithm a key object is, for keys that come from outside (a user's CA key). */
export function keyAlgorithmOf(key: KeyObject): KeyAlgorithm {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'ec':
      if (details.namedCurve === 'prime256v1' || details.namedCurve === 'P-256') return 'ecdsa-p256';
      if (details.namedCurve === 'secp384r1' || details.namedCurve === 'P-384') return 'ecdsa-p384';
      break;
    case 'ed25519':
      return 'ed25519';
    case 'rsa':
      if (details.modulusLength === 2048) return 'rsa-2048';
      if (details.modulusLength === 3072) return 'rsa-3072';
      if (details.modulusLength === 4096) return 'rsa-4096';
      break;
  }
  throw new Error(
    `unsupported key: ${key.asymmetricKeyType} ${JSON.stringify(details)}; use one of ${KEY_ALGORITHMS.join(', ')}`,
  );
}
