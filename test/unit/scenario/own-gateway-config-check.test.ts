import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError, loadScenario } from '../../../src/scenario/index.js';
import { tempDir } from './scenario-fixtures.js';

const NGINX_WITHOUT_OCSP = ['server {', '    listen {{listen}} ssl;', '    ssl_certificate {{server_certificate}};', '    ssl_certificate_key {{server_key}};', '    ssl_client_certificate {{client_ca}};', '    ssl_verify_client on;', '}', ''].join('\n');

async function drillWith(config: string, lines: string[]): Promise<string> {
  const dir = await tempDir();
  await writeFile(join(dir, 'team.conf'), config);
  const file = join(dir, 'drill.yaml');
  await writeFile(file, ['name: own', 'description: own config', ...lines, 'load: { rate: 5/s, duration: 10s }', ''].join('\n'));
  return file;
}

describe('checking a team\'s own gateway config before the run', () => {
  it('refuses a fault the config makes meaningless, naming the fault and the missing directive', async () => {
    const file = await drillWith(NGINX_WITHOUT_OCSP, [
      'lab: { gateway: { kind: nginx, config: ./team.conf, crl: true }, ocspResponder: { kind: builtin } }',
      'faults: [{ at: 2s, for: 2s, kind: ocsp-outage, mode: down }, { at: 5s, for: 2s, kind: revocation, identity: 0, via: crl }]',
    ]);
    const error = await loadScenario(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).problems.map((problem) => `${problem.path.join('.')}: ${problem.message}`)).toEqual([
      `faults.0.kind: fault ocsp-outage changes nothing on your gateway config ${join(file, '..', 'team.conf')}: it never checks client certificates with OCSP (no ssl_ocsp leaf (or on) with ssl_ocsp_responder {{ocsp_responder}}); add it, or drop the fault`,
      `faults.1.kind: fault revocation changes nothing on your gateway config ${join(file, '..', 'team.conf')}: it checks no CRL (no ssl_crl {{crl}}); add it with lab.gateway.crl: true, or use via "ocsp"`,
    ]);
  });

  it('accepts the fault once the config has the directive, and resolves the path against the scenario', async () => {
    const config = NGINX_WITHOUT_OCSP.replace('    ssl_verify_client on;', '    ssl_verify_client on;\n    ssl_ocsp leaf;\n    ssl_ocsp_responder {{ocsp_responder}};');
    const file = await drillWith(config, ['lab: { gateway: { kind: nginx, config: ./team.conf }, ocspResponder: { kind: builtin } }', 'faults: [{ at: 2s, for: 2s, kind: ocsp-outage, mode: down }]']);
    const scenario = await loadScenario(file);
    expect(scenario.lab.gateway.config).toBe(join(file, '..', 'team.conf'));
  });

  it('refuses OCSP settings beside a config (the config decides) and a tls-policy fault', async () => {
    const file = await drillWith(NGINX_WITHOUT_OCSP, [
      'lab: { gateway: { kind: nginx, config: ./team.conf, ocsp: { mode: hard-fail } }, ocspResponder: { kind: builtin } }',
      'faults: [{ at: 2s, for: 2s, kind: tls-policy, minVersion: TLSv1.3 }]',
    ]);
    const error = (await loadScenario(file).catch((caught: unknown) => caught)) as ScenarioError;
    expect(error.problems.map((problem) => problem.path.join('.'))).toEqual(['lab.gateway.ocsp.mode', 'faults.0.kind']);
    expect(error.problems[1]!.message).toMatch(/cannot narrow the TLS policy of your own gateway config/);
  });

  it('a missing config file is named with the field', async () => {
    const dir = await tempDir();
    const file = join(dir, 'drill.yaml');
    await writeFile(file, 'name: own\ndescription: d\nlab: { gateway: { kind: haproxy, config: ./missing.cfg } }\nload: { rate: 5/s, duration: 2s }\n');
    await expect(loadScenario(file)).rejects.toMatchObject({ code: 'E_LAB_CONFIG', file: join(dir, 'missing.cfg'), message: 'no such file' });
  });
});
