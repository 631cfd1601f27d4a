import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseStats } from '../../../../src/lab/components/mitmproxy-interceptor.js';
import { MITMPROXY_ADDON_SOURCE, mitmdumpCommand, startLab, type MitmdumpInput } from '../../../../src/lab/index.js';
import { buildLabPki } from '../../../../src/pki/index.js';
import { validateScenario } from '../../../../src/scenario/index.js';
import { problemLines, validInput } from '../../scenario/scenario-fixtures.js';

const INPUT: MitmdumpInput = {
  upstream: { host: 'gateway-node', port: 8443 },
  upstreamServername: 'localhost',
  upstreamCaFile: '/tmp/run/pki/interceptor-mitmproxy-upstream-ca.pem',
  bind: { host: '0.0.0.0', port: 8443 },
  confDir: '/tmp/run/pki/interceptor-mitmproxy-conf',
  leafFile: '/tmp/run/pki/interceptor-mitmproxy-leaf.pem',
  stateDir: '/tmp/run/components/interceptor-mitmproxy',
  addonFile: '/tmp/run/components/interceptor-mitmproxy/interceptor_addon.py',
  logFile: '/tmp/run/components/interceptor-mitmproxy.log',
};

/** The value after each `--set` / flag, as mitmdump reads them. */
function optionsOf(command: string[]): { sets: string[]; flags: Map<string, string> } {
  const sets: string[] = [];
  const flags = new Map<string, string>();
  for (let index = 0; index < command.length - 1; index++) {
    const arg = command[index]!;
    if (arg === '--set') sets.push(command[index + 1]!);
    else if (arg.startsWith('-')) flags.set(arg, command[index + 1]!);
  }
  return { sets, flags };
}

describe('mitmdump command of the mitmproxy interceptor', () => {
  it('execs mitmdump from a shell that only redirects its output to the log file (no path inside a shell string)', () => {
    const command = mitmdumpCommand(INPUT);
    expect(command.slice(0, 5)).toEqual(['sh', '-c', 'exec "$@" >>"$0" 2>&1', INPUT.logFile, 'mitmdump']);
  });

  it('reverse mode to the gateway container, listening where the runtime binds, with our addon and state folder', () => {
    const { sets, flags } = optionsOf(mitmdumpCommand(INPUT));
    expect(flags.get('--mode')).toBe('reverse:https://gateway-node:8443');
    expect(flags.get('--listen-host')).toBe('0.0.0.0');
    expect(flags.get('--listen-port')).toBe('8443');
    expect(flags.get('-s')).toBe(INPUT.addonFile);
    expect(sets).toContain(`mtls_chaos_state_dir=${INPUT.stateDir}`);
    expect(sets).toContain('mtls_chaos_upstream_sni=localhost');
  });

  it('serves the interception leaf for every name, checks the gateway against the lab root, and sends no client certificate upstream', () => {
    const command = mitmdumpCommand(INPUT);
    const { sets, flags } = optionsOf(command);
    expect(flags.get('--certs')).toBe(`*=${INPUT.leafFile}`);
    expect(sets).toContain(`confdir=${INPUT.confDir}`);
    expect(sets).toContain(`ssl_verify_upstream_trusted_ca=${INPUT.upstreamCaFile}`);
    expect(sets).not.toContain('ssl_insecure=true');
    // The identity is what an interceptor cannot forward: no client_certs option at all.
    expect(command.join(' ')).not.toMatch(/client_certs/);
    // The gateway is dialled after the client's handshake; the Host header is left as the client sent it.
    expect(sets).toEqual(expect.arrayContaining(['connection_strategy=lazy', 'keep_host_header=true']));
  });
});

describe('the addon', () => {
  it('is the package\'s own file (the run copies it next to its state, the image\'s copy may be older)', async () => {
    const source = await readFile(MITMPROXY_ADDON_SOURCE, 'utf8');
    expect(source).toMatch(/def tls_clienthello\(self, data\)/);
    expect(source).toMatch(/^addons = \[Interceptor\(\)\]$/m);
  });
});

describe('the addon\'s stats file', () => {
  const good = { mode: 'intercept', passedThrough: 3, intercepted: 5, clientHandshakeFailures: 1, upstreamFailures: 0, resetAtSwitch: 2, open: 1 };

  it('is read as the interceptor\'s stats', () => {
    expect(parseStats(JSON.stringify(good), 'stats.json')).toEqual(good);
  });

  it('refuses an unknown mode or a counter that is not a count, naming the file and the field', () => {
    expect(() => parseStats(JSON.stringify({ ...good, mode: 'sniff' }), '/run/stats.json')).toThrow(/\/run\/stats\.json: expected mode passthrough or intercept, got "sniff"/);
    expect(() => parseStats(JSON.stringify({ ...good, intercepted: -1 }), 'stats.json')).toThrow(/expected intercepted a count, got -1/);
    const { open: _open, ...withoutOpen } = good;
    expect(() => parseStats(JSON.stringify(withoutOpen), 'stats.json')).toThrow(/expected open a count, got undefined/);
  });
});

describe('lab.interceptor kind mitmproxy', () => {
  it('is a valid scenario value, and an unknown kind names both', () => {
    const input = validInput() as Record<string, any>;
    input.lab = { gateway: { kind: 'node' }, interceptor: { kind: 'mitmproxy' } };
    expect(validateScenario(input, 'drill.yaml').lab.interceptor).toEqual({ kind: 'mitmproxy' });
    input.lab.interceptor = { kind: 'squid' };
    expect(problemLines(input)).toEqual(['lab.interceptor.kind: expected "builtin" or "mitmproxy", got "squid"']);
  });

  it('on the local runtime: refused before anything starts, naming the field and --runtime docker', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-mitmproxy-local-'));
    onTestFinished(() => rm(workDir, { recursive: true, force: true }));
    const pki = await buildLabPki({ clients: 1 });
    await expect(
      startLab({ gateway: { kind: 'node' }, interceptor: { kind: 'mitmproxy' } }, pki, { workDir, signal: AbortSignal.timeout(10_000), runId: `test-${process.pid}` }),
    ).rejects.toMatchObject({ code: 'E_LAB_MITMPROXY_RUNTIME', path: ['lab', 'interceptor', 'kind'], hint: expect.stringContaining('--runtime docker') });
    expect(await readdir(workDir)).toEqual([]);
  });
});
