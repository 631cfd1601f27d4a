import { z } from 'zod';
import type { StartedGateway } from '../lab/index.js';
import type { ClientIdentity } from '../load/index.js';
import { CertificateAuthority, trustBundlePem, type Credential, type LabPki } from '../pki/index.js';
import type { FaultContext, FaultDefinition } from './fault.js';
import { clientCredential, reissueClient, subjectAltNamesOf } from './lab-certificates.js';
import { labGatewayRequirement } from './lab-gateway-requirement.js';

export const STALE_REPLICA_MATERIAL = ['trust-bundle', 'server-certificate'] as const;
export type StaleReplicaMaterial = (typeof STALE_REPLICA_MATERIAL)[number];

/**
 * A CA rotation that reaches only some replicas, as when a config push or a secret sync misses
 * some pods. At `at` a new CA generation (root + intermediate) takes over, done in the right
 * order, on the first `reached` replicas (in the balancer's order) only:
 * - trust-bundle: the reached replicas trust old + new client CA; then the clients move to
 *   certificates of the new CA. The stale replicas still trust only the old CA and refuse them
 *   (unknown_ca, said by the gateway: node's 495, nginx's 400 and its log).
 * - server-certificate: the clients trust old + new for a moment, the reached replicas serve a
 *   server certificate of the new CA, then the clients retire the old CA. The stale replicas still
 *   serve the old certificate and the clients refuse it in the handshake (unknown_ca, said by the
 *   client, no answer from the replica: attributed through the balancer's record of the connection).
 * With round-robin, about (N - reached) / N of attempts fail, all on the stale replicas.
 * Heal brings every replica up to date; the clients stay on the new generation.
 */
const options = z
  .strictObject({
    reached: z
      .number({ error: (issue) => `expected how many replicas the rotation reaches, a whole number from 0 to 7, got ${JSON.stringify(issue.input)}` })
      .int({ error: (issue) => `expected a whole number of replicas, got ${JSON.stringify(issue.input)}` })
      .min(0, { error: (issue) => `expected 0 or more replicas, got ${JSON.stringify(issue.input)}` })
      .meta({ description: 'How many replicas (the first ones, in the balancer\'s order) the rotation reaches; the others stay stale.' }),
    what: z
      .enum(STALE_REPLICA_MATERIAL, {
        error: (issue) => `expected "trust-bundle" or "server-certificate", got ${JSON.stringify(issue.input)}`,
      })
      .default('trust-bundle')
      .meta({
        description:
          'trust-bundle (default): the stale replicas keep the old client-CA bundle while clients move to the new CA; ' +
          'server-certificate: they keep serving the old server certificate while clients trust only the new CA.',
      }),
  })
  .meta({ description: 'A CA rotation reaches only the first `reached` gateway replicas; the rest stay stale until heal.' });

type StaleReplicasOptions = z.output<typeof options>;

/** The new CA generation and what it issues before the run, so that inject only swaps. */
interface Rotation {
  readonly root: CertificateAuthority;
  readonly intermediate: CertificateAuthority;
  readonly server: Credential;
  /** Old root + new root: what reached replicas trust for clients during a trust-bundle rotation. */
  readonly overlapBundlePem: string;
}

