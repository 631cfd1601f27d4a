import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createOutputDir } from '../../src/output-dir.js';

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-out-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('createOutputDir', () => {
  it('creates the folder and its parents, and accepts one that exists', async () => {
    const dir = join(await tempDir(), 'a', 'b');
    await createOutputDir(dir);
    await createOutputDir(dir);
    expect((await stat(dir)).isDirectory()).toBe(true);
  });

  it('an existing file: E_OUT_DIR naming it, "a file, not a folder", the errno error kept as cause', async () => {
    const file = join(await tempDir(), 'file');
    await writeFile(file, 'x');
    const error = await createOutputDir(file).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'E_OUT_DIR', file, message: 'cannot create this folder: it is a file, not a folder (EEXIST)' });
    expect((error as Error).cause).toMatchObject({ code: 'EEXIST' });
  });

  it('a path under a file: ENOTDIR in words', async () => {
    const file = join(await tempDir(), 'file');
    await writeFile(file, 'x');
    await expect(createOutputDir(join(file, 'reports'))).rejects.toMatchObject({
      code: 'E_OUT_DIR',
      message: 'cannot create this folder: a part of the path is a file, not a folder (ENOTDIR)',
    });
  });
});
