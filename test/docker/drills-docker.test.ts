import type Docker from 'dockerode';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectLifecycleRun, phaseRate } from '../support/lifecycle-drill.js';
import { healedAtMs, successSince } from '../support/heal-settled.js';
import { expectFailClosedOutage } from '../support/ocsp-drill-expectations.js';
import { requireDocker } from '../support/docker-engine.js';
import { runDrillOnDocker } from '../support/docker-lab.js';
import { OWN_CONFIG_DRILLS, expectOwnConfigDrill } from '../support/own-config-drills.js';

let docker: Docker;
beforeAll(async () => {
  docker = await requireDocker();
});

describe('baseline, OCSP and process drills on the docker runtime', () => {
  it('baseline: every attempt succeeds through the 127.0.0.1 port, and the gateway container\'s CPU comes from Docker stats', async () => {
    const { result } = await runDrillOnDocker(docker, 'baseline', { durationMs: 8_000 });
    expect(result.status).toBe('completed');
    expect(result.summary.attempts).toBeGreaterThan(200);
    expect(result.summary.successRate).toBeGreaterThanOrEqual(0.999);
    expect(result.load.target).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
    expect(result.lab.components.map((component) => component.kind)).toEqual(['ocsp/builtin', 'gateway/node']);
    // Handshakes at 50/s cost the gateway real CPU: present most seconds, above zero, below 2 cores.
    const gateway = result.cpu.gateway!;
    expect(gateway.samples.length).toBeGreaterThanOrEqual(4);
    for (const sample of gateway.samples) {
      expect(sample.cpuPercent).toBeGreaterThanOrEqual(0);
      expect(sample.cpuPercent).toBeLessThanOrEqual(205);
    }
    expect(gateway.max).toBeGreaterThan(1);
  }, 120_000);

  it('ocsp-down-hard-fail (ocsp-outage): refused as ocsp_unavailable once the cache expires, back after the heal', async () => {
    const { result, exitCode } = await runDrillOnDocker(docker, 'ocsp-down-hard-fail', { durationMs: 18_000 });
    expect(result.faults[0]).toMatchObject({ kind: 'ocsp-outage' });
    expectFailClosedOutage(result, { cacheRunsOutBySecond: 9, minUnavailableRate: 0.5, judgeFromCompletedHeal: { settleMs: 0 } });
    expect(result.byPhase.recovery!.categories.connection_refused).toBe(0);
    expect([0, 1]).toContain(exitCode);
  }, 120_000);

  it('revocation-latency (revocation): client-1 refused as cert_revoked within the OCSP cache TTL', async () => {
    const { result } = await runDrillOnDocker(docker, 'revocation-latency');
    const [fault] = result.faults;
    expect(fault!.effect).toMatchObject({ category: 'cert_revoked', identity: 'client-1' });
    expect(fault!.effect!.afterMs).toBeLessThan(4_500);
    expect(result.summary.categories.ocsp_unavailable).toBe(0);
    expect(result.verdict).toBe('pass');
  }, 120_000);

  it('gateway-pause: SIGSTOP of the container\'s processes is measured as handshake timeouts, then recovery', async () => {
    const { result } = await runDrillOnDocker(docker, 'gateway-pause');
    const fault = result.byPhase.fault!;
    expect(result.byPhase.baseline!.successRate).toBeGreaterThanOrEqual(0.99);
    expect(fault.categories.handshake_timeout / fault.attempts).toBeGreaterThan(0.5);
    // docker-proxy keeps accepting connections for the frozen container, so the thawed gateway has
    // a longer backlog than locally (measured: 62 % success over the recovery phase here); it must
    // be through it by the last seconds.
    const tail = result.timeline.filter((bucket) => bucket.second >= 16);
    const attempts = tail.reduce((total, bucket) => total + bucket.attempts, 0);
    expect(attempts).toBeGreaterThan(50);
    expect(tail.reduce((total, bucket) => total + bucket.succeeded, 0) / attempts).toBeGreaterThanOrEqual(0.9);
  }, 120_000);
});

