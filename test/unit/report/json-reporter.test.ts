import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { JsonReporter, createReporter, writeReports, writeFileAtomic } from '../../../src/report/index.js';
import { fixtureRunResult } from './fixtures/run-result.js';

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-report-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('JsonReporter', () => {
  it('writes result.json, pretty, round-tripping the result', async () => {
    const dir = await tempDir();
    const path = await new JsonReporter().write(fixtureRunResult(), dir);
    expect(path).toBe(join(dir, 'result.json'));
    const text = await readFile(path, 'utf8');
    expect(text.startsWith('{\n  "schemaVersion": 1,\n')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(fixtureRunResult());
  });

  it('replaces an existing result.json whole and leaves no temporary file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'result.json'), 'old, much longer content '.repeat(1_000));
    await new JsonReporter().write(fixtureRunResult(), dir);
    expect(JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')).scenario.name).toBe('expired-client');
    expect(await readdir(dir)).toEqual(['result.json']);
  });
});

describe('writeFileAtomic', () => {
  it('leaves the old file intact and no temporary file when the write fails', async () => {
    if (process.getuid?.() === 0) return; // root ignores directory permissions
    const dir = await tempDir();
    const target = join(dir, 'result.json');
    await writeFile(target, 'previous');
    await chmod(dir, 0o500);
    onTestFinished(() => chmod(dir, 0o700));
    await expect(writeFileAtomic(target, 'next')).rejects.toMatchObject({ code: 'EACCES' });
    await chmod(dir, 0o700);
    expect(await readFile(target, 'utf8')).toBe('previous');
    expect(await readdir(dir)).toEqual(['result.json']);
  });

  it('cleans its temporary file when the rename fails', async () => {
    const dir = await tempDir();
    const target = join(dir, 'result.json');
    await mkdir(target); // renaming a file over a directory fails
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['result.json']);
  });
});

describe('writeReports', () => {
  it('creates the run folder and writes the default reports', async () => {
    const dir = join(await tempDir(), 'reports', 'expired-client-20250102T030405Z');
    const paths = await writeReports(fixtureRunResult(), dir);
    expect(paths).toEqual([join(dir, 'result.json'), join(dir, 'report.html'), join(dir, 'junit.xml'), join(dir, 'summary.md')]);
    expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.html', 'result.json', 'summary.md']);
  });

  it('writes only the reporters named', async () => {
    const dir = await tempDir();
    expect(await writeReports(fixtureRunResult(), dir, ['markdown'])).toEqual([join(dir, 'summary.md')]);
  });

  it('refuses an unknown reporter before writing anything', async () => {
    const dir = join(await tempDir(), 'run');
    await expect(writeReports(fixtureRunResult(), dir, ['json', 'pdf'])).rejects.toMatchObject({
      code: 'E_REPORTER_UNKNOWN',
      hint: 'choose from: json, html, junit, markdown',
    });
    await expect(readdir(dir)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() => createReporter('pdf')).toThrow('unknown reporter "pdf"');
    expect(createReporter('json').name).toBe('json');
  });

  it('a report it cannot write (a folder where summary.md goes): E_REPORT_WRITE naming it, not E_INTERNAL', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'summary.md'));
    await expect(writeReports(fixtureRunResult(), dir, ['markdown'])).rejects.toMatchObject({
      code: 'E_REPORT_WRITE',
      file: join(dir, 'summary.md'),
      message: 'cannot write the markdown report: it is a folder, not a file (EISDIR)',
    });
  });

  it('a folder that is a file: E_OUT_DIR', async () => {
    const file = join(await tempDir(), 'reports');
    await writeFile(file, 'x');
    await expect(writeReports(fixtureRunResult(), file)).rejects.toMatchObject({ code: 'E_OUT_DIR', file });
  });
});
