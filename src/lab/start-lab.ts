import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeLabPki, type LabPki } from '../pki/index.js';
import { LabCrls } from './lab-crls.js';
import type { ComponentSummary } from '../result/run-result.js';
import { gatewayKinds, inability } from './gateway-kinds/registry.js';
import { readGatewayConfigTemplate } from './own-config/gateway-config-template.js';
import { startOcspResponder, type StartedOcspResponder } from './components/ocsp-responder.js';
import { assertLocalOpensslOcspPossible, startOpensslOcspResponder } from './components/openssl-ocsp-responder.js';
import type { GatewaySpec, StartedGateway } from './gateway.js';
import type { BalancerKind, StartedTcpBalancer } from './components/tcp-balancer.js';
import { gatewayComponents, startGateways } from './start-gateways.js';
import { LabError } from './lab-error.js';
import { RunRegistry } from './run-registry.js';
import { linkComponents, startFrontComponents, startOcspLink, type LinksSpec, type StartedLinks } from './start-links.js';
import type { StartedInterceptor } from './components/interceptor.js';
import type { StartedTlsTerminator } from './components/tls-terminator.js';
import { newIdentitySecret } from './forwarded-identity.js';
import type { Runtime } from './runtime.js';
import type { NetworkNamespaces } from './network-namespace-fault.js';

export interface LabSpec extends LinksSpec {
  readonly gateway: GatewaySpec;
  /**
   * builtin: our responder; openssl: `openssl ocsp` from an index.txt of the lab CA.
   * validityMs: nextUpdate - thisUpdate of its answers (default 1 h); nginx caches answers until nextUpdate.
   * port: listen on 127.0.0.1:port (builtin, local): an external gateway dials the URL the client certificates' AIA names.
   */
  readonly ocspResponder?: { readonly kind: 'builtin' | 'openssl'; readonly validityMs?: number; readonly port?: number };
  /** The TCP round-robin balancer in front of the gateway replicas (ours or haproxy); required with replicas > 1. */
  readonly balancer?: { readonly kind: BalancerKind };
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
  /** Stop now (a second Ctrl-C): SIGKILL every process group of the lab at once, by its registry. */
  readonly urgent?: AbortSignal;
  /** Where components run; local child processes when omitted. */
  readonly runtime?: Runtime;
}

export interface StartedLab extends AsyncDisposable {
  /** Where load goes: the gateway, or the balancer in front of its replicas. */
  readonly gateway: StartedGateway;
  /** Each gateway replica on its own, in round-robin order; [gateway] without a balancer. */
  readonly replicas: readonly StartedGateway[];
  readonly balancer?: StartedTcpBalancer;
  readonly ocspResponder?: StartedOcspResponder;
  /** lab.gateway.crl: the CAs whose CRLs the gateway's CRL file holds; faults reload it from this. */
  readonly crls?: LabCrls;
  /** The fault proxy on each link of lab.links (network faults). */
  readonly links?: StartedLinks;
  readonly interceptor?: StartedInterceptor;
  readonly tlsTerminator?: StartedTlsTerminator;
  /** Docker only: network faults inside the components' own namespaces (partition, loss). */
  readonly networkNamespaces?: NetworkNamespaces;
  readonly components: ComponentSummary[];
  /** lab.gateway.config: which file of the team's ran, so two runs can be compared. */
  readonly gatewayConfig?: { readonly file: string; readonly sha256: string };
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
  if (spec.interceptor?.kind === 'mitmproxy' && options.runtime?.kind !== 'docker') {
    throw new LabError('E_LAB_MITMPROXY_RUNTIME', 'lab.interceptor kind mitmproxy runs mitmdump in its own container, and needs the docker runtime', {
      path: ['lab', 'interceptor', 'kind'],
      hint: 'run with --runtime docker (image mtls-chaos/mitmproxy, built by containers/build-images.sh), or use interceptor: { kind: builtin }',
    });
  }
  if (spec.interceptor?.kind === 'mitmproxy' && ((spec.gateway.replicas ?? 1) > 1 || spec.balancer)) {
    // What sits in front of replicas runs on the host beside their balancer (start-links.ts); a
    // container cannot reach the balancer's 127.0.0.1 port.
    throw new LabError('E_LAB_MITMPROXY_RUNTIME', 'lab.interceptor kind mitmproxy cannot sit in front of gateway replicas: their balancer listens on the host\'s loopback, out of its container\'s reach', {
      path: ['lab', 'interceptor', 'kind'],
      hint: 'use interceptor: { kind: builtin } in front of replicas (it runs on the host beside the balancer), or one gateway replica',
    });
  }
  gatewayKinds.definition(spec.gateway.kind).preflight(spec.gateway, options.runtime?.kind ?? 'local');
  // Read (bounded) and checked for what the lab can fill before anything starts; the gateway's own
  // checker (nginx -t, haproxy -c) runs on the filled file as the gateway starts.
  const ownConfig = spec.gateway.config === undefined ? undefined : await readGatewayConfigTemplate(spec.gateway.config);
  if (spec.ocspResponder?.kind === 'openssl' && options.runtime?.kind !== 'docker') assertLocalOpensslOcspPossible();
  const registry = new RunRegistry(options.runId, options.registryDir);
  const killNow = () => log(`stopping now: killed ${registry.killNow().processGroups} process group(s) of the lab`);
  if (options.urgent?.aborted) killNow();
  else options.urgent?.addEventListener('abort', killNow, { once: true });
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
      options.urgent?.removeEventListener('abort', killNow);
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
    const crls = spec.gateway.crl ? new LabCrls(pki) : undefined;
    if (crls) {
      crlFile = join(pkiDir, 'crl.pem');
      await writeFile(crlFile, crls.pem());
    }

