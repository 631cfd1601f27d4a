import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ComponentOptions } from '../component-options.js';
import type { TlsTerminatorProcessConfig } from '../processes/tls-terminator-config.js';
import { startForkedComponent, type ForkedComponent } from './forked-component.js';

export interface TlsTerminatorOptions extends ComponentOptions {
  /** The lab's server certificate chain and key files (the gateway's name), and its trust bundle. */
  readonly certificateChainFile: string;
  readonly keyFile: string;
  readonly trustBundleFile: string;
  /** The gateway's TLS port (passthrough) and its plain-HTTP backend port (terminate). */
  /** The gateway's host as the lab's components reach it: 127.0.0.1 when omitted, its container name in docker. */
  readonly upstreamHost?: string;
  readonly upstreamPort: number;
  readonly backendPort: number;
  /** The HMAC secret file shared with the backend (0600). */
  readonly identitySecretFile: string;
}

export type TlsTerminatorMode = 'passthrough' | 'terminate';

export interface StartedTlsTerminator {
  readonly name: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  pids(): number[];
  /**
   * passthrough (from the start): TCP relayed untouched to the gateway's TLS port. terminate:
   * new connections are terminated here and their requests forwarded as plain HTTP to the
   * gateway's backend, with the signed client identity when forwardClientCert. Connections of
   * the previous mode are reset.
   */
  setMode(mode: TlsTerminatorMode, options?: { readonly forwardClientCert: boolean }): Promise<void>;
  stats(): Promise<{
    mode: TlsTerminatorMode;
    forwardClientCert: boolean;
    passedThrough: number;
    terminated: number;
    forwardedWithIdentity: number;
    forwardedWithoutIdentity: number;
    refusedHere: number;
    backendFailures: number;
    resetAtSwitch: number;
    open: number;
  }>;
  stop(): Promise<void>;
}

/** Starts our TLS terminator (processes/tls-terminator-process.ts), in passthrough. */
export async function startTlsTerminator(options: TlsTerminatorOptions): Promise<StartedTlsTerminator> {
  const config: TlsTerminatorProcessConfig = {
    name: options.name,
    certificateChainFile: options.certificateChainFile,
    keyFile: options.keyFile,
    trustBundleFile: options.trustBundleFile,
    ...(options.upstreamHost ? { upstreamHost: options.upstreamHost } : {}),
    upstreamPort: options.upstreamPort,
    ...(options.runtime && options.runtime.kind !== 'local' ? { bind: options.runtime.bind } : {}),
    backendPort: options.backendPort,
    identitySecretFile: options.identitySecretFile,
  };
  const configFile = join(options.dir, `${options.name}.json`);
  await writeFile(configFile, JSON.stringify(config), { mode: 0o600 });
  const { proc, ipc, port } = await startForkedComponent({
    ...options,
    entry: 'tls-terminator-process.ts',
    configFile,
    what: 'TLS terminator on 127.0.0.1, port chosen by itself',
  });
  return {
    name: options.name,
    host: '127.0.0.1',
    port,
    pids: () => proc.pids(),
    setMode: async (mode, modeOptions) => {
      await ipc.request('setMode', { mode, forwardClientCert: modeOptions?.forwardClientCert ?? false });
    },
    stats: () => ipc.request('stats'),
    stop: () => proc.stop(),
  };
}
