import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNginxGateway, type StartedGateway } from '../../src/lab/index.js';
import { writeLabPki, type LabPki, type LabPkiFiles } from '../../src/pki/index.js';

export interface NginxTestGateway {
  readonly gateway: StartedGateway;
  /** https://127.0.0.1:<port>/ */
  readonly url: string;
  readonly port: number;
  /** A temp dir of the test's own; stop() removes it. */
  readonly workDir: string;
  /** The lab PKI as files under <workDir>/lab, for the CLI's --cert, --key and --ca. */
  readonly files: LabPkiFiles;
  /** nginx's whole error log: client-certificate verdicts are logged at info. */
  readErrorLog(): Promise<string>;
  /** Idempotent. */
  stop(): Promise<void>;
}

/**
 * The lab's own nginx gateway (startNginxGateway, as `mtls-chaos run` starts it, one worker),
 * serving the PKI's first server certificate and trusting its root, for tests and benches that
 * probe or load a real nginx without a whole lab. Start it in beforeAll and stop it in afterAll.
 */
export async function startNginxTestGateway(pki: LabPki, name = 'test'): Promise<NginxTestGateway> {
  const workDir = await mkdtemp(join(tmpdir(), `mtls-chaos-${name}-nginx-`));
  // Aborted on stop, never before: the gateway lives as long as the tests (or the bench) using it.
  const controller = new AbortController();
  try {
    const files = await writeLabPki(pki, join(workDir, 'lab'));
    const gateway = await startNginxGateway({
      name: 'gateway-nginx',
      dir: join(workDir, 'gateway'),
      files: { certificateChain: files.servers[0]!.certificate, key: files.servers[0]!.key, trustBundle: files.trustBundle },
      caPem: pki.root.certificate.pem,
      signal: controller.signal,
      workerProcesses: 1,
    });
    // The nginx gateway's own extra: where its error log is (StartedGateway has no such field).
    const { errorLogFile } = gateway as StartedGateway & { readonly errorLogFile: string };
    let stopped: Promise<void> | undefined;
    return {
      gateway,
      url: `https://127.0.0.1:${gateway.port}/`,
      port: gateway.port,
      workDir,
      files,
      readErrorLog: () => readFile(errorLogFile, 'utf8'),
      stop: () =>
        (stopped ??= (async () => {
          await gateway.stop();
          controller.abort();
          await rm(workDir, { recursive: true, force: true });
        })()),
    };
  } catch (error) {
    controller.abort();
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
}