describe('certificate drills on the docker runtime: same categories as locally', () => {
  it('expired-client-cert (expiry): refused as cert_expired, then served again', async () => {
    const result = expectLifecycleRun(await runDrillOnDocker(docker, 'expired-client-cert', { durationMs: 16_000 }), 'expiry');
    // Locally >= 90 %: through docker-proxy on a busy machine more attempts straddle the fault's
    // start (measured here: 77 %), so the majority is what this asserts, not the drill's verdict.
    expect(phaseRate(result, 'fault', 'cert_expired')).toBeGreaterThanOrEqual(0.6);
    // The same straddling at the heal (measured: 96 %).
    expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.9);
  }, 120_000);

  it('not-yet-valid-client (not-yet-valid): refused as cert_not_yet_valid', async () => {
    const result = expectLifecycleRun(await runDrillOnDocker(docker, 'not-yet-valid-client', { durationMs: 16_000 }), 'not-yet-valid');
    expect(phaseRate(result, 'fault', 'cert_not_yet_valid')).toBeGreaterThanOrEqual(0.6);
    expect(phaseRate(result, 'fault', 'cert_expired')).toBe(0);
    expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.9);
  }, 120_000);

  it('intermediate-rotation-overlap (ca-rotation): the hot reload in the container costs nothing', async () => {
    const result = expectLifecycleRun(await runDrillOnDocker(docker, 'intermediate-rotation-overlap', { durationMs: 16_000 }), 'ca-rotation');
    expect(result.byPhase.fault!.successRate).toBeGreaterThanOrEqual(0.995);
    expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.995);
    expect(result.verdict).toBe('pass');
  }, 120_000);

  it('san-drift-allowlist (identity-drift): 403 forbidden, not a TLS failure', async () => {
    const result = expectLifecycleRun(await runDrillOnDocker(docker, 'san-drift-allowlist', { durationMs: 16_000 }), 'identity-drift');
    expect(phaseRate(result, 'fault', 'forbidden')).toBeGreaterThanOrEqual(0.9);
    expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.98);
    expect(result.verdict).toBe('pass');
  }, 120_000);
});

describe('the haproxy gateway on the docker runtime: from mtls-chaos/haproxy, reloaded with SIGUSR2', () => {
  it('revocation-crl-haproxy (revocation): each CRL reaches the container\'s haproxy by a master reload; client-1 refused as cert_revoked, then back', async () => {
    const { result } = await runDrillOnDocker(docker, 'revocation-crl-haproxy', { durationMs: 16_000 });
    expect(result.lab.components.map((component) => component.kind)).toEqual(['gateway/haproxy']);
    const [fault] = result.faults;
    expect(fault!.error).toBeUndefined();
    expect(fault!.healedAtMs).toBeDefined();
    // Only client-1 of four is revoked: about a quarter, with room for the reload's straddling.
    expect(fault!.effect).toMatchObject({ category: 'cert_revoked', identity: 'client-1' });
    const revoked = phaseRate(result, 'fault', 'cert_revoked');
    expect(revoked).toBeGreaterThan(0.1);
    expect(revoked).toBeLessThanOrEqual(0.3);
    expect(result.byPhase.baseline!.successRate).toBeGreaterThanOrEqual(0.99);
    expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.9);
    // The gateway container's CPU from Docker stats, as for the node gateway.
    expect(result.cpu.gateway!.samples.length).toBeGreaterThanOrEqual(4);
  }, 120_000);
});

describe('network drills on the docker runtime: the fault proxy in a container between the components', () => {
  it('client-gateway-latency (network latency): the proxy container\'s 100 ms each way shows in the handshake, and nothing fails', async () => {
    const { result } = await runDrillOnDocker(docker, 'client-gateway-latency', { durationMs: 14_000 });
    expect(result.lab.components.map((component) => component.kind)).toEqual(['gateway/node', 'fault-proxy/builtin']);
    expect(result.faults[0]).toMatchObject({ kind: 'network' });
    expect(result.faults[0]!.healedAtMs).toBeDefined();
    const baseline = result.byPhase.baseline!;
    const fault = result.byPhase.fault!;
    expect(fault.successRate).toBeGreaterThanOrEqual(0.98);
    // A TLS 1.3 handshake crosses the link twice each way: at least ~150 ms more than the
    // baseline's median (a floor: a busy machine only adds to it).
    expect(fault.latency.tlsHandshake.p50).toBeGreaterThanOrEqual(150);
    expect(fault.latency.tlsHandshake.p50 - baseline.latency.tlsHandshake.p50).toBeGreaterThanOrEqual(120);
    expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.98);
  }, 120_000);

  it('partition-gateway-ocsp (network partition): the gateway container cut off from the responder\'s refuses as ocsp_unavailable, back after the heal', async () => {
    const { result } = await runDrillOnDocker(docker, 'partition-gateway-ocsp', { durationMs: 18_000 });
    expect(result.lab.components.map((component) => component.kind)).toEqual(['ocsp/builtin', 'gateway/node', 'fault-proxy/builtin']);
    expect(result.faults[0]).toMatchObject({ kind: 'network' });
    expect(result.byPhase.baseline!.successRate).toBeGreaterThanOrEqual(0.99);
    // Fail closed: refusals are ocsp_unavailable, never a client's own timeout or a let-in.
    expect(phaseRate(result, 'fault', 'ocsp_unavailable')).toBeGreaterThanOrEqual(0.5);
    expect(result.byPhase.fault!.categories.handshake_timeout).toBe(0);
    // Success comes back once the heal has completed (iptables rules removed through an exec,
    // slow on a busy host) and the OCSP queries in flight then have run out their 1 s timeout
    // (connects whose SYN was dropped retry after a further second: 0.948 from heal + 1 s once).
    expect(result.recovery?.timeMs).toBeLessThan(5_000);
    const settled = successSince(result, healedAtMs(result) + 2_000);
    expect(settled.attempts).toBeGreaterThan(40);
    expect(settled.successRate).toBeGreaterThanOrEqual(0.95);
  }, 120_000);
});

