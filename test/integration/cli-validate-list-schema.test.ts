import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REGENERATE_SCHEMA_COMMAND, scenarioJsonSchemaText } from '../../src/scenario/index.js';
import { runCli } from '../support/run-cli.js';
import { faultKinds } from '../../src/faults/index.js';

const GOOD = `name: good
description: A good drill.
lab: { gateway: { kind: node } }
load: { rate: 20/s, duration: 2s }
slos: [ "success.rate >= 99%" ]
`;

const BAD = `name: Bad Name
description: A bad drill.
lab: { gateway: { kind: envoy } }
load: { rate: fast, durtion: 2s }
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-cli-validate-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, content: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, content);
  return file;
}

describe('mtls-chaos validate', () => {
  it('exits 0 and prints one plan line per valid file, the built-in drills included', async () => {
    const good = await write('good.yaml', GOOD);
    const result = await runCli(['validate', good, 'scenarios/baseline.ts', 'scenarios/baseline-nginx.ts', 'scenarios/examples/baseline.yaml']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(`ok ${good}: good: node gateway; open loop at 20/s for 2s (40 attempts); 4 identities; 0 faults; 1 SLO`);
    expect(lines[1]).toMatch(/^ok scenarios\/baseline\.ts: baseline: node gateway \(OCSP soft-fail.*\) \+ builtin OCSP responder; open loop at 50\/s for 30s/);
    expect(lines[2]).toMatch(/^ok scenarios\/baseline-nginx\.ts: baseline-nginx: nginx gateway; open loop at 50\/s for 30s/);
  });

  it('--plan prints the whole plan under the ok line', async () => {
    const result = await runCli(['validate', '--plan', 'scenarios/baseline.ts']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/\n {2}lab {6}node gateway/);
    expect(result.stdout).toMatch(/\n {2}slos {5}success\.rate >= 99\.9% \(whole run\)/);
  });

  it('exits 2 and prints every problem on its own line with file, field path, expected and found', async () => {
    const bad = await write('bad.yaml', BAD);
    const result = await runCli(['validate', bad]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      `error[E_SCENARIO_FIELD]: ${bad}: name: expected lower-case letters, digits and dashes, starting with a letter or digit, got "Bad Name"`,
      `error[E_SCENARIO_FIELD]: ${bad}: lab.gateway.kind: expected one of "node", "nginx", "haproxy", "external", got "envoy"`,
      `error[E_SCENARIO_FIELD]: ${bad}: load.rate: expected a rate like "50/s" (a number, a slash, and s, m or h), got "fast"`,
      `error[E_SCENARIO_FIELD]: ${bad}: load.durtion: unknown field; did you mean "duration"?`,
      `error[E_SCENARIO_FIELD]: ${bad}: load.duration: is required with load.rate: expected a duration like "30s"`,
      expect.stringMatching(/^ {2}hint: `mtls-chaos schema` prints every field/),
    ]);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace without --debug
  });

  it('exits 2 when any file is invalid, still reporting the valid ones', async () => {
    const good = await write('good.yaml', GOOD);
    const duplicate = await write('dup.yaml', `${GOOD}name: again\n`);
    const result = await runCli(['validate', good, join(dir, 'missing.yaml'), duplicate]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toMatch(new RegExp(`^ok ${good}: good: `));
    expect(result.stderr).toContain(`error[E_SCENARIO_FILE]: ${join(dir, 'missing.yaml')}: cannot read it: no such file or folder (ENOENT)`);
    expect(result.stderr).toContain(`error[E_SCENARIO_SYNTAX]: ${duplicate}: duplicate key: Map keys must be unique at line 6, column 1`);
  });

  it('names the code of problems that are not field values: SLO syntax, module exports; and unknown fault kinds', async () => {
    const notYet = await write('not-yet.yaml', `${GOOD}runtime: docker\nfaults: [ { at: 5s, kind: meteor-strike } ]\n`);
    const slo = await write('slo.yaml', GOOD.replace('success.rate >= 99%', 'sucess.rate >= 99%'));
    const noDefault = await write('no-default.ts', `export const drill = {};\n`);
    const result = await runCli(['validate', notYet, slo, noDefault]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).not.toContain('runtime');
    expect(result.stderr).toMatch(new RegExp(`error\\[E_SCENARIO_FIELD\\]: ${notYet}: faults\\.0\\.kind: expected one of .*"gateway-pause".*got "meteor-strike"`));
    expect(result.stderr).toMatch(new RegExp(`error\\[E_SLO_SYNTAX\\]: ${slo}: slos\\.0: .*did you mean "success\\.rate"`));
    expect(result.stderr).toContain(`error[E_SCENARIO_EXPORT]: ${noDefault}: has no default export`);
    expect(result.stderr).toContain('hint: a TypeScript scenario ends with `export default defineScenario({...})`');
  });

  it('exits 2 without a file argument', async () => {
    const result = await runCli(['validate']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/missing required argument/);
  });
});

describe('mtls-chaos list', () => {
  it('lists the built-in drills with their one-line descriptions, aligned', async () => {
    // Every TypeScript drill is compiled on first load: ~45 drills take a while on 2 busy cores.
    const result = await runCli(['list'], { timeoutMs: 200_000 });
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const baseline = lines.find((line) => line.startsWith('baseline '));
    const nginx = lines.find((line) => line.startsWith('baseline-nginx '));
    expect(baseline).toMatch(/scenarios\/baseline\.ts\s+Healthy node gateway with OCSP soft-fail/);
    expect(nginx).toMatch(/scenarios\/baseline-nginx\.ts\s+Healthy nginx gateway/);
    // Aligned: every summary starts in the same column.
    const column = (line: string | undefined) => line?.indexOf('Healthy');
    expect(column(baseline)).toBe(column(nginx));
  }, 240_000);

  it('--dir lists another folder and exits 2 if a file in it is invalid', async () => {
    await write('good.yaml', GOOD);
    await write('bad.yaml', BAD);
    const result = await runCli(['list', '--dir', dir]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toMatch(/^good {2}.*good\.yaml {2}A good drill\.$/m);
    expect(result.stderr).toContain('load.durtion: unknown field; did you mean "duration"?');
  });

  it('--faults lists every kind of the fault registry with its summary', async () => {
    const result = await runCli(['list', '--faults']);
    expect(result.exitCode).toBe(0);
    const kinds = result.stdout.trim().split('\n').map((line) => line.split(/\s+/)[0]);
    expect(kinds).toEqual([...faultKinds()].sort());
    expect(result.stdout).toMatch(/^ocsp-outage {2,}the OCSP responder goes down/m);
  });
});

describe('mtls-chaos schema', () => {
  it('prints the JSON Schema, and --out writes it', async () => {
    const printed = await runCli(['schema']);
    expect(printed.exitCode).toBe(0);
    expect(printed.stdout).toBe(scenarioJsonSchemaText());
    const out = join(dir, 'nested', 'scenario.schema.json');
    const written = await runCli(['schema', '--out', out]);
    expect(written.exitCode).toBe(0);
    expect(await readFile(out, 'utf8')).toBe(scenarioJsonSchemaText());
    expect(REGENERATE_SCHEMA_COMMAND).toContain('schema --out scenarios/scenario.schema.json');
  });
});
