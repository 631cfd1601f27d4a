import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fsErrorReason, isFsError, MKDIR_REASONS } from '../../src/fs-error-reason.js';

describe('fsErrorReason', () => {
  it('words a real filesystem error and keeps its code', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fs-error-reason-'));
    try {
      await writeFile(join(dir, 'file'), 'x');
      const error = await readFile(join(dir, 'file', 'under')).catch((caught: unknown) => caught);
      expect(isFsError(error)).toBe(true);
      expect(fsErrorReason(error)).toBe('a part of the path is a file, not a folder (ENOTDIR)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('words permission denied (a root test run never meets it on disk, so from the code)', () => {
    const error = Object.assign(new Error('EACCES: permission denied, open /x'), { code: 'EACCES', syscall: 'open' });
    expect(fsErrorReason(error)).toBe('permission denied (EACCES)');
  });

  it('lets an operation word a code its own way, and keeps an unknown code', () => {
    const exists = Object.assign(new Error('EEXIST'), { code: 'EEXIST', syscall: 'mkdir' });
    expect(fsErrorReason(exists, MKDIR_REASONS)).toBe('it is a file, not a folder (EEXIST)');
    expect(fsErrorReason(Object.assign(new Error('odd'), { code: 'EODD' }))).toBe('cannot use it (EODD)');
    expect(fsErrorReason(new Error('no code'))).toBe('no code');
    expect(isFsError(new Error('no code'))).toBe(false);
  });
});
