import { buildLabPki, type LabPki, type LabPkiFiles } from '../../src/pki/index.js';
import { startNginxTestGateway } from '../support/nginx-test-gateway.js';

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
  const pki = await buildLabPki({ clients: 1 });
  const nginx = await startNginxTestGateway(pki, `bench-${name}`);
  return { pki, files: nginx.files, port: nginx.port, url: nginx.url, stop: nginx.stop };
}

export const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
