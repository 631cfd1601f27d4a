import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertificateAuthority, RevocationReason } from '../../pki/index.js';
import type { ComponentOptions } from '../component-options.js';
import type { OcspResponderMode, OcspResponderProcessConfig } from '../processes/ocsp-responder-config.js';
import { startForkedComponent, type ForkedComponent } from './forked-component.js';

export type { OcspResponderMode } from '../processes/ocsp-responder-config.js';

export interface StartedOcspResponder {
  readonly name: string;
  /** http://127.0.0.1:<port>/ : what ssl_ocsp_responder and AIA point at. */
  readonly url: string;
  /** The URL other lab components use: the same locally, http://<container>:<port>/ in docker. */
  readonly labUrl: string;
  pids(): number[];
  /** From now on the responder answers `revoked` for this serial. */
  revoke(serialNumber: string, reason?: RevocationReason, revokedAt?: Date): Promise<void>;
  unrevoke(serialNumber: string): Promise<void>;
  /** Certificates issued after start (otherwise answered `unknown`). */
  registerIssued(serialNumbers: readonly string[]): Promise<void>;
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
}

const ALL_TIME = new Date(8_640_000_000_000_000);

/** Starts the built-in OCSP responder (processes/ocsp-responder-process.ts) as a supervised child. */
export async function startOcspResponder(options: OcspResponderOptions): Promise<StartedOcspResponder> {
  const configFile = join(options.dir, `${options.name}.json`);
  const config: OcspResponderProcessConfig = {
    name: options.name,
    issuerCertificateFile: options.issuerCertificateFile,
    issuerKeyFile: options.issuerKeyFile,
    issued: options.issuer.issuedCertificates().map((certificate) => certificate.serialNumber),
    revocations: options.issuer.revocationsAt(ALL_TIME).map((revocation) => ({
      serialNumber: revocation.serialNumber,
      revokedAt: revocation.revokedAt.toISOString(),
      reason: revocation.reason,
    })),
    ...(options.validityMs === undefined ? {} : { validityMs: options.validityMs }),
    ...(options.runtime && options.runtime.kind !== 'local' ? { bind: options.runtime.bind } : {}),
  };
  await writeFile(configFile, JSON.stringify(config), { mode: 0o600 });
  const { proc, ipc, port, running } = await startForkedComponent({
    ...options,
    entry: 'ocsp-responder-process.ts',
    configFile,
    what: 'ocsp/builtin on 127.0.0.1, port chosen by itself',
  });
  return {
    name: options.name,
    url: `http://127.0.0.1:${port}/`,
    labUrl: `http://${running.address.host}:${running.address.port}/`,
    pids: () => proc.pids(),
    revoke: async (serialNumber, reason = 'unspecified', revokedAt = new Date()) => {
      await ipc.request('revoke', { serialNumber, reason, revokedAt: revokedAt.toISOString() });
    },
    unrevoke: async (serialNumber) => {
      await ipc.request('unrevoke', { serialNumber });
    },
    registerIssued: async (serialNumbers) => {
      await ipc.request('registerIssued', serialNumbers);
    },
    setMode: async (mode) => {
      await ipc.request('setMode', mode);
    },
    stop: () => proc.stop(),
  };
}
