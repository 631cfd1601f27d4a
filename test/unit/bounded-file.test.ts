import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it, onTestFinished } from 'vitest';
import { readBoundedLines, readBoundedText, type LineInputFile } from '../../src/bounded-file.js';
import { makeFifo, writeGzipBomb } from '../support/hostile-files.js';

const INPUT: LineInputFile = { code: 'E_TEST_FILE', what: 'a test file', hint: 'pass a test file', maxBytes: 4096, maxLineBytes: 64 };

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-bounded-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function lines(file: string, input = INPUT): Promise<string[]> {
  const found: string[] = [];
  for await (const chunk of readBoundedLines(file, input)) found.push(...chunk);
  return found;
}

/** Every way of reading, for the checks both must make. */
const READERS = {
  text: (file: string) => readBoundedText(file, INPUT),
  lines: (file: string) => lines(file),
};

describe.each(Object.entries(READERS))('the bounded reader (%s)', (_name, read) => {
  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    const fifo = makeFifo(join(await tempDir(), 'pipe'));
    const started = performance.now();
    await expect(read(fifo)).rejects.toMatchObject({ code: 'E_TEST_FILE', file: fifo, message: 'is a FIFO (named pipe), not a regular file; expected a test file' });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('refuses /dev/urandom and /dev/zero without reading them', async () => {
    for (const device of ['/dev/urandom', '/dev/zero']) {
      await expect(read(device)).rejects.toMatchObject({ code: 'E_TEST_FILE', file: device, message: expect.stringMatching(/^is a character device, not a regular file/) });
    }
  });

  it('refuses a directory', async () => {
    const dir = await tempDir();
    await expect(read(dir)).rejects.toMatchObject({ code: 'E_TEST_FILE', message: expect.stringMatching(/^is a directory/) });
  });

  it('says what the filesystem said, naming the file', async () => {
    const dir = await tempDir();
    await expect(read(join(dir, 'missing'))).rejects.toMatchObject({ code: 'E_TEST_FILE', file: join(dir, 'missing'), message: 'no such file' });
    const file = join(dir, 'plain');
    await writeFile(file, 'x');
    await expect(read(join(file, 'below'))).rejects.toMatchObject({ code: 'E_TEST_FILE', message: 'cannot read it: a part of the path is not a directory (ENOTDIR)' });
  });

  it('refuses a file over its bound, naming the bound', async () => {
    const file = join(await tempDir(), 'big');
    await writeFile(file, `${'x'.repeat(40)}\n`.repeat(200));
    await expect(read(file)).rejects.toMatchObject({ code: 'E_TEST_FILE', message: 'is 8 KiB; a test file may be at most 4 KiB' });
  });
});

describe('readBoundedText', () => {
  it('reads a file within its bound', async () => {
    const file = join(await tempDir(), 'ok.json');
    await writeFile(file, '{"é": 1}');
    expect(await readBoundedText(file, INPUT)).toBe('{"é": 1}');
  });

  it('stops at the bound on a file that says it is empty (/proc)', async () => {
    // /proc/self/maps reports size 0 and has more to read than 64 bytes.
    await expect(readBoundedText('/proc/self/maps', { ...INPUT, maxBytes: 64 })).rejects.toMatchObject({ code: 'E_TEST_FILE', message: 'is larger than 64 bytes; a test file may be at most 64 bytes' });
  });
});

describe('readBoundedLines', () => {
  it('splits at LF only: CRLF loses its CR, U+2028 and a bare CR stay inside the line, the last line needs no LF', async () => {
    const file = join(await tempDir(), 'lines');
    await writeFile(file, 'a\r\n\nb\u2028c\rd\ne');
    expect(await lines(file)).toEqual(['a', '', 'b\u2028c\rd', 'e']);
  });

  it('reads gzip by its magic bytes, whatever the name', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'out.gz'), gzipSync('one\ntwo\n'));
    await writeFile(join(dir, 'out.ndjson'), gzipSync('one\ntwo\n'));
    expect(await lines(join(dir, 'out.gz'))).toEqual(['one', 'two']);
    expect(await lines(join(dir, 'out.ndjson'))).toEqual(['one', 'two']);
  });

  it('refuses a .gz that is not gzip, and a gzip cut short', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'plain.gz'), '{"type":"Point"}\n');
    await expect(lines(join(dir, 'plain.gz'))).rejects.toMatchObject({ code: 'E_TEST_FILE', message: 'is named .gz but is not gzip (it starts with "{\\""; gzip starts with 1f 8b)' });
    const whole = gzipSync('line\n'.repeat(100));
    await writeFile(join(dir, 'cut.gz'), whole.subarray(0, whole.length - 12));
    await expect(lines(join(dir, 'cut.gz'))).rejects.toMatchObject({ code: 'E_TEST_FILE', message: expect.stringMatching(/^is not a whole gzip stream: /) });
  });

  it('stops a line without a newline at the line bound, gzip or not', async () => {
    const dir = await tempDir();
    const bomb = await writeGzipBomb(join(dir, 'bomb.gz'), 2);
    await expect(lines(bomb, { ...INPUT, maxBytes: 4 * 1024 * 1024 })).rejects.toMatchObject({ code: 'E_TEST_FILE', message: 'line 1 is longer than 64 bytes; a line of a test file is far shorter' });
    await writeFile(join(dir, 'long'), `short\n${'y'.repeat(65)}\n`);
    await expect(lines(join(dir, 'long'))).rejects.toMatchObject({ message: expect.stringMatching(/^line 2 is longer than 64 bytes/) });
  });

  it('stops a gzip at its decompressed bound even when every line is short', async () => {
    const file = join(await tempDir(), 'newlines.gz');
    await writeFile(file, gzipSync(Buffer.alloc(1024 * 1024, 0x0a)));
    await expect(lines(file)).rejects.toMatchObject({ code: 'E_TEST_FILE', message: 'decompresses to more than 4 KiB; a test file may be at most 4 KiB' });
  });
});
