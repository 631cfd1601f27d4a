import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { UsageError } from './errors.js';

/**
 * Every file a command is given (a result.json, k6 output and summaries, --faults, PEM files
 * named by flags) is read through here, so each is bounded the same way before a byte is parsed:
 *
 * - a regular file only: the file is opened non-blocking, so a FIFO cannot hang the open, and a
 *   FIFO, a character device (/dev/urandom, /dev/zero), a socket or a directory is refused at once;
 * - its size on disk, then the bytes actually read (a file can grow after fstat; /proc files
 *   report 0), at most the caller's bound;
 * - for line-by-line input, the decompressed size of a gzip stream and the length of one line:
 *   a gzip of a gigabyte without a newline stops at the line bound, having held that much only.
 *
 * Every problem is a UsageError (exit 2) with the caller's code, naming the file and the bound
 * or what the filesystem said; never a raw errno and never E_INTERNAL.
 */

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

/**
 * The bounds, in bytes. Each is far above what the tool writes or k6 writes for a real drill,
 * and low enough that reading a file at the bound costs seconds and a bounded amount of memory
 * (`npm run bench -- hostile` measures them).
 */
export const INPUT_BOUNDS = {
  /** result.json (`report`, `compare`, `import k6 --faults`): a 24 h run writes ~60 MB (one timeline entry per second). */
  resultBytes: 128 * MIB,
  /** k6 `--summary-export`: one object per metric, a few KiB. */
  k6SummaryBytes: 16 * MIB,
  /** A PEM file named by a flag (--cert, --key, --ca): a large CA bundle is under 1 MiB. */
  flagFileBytes: 16 * MIB,
  /**
   * One k6 `--out json` file, on disk and again after gzip: ~2 KB per request, so ~2 million
   * requests per runner file (an hour at ~550 requests/s); imported at ~10,000 requests/s (`npm run bench -- k6-import`).
   */
  k6OutputBytes: 4 * GIB,
  /** One NDJSON line: a k6 Point is ~300 bytes (tags with the URL and Go's error text). */
  k6LineBytes: 64 * KIB,
} as const;

/** What a file is to the command reading it: the code, name and hint of its errors, its bound. */
export interface InputFile {
  /** The error code for anything wrong with this file, e.g. E_RESULT_INVALID. */
  readonly code: string;
  /** What the file should be, for messages: "a result.json", "k6 output". */
  readonly what: string;
  readonly hint: string;
  /** Bound on the bytes read (for gzip: on disk and decompressed alike). */
  readonly maxBytes: number;
}

export interface LineInputFile extends InputFile {
  readonly maxLineBytes: number;
}

