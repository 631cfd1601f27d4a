import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GatewayOptions, GatewayReloadFiles, StartedGateway } from '../gateway.js';
import type { IpcClient } from '../ipc.js';
import { LabError } from '../lab-error.js';
import type { CpuUsageReading } from '../../metrics/index.js';
import type { NodeGatewayProcessConfig } from '../processes/node-gateway-config.js';
import { startForkedComponent, type ForkedComponent } from './forked-component.js';

/** `dir` holds the gateway's config file and log. */
export type NodeGatewayOptions = GatewayOptions;

/** Starts our own Node mTLS gateway (processes/node-gateway-process.ts) as a supervised child. */
export async function startNodeGateway(options: NodeGatewayOptions): Promise<StartedGateway> {
  const configFile = join(options.dir, `${options.name}.json`);
  const ocsp = options.ocsp && options.ocsp.mode !== 'off' ? options.ocsp : undefined;
  const config: NodeGatewayProcessConfig = {
    name: options.name,
    certificateChainFile: options.files.certificateChain,
    keyFile: options.files.key,
    trustBundleFile: options.files.trustBundle,
    ...(options.files.crl ? { crlFile: options.files.crl } : {}),
    ...(options.authorization ? { authorization: options.authorization } : {}),
    ...(options.identityBackend ? { identityBackend: options.identityBackend } : {}),
    ...(ocsp
      ? {
          ocsp: {
            mode: ocsp.mode as 'hard-fail' | 'soft-fail',
            cacheTtlMs: ocsp.cacheTtlMs,
            timeoutMs: ocsp.timeoutMs,
            ...(ocsp.responderUrl ? { responderUrl: ocsp.responderUrl } : {}),
          },
        }
      : {}),
    ...(options.runtime && options.runtime.kind !== 'local' ? { bind: options.runtime.bind } : {}),
  };
  await writeFile(configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
  const { proc, ipc, port, running } = await startForkedComponent({
    ...options,
    entry: 'node-gateway-process.ts',
    configFile,
    what: 'gateway/node on 127.0.0.1, port chosen by itself',
  });
  const backendPort = options.identityBackend ? (await ipc.request<{ port: number }>('backendPort')).port : undefined;
  const gateway = new StartedNodeGateway(options.name, port, options.caPem, proc, ipc, backendPort);
  if (running.cpuUsage) gateway.cpuUsage = () => running.cpuUsage?.();
  return gateway;
}

class StartedNodeGateway implements StartedGateway {
  readonly kind = 'node';
  readonly host = '127.0.0.1';
  readonly servername = 'localhost';
  cpuUsage?: () => CpuUsageReading | undefined;

  constructor(
    readonly name: string,
    readonly port: number,
    readonly caPem: string,
    private readonly proc: ForkedComponent['proc'],
    private readonly ipc: IpcClient,
    /** The plain-HTTP backend listener's port, when it has one (lab.tlsTerminator). */
    readonly backendPort?: number,
  ) {}

  pids(): number[] {
    return this.proc.pids();
  }

  async reload(files: GatewayReloadFiles = {}): Promise<void> {
    try {
      await this.ipc.request('reload', files);
    } catch (error) {
      throw new LabError('E_LAB_RELOAD', `${this.name}: reload failed: ${(error as Error).message}`, {
        hint: 'the old certificate and trust bundle stay in force; check that the key matches the certificate',
        cause: error,
      });
    }
  }

  /** Forgets cached OCSP answers, so the next handshake of each client asks the responder again. */
  async clearOcspCache(): Promise<void> {
    await this.ipc.request('clearOcspCache');
  }

  stop(): Promise<void> {
    return this.proc.stop();
  }
}