describe('replicas on the docker runtime: one container per replica behind a balancer on the host\'s loopback', () => {
  it('stale-replicas-1-of-3 (stale-replicas): about a third refused as unknown_ca, every refusal attributed to the stale replica\'s container', async () => {
    const { result } = await runDrillOnDocker(docker, 'stale-replicas-1-of-3', { durationMs: 14_000 });
    expect(result.lab.components.map((component) => component.name)).toEqual(['gateway-node-1', 'gateway-node-2', 'gateway-node-3', 'balancer-builtin']);
    expect(result.faults[0]).toMatchObject({ kind: 'stale-replicas' });
    expect(result.byPhase.baseline!.successRate).toBeGreaterThanOrEqual(0.99);
    const unknownCa = phaseRate(result, 'fault', 'unknown_ca');
    expect(unknownCa).toBeGreaterThanOrEqual(0.2);
    expect(unknownCa).toBeLessThanOrEqual(0.45);
    // Round-robin over three containers, and the handshake failures pinned on the stale one.
    for (const name of ['gateway-node-1', 'gateway-node-2', 'gateway-node-3']) expect(result.byReplica[name]!.attempts).toBeGreaterThan(80);
    expect(result.byReplica['gateway-node-1']!.categories.unknown_ca).toBe(0);
    expect(result.byReplica['gateway-node-2']!.categories.unknown_ca).toBe(0);
    expect(result.byReplica['gateway-node-3']!.categories.unknown_ca).toBeGreaterThan(0);
    expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.95);
  }, 120_000);

  it('stale-server-cert-1-of-3-haproxy: haproxy replicas behind the haproxy balancer\'s container on the host network; handshake refusals attributed from its log', async () => {
    const { result } = await runDrillOnDocker(docker, 'stale-server-cert-1-of-3-haproxy');
    expect(result.lab.components.map((component) => component.kind)).toEqual(['gateway/haproxy', 'gateway/haproxy', 'gateway/haproxy', 'balancer/haproxy']);
    const balancer = result.lab.components.at(-1)!;
    // Bound on the host's loopback by haproxy itself (host network), not published through docker-proxy.
    expect(balancer.endpoint).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    const unknownCa = phaseRate(result, 'fault', 'unknown_ca');
    expect(unknownCa).toBeGreaterThanOrEqual(0.2);
    expect(unknownCa).toBeLessThanOrEqual(0.45);
    // No HTTP answer in a refused handshake: only the balancer's route log can name the replica.
    expect(result.errorSamples.unknown_ca).toEqual(['UNABLE_TO_GET_ISSUER_CERT_LOCALLY']);
    expect(result.byReplica['gateway-haproxy-1']!.categories.unknown_ca ?? 0).toBe(0);
    expect(result.byReplica['gateway-haproxy-2']!.categories.unknown_ca ?? 0).toBe(0);
    expect(result.byReplica['gateway-haproxy-3']!.categories.unknown_ca).toBeGreaterThan(0);
    expect(result.byPhase.baseline!.successRate).toBeGreaterThanOrEqual(0.99);
    expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.9);
  }, 150_000);
});

describe('the interceptor and the TLS terminator on the docker runtime: each in its own container', () => {
  it('interception-trusted (interception): the interceptor container re-originates TLS to the gateway\'s by name, without a client certificate: certificate_required', async () => {
    const { result } = await runDrillOnDocker(docker, 'interception-trusted', { durationMs: 6_000 });
    expect(result.lab.components.map((component) => component.kind)).toEqual(['gateway/node', 'interceptor/builtin']);
    expect(result.summary.categories.ok).toBe(0);
    expect(result.summary.categories.certificate_required / result.summary.attempts).toBeGreaterThanOrEqual(0.9);
  }, 120_000);

  it('tls-termination-drops-identity (tls-termination): the terminator container reaches the gateway container\'s backend by name; the dropped identity is refused as certificate_required', async () => {
    const { result } = await runDrillOnDocker(docker, 'tls-termination-drops-identity', { durationMs: 6_000 });
    expect(result.lab.components.map((component) => component.kind)).toEqual(['gateway/node', 'tls-terminator/builtin']);
    expect(result.summary.categories.ok).toBe(0);
    // Not http_error (502): the backend answered, and refused the request without an identity.
    expect(result.summary.categories.http_error).toBe(0);
    expect(result.summary.categories.certificate_required / result.summary.attempts).toBeGreaterThanOrEqual(0.9);
  }, 120_000);
});

describe('a team\'s own gateway config on the docker runtime: filled, checked with nginx -t / haproxy -c in the image, reloaded in the container', () => {
  for (const { drill, builtIn, faultCategories } of OWN_CONFIG_DRILLS) {
    it(`${drill} agrees with ${builtIn}`, async () => {
      const outcome = await runDrillOnDocker(docker, drill);
      expectOwnConfigDrill(outcome, faultCategories);
    }, 150_000);
  }
});
