import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLabPki, writeLabPki, type LabPkiFiles } from '../../src/pki/index.js';
import { EMPTY_NETWORK_UNSHARE, runCliWithoutNetwork, type CliResult } from '../support/run-cli.js';

/*
 * The guard on targets, through the real CLI. Every command here runs inside a fresh network
 * namespace with no interface up (runCliWithoutNetwork): even a broken guard sends no packet
 * anywhere. 192.0.2.1 is TEST-NET-1 (RFC 5737), never a real host.
 */
const TARGET = 'https://192.0.2.1:8443/';
let workDir: string;
let files: LabPkiFiles;

beforeAll(async () => {
  try {
    execFileSync('unshare', [...EMPTY_NETWORK_UNSHARE, 'true'], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`these tests need an empty network namespace: unshare ${EMPTY_NETWORK_UNSHARE.join(' ')} true failed (${(error as Error).message})`);
  }
  workDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-target-guard-'));
  files = await writeLabPki(await buildLabPki({ clients: 1 }), join(workDir, 'pki'));
});
afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const identity = () => ['--cert', files.clients[0]!.certificate, '--key', files.clients[0]!.key, '--ca', files.trustBundle];
/** Each command with the smallest load that still goes through its whole path. */
const commands: Record<string, (url: string) => string[]> = {
  probe: (url) => ['probe', url, ...identity()],
  load: (url) => ['load', url, ...identity(), '--rate', '5/s', '--duration', '1s'],
  bench: (url) => ['bench', url, ...identity(), '--slo', 'success.rate >= 99%', '--start', '20/s', '--max', '20/s', '--step', '500ms', '--warmup', '0s', '--max-steps', '1', '--min-attempts', '1', '--workers', '1'],
};
const withoutAllowEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env.MTLS_CHAOS_ALLOW_TARGETS;
  return env;
};

function expectRefused(result: CliResult, address: string): void {
  expect(result.exitCode).toBe(2);
  expect(result.stderr).toContain('error[E_TARGET_NOT_ALLOWED]');
  expect(result.stderr).toContain(`--allow-target ${address}`);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toContain('plan:');
  expect(result.stdout).toBe('');
}

/** Past the guard: the plan first, no guard error, no stack. */
function expectPastTheGuard(result: CliResult): void {
  expect(result.stderr).not.toContain('E_TARGET_NOT_ALLOWED');
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).toMatch(/^plan: \w+ 192\.0\.2\.1:8443 \(allowed by /);
}

/**
 * The empty namespace's own refusal, measured as any unreachable gateway is: ENETUNREACH at once,
 * not a timeout (which is what a packet sent down a real route to TEST-NET-1 would end in).
 */
async function expectNetworkUnreachable(command: string, result: CliResult, benchJson: string): Promise<void> {
  if (command !== 'bench') {
    expect(result.stdout).toContain('ENETUNREACH');
    return;
  }
  // bench keeps categories, not raw codes: every attempt failed as `other`, none as handshake_timeout.
  const step = JSON.parse(await readFile(benchJson, 'utf8')).steps[0];
  expect(step.attempts).toBeGreaterThan(0);
  expect(step.categories.other).toBe(step.attempts);
}

describe.each(Object.keys(commands))('%s against a target outside loopback', (command) => {
  const args = commands[command]!;

  it('exits 2 naming the flag to add, without --allow-target', async () => {
    expectRefused(await runCliWithoutNetwork(args(TARGET), { env: withoutAllowEnv() }), '192.0.2.1:8443');
  });

  it('refuses a host name before resolving it (no E_LOAD_DNS: no query was made)', async () => {
    const result = await runCliWithoutNetwork(args('https://gateway.example:8443/'), { env: withoutAllowEnv() });
    expectRefused(result, 'gateway.example:8443');
    expect(result.stderr).not.toContain('E_LOAD_DNS');
  });

  it('gets past the guard with --allow-target and fails on the network (nothing can leave the namespace)', async () => {
    const benchJson = join(workDir, `${command}-allowed.json`);
    const extra = command === 'bench' ? ['--json-out', benchJson] : [];
    const result = await runCliWithoutNetwork([...args(TARGET), ...extra, '--allow-target', '192.0.2.1:8443'], { env: withoutAllowEnv() });
    expectPastTheGuard(result);
    await expectNetworkUnreachable(command, result, benchJson);
    // Exit 1, as for any gateway that answered no attempt: the load ran; the network refused it.
    expect(result.exitCode).toBe(1);
  });
});