export const staleReplicas: FaultDefinition<typeof options> = {
  kind: 'stale-replicas',
  summary: 'a CA rotation (trust bundle or server certificate) reaches only some gateway replicas behind the balancer',
  options,
  requires: (opts, lab, gateway) => {
    const notOurs = labGatewayRequirement(lab, gateway);
    if (notOurs) return notOurs;
    const replicas = lab.gateway.replicas ?? 1;
    if (replicas < 2 || !lab.balancer) return 'needs lab.gateway.replicas >= 2 behind lab.balancer: { kind: builtin }';
    if (opts.reached > replicas) return `needs lab.gateway.replicas >= reached (${opts.reached}); the lab has ${replicas}`;
    if (opts.what === 'trust-bundle' && (lab.gateway.ocsp?.mode ?? 'off') !== 'off') {
      return 'needs lab.gateway.ocsp.mode off with what: trust-bundle (the OCSP responder answers for the old CA only)';
    }
    if (opts.what === 'trust-bundle' && lab.gateway.crl) {
      return 'needs lab.gateway.crl false with what: trust-bundle (the lab CRLs cover the old CA only)';
    }
    return undefined;
  },
  create: (opts: StaleReplicasOptions) => {
    let rotation: Rotation | undefined;
    /** The clients' side of the rotation, once made: heal re-applies it. */
    let clients: { identities?: readonly ClientIdentity[]; caPem?: string; clientCaPem: string } | undefined;
    const prepare = (pki: LabPki): Rotation => {
      rotation ??= newGeneration(pki);
      return rotation;
    };
    /** Replicas that already have the new material: heal completes the push on the others only. */
    const upToDate = new Set<string>();
    const bringUpToDate = async (replicas: readonly StartedGateway[], next: Rotation) => {
      await Promise.all(
        replicas
          .filter((replica) => !upToDate.has(replica.name))
          .map(async (replica) => {
            await replica.reload(
              opts.what === 'trust-bundle'
                ? { trustBundlePem: next.overlapBundlePem }
                : { certificateChainPem: next.server.chainPem, keyPem: next.server.keyPem },
            );
            upToDate.add(replica.name);
          }),
      );
    };
    return {
      kind: 'stale-replicas',
      describe: () =>
        opts.what === 'trust-bundle'
          ? `clients moved to a new CA; only ${opts.reached} replica(s) got the new trust bundle, the rest keep the old one`
          : `server certificate rotated to a new CA that clients trust alone; only ${opts.reached} replica(s) serve it, the rest the old one`,
      prepare: async ({ pki }) => {
        prepare(pki);
      },
      inject: async (context: FaultContext) => {
        const startedAt = performance.now();
        const next = prepare(context.pki);
        const reached = context.lab.replicas.slice(0, opts.reached);
        const oldRootPem = context.pki.root.certificate.pem;
        if (opts.what === 'trust-bundle') {
          // Bundle first, then leaves: the right order, on the replicas the push reached.
          await bringUpToDate(reached, next);
          clients = {
            identities: context.load.spec.identities.map((identity) =>
              reissueClient(clientCredential(context.pki, identity.name), next.intermediate, next.intermediate.chain, { newKey: true }),
            ),
            clientCaPem: next.overlapBundlePem,
          };
          await context.load.retarget(clients);
        } else {
          // Clients trust both while the reached replicas switch, then retire the old CA.
          await context.load.retarget({ caPem: trustBundlePem([context.pki.root.certificate, next.root.certificate]), clientCaPem: oldRootPem });
          await bringUpToDate(reached, next);
          clients = { caPem: next.root.certificate.pem, clientCaPem: oldRootPem };
          await context.load.retarget(clients);
        }
        const names = reached.map((replica) => replica.name).join(', ') || 'no replica';
        context.log(`stale-replicas: rotation reached ${names} in ${Math.round(performance.now() - startedAt)} ms`);
      },
      heal: async (context: FaultContext) => {
        if (!rotation || !clients) return; // never injected: nothing rotated, nothing stale
        const startedAt = performance.now();
        await bringUpToDate(context.lab.replicas, rotation);
        await context.load.retarget(clients);
        context.log(`stale-replicas: every replica up to date in ${Math.round(performance.now() - startedAt)} ms`);
      },
    };
  },
};

/** A second CA generation beside the lab's: new root, new intermediate, the server re-issued by it. */
function newGeneration(pki: LabPki): Rotation {
  const organization = pki.root.certificate.subject.organization;
  const root = CertificateAuthority.createRoot({
    subject: { commonName: 'mtls-chaos Lab Root CA G2', ...(organization ? { organization } : {}) },
    algorithm: pki.algorithm,
    pathLength: 1,
  });
  const intermediate = root.issueIntermediate({
    subject: { commonName: 'mtls-chaos Lab Intermediate CA G2', ...(organization ? { organization } : {}) },
    pathLength: 0,
  });
  const oldServer = pki.servers[0];
  if (!oldServer) throw new RangeError('the lab PKI has no server certificate');
  const server = intermediate.issueServer({ subject: oldServer.certificate.subject, ...subjectAltNamesOf(oldServer.certificate) });
  return { root, intermediate, server, overlapBundlePem: trustBundlePem([pki.root.certificate, root.certificate]) };
}
