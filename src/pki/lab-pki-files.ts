import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PkiError } from '../errors.js';
import { createOutputDir } from '../output-dir.js';
import type { Certificate } from './certificate.js';
import type { Credential } from './credential.js';
import { formatName } from './distinguished-name.js';
import type { LabPki } from './lab-pki.js';
import { exportPkcs12 } from './pkcs12.js';

/** Where each piece of a lab PKI was written; every path is absolute. */
export interface LabPkiFiles {
  readonly dir: string;
  readonly readme: string;
  readonly trustBundle: string;
  readonly rootCertificate: string;
  readonly rootKey: string;
  readonly intermediateCertificate: string;
  readonly intermediateKey: string;
  readonly servers: readonly CredentialFiles[];
  readonly clients: readonly CredentialFiles[];
}

export interface CredentialFiles {
  readonly name: string;
  /** The leaf followed by its intermediate: what a TLS peer sends. */
  readonly certificate: string;
  readonly key: string;
  /** PKCS#12 bundle (key, leaf, intermediate, root as trust anchor), when a password was given. */
  readonly pkcs12?: string;
}

export interface WriteOptions {
  /** Write into a directory that already has files in it (existing files are replaced). */
  readonly force?: boolean;
  /** Also write each client as a PKCS#12 bundle (.p12) protected by this password, for Java and .NET clients. */
  readonly pkcs12Password?: string;
}

/** Private keys are readable by their owner only, in directories only the owner can enter. */
const KEY_MODE = 0o600;
const DIR_MODE = 0o700;
const PUBLIC_MODE = 0o644;

/** A fresh private directory for one run's keys; the caller removes it with removeLabPkiDir. */
export async function makeLabPkiTempDir(label = 'lab'): Promise<string> {
  return mkdtemp(join(tmpdir(), `mtls-chaos-${label.replace(/[^a-zA-Z0-9-]/g, '-')}-`));
}

export async function removeLabPkiDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Writes a lab PKI as PEM files plus a README.txt that says what each file is for. */
export async function writeLabPki(pki: LabPki, dir: string, options: WriteOptions = {}): Promise<LabPkiFiles> {
  const root = resolve(dir);
  await prepareDirectory(root, options.force ?? false);
  for (const sub of ['ca', 'servers', 'clients']) await mkdir(join(root, sub), { recursive: true, mode: DIR_MODE });

  const write = async (relative: string, content: string | Buffer, mode: number) => {
    const path = join(root, relative);
    // Remove first so that a replaced key file is created with KEY_MODE, not an old mode.
    await rm(path, { force: true });
    await writeFile(path, content, { mode, flag: 'wx' });
    return path;
  };
  const writeCredential = async (folder: string, credential: Credential, password?: string): Promise<CredentialFiles> => ({
    name: credential.name,
    certificate: await write(`${folder}/${credential.name}.crt.pem`, credential.chainPem, PUBLIC_MODE),
    key: await write(`${folder}/${credential.name}.key.pem`, credential.keyPem, KEY_MODE),
    ...(password === undefined
      ? {}
      : {
          // A .p12 holds the private key: same mode as the PEM key.
          pkcs12: await write(
            `${folder}/${credential.name}.p12`,
            exportPkcs12(credential, { password, trustAnchors: [pki.root.certificate] }),
            KEY_MODE,
          ),
        }),
  });

  const rootCertificate = await write('ca/root.crt.pem', pki.root.certificate.pem, PUBLIC_MODE);
  const rootKey = await write('ca/root.key.pem', pki.root.credential.keyPem, KEY_MODE);
  const intermediateCertificate = await write('ca/intermediate.crt.pem', pki.intermediate.certificate.pem, PUBLIC_MODE);
  const intermediateKey = await write('ca/intermediate.key.pem', pki.intermediate.credential.keyPem, KEY_MODE);
  const trustBundle = await write('trust-bundle.pem', pki.root.certificate.pem, PUBLIC_MODE);
  const servers: CredentialFiles[] = [];
  for (const server of pki.servers) servers.push(await writeCredential('servers', server));
  const clients: CredentialFiles[] = [];
  for (const client of pki.clients) clients.push(await writeCredential('clients', client, options.pkcs12Password));
  const readme = await write('README.txt', describeLabPki(pki, options.pkcs12Password !== undefined), PUBLIC_MODE);
  return {
    dir: root,
    readme,
    trustBundle,
    rootCertificate,
    rootKey,
    intermediateCertificate,
    intermediateKey,
    servers,
    clients,
  };
}

