import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyAlgorithm } from '../../pki/index.js';
import type { ComponentOptions } from '../component-options.js';
import type { InterceptorProcessConfig } from '../processes/interceptor-config.js';
import { startForkedComponent, type ForkedComponent } from './forked-component.js';
import { issueInterceptionCertificates } from './interception-certificates.js';

export interface InterceptorOptions extends ComponentOptions {
  /** Where the interception CA's key and the interceptor's key go (mode 0600; the lab's PKI folder). */
  readonly keyDir: string;
  readonly algorithm?: KeyAlgorithm;
  /** The gateway as the lab's components reach it (127.0.0.1 locally, its container name in docker). */
  readonly upstream: { readonly host: string; readonly port: number };
  /** The gateway's name: the interceptor's certificate claims it, and checks the real one for it. */
  readonly upstreamServername: string;
  /** What verifies the real gateway (the lab root). */
  readonly upstreamCaPem: string;
}

export type InterceptorMode = 'passthrough' | 'intercept';

export interface StartedInterceptor {
  readonly name: string;
  /** builtin: our Node man-in-the-middle; mitmproxy: mitmdump with our addon (docker runtime). */
  readonly kind: 'builtin' | 'mitmproxy';
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The interception CA's certificate: what a client must trust for the interceptor to fool it. */
  readonly caPem: string;
  pids(): number[];
  /**
   * passthrough (from the start): TCP relayed untouched, TLS end to end. intercept: new
   * connections are terminated and re-originated without a client certificate; connections
   * still relayed in passthrough are reset.
   */
  setMode(mode: InterceptorMode): Promise<void>;
  stats(): Promise<{
    mode: InterceptorMode;
    passedThrough: number;
    intercepted: number;
    clientHandshakeFailures: number;
    upstreamFailures: number;
    resetAtSwitch: number;
    open: number;
  }>;
  stop(): Promise<void>;
}

/**
 * Starts our TLS interceptor (processes/interceptor-process.ts), in passthrough, with a CA of its
 * own (interception-certificates.ts).
 */
export async function startInterceptor(options: InterceptorOptions): Promise<StartedInterceptor> {
  const { ca, leaf } = issueInterceptionCertificates(options.upstreamServername, options.algorithm);
  const file = (suffix: string) => join(options.keyDir, `${options.name}-${suffix}`);
  const config: InterceptorProcessConfig = {
    name: options.name,
    certificateChainFile: file('chain.pem'),
    keyFile: file('key.pem'),
    upstreamHost: options.upstream.host,
    upstreamPort: options.upstream.port,
    ...(options.runtime && options.runtime.kind !== 'local' ? { bind: options.runtime.bind } : {}),
    upstreamServername: options.upstreamServername,
    upstreamCaFile: file('upstream-ca.pem'),
  };
  await writeFile(config.certificateChainFile, leaf.chainPem, { mode: 0o600 });
  await writeFile(config.keyFile, leaf.keyPem, { mode: 0o600 });
  await writeFile(config.upstreamCaFile, options.upstreamCaPem, { mode: 0o600 });
  const configFile = join(options.dir, `${options.name}.json`);
  await writeFile(configFile, JSON.stringify(config), { mode: 0o600 });
  const { proc, ipc, port } = await startForkedComponent({
    ...options,
    entry: 'interceptor-process.ts',
    configFile,
    what: 'interceptor on 127.0.0.1, port chosen by itself',
  });
  return {
    name: options.name,
    kind: 'builtin',
    host: '127.0.0.1',
    port,
    caPem: ca.certificate.pem,
    pids: () => proc.pids(),
    setMode: async (mode) => {
      await ipc.request('setMode', mode);
    },
    stats: () => ipc.request('stats'),
    stop: () => proc.stop(),
  };
}
