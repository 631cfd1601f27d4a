import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNginxGateway } from '../../src/lab/index.js';
import { buildLabPki, writeLabPki, type LabPki, type LabPkiFiles } from '../../src/pki/index.js';

/** One nginx mTLS gateway (1 worker, the lab's PKI) for the benches that compare generators on it. */
export interface BenchNginx {
  readonly pki: LabPki;
  readonly files: LabPkiFiles;
  readonly port: number;
  /** https://127.0.0.1:<port>/ (the server certificate names localhost: pass servername). */
  readonly url: string;
  /** Stops nginx and removes the temp dir. */
  stop(): Promise<void>;
}

export async function startBenchNginx(name: string): Promise<BenchNginx> {
  const dir = await mkdtemp(join(tmpdir(), `mtls-chaos-bench-${name}-`));
  const controller = new AbortController();
  try {
    const pki = await buildLabPki({ clients: 1 });
    const files = await writeLabPki(pki, join(dir, 'pki'));
    const gateway = await startNginxGateway({
      name: 'bench-nginx',
      dir: join(dir, 'nginx'),
      files: { certificateChain: files.servers[0]!.certificate, key: files.servers[0]!.key, trustBundle: files.trustBundle },
      caPem: pki.root.certificate.pem,
      signal: controller.signal,
      workerProcesses: 1,
    });
    return {
      pki,
      files,
      port: gateway.port,
      url: `https://127.0.0.1:${gateway.port}/`,
      stop: async () => {
        await gateway.stop();
        controller.abort();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    controller.abort();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

export const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