    let ocspResponder: StartedOcspResponder | undefined;
    if (spec.ocspResponder) {
      signal.throwIfAborted();
      const { kind } = spec.ocspResponder;
      log(`starting ocsp/${kind}`);
      const responderOptions = {
        name: `ocsp-${kind}`,
        dir: componentsDir,
        issuer: pki.intermediate,
        issuerCertificateFile: files.intermediateCertificate,
        issuerKeyFile: files.intermediateKey,
        ...(spec.ocspResponder.validityMs === undefined ? {} : { validityMs: spec.ocspResponder.validityMs }),
        ...(spec.ocspResponder.port === undefined ? {} : { port: spec.ocspResponder.port }),
        signal,
        registry,
        ...(options.runtime ? { runtime: options.runtime } : {}),
      };
      ocspResponder = kind === 'openssl' ? await startOpensslOcspResponder(responderOptions) : await startOcspResponder(responderOptions);
      started.push(ocspResponder);
      log(`ocsp/${kind} ready at ${ocspResponder.url}`);
    }

    signal.throwIfAborted();
    const gatewaySpec = spec.gateway;
    const name = gatewaySpec.name ?? `gateway-${gatewaySpec.kind}`;
    const linkContext = {
      dir: componentsDir,
      keyDir: pkiDir,
      signal,
      registry,
      onStarted: (c: Stoppable) => started.push(c),
      log,
      ...(options.runtime ? { runtime: options.runtime } : {}),
    };
    const ocspLink = await startOcspLink(spec, gatewaySpec.ocsp?.responderUrl ?? ocspResponder?.labUrl, linkContext);
    // The gateway reaches the responder (or the proxy in front of it) the lab's way: 127.0.0.1 locally, by container name in docker.
    const responderUrl = ocspLink ? `http://${ocspLink.address.host}:${ocspLink.address.port}/` : (gatewaySpec.ocsp?.responderUrl ?? ocspResponder?.labUrl);
    const ocsp = gatewaySpec.ocsp && { ...gatewaySpec.ocsp, ...(responderUrl ? { responderUrl } : {}) };
    // lab.tlsTerminator: the per-run secret the terminator signs forwarded identities with and
    // the gateway's plain-HTTP backend checks them with (0600, removed with the PKI folder).
    let identitySecretFile: string | undefined;
    if (spec.tlsTerminator) {
      const cannot = inability(gatewayKinds.definition(gatewaySpec.kind).abilities.signedIdentity);
      if (cannot !== undefined || (gatewaySpec.replicas ?? 1) > 1) {
        throw new LabError('E_LAB_TERMINATOR', `lab.tlsTerminator needs a gateway that trusts its signed identity, with one replica${cannot ? `: ${cannot}` : ''}`, {
          path: ['lab', 'tlsTerminator'],
          hint: `use gateway: { kind: ${gatewayKinds.kindsAble('signedIdentity').join(' | ')} } with one replica`,
        });
      }
      identitySecretFile = join(pkiDir, 'identity-header-secret');
      await writeFile(identitySecretFile, `${newIdentitySecret()}\n`, { mode: 0o600 });
    }
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
      ...(ownConfig ? { ownConfig } : {}),
      ...(responderUrl ? { ocspResponderUrl: responderUrl } : {}),
      ...(gatewaySpec.authorization ? { authorization: gatewaySpec.authorization } : {}),
      ...(identitySecretFile ? { identityBackend: { secretFile: identitySecretFile } } : {}),
      caPem: pki.root.certificate.pem,
      signal,
      registry,
      ...(options.runtime ? { runtime: options.runtime } : {}),
    };
    const gateways = await startGateways(gatewaySpec, spec.balancer?.kind, common, (component) => started.push(component), log);
    const terminatorFiles = identitySecretFile
      ? { certificateChainFile: server.certificate, keyFile: server.key, trustBundleFile: files.trustBundle, identitySecretFile }
      : undefined;
    const front = await startFrontComponents(spec, gateways.gateway, linkContext, terminatorFiles);
    const { gateway } = front;
    const links: StartedLinks = { ...(ocspLink ? { 'gateway-ocsp': ocspLink } : {}), ...(front.clientLink ? { 'client-gateway': front.clientLink } : {}) };
    signal.throwIfAborted();
    // Started last, so stopped first: faults healed and helpers removed while their targets still run.
    const networkNamespaces = options.runtime?.networkNamespaces?.();
    if (networkNamespaces) started.push({ name: 'network namespace helpers', stop: () => networkNamespaces.close() });

    const components: ComponentSummary[] = [
      ...(ocspResponder
        ? [{ name: ocspResponder.name, kind: `ocsp/${spec.ocspResponder?.kind ?? 'builtin'}`, endpoint: ocspResponder.url, ...pidOf(ocspResponder.pids()) }]
        : []),
      ...gatewayComponents(gateways),
      ...linkComponents(links, front.interceptor, front.tlsTerminator),
    ];
    return {
      gateway,
      replicas: gateways.replicas,
      ...(gateways.balancer ? { balancer: gateways.balancer } : {}),
      ...(ocspResponder ? { ocspResponder } : {}),
      ...(crls ? { crls } : {}),
      links,
      ...(front.interceptor ? { interceptor: front.interceptor } : {}),
      ...(front.tlsTerminator ? { tlsTerminator: front.tlsTerminator } : {}),
      ...(networkNamespaces ? { networkNamespaces } : {}),
      components,
      ...(ownConfig ? { gatewayConfig: { file: ownConfig.file, sha256: ownConfig.sha256 } } : {}),
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

