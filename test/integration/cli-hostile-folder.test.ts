import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SCENARIO_BYTES } from '../../src/scenario/index.js';
import { runCli } from '../support/run-cli.js';

let workDir: string;
beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-test-hostile-'));
});
afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

const GOOD = 'name: good\ndescription: d\nlab: { gateway: { kind: node } }\nload: { rate: 1/s, duration: 2s }\n';

function billionLaughs(): string {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let level = 1; level < 9; level++) {
    levels.push(`${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(9).fill(`*${String.fromCharCode(96 + level)}`).join(',')}]`);
  }
  return `${levels.join('\n')}\n`;
}

/** One hostile file per kind of problem, and the field (if any) its error line must name. */
const HOSTILE: { file: string; content: string | Uint8Array; field?: string }[] = [
  { file: 'alias-bomb.yaml', content: billionLaughs() },
  { file: 'proto.yaml', content: `${GOOD}__proto__: { polluted: true }\n`, field: '__proto__' },
  { file: 'constructor.json', content: '{"name":"c","description":"d","constructor":{"prototype":{}},"lab":{"gateway":{"kind":"node"}},"load":{"rate":"1/s","duration":"1s"}}', field: 'constructor' },
  { file: 'binary.yaml', content: Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00]) },
  { file: 'latin1.yml', content: Buffer.from('name: caf\xe9\n', 'latin1') },
  { file: 'huge.yaml', content: `${GOOD}# ${'x'.repeat(MAX_SCENARIO_BYTES)}\n` },
  { file: 'deep.json', content: `${'['.repeat(200)}${']'.repeat(200)}` },
  { file: 'tabs.yaml', content: 'name: tabs\ndescription: d\nlab:\n\tgateway: { kind: node }\n' },
  { file: 'duplicate.yaml', content: `${GOOD}name: again\n` },
  { file: 'typo.yaml', content: GOOD.replace('duration', 'durtion'), field: 'load.durtion' },
  { file: 'wrong-type.yaml', content: GOOD.replace('rate: 1/s', 'rate: [1]'), field: 'load.rate' },
  { file: 'years.yaml', content: GOOD.replace('duration: 2s', 'duration: 100000d'), field: 'load.duration' },
  { file: 'late-fault.yaml', content: `${GOOD}faults: [{ at: 1h, kind: gateway-pause }]\n`, field: 'faults.0.at' },
  { file: 'overlap.yaml', content: `${GOOD}faults: [{ at: 0s, for: 1s, kind: gateway-pause }, { at: 500ms, for: 1s, kind: gateway-pause }]\n`, field: 'faults.1.at' },
  { file: 'throws.ts', content: "throw new Error('the drill could not compute its rate');\n" },
  { file: 'wrong-export.mts', content: 'export default [\'not\', \'a\', \'scenario\'];\n' },
  { file: 'getter.mjs', content: "export default { get name() { throw new TypeError('boom'); } };\n" },
];

describe('mtls-chaos validate over a hostile scenario folder', () => {
  it('exits 2 with one error line per file naming it (and the field), no stack trace, and the valid file still ok', async () => {
    const folder = join(workDir, 'nightly');
    await mkdir(folder);
    await writeFile(join(folder, 'good.yaml'), GOOD);
    for (const { file, content } of HOSTILE) await writeFile(join(folder, file), content);

    const started = Date.now();
    const result = await runCli(['validate', folder]);
    expect(result.exitCode).toBe(2);
    // tsx start-up plus three module scenarios on a busy machine; the point is no hang.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^ok .*good\.yaml: good: /)]);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stderr).not.toContain('E_INTERNAL');
    const errorLines = result.stderr.split('\n').filter((line) => line.startsWith('error['));
    for (const { file, field } of HOSTILE) {
      const lines = errorLines.filter((line) => line.includes(`${join(folder, file)}: `));
      expect(lines.length, `${file}: ${result.stderr}`).toBeGreaterThanOrEqual(1);
      expect(lines[0]).toMatch(/^error\[E_(SCENARIO|SLO)_[A-Z]+\]: /);
      if (field) expect(lines.some((line) => line.includes(`: ${field}: `)), `${file} names ${field}`).toBe(true);
    }
    // Nothing but error lines and indented hints.
    for (const line of result.stderr.split('\n').filter(Boolean)) expect(line).toMatch(/^(error\[|  hint: )/);
  }, 60_000);

  it('an empty folder is an error, not a silent pass', async () => {
    const empty = join(workDir, 'empty');
    await mkdir(empty);
    const result = await runCli(['validate', empty]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe(`error[E_SCENARIO_FILE]: ${empty}: no scenario files (.ts, .mts, .js, .mjs, .yaml, .yml, .json) in this folder`);
  }, 60_000);

  it('run refuses a hostile file before anything starts: no temp folder, no registry, no report', async () => {
    const privateTmp = join(workDir, 'tmp');
    await mkdir(privateTmp);
    const file = join(workDir, 'overlap.yaml');
    await writeFile(file, HOSTILE.find((entry) => entry.file === 'overlap.yaml')!.content);
    const result = await runCli(['run', file, '--out', join(workDir, 'reports')], { env: { ...process.env, TMPDIR: privateTmp } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^error\[E_SCENARIO_FAULTS\]: .*overlap\.yaml: faults\.1\.at: expected no overlap/m);
    // tsx keeps its compile cache in TMPDIR; nothing of the run may be there.
    expect((await readdir(privateTmp)).filter((name) => name.startsWith('mtls-chaos'))).toEqual([]);
    await expect(readdir(join(workDir, 'reports'))).rejects.toMatchObject({ code: 'ENOENT' });
  }, 60_000);
});
