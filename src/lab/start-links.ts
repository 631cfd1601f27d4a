import type { ComponentSummary } from '../result/run-result.js';
import { startFaultProxy, type StartedFaultProxy } from './components/fault-proxy.js';
import { startInterceptor, type StartedInterceptor } from './components/interceptor.js';
import { startMitmproxyInterceptor } from './components/mitmproxy-interceptor.js';
import { startTlsTerminator, type StartedTlsTerminator } from './components/tls-terminator.js';
import { BalancedGateway } from './balanced-gateway.js';
import type { StartedGateway } from './gateway.js';
import { ProxiedGateway } from './proxied-gateway.js';
import type { RunRegistry } from './run-registry.js';
import type { Runtime } from './runtime.js';
import type { LinkName } from './toxic.js';

/** The lab spec's fault-proxy links, and the components placed in front of the gateway. */
export interface LinksSpec {
  /** A fault proxy on each named link; network faults put toxics on it. */
  readonly links?: readonly { readonly between: LinkName }[];
  /** A TLS man-in-the-middle in the path to the gateway (passthrough until an interception fault): ours, or mitmproxy (docker runtime). */
  readonly interceptor?: { readonly kind: InterceptorKind };
  /** Our TLS terminator in the path to the node gateway (passthrough until a tls-termination fault). */
  readonly tlsTerminator?: { readonly kind: 'builtin' };
}

/** What the TLS terminator serves and checks with, and the secret it signs forwarded identities with. */
export interface TerminatorFiles {
  readonly certificateChainFile: string;
  readonly keyFile: string;
  readonly trustBundleFile: string;
  readonly identitySecretFile: string;
}

export type InterceptorKind = 'builtin' | 'mitmproxy';

export type StartedLinks = { readonly [K in LinkName]?: StartedFaultProxy };

interface LinkContext {
  readonly dir: string;
  /** The lab's PKI folder (removed on stop): where the interceptor's keys go. */
  readonly keyDir: string;
  readonly signal: AbortSignal;
  readonly registry: RunRegistry;
  readonly onStarted: (component: { readonly name: string; stop(): Promise<void> }) => void;
  readonly log: (line: string) => void;
  /** Where the fault proxies run; local child processes when omitted. */
  readonly runtime?: Runtime;
}

export function hasLink(spec: LinksSpec, link: LinkName): boolean {
  return spec.links?.some((entry) => entry.between === link) ?? false;
}

async function startLink(link: LinkName, upstream: { readonly host: string; readonly port: number }, context: LinkContext): Promise<StartedFaultProxy> {
  context.signal.throwIfAborted();
  const proxy = await startFaultProxy({
    name: `proxy-${link}`,
    link,
    upstream,
    dir: context.dir,
    signal: context.signal,
    registry: context.registry,
    ...(context.runtime ? { runtime: context.runtime } : {}),
  });
  context.onStarted(proxy);
  context.log(`fault proxy on ${link} ready on 127.0.0.1:${proxy.port} -> ${upstream.host}:${upstream.port}`);
  return proxy;
}

/**
 * How a fault proxy reaches a component of the lab: its port on 127.0.0.1 locally; in docker, the
 * component's container by its name on the run network, on the port every component listens on.
 */
function labAddress(component: { readonly name: string; readonly port: number; readonly host?: string }, runtime: Runtime | undefined): { host: string; port: number } {
  // An external gateway (lab.gateway.kind external) is at its own host, outside the lab.
  return runtime?.kind === 'docker' ? { host: component.name, port: runtime.bind.port } : { host: component.host ?? '127.0.0.1', port: component.port };
}

/**
 * The gateway -> OCSP responder proxy, started between the two; its address replaces the
 * responder's for the gateway. `responderUrl` is the responder as the lab's components reach it.
 */
export async function startOcspLink(spec: LinksSpec, responderUrl: string | undefined, context: LinkContext): Promise<StartedFaultProxy | undefined> {
  if (!hasLink(spec, 'gateway-ocsp')) return undefined;
  if (!responderUrl) throw new RangeError('lab.links gateway-ocsp needs lab.ocspResponder: there is no responder to put the proxy in front of');
  const url = new URL(responderUrl);
  return startLink('gateway-ocsp', { host: url.hostname, port: Number(url.port) }, context);
}

export interface FrontComponents {
  /** Where load goes: the client-gateway proxy when there is one, else the gateway. */
  readonly gateway: StartedGateway;
  readonly clientLink?: StartedFaultProxy;
  readonly interceptor?: StartedInterceptor;
  readonly tlsTerminator?: StartedTlsTerminator;
}

