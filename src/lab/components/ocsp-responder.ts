import { rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CertificateAuthority, RevocationReason } from '../../pki/index.js';
import type { ComponentOptions } from '../component-options.js';
import { issuerIdOf } from '../processes/ocsp-issuer-register.js';
import type { OcspIssuerConfig, OcspResponderMode, OcspResponderProcessConfig } from '../processes/ocsp-responder-config.js';
import { startForkedComponent, type ForkedComponent } from './forked-component.js';

export type { OcspResponderMode } from '../processes/ocsp-responder-config.js';

/** The revocation status a responder gives the certificates of one issuer. */
export interface OcspStatusRegister {
  /** From now on the responder answers `revoked` for this serial. */
  revoke(serialNumber: string, reason?: RevocationReason, revokedAt?: Date): Promise<void>;
  unrevoke(serialNumber: string): Promise<void>;
  /** Certificates issued after start (otherwise answered `unknown`). */
  registerIssued(serialNumbers: readonly string[]): Promise<void>;
}

/** revoke, unrevoke and registerIssued act on the issuer it was started with. */
export interface StartedOcspResponder extends OcspStatusRegister {
  readonly name: string;
  /** http://127.0.0.1:<port>/ : what ssl_ocsp_responder and AIA point at. */
  readonly url: string;
  /** The URL other lab components use: the same locally, http://<container>:<port>/ in docker. */
  readonly labUrl: string;
  pids(): number[];
  /**
   * Also answer for `ca` (a CA put in place mid-run, ca-rotation), with its key, from what it has
   * issued and revoked so far; its status register for what comes later. Absent when the
   * responder answers for one CA only (openssl ocsp: one -CA and -rsigner, fixed at start).
   */
  addIssuer?(ca: CertificateAuthority): Promise<OcspStatusRegister>;
  /**
   * Faults: make the responder fail in one of the ocsp-outage ways, or answer normally again.
   * `down` stops listening (connections refused); any other mode listens again on the same URL.
   */
  setMode(mode: OcspResponderMode): Promise<void>;
  stop(): Promise<void>;
}

export interface OcspResponderOptions extends ComponentOptions {
  /** The CA it answers for (the lab's intermediate, which issues every leaf). */
  readonly issuer: CertificateAuthority;
  readonly issuerCertificateFile: string;
  /** Mode 0600: the child signs with the CA's key, as a CA-designated responder would with its own. */
  readonly issuerKeyFile: string;
  /** nextUpdate - thisUpdate of its answers; default 1 h. */
  readonly validityMs?: number;
  /** Listen on 127.0.0.1:port rather than a port of its own choosing (local runtime): the URL is already in the client certificates' AIA. */
  readonly port?: number;
}

const ALL_TIME = new Date(8_640_000_000_000_000);

/** Everything the responder needs to know of `ca` but its files: the serials it issued and revoked. */
function issuerStatusOf(ca: CertificateAuthority): Pick<OcspIssuerConfig, 'issued' | 'revocations'> {
  return {
    issued: ca.issuedCertificates().map((certificate) => certificate.serialNumber),
    revocations: ca.revocationsAt(ALL_TIME).map((revocation) => ({
      serialNumber: revocation.serialNumber,
      revokedAt: revocation.revokedAt.toISOString(),
      reason: revocation.reason,
    })),
  };
}

/** Starts the built-in OCSP responder (processes/ocsp-responder-process.ts) as a supervised child. */
export async function startOcspResponder(options: OcspResponderOptions): Promise<StartedOcspResponder> {
  const configFile = join(options.dir, `${options.name}.json`);
  const config: OcspResponderProcessConfig = {
    name: options.name,
    issuerCertificateFile: options.issuerCertificateFile,
    issuerKeyFile: options.issuerKeyFile,
    ...issuerStatusOf(options.issuer),
    ...(options.validityMs === undefined ? {} : { validityMs: options.validityMs }),
    ...(options.runtime && options.runtime.kind !== 'local'
      ? { bind: options.runtime.bind }
      : options.port === undefined
        ? {}
        : { bind: { host: '127.0.0.1', port: options.port } }),
  };
  await writeFile(configFile, JSON.stringify(config), { mode: 0o600 });
  const { proc, ipc, port, running } = await startForkedComponent({
    ...options,
    entry: 'ocsp-responder-process.ts',
    configFile,
    what: `ocsp/builtin on 127.0.0.1, ${options.port === undefined ? 'port chosen by itself' : `port ${options.port}`}`,
  });
  const registerOf = (issuer: string | undefined): OcspStatusRegister => {
    const named = issuer === undefined ? {} : { issuer };
    return {
      revoke: async (serialNumber, reason = 'unspecified', revokedAt = new Date()) => {
        await ipc.request('revoke', { serialNumber, reason, revokedAt: revokedAt.toISOString(), ...named });
      },
      unrevoke: async (serialNumber) => {
        await ipc.request('unrevoke', { serialNumber, ...named });
      },
      registerIssued: async (serialNumbers) => {
        await ipc.request('registerIssued', { serialNumbers, ...named });
      },
    };
  };
  // Added issuers' keys go beside the first one's: the run's PKI folder (0700, removed with the
  // run, bind-mounted at the same path into the responder's container on the docker runtime).
  const keyDir = dirname(options.issuerKeyFile);
  let added = 0;
  return {
    name: options.name,
    url: `http://127.0.0.1:${port}/`,
    labUrl: `http://${running.address.host}:${running.address.port}/`,
    pids: () => proc.pids(),
    ...registerOf(undefined),
    addIssuer: async (ca) => {
      added += 1;
      const base = join(keyDir, `${options.name}-issuer-${added + 1}`);
      const issuer: OcspIssuerConfig = {
        issuerCertificateFile: await writeFresh(`${base}.crt.pem`, ca.certificate.pem, 0o644),
        issuerKeyFile: await writeFresh(`${base}.key.pem`, ca.credential.keyPem, 0o600),
        ...issuerStatusOf(ca),
      };
      await ipc.request('addIssuer', issuer);
      return registerOf(issuerIdOf(ca.certificate));
    },
    setMode: async (mode) => {
      await ipc.request('setMode', mode);
    },
    stop: () => proc.stop(),
  };
}

/** Removed first, so that the file is created with `mode` (writeFile keeps an old file's mode). */
async function writeFresh(path: string, content: string, mode: number): Promise<string> {
  await rm(path, { force: true });
  await writeFile(path, content, { mode, flag: 'wx' });
  return path;
}