describe('the allow list', () => {
  it('is also read from MTLS_CHAOS_ALLOW_TARGETS', async () => {
    const result = await runCliWithoutNetwork(commands.load!(TARGET), { env: { ...withoutAllowEnv(), MTLS_CHAOS_ALLOW_TARGETS: '198.51.100.7, 192.0.2.1' } });
    expectPastTheGuard(result);
    expect(result.stdout).toContain('ENETUNREACH');
    expect(result.stderr).toContain('allowed by MTLS_CHAOS_ALLOW_TARGETS 192.0.2.1');
  });

  it('allows a port only when the entry names it, and says what is allowed', async () => {
    const result = await runCliWithoutNetwork([...commands.probe!(TARGET), '--allow-target', '192.0.2.1:9443'], { env: withoutAllowEnv() });
    expectRefused(result, '192.0.2.1:8443');
    expect(result.stderr).toContain('allowed now: 192.0.2.1:9443');
  });

  it('lets an allowed name be resolved, and only then fails on it', async () => {
    const result = await runCliWithoutNetwork([...commands.probe!('https://gateway.example:8443/'), '--allow-target', 'gateway.example'], { env: withoutAllowEnv() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('plan: probe gateway.example:8443');
    expect(result.stderr).toContain('error[E_LOAD_DNS]');
  });

  it('names the rate, the duration and the in-flight bound in the plan of a permitted load', async () => {
    const result = await runCliWithoutNetwork([...commands.load!(TARGET), '--allow-target', '192.0.2.1', '--max-in-flight', '7'], { env: withoutAllowEnv() });
    const plan = result.stderr.split('\n')[0]!;
    expect(plan).toContain('allowed by --allow-target 192.0.2.1');
    expect(plan).toContain('5/s for 1s (5 attempts)');
    expect(plan).toContain('7 in flight at most');
    expect(plan).toContain('hard caps 100000/s, 10000 in flight');
  });

  it('is not needed for loopback, which gets no plan line either', async () => {
    for (const url of ['https://127.0.0.1:9/', 'https://localhost:9/', 'https://[::1]:9/']) {
      // lo is down in the namespace: the attempt fails on the network, past the guard.
      const result = await runCliWithoutNetwork(commands.probe!(url), { env: withoutAllowEnv() });
      expect(result.stderr).not.toContain('E_TARGET_NOT_ALLOWED');
      expect(result.stderr).not.toContain('plan:');
      expect(result.exitCode).toBe(1);
    }
  });
});

describe('run with a scenario whose gateway the team runs (lab.gateway.kind external)', () => {
  const scenarioAt = async (address: string): Promise<string> => {
    const dir = await mkdtemp(join(workDir, 'external-'));
    await writeFile(join(dir, 'team-ca.pem'), await readFile(files.trustBundle));
    // pki.issuer, for probe and load --scenario: the lab intermediate stands in for a team's CA.
    await writeFile(join(dir, 'issuer.crt.pem'), await readFile(files.intermediateCertificate));
    await writeFile(join(dir, 'issuer.key.pem'), await readFile(files.intermediateKey));
    const file = join(dir, 'drill.yaml');
    await writeFile(
      file,
      [
        'name: external-guard',
        'description: A drill aimed at a gateway outside loopback.',
        'pki: { issuer: { certificate: issuer.crt.pem, key: issuer.key.pem } }',
        'lab:',
        `  gateway: { kind: external, address: "${address}", ca: team-ca.pem }`,
        'load: { rate: 5/s, duration: 1s }',
        'slos: ["success.rate >= 99%"]',
        '',
      ].join('\n'),
    );
    return file;
  };

  it('exits 2 naming the flag, before anything starts', async () => {
    const result = await runCliWithoutNetwork(['run', await scenarioAt('192.0.2.1:8443'), '--out', join(workDir, 'reports'), '--quiet'], { env: withoutAllowEnv() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('error[E_TARGET_NOT_ALLOWED]: run: target 192.0.2.1:8443 is outside loopback');
    expect(result.stderr).toContain('--allow-target 192.0.2.1:8443');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).not.toContain('load started');
  });

  it('probe --scenario and load --scenario exit 2 naming the flag too', async () => {
    const file = await scenarioAt('192.0.2.1:8443');
    for (const args of [['probe', '--scenario', file], ['load', '--scenario', file, '--rate', '5/s', '--duration', '1s']]) {
      const result = await runCliWithoutNetwork(args, { env: withoutAllowEnv() });
      expectRefused(result, '192.0.2.1:8443');
    }
  });

  it('gets past the guard with --allow-target, says so in the plan, and fails on the network', async () => {
    const result = await runCliWithoutNetwork(['run', await scenarioAt('192.0.2.1:8443'), '--out', join(workDir, 'reports'), '--quiet', '--allow-target', '192.0.2.1:8443'], {
      env: withoutAllowEnv(),
    });
    expect(result.stderr).not.toContain('E_TARGET_NOT_ALLOWED');
    expect(result.stdout).toContain('target   192.0.2.1:8443 outside loopback (allowed by --allow-target 192.0.2.1:8443)');
    expect(result.stdout).toContain('external gateway (at 192.0.2.1:8443, run by your team: the lab starts none)');
    // Every attempt fails on the empty namespace's network: the SLO is breached (exit 1).
    expect(result.exitCode).toBe(1);
  });
});
