import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabError, gatewayKinds } from '../../../../src/lab/index.js';
import { validateScenario } from '../../../../src/scenario/index.js';
import { problemLines, tempDir, validInput } from '../../scenario/scenario-fixtures.js';

const external = { kind: 'external', address: '127.0.0.1:8443', ca: 'team-ca.pem' };

function withExternal(extra: Record<string, unknown> = {}, faults: unknown[] = []): Record<string, unknown> {
  return { ...validInput(), lab: { gateway: external, ...extra }, load: { rate: '10/s', duration: '30s' }, faults };
}

describe('lab.gateway.kind external', () => {
  it('takes address, servername and ca, and resolves ca against the scenario folder', () => {
    const scenario = validateScenario({ ...withExternal(), lab: { gateway: { ...external, servername: 'gw.staging.example' } } }, '/drills/team/drill.yaml');
    expect(scenario.lab.gateway).toMatchObject({ kind: 'external', address: '127.0.0.1:8443', servername: 'gw.staging.example', ca: '/drills/team/team-ca.pem' });
  });

  it('requires address and ca, with a port, and a ca inside the scenario folder', () => {
    expect(problemLines({ ...validInput(), lab: { gateway: { kind: 'external' } } })).toEqual([
      expect.stringMatching(/^lab\.gateway\.address: is required with lab\.gateway\.kind "external"/),
      expect.stringMatching(/^lab\.gateway\.ca: is required with lab\.gateway\.kind "external"/),
    ]);
    expect(problemLines({ ...validInput(), lab: { gateway: { ...external, address: 'gw.example' } } })).toEqual([
      'lab.gateway.address: expected host:port with a port, got "gw.example"; e.g. "gw.example:443"',
    ]);
    expect(problemLines({ ...validInput(), lab: { gateway: { ...external, ca: '../../etc/ssl/ca.pem' } } })).toEqual([
      expect.stringMatching(/^lab\.gateway\.ca: expected a path inside the scenario's folder/),
    ]);
  });

  it('refuses its fields on another kind, and what only a gateway the lab runs can do', () => {
    expect(problemLines({ ...validInput(), lab: { gateway: { kind: 'node', address: '127.0.0.1:1' } } })).toEqual([
      'lab.gateway.address: is an external gateway option, and lab.gateway.kind is "node"; remove it or use kind "external"',
    ]);
    const lines = problemLines({
      ...validInput(),
      lab: { gateway: { ...external, replicas: 2, crl: true, ocsp: { mode: 'hard-fail' }, config: 'x.conf' }, balancer: { kind: 'builtin' }, ocspResponder: { kind: 'builtin' } },
    });
    const notOurs = 'the lab does not run this gateway (it is the team\'s, at lab.gateway.address)';
    expect(lines).toEqual(
      expect.arrayContaining([
        `lab.gateway.ocsp.mode: expected "off" with lab.gateway.kind "external", got "hard-fail": ${notOurs}`,
        `lab.gateway.config: is not available with lab.gateway.kind "external": ${notOurs}`,
        `lab.gateway.replicas: expected 1 with lab.gateway.kind "external", got 2: ${notOurs}`,
        `lab.balancer: is not available with lab.gateway.kind "external": ${notOurs}`,
        `lab.gateway.crl: expected false with lab.gateway.kind "external": ${notOurs}; its own CRL settings apply`,
      ]),
    );
  });

  it('refuses, naming the fault, every fault that acts on the gateway itself', () => {
    const serverSide = [
      { at: '1s', kind: 'gateway-pause' },
      { at: '2s', kind: 'expiry', target: 'server' },
      { at: '3s', kind: 'not-yet-valid', target: 'intermediate' },
      { at: '4s', kind: 'tls-policy', minVersion: 'TLSv1.3' },
      { at: '5s', kind: 'ca-rotation', ca: 'intermediate' },
      { at: '6s', kind: 'network', link: 'gateway-ocsp', toxic: 'blackhole' },
    ];
    const lines = problemLines(withExternal({}, serverSide));
    for (const [index, fault] of serverSide.entries()) {
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^faults\\.${index}\\.kind: fault ${fault.kind} needs a gateway the lab runs, and lab.gateway.kind is "external": the lab does not run this gateway`)));
    }
  });

  it('keeps the faults that act from the harness side', () => {
    const scenario = validateScenario(
      withExternal({ links: [{ between: 'client-gateway' }] }, [
        { at: '1s', for: '3s', kind: 'expiry', target: 'client' },
        { at: '6s', for: '3s', kind: 'not-yet-valid', target: 'client' },
        { at: '11s', for: '3s', kind: 'network', link: 'client-gateway', toxic: 'partition' },
        { at: '16s', for: '3s', kind: 'identity-drift', san: 'spiffe://example.org/ns/other/sa/x' },
        { at: '21s', for: '3s', kind: 'command', inject: 'true', heal: 'true' },
        { at: '24s', for: '2s', kind: 'untrusted-issuer' },
        { at: '27s', for: '2s', kind: 'tls-policy', side: 'clients', maxVersion: 'TLSv1.2' },
      ]),
      '/drills/drill.yaml',
    );
    expect(scenario.faults.map((fault) => fault.kind)).toEqual(['expiry', 'not-yet-valid', 'network', 'identity-drift', 'command', 'untrusted-issuer', 'tls-policy']);
  });

  it('revokes and breaks OCSP through the harness\'s own responder (lab.ocspResponder builtin, on a port of its choosing or a fixed one)', () => {
    const faults = [
      { at: '1s', for: '3s', kind: 'revocation', identity: 0 },
      { at: '6s', for: '3s', kind: 'ocsp-outage', mode: 'down' },
    ];
    const scenario = validateScenario(withExternal({ ocspResponder: { kind: 'builtin', port: 18_443 } }, faults), '/drills/drill.yaml');
    expect(scenario.faults.map((fault) => fault.kind)).toEqual(['revocation', 'ocsp-outage']);
    expect(scenario.lab.ocspResponder).toEqual({ kind: 'builtin', port: 18_443 });
    // Without the responder: the fault says what to add, and why the team's gateway would find it.
    expect(problemLines(withExternal({}, faults))).toEqual([
      expect.stringMatching(/^faults\.0\.kind: fault revocation needs lab\.ocspResponder: \{ kind: builtin \}: the harness runs it and names it in the AIA of its client certificates/),
      expect.stringMatching(/^faults\.1\.kind: fault ocsp-outage needs lab\.ocspResponder: \{ kind: builtin \}/),
    ]);
  });

  it('refuses a CRL revocation, an openssl responder, a gateway-ocsp link, and a responder port on a lab gateway', () => {
    expect(problemLines(withExternal({ ocspResponder: { kind: 'builtin' } }, [{ at: '1s', kind: 'revocation', via: 'crl' }]))).toEqual([
      expect.stringMatching(/^faults\.0\.kind: fault revocation via "crl" needs a gateway the lab runs .* use via: ocsp/),
    ]);
    expect(problemLines(withExternal({ ocspResponder: { kind: 'openssl' } }))).toEqual([
      expect.stringMatching(/^lab\.ocspResponder\.kind: expected "builtin" with lab\.gateway\.kind external: its URL goes into the client certificates' AIA/),
    ]);
    expect(problemLines(withExternal({ ocspResponder: { kind: 'builtin' }, links: [{ between: 'gateway-ocsp' }] }))).toContainEqual(
      expect.stringMatching(/^lab\.links: a gateway-ocsp link needs a gateway the lab runs/),
    );
    expect(problemLines({ ...validInput(), lab: { gateway: { kind: 'node' }, ocspResponder: { kind: 'builtin', port: 18_443 } } })).toEqual([
      'lab.ocspResponder.port: applies to lab.gateway.kind external only: the lab wires its own gateways to the responder; remove port',
    ]);
  });

  it('starts no process: points at the address, trusts the ca file, cannot be reloaded', async () => {
    const dir = await tempDir();
    const ca = join(dir, 'ca.pem');
    await writeFile(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const definition = gatewayKinds.definition('external');
    expect(() => definition.preflight({ kind: 'external', address: '192.0.2.1:8443', ca }, 'docker')).toThrow(LabError);
    const gateway = await definition.start({ kind: 'external', address: 'gw.staging.example:8443', ca }, {} as never);
    expect(gateway).toMatchObject({ host: 'gw.staging.example', port: 8443, servername: 'gw.staging.example', kind: 'external' });
    expect(gateway.caPem).toContain('BEGIN CERTIFICATE');
    expect(gateway.pids()).toEqual([]);
    await expect(gateway.reload()).rejects.toThrow(/cannot reload a gateway the lab does not own/);
    await gateway.stop();
  });
});
