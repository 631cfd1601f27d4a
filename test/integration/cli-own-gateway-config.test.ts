import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processesMarked } from '../support/processes.js';
import { runCli } from '../support/run-cli.js';

/**
 * `mtls-chaos run` with a team's own gateway config that cannot run: exit 2, E_LAB_CONFIG, the
 * gateway's own words at the user's file and line, and nothing left running (every process the
 * CLI started inherits MTLS_CHAOS_TEST_MARK, so /proc tells).
 */
let workDir: string;
let mark: string;
beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-own-config-'));
  mark = `MTLS_CHAOS_TEST_MARK=${workDir}`;
});
afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function runWithConfig(kind: 'nginx' | 'haproxy', config: string) {
  const configFile = kind === 'nginx' ? 'team.conf' : 'team.cfg';
  await writeFile(join(workDir, configFile), config);
  const scenario = join(workDir, 'drill.yaml');
  await writeFile(
    scenario,
    [
      'name: own-config-refused',
      'description: a team config the gateway refuses',
      `lab: { gateway: { kind: ${kind}, config: ./${configFile} } }`,
      'load: { rate: 5/s, duration: 2s }',
      'slos: ["success.rate >= 99%"]',
      '',
    ].join('\n'),
  );
  const result = await runCli(['run', scenario, '--out', join(workDir, 'reports')], {
    timeoutMs: 90_000,
    env: { ...process.env, MTLS_CHAOS_TEST_MARK: workDir },
  });
  // A lab that cannot start is a failed run: its result is written and the error is in the summary (stdout).
  return { exitCode: result.exitCode, output: `${result.stdout}\n${result.stderr}`, configFile: join(workDir, configFile) };
}

const NGINX_SERVER = (lines: string[]) =>
  ['server {', ...lines, '    ssl_certificate {{server_certificate}};', '    ssl_certificate_key {{server_key}};', '    ssl_client_certificate {{client_ca}};', '    ssl_verify_client on;', '    location / { return 200; }', '}', ''].join('\n');

describe('mtls-chaos run with an own gateway config that cannot run', () => {
  it('nginx, a syntax error: exit 2 with nginx -t\'s message at the user\'s line', async () => {
    const { exitCode, output, configFile } = await runWithConfig('nginx', NGINX_SERVER(['    listen {{listen}} ssl;', '    ssl_verify_depht 2;']));
    expect(exitCode).toBe(2);
    expect(output).toContain('error[E_LAB_CONFIG]');
    expect(output).toMatch(/unknown directive "ssl_verify_depht"/);
    expect(output).toContain(`${configFile}:3`);
    expect(await processesMarked(mark)).toBe(0);
  }, 120_000);

  it('nginx, never listening on the lab\'s port: exit 2 before nginx starts', async () => {
    const { exitCode, output } = await runWithConfig('nginx', NGINX_SERVER(['    listen 127.0.0.1:8443 ssl;']));
    expect(exitCode).toBe(2);
    expect(output).toContain('error[E_LAB_CONFIG]');
    expect(output).toMatch(/never listens on the lab's port/);
    expect(await processesMarked(mark)).toBe(0);
  }, 120_000);

  it('nginx, a missing file: exit 2 with nginx\'s own complaint naming it', async () => {
    const { exitCode, output } = await runWithConfig('nginx', NGINX_SERVER(['    listen {{listen}} ssl;', '    ssl_trusted_certificate /nonexistent/team-ca.pem;']));
    expect(exitCode).toBe(2);
    expect(output).toContain('error[E_LAB_CONFIG]');
    expect(output).toContain('/nonexistent/team-ca.pem');
    expect(await processesMarked(mark)).toBe(0);
  }, 120_000);

  it('haproxy, a missing file: exit 2 with haproxy -c\'s alert at the user\'s line', async () => {
    const { exitCode, output, configFile } = await runWithConfig(
      'haproxy',
      ['frontend edge', '    mode http', '    bind {{listen}} ssl crt {{server_pem}} ca-file /nonexistent/team-ca.pem verify required', '    http-request return status 200', ''].join('\n'),
    );
    expect(exitCode).toBe(2);
    expect(output).toContain('error[E_LAB_CONFIG]');
    expect(output).toContain('/nonexistent/team-ca.pem');
    expect(output).toContain(`${configFile}:3`);
    expect(await processesMarked(mark)).toBe(0);
  }, 120_000);
});
