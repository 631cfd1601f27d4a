import type { CertificateAuthority, LeafOptions } from './certificate-authority.js';
import type { Credential } from './credential.js';
import { generateKeyPairInPool, type KeyAlgorithm, type KeyPair } from './key-algorithm.js';

export interface FleetOptions {
  readonly count: number;
  readonly profile: 'client' | 'server';
  /** Options of leaf `index` (0-based): subject, SANs, validity. */
  readonly leaf: (index: number) => LeafOptions;
  /** Defaults to the CA's algorithm. */
  readonly algorithm?: KeyAlgorithm;
  /** Called after each batch, for progress on long issuance. */
  readonly onProgress?: (issued: number, total: number) => void;
  readonly signal?: AbortSignal;
}

/** RSA key generation dominates fleet issuance; this many keys are generated in parallel. */
const RSA_KEYS_IN_FLIGHT = 8;
const PROGRESS_BATCH = 250;

/**
 * Issues many leaves. EC and Ed25519 keys take microseconds and are made inline; RSA keys take
 * tens of milliseconds each, so they are generated on libuv's thread pool, several at a time,
 * which uses every core while signing stays on this thread.
 */
export async function issueFleet(ca: CertificateAuthority, options: FleetOptions): Promise<Credential[]> {
  const algorithm = options.algorithm ?? ca.key.algorithm;
  const keys = algorithm.startsWith('rsa-') ? rsaKeySource(algorithm, options.count) : undefined;
  const credentials: Credential[] = [];
  for (let index = 0; index < options.count; index++) {
    options.signal?.throwIfAborted();
    const key = keys ? await keys.next(index) : undefined;
    const leaf = { algorithm, ...options.leaf(index), ...(key ? { key } : {}) };
    credentials.push(options.profile === 'client' ? ca.issueClient(leaf) : ca.issueServer(leaf));
    if ((index + 1) % PROGRESS_BATCH === 0 || index + 1 === options.count) {
      options.onProgress?.(index + 1, options.count);
      // Let timers and signals run between batches of synchronous signing.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return credentials;
}

/** Keeps RSA_KEYS_IN_FLIGHT generations running ahead of the signer. */
function rsaKeySource(algorithm: KeyAlgorithm, count: number): { next(index: number): Promise<KeyPair> } {
  const pending: Promise<KeyPair>[] = [];
  let started = 0;
  const fill = () => {
    while (started < count && pending.length < RSA_KEYS_IN_FLIGHT) {
      pending.push(generateKeyPairInPool(algorithm));
      started++;
    }
  };
  return {
    async next() {
      fill();
      const key = await pending.shift()!;
      fill();
      return key;
    },
  };
}