/** 1.5 GiB, 64 KiB, 300 bytes: bounds and sizes as a person reads them. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [['GiB', GIB], ['MiB', MIB], ['KiB', KIB]] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

/** Reads a whole text file (UTF-8), within the file's bound. */
export async function readBoundedText(file: string, input: InputFile): Promise<string> {
  const { handle, size } = await openRegularFile(file, input);
  try {
    // Sized by fstat, grown if the file says more than it claimed (it grew, or it is in /proc).
    let buffer = Buffer.alloc(Math.min(input.maxBytes + 1, Math.max(64 * KIB, size + 1)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > input.maxBytes) throw tooLarge(file, input, `is larger than ${formatBytes(input.maxBytes)}`);
        const grown = Buffer.alloc(Math.min(input.maxBytes + 1, buffer.length * 2));
        buffer.copy(grown);
        buffer = grown;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null).catch((error: unknown) => {
        throw readError(file, input, error);
      });
      if (bytesRead === 0) return buffer.toString('utf8', 0, length);
      length += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

const LF = 0x0a;

/** The gzip magic (RFC 1952 section 2.3.1: ID1 ID2). */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * The lines of a text file, streamed: plain, or gzip (by its magic bytes; a name ending in .gz
 * must be gzip). Lines end at LF; a CR before it is dropped. Nothing longer than one line is held
 * beyond the chunk being read. Yields the lines of each chunk read (~64 KiB) together: one await
 * per line cost ~0.7 us (50 s for 64 MiB of empty lines, now ~5 s, the pace of a real k6 file).
 * Every line is there, empty ones included, so that callers count line numbers right.
 */
export async function* readBoundedLines(file: string, input: LineInputFile): AsyncGenerator<string[], void, void> {
  const { handle } = await openRegularFile(file, input);
  let closed = false;
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0).catch((error: unknown) => {
      throw readError(file, input, error);
    });
    const gzip = bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
    if (!gzip && file.toLowerCase().endsWith('.gz')) {
      const found = bytesRead === 0 ? 'is empty' : `starts with ${JSON.stringify(head.subarray(0, bytesRead).toString('latin1'))}`;
      throw new UsageError(input.code, `is named .gz but is not gzip (it ${found}; gzip starts with 1f 8b)`, {
        file,
        hint: `rename it without .gz if it is plain text, or pass the gzip file; ${input.hint}`,
      });
    }
    const source = handle.createReadStream({ start: 0, highWaterMark: 64 * KIB, autoClose: true });
    closed = true; // the stream owns the handle now
    const stream = gzip ? pipeline(source, createGunzip(), () => undefined) : source;
    let total = 0;
    let lineNumber = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > input.maxBytes) {
          throw tooLarge(file, input, `${gzip ? 'decompresses to' : 'is'} more than ${formatBytes(input.maxBytes)}`);
        }
        let from = 0;
        const lines: string[] = [];
        while (from < chunk.length) {
          // An empty line costs a byte compare, not a native indexOf: a flood of newlines stays cheap.
          if (pendingBytes === 0 && chunk[from] === LF) {
            lineNumber += 1;
            lines.push('');
            from += 1;
            continue;
          }
          const newline = chunk.indexOf(LF, from);
          if (newline < 0) break;
          lineNumber += 1;
          if (pendingBytes + newline - from > input.maxLineBytes) throw lineTooLong(file, input, lineNumber);
          const piece = chunk.subarray(from, newline);
          const bytes = pendingBytes === 0 ? piece : Buffer.concat([...pending, piece]);
          pending = [];
          pendingBytes = 0;
          from = newline + 1;
          lines.push(withoutCarriageReturn(bytes.toString('utf8')));
        }
        if (lines.length > 0) yield lines;
        if (from < chunk.length) {
          pendingBytes += chunk.length - from;
          if (pendingBytes > input.maxLineBytes) throw lineTooLong(file, input, lineNumber + 1);
          pending.push(chunk.subarray(from));
        }
      }
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw gzip ? corruptGzip(file, input, error) : readError(file, input, error);
    } finally {
      (stream as NodeJS.ReadableStream & { destroy(): void }).destroy();
      source.destroy();
    }
    if (pendingBytes > 0) yield [withoutCarriageReturn(Buffer.concat(pending).toString('utf8'))];
  } finally {
    if (!closed) await handle.close();
  }
}

function withoutCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/**
 * Opens for reading without blocking (O_NONBLOCK: opening a FIFO nobody writes to would
 * otherwise wait forever, holding a libuv thread) and keeps only regular files.
 */
async function openRegularFile(file: string, input: InputFile): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    throw readError(file, input, error);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new UsageError(input.code, `is ${kindOf(stats)}, not a regular file; expected ${input.what}`, { file, hint: input.hint });
    }
    if (stats.size > input.maxBytes) {
      throw tooLarge(file, input, `is ${formatBytes(stats.size)}`);
    }
    return { handle, size: stats.size };
  } catch (error) {
    await handle.close();
    if (error instanceof UsageError) throw error;
    throw readError(file, input, error);
  }
}

function kindOf(stats: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'a special file';
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
};

/** What the filesystem said, in words, with the errno for searching. */
function readError(file: string, input: InputFile, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException).code;
  const text = code === undefined ? (error as Error).message : code === 'ENOENT' ? 'no such file' : `cannot read it: ${ERRNO_TEXT[code] ?? (error as Error).message} (${code})`;
  return new UsageError(input.code, text, { file, hint: input.hint, cause: error });
}

function tooLarge(file: string, input: InputFile, found: string): UsageError {
  return new UsageError(input.code, `${found}; ${input.what} may be at most ${formatBytes(input.maxBytes)}`, {
    file,
    hint: `is this the right file? ${input.hint}`,
  });
}

function lineTooLong(file: string, input: LineInputFile, lineNumber: number): UsageError {
  return new UsageError(input.code, `line ${lineNumber} is longer than ${formatBytes(input.maxLineBytes)}; a line of ${input.what} is far shorter`, {
    file,
    hint: `is this the right file? ${input.hint}`,
  });
}

function corruptGzip(file: string, input: InputFile, error: unknown): UsageError {
  return new UsageError(input.code, `is not a whole gzip stream: ${(error as Error).message}`, {
    file,
    hint: `was the file cut short while being copied? ${input.hint}`,
    cause: error,
  });
}