async function prepareDirectory(dir: string, force: boolean): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new PkiError('E_PKI_OUTPUT_DIR', `cannot use ${dir} for the lab PKI: ${(error as Error).message}`, {
        file: dir,
        hint: 'choose a directory you can write to',
        cause: error,
      });
    }
    await createOutputDir(dir, { mode: DIR_MODE });
    return;
  }
  if (entries.length > 0 && !force) {
    throw new PkiError('E_PKI_OUTPUT_DIR', `the directory is not empty`, {
      file: dir,
      hint: 'choose an empty or new directory, or pass --force to replace the lab files in it',
    });
  }
}

const isoDay = (date: Date) => date.toISOString().replace('.000Z', 'Z');

function certificateLine(certificate: Certificate): string {
  return `${formatName(certificate.subject)}; ${certificate.keyAlgorithm}; valid ${isoDay(certificate.notBefore)} .. ${isoDay(certificate.notAfter)}; serial ${certificate.serialNumber}`;
}

/** The README.txt of a lab PKI directory: what each file is and how to use it. */
export function describeLabPki(pki: LabPki, withPkcs12 = false): string {
  const leafLines = (folder: string, credentials: readonly Credential[], pkcs12: boolean) =>
    credentials
      .map(
        (credential) =>
          `  ${folder}/${credential.name}.crt.pem   certificate + intermediate chain\n` +
          `  ${folder}/${credential.name}.key.pem   private key (PKCS#8, mode 0600)\n` +
          (pkcs12 ? `  ${folder}/${credential.name}.p12       PKCS#12: key + chain + root (password from --p12-password, mode 0600)\n` : '') +
          `      ${certificateLine(credential.certificate)}\n`,
      )
      .join('');
  return `mtls-chaos lab PKI (${pki.algorithm})
Generated ${new Date().toISOString()} by \`mtls-chaos pki init\`. A disposable lab: never use it in production.

Hierarchy: root -> intermediate -> ${pki.servers.length} server and ${pki.clients.length} client certificate(s).

  trust-bundle.pem            the root certificate: what gateways trust for client certificates
                              (nginx ssl_client_certificate, haproxy ca-file) and clients trust for servers
  ca/root.crt.pem             root CA certificate
      ${certificateLine(pki.root.certificate)}
  ca/root.key.pem             root CA private key (mode 0600)
  ca/intermediate.crt.pem     intermediate CA certificate (issues every leaf)
      ${certificateLine(pki.intermediate.certificate)}
  ca/intermediate.key.pem     intermediate CA private key (mode 0600)
${leafLines('servers', pki.servers, false)}${leafLines('clients', pki.clients, withPkcs12)}
Leaf certificate files hold the leaf followed by the intermediate, so peers can build the path
to the root in trust-bundle.pem. Server certificates name localhost, 127.0.0.1 and ::1.

Try it:
  openssl verify -CAfile trust-bundle.pem -untrusted ca/intermediate.crt.pem clients/${pki.clients[0]?.name ?? 'client-1'}.crt.pem
  curl --cacert trust-bundle.pem --cert clients/${pki.clients[0]?.name ?? 'client-1'}.crt.pem --key clients/${pki.clients[0]?.name ?? 'client-1'}.key.pem https://localhost:8443/
`;
}
