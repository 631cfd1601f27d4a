import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { RunResult } from '../../src/result/index.js';
import { runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { runDrill } from '../support/run-drill.js';

/** Every attempt (all of them intercepted) was refused, nearly all with `category`. */
function expectEveryInterceptedAttemptRefused(result: RunResult, category: 'certificate_required' | 'unknown_ca'): void {
  const fault = result.byPhase.fault!;
  expect(result.status).toBe('completed');
  expect(result.byPhase.baseline).toBeUndefined();
  expect(fault.attempts).toBeGreaterThan(200);
  expect(fault.categories.ok).toBe(0);
  expect(fault.categories[category] / fault.attempts).toBeGreaterThanOrEqual(0.95);
  // Besides the expected refusal, only the few passthrough connections reset by the switch and
  // (trusted) the few attempts that met the interceptor before their trust store gained its CA.
  const allowed = new Set([category, 'connection_reset', 'unknown_ca']);
  const unexpected = Object.entries(fault.categories).filter(([name, count]) => !allowed.has(name) && count > 0);
  expect(unexpected).toEqual([]);
  expect(result.verdict).toBe('pass');
}

describe('drills interception-*', () => {
  it('node, clients trust the interceptor: the gateway sees no client certificate and refuses (496 certificate_required)', async () => {
    const { result, exitCode } = await runDrill('interception-trusted');
    expect(result.faults[0]).toMatchObject({ kind: 'interception', description: 'TLS interception, clients trust the interception CA' });
    expect(result.lab.components.map((component) => component.kind)).toContain('interceptor/builtin');
    expectEveryInterceptedAttemptRefused(result, 'certificate_required');
    expect(exitCode).toBe(0);
  }, 90_000);

  it('node, clients do not trust the interceptor: they refuse its certificate (unknown_ca)', async () => {
    const { result, exitCode } = await runDrill('interception-untrusted');
    expectEveryInterceptedAttemptRefused(result, 'unknown_ca');
    expect(result.byPhase.fault!.categories.certificate_required).toBe(0);
    expect(exitCode).toBe(0);
  }, 90_000);

  it('nginx, clients trust the interceptor: 400 "No required SSL certificate was sent", read from its log as certificate_required', async () => {
    const { result, exitCode } = await runDrill('interception-trusted-nginx');
    expectEveryInterceptedAttemptRefused(result, 'certificate_required');
    expect(exitCode).toBe(0);
  }, 90_000);

  it('nginx, clients do not trust the interceptor: they refuse it before nginx is involved (unknown_ca)', async () => {
    const { result, exitCode } = await runDrill('interception-untrusted-nginx');
    expectEveryInterceptedAttemptRefused(result, 'unknown_ca');
    expect(exitCode).toBe(0);
  }, 90_000);

  it('heals: the interceptor relays untouched again and the clients trust only the lab root again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-interception-heal-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'interception-heal.yaml');
    await writeFile(
      file,
      [
        'name: interception-heal',
        'description: interception for 4 s, then healed',
        'lab: { gateway: { kind: node }, interceptor: { kind: builtin } }',
        'pki: { clients: 2 }',
        'load: { rate: 30/s, duration: 12s, timeout: 3s }',
        'faults: [{ at: 3s, for: 4s, kind: interception, clientsTrustInterceptor: true }]',
        '',
      ].join('\n'),
    );
    const { result } = await runScenario(await loadScenario(file), { outDir: dir, signal: AbortSignal.timeout(60_000) });
    expect(result.faults[0]!.healedAtMs).toBeDefined();
    expect(result.byPhase.fault!.categories.certificate_required).toBeGreaterThan(50);
    // After the heal: straight through to the gateway, client certificates and all.
    const recovery = result.byPhase.recovery!;
    expect(recovery.attempts).toBeGreaterThan(100);
    expect(recovery.successRate).toBeGreaterThanOrEqual(0.99);
    // At most an attempt or two that met the interceptor in the moment between the planned heal and the switch back.
    expect(recovery.categories.certificate_required).toBeLessThanOrEqual(2);
    expect(recovery.categories.unknown_ca).toBe(0);
    expect(result.recovery?.timeMs).toBeLessThan(3_000);
  }, 90_000);
});
