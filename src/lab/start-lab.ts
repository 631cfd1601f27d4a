import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { issueCrl, writeLabPki, type LabPki } from '../pki/index.js';
import type { ComponentSummary } from '../result/run-result.js';
import { assertNginxSupports } from './components/nginx-config.js';
import { findNginx, startNginxGateway } from './components/nginx-gateway.js';
import { startNodeGateway } from './components/node-gateway.js';
import { startOcspResponder, type StartedOcspResponder } from './components/ocsp-responder.js';
import type { GatewaySpec, StartedGateway } from './gateway.js';
import { RunRegistry } from './run-registry.js';

export interface LabSpec {
  readonly gateway: GatewaySpec;
  readonly ocspResponder?: { readonly kind: 'builtin' };
}

export interface StartLabOptions {
  /** The lab's folder: PKI files (removed on stop), component configs and logs (kept). */
  readonly workDir: string;
  readonly signal: AbortSignal;
  readonly runId: string;
  readonly log?: (line: string) => void;
  /** Where the run registry goes; defaults to <tmpdir>/mtls-chaos-runs. */
  readonly registryDir?: string;
  /** Keep the PKI files (keys included) after stop, for debugging. */
  readonly keepPkiFiles?: boolean;
}

export interface StartedLab extends AsyncDisposable {
  readonly gateway: StartedGateway;
  readonly ocspResponder?: StartedOcspResponder;
  readonly components: ComponentSummary[];
  /** Folder of component configs and logs. */
  readonly workDir: string;
  /** Idempotent; always removes every process the lab started. */
  stop(): Promise<void>;
}

/** Something that must be stopped when the lab stops, most recent first. */
type Stoppable = { readonly name: string; stop(): Promise<void> };

/**
 * Starts a lab: writes the PKI, starts the OCSP responder (when asked for) and then the gateway,
 * configured with the responder's URL the way ssl_ocsp_responder is, rather than relying on the
 * leaves' AIA (the leaves are issued before any port is known). On any failure or abort, stops
 * what already started and throws.
 */
export async function startLab(spec: LabSpec, pki: LabPki, options: StartLabOptions): Promise<StartedLab> {
  const { signal } = options;
  const log = options.log ?? (() => {});
  signal.throwIfAborted();
  // What can be known wrong before anything starts is reported before anything starts.
  if (spec.gateway.kind === 'nginx') {
    findNginx();
    assertNginxSupports(spec.gateway.ocsp);
  }
  const registry = new RunRegistry(options.runId, options.registryDir);
  const started: Stoppable[] = [];
  const pkiDir = join(options.workDir, 'pki');
  const componentsDir = join(options.workDir, 'components');
  let stopping: Promise<void> | undefined;
  const stopAll = () => {
    stopping ??= (async () => {
      const failures: unknown[] = [];
      for (const component of [...started].reverse()) {
        try {
          await component.stop();
          log(`stopped ${component.name}`);
        } catch (error) {
          failures.push(error);
        }
      }
      if (!options.keepPkiFiles) await rm(pkiDir, { recursive: true, force: true });
      await registry.remove();
      if (failures.length > 0) throw failures[0];
    })();
    return stopping;
  };

  try {
    await mkdir(componentsDir, { recursive: true, mode: 0o700 });
    await registry.addTempDir(options.workDir);
    const files = await writeLabPki(pki, pkiDir, { force: true });
    const server = files.servers[0];
    if (!server) throw new RangeError('the lab PKI has no server certificate for the gateway');

    let crlFile: string | undefined;
    if (spec.gateway.crl) {
      // OpenSSL checks CRLs for the whole path once any CRL is loaded (Node and nginx both set
      // X509_V_FLAG_CRL_CHECK_ALL), so the root's CRL for the intermediate goes in too.
      crlFile = join(pkiDir, 'crl.pem');
      await writeFile(crlFile, issueCrl(pki.intermediate).pem + issueCrl(pki.root).pem);
    }

    let ocspResponder: StartedOcspResponder | undefined;
    if (spec.ocspResponder) {
      signal.throwIfAborted();
      log('starting ocsp/builtin');
      ocspResponder = await startOcspResponder({
        name: 'ocsp-builtin',
        dir: componentsDir,
        issuer: pki.intermediate,
        issuerCertificateFile: files.intermediateCertificate,
        issuerKeyFile: files.intermediateKey,
        signal,
        registry,
      });
      started.push(ocspResponder);
      log(`ocsp/builtin ready at ${ocspResponder.url}`);
    }

    signal.throwIfAborted();
    const gatewaySpec = spec.gateway;
    const name = gatewaySpec.name ?? `gateway-${gatewaySpec.kind}`;
    const responderUrl = gatewaySpec.ocsp?.responderUrl ?? ocspResponder?.url;
    const ocsp = gatewaySpec.ocsp && { ...gatewaySpec.ocsp, ...(responderUrl ? { responderUrl } : {}) };
    const common = {
      name,
      dir: componentsDir,
      files: {
        certificateChain: server.certificate,
        key: server.key,
        trustBundle: files.trustBundle,
        ...(crlFile ? { crl: crlFile } : {}),
      },
      ...(ocsp ? { ocsp } : {}),
      caPem: pki.root.certificate.pem,
      signal,
      registry,
    };
    log(`starting gateway/${gatewaySpec.kind}`);
    const gateway =
      gatewaySpec.kind === 'nginx'
        ? await startNginxGateway({ ...common, ...(gatewaySpec.workerProcesses ? { workerProcesses: gatewaySpec.workerProcesses } : {}) })
        : await startNodeGateway(common);
    started.push(gateway);
    log(`gateway/${gatewaySpec.kind} ready on 127.0.0.1:${gateway.port}`);
    signal.throwIfAborted();

    const components: ComponentSummary[] = [
      ...(ocspResponder
        ? [{ name: ocspResponder.name, kind: 'ocsp/builtin', endpoint: ocspResponder.url, ...pidOf(ocspResponder.pids()) }]
        : []),
      { name: gateway.name, kind: `gateway/${gateway.kind}`, endpoint: `https://${gateway.servername}:${gateway.port}/`, ...pidOf(gateway.pids()) },
    ];
    return {
      gateway,
      ...(ocspResponder ? { ocspResponder } : {}),
      components,
      workDir: componentsDir,
      stop: stopAll,
      [Symbol.asyncDispose]: stopAll,
    };
  } catch (error) {
    await stopAll().catch(() => {});
    throw error;
  }
}

function pidOf(pids: number[]): { pid?: number } {
  const [first] = pids;
  return first === undefined ? {} : { pid: first };
}
