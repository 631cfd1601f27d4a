import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabPki } from '../pki/index.js';

/** Where k6 finds its client identity and the CA to verify the gateway with. */
export interface K6CredentialFiles {
  readonly dir: string;
  /** The lab root: what SSL_CERT_FILE points k6 at (k6 has no option for a custom server CA). */
  readonly ca: string;
  /** Leaf + intermediate, as a TLS client sends it. */
  readonly certificate: string;
  readonly key: string;
  /** File names inside `dir`, as the script opens them. */
  readonly names: { readonly ca: string; readonly certificate: string; readonly key: string };
}

/** The files' names in the TLS folder, as the script opens them. */
export const K6_CREDENTIAL_NAMES = { ca: 'ca.crt', certificate: 'client-1.crt', key: 'client-1.key' } as const;

/**
 * Writes the first client identity of a lab PKI for k6: the folder 0700, the key 0600 (chmod
 * after writing too, whatever the umask), certificates 0644. k6 presents one client
 * certificate per host, so one identity is all a k6 script can use.
 */
export async function writeK6Credentials(pki: LabPki, dir: string): Promise<K6CredentialFiles> {
  const client = pki.clients[0];
  if (!client) throw new Error('the lab PKI has no client identity to give k6');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const files = { ca: join(dir, K6_CREDENTIAL_NAMES.ca), certificate: join(dir, K6_CREDENTIAL_NAMES.certificate), key: join(dir, K6_CREDENTIAL_NAMES.key) };
  await writeFile(files.ca, pki.root.certificate.pem, { mode: 0o644 });
  await writeFile(files.certificate, client.chainPem, { mode: 0o644 });
  await writeFile(files.key, client.keyPem, { mode: 0o600 });
  await chmod(files.key, 0o600);
  return { dir, ...files, names: K6_CREDENTIAL_NAMES };
}