/**
 * What sits in front of the (possibly balanced) gateway, in the order a client meets them: the
 * client-gateway fault proxy, then the interceptor (in passthrough until a fault switches it),
 * then the gateway. Load goes to the first of them from the start.
 */
export async function startFrontComponents(
  spec: LinksSpec,
  gateway: StartedGateway,
  context: LinkContext,
  terminatorFiles?: TerminatorFiles,
): Promise<FrontComponents> {
  // Replicas sit behind the balancer, a host process in both runtimes (start-gateways.ts): what is
  // in front of it runs on the host too, since a container cannot reach the host's 127.0.0.1.
  if (gateway instanceof BalancedGateway && context.runtime?.kind === 'docker') {
    const { runtime: _inContainers, ...onHost } = context;
    context = onHost;
  }
  let entry: { readonly name: string; readonly port: number } | undefined;
  let interceptor: StartedInterceptor | undefined;
  let tlsTerminator: StartedTlsTerminator | undefined;
  if (spec.tlsTerminator) {
    if (!terminatorFiles || gateway.backendPort === undefined) {
      throw new RangeError('lab.tlsTerminator needs the node gateway (one replica) with its plain-HTTP backend listener');
    }
    context.signal.throwIfAborted();
    tlsTerminator = await startTlsTerminator({
      name: 'tls-terminator-builtin',
      dir: context.dir,
      ...terminatorFiles,
      // Locally the gateway's ports on 127.0.0.1; in docker its container, TLS and backend ports.
      ...(context.runtime?.kind === 'docker' ? { upstreamHost: gateway.name } : {}),
      upstreamPort: labAddress(gateway, context.runtime).port,
      backendPort: gateway.backendPort,
      signal: context.signal,
      registry: context.registry,
      ...(context.runtime ? { runtime: context.runtime } : {}),
    });
    context.onStarted(tlsTerminator);
    context.log(`tls terminator ready on 127.0.0.1:${tlsTerminator.port} -> 127.0.0.1:${gateway.port} (passthrough), backend 127.0.0.1:${gateway.backendPort}`);
    entry = tlsTerminator;
  }
  if (spec.interceptor) {
    context.signal.throwIfAborted();
    const start = spec.interceptor.kind === 'mitmproxy' ? startMitmproxyInterceptor : startInterceptor;
    interceptor = await start({
      name: `interceptor-${spec.interceptor.kind}`,
      dir: context.dir,
      keyDir: context.keyDir,
      upstream: labAddress(gateway, context.runtime),
      upstreamServername: gateway.servername,
      // The gateway's own trust (the lab root for a lab gateway; lab.gateway.ca for an external one).
      upstreamCaPem: gateway.caPem,
      signal: context.signal,
      registry: context.registry,
      ...(context.runtime ? { runtime: context.runtime } : {}),
    });
    context.onStarted(interceptor);
    context.log(`interceptor ${interceptor.kind} ready on 127.0.0.1:${interceptor.port} -> 127.0.0.1:${gateway.port} (passthrough)`);
    entry = interceptor;
  }
  const clientLink = hasLink(spec, 'client-gateway') ? await startLink('client-gateway', labAddress(entry ?? gateway, context.runtime), context) : undefined;
  entry = clientLink ?? entry;
  return {
    gateway: entry ? new ProxiedGateway(gateway, entry) : gateway,
    ...(clientLink ? { clientLink } : {}),
    ...(interceptor ? { interceptor } : {}),
    ...(tlsTerminator ? { tlsTerminator } : {}),
  };
}

/** The lab's component list entries for the links and the interceptor. */
export function linkComponents(links: StartedLinks, interceptor: StartedInterceptor | undefined, tlsTerminator?: StartedTlsTerminator): ComponentSummary[] {
  const entries: ComponentSummary[] = Object.values(links).map((proxy) => ({
    name: proxy.name,
    kind: 'fault-proxy/builtin',
    endpoint: `tcp://127.0.0.1:${proxy.port}`,
    ...pidOf(proxy.pids()),
  }));
  if (interceptor) {
    entries.push({ name: interceptor.name, kind: `interceptor/${interceptor.kind}`, endpoint: `tcp://127.0.0.1:${interceptor.port}`, ...pidOf(interceptor.pids()) });
  }
  if (tlsTerminator) {
    entries.push({ name: tlsTerminator.name, kind: 'tls-terminator/builtin', endpoint: `tcp://127.0.0.1:${tlsTerminator.port}`, ...pidOf(tlsTerminator.pids()) });
  }
  return entries;
}

function pidOf(pids: number[]): { pid?: number } {
  const [first] = pids;
  return first === undefined ? {} : { pid: first };
}
