import type { StartedGateway } from '../lab/index.js';
import type { ClientIdentity, LoadTargetSpec } from '../load/index.js';
import type { LabPki } from '../pki/index.js';
import type { Scenario } from '../scenario/index.js';

/**
 * What the load aims at for a scenario and its started lab: the entry point's URL, the first
 * `load.identities` clients, the lab root to trust (both ways), the TLS offer and resumption the scenario
 * asks for, and, where the gateway's answer is not specific (nginx's 400), its own log's reason.
 * Runs and benches build it the same way, so a bench measures what a drill loads.
 */
export function scenarioLoadTarget(scenario: Scenario, pki: LabPki, gateway: StartedGateway): LoadTargetSpec {
  const identities: ClientIdentity[] = pki.clients
    .slice(0, scenario.load.identities)
    .map((client) => ({ name: client.name, certPem: client.chainPem, keyPem: client.keyPem }));
  return {
    url: `https://${gateway.host}:${gateway.port}${scenario.load.path}`,
    identities,
    caPem: gateway.caPem,
    // The lab configured the gateway's client trust itself (trust-bundle.pem = the root,
    // pki/lab-pki-files.ts): a known client CA bundle, so a diagnosis may judge the path.
    clientCaPem: pki.root.certificate.pem,
    servername: gateway.servername,
    timeoutMs: scenario.load.timeoutMs,
    resume: scenario.load.resumption,
    ...(scenario.load.tls ? { tls: scenario.load.tls } : {}),
    ...(gateway.rejectionReasonSince ? { serverReason: (context) => gateway.rejectionReasonSince!(context.startedAt.getTime()) } : {}),
  };
}
