import { pickFreePort } from '../lab/free-port.js';
import type { Scenario } from '../scenario/index.js';

/** The responder a gateway the team runs asks about the run's client certificates, known before they are issued. */
export interface HarnessOcspEndpoint {
  readonly port: number;
  /** What the client certificates' AIA names: a team's gateway (nginx `ssl_ocsp leaf`) dials it. */
  readonly url: string;
}

/**
 * For lab.gateway.kind external with lab.ocspResponder: the harness runs the responder, and the
 * team's gateway finds it only through the AIA of the client certificates, so its port is fixed
 * before the PKI is built (lab.ocspResponder.port, or a free one now; a process that takes that
 * port in between makes the responder's start fail loudly, never a certificate pointing nowhere).
 * Lab gateways are wired to the responder by the lab and need no AIA: undefined.
 */
export async function harnessOcspEndpoint(scenario: Scenario): Promise<HarnessOcspEndpoint | undefined> {
  const responder = scenario.lab.ocspResponder;
  if (scenario.lab.gateway.kind !== 'external' || !responder) return undefined;
  const port = responder.port ?? (await pickFreePort());
  return { port, url: `http://127.0.0.1:${port}/` };
}
