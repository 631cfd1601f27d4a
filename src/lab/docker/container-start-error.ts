import { readFile } from 'node:fs/promises';
import type Docker from 'dockerode';
import { LabError } from '../lab-error.js';

const TAIL_LINES = 15;

export interface StartingContainer {
  /** The component's name in the lab. */
  readonly name: string;
  readonly what: string;
  readonly containerName: string;
  /** Where the component writes its log, when not to the container's output. */
  readonly logFile?: string;
  /** The component's folder, for the hint. */
  readonly dir: string;
}

/**
 * E_LAB_START for a container that did not become ready, naming the container and quoting the last
 * lines of the component's log, or of the container's output (read from the engine, so this must
 * run before the container is removed).
 */
export async function containerStartError(starting: StartingContainer, container: Docker.Container, reason: string): Promise<LabError> {
  const fromFile = starting.logFile ? lastLines((await readFile(starting.logFile, 'utf8').catch(() => ''))) : '';
  const tail = fromFile || (await outputTail(container));
  return new LabError('E_LAB_START', `${starting.name} (${starting.what}, in container ${starting.containerName}) ${reason}${tail ? `; its log ends with:\n${tail}` : ''}`, {
    ...(starting.logFile ? { file: starting.logFile } : {}),
    hint: `see ${starting.logFile ?? starting.dir}`,
  });
}

async function outputTail(container: Docker.Container): Promise<string> {
  const raw = await container.logs({ stdout: true, stderr: true, tail: TAIL_LINES, follow: false }).catch(() => undefined);
  return raw ? lastLines(demultiplex(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)))) : '';
}

/**
 * A container without a TTY sends stdout and stderr as frames: one byte for the stream, three
 * zero bytes, a 4-byte big-endian length, then the payload (Docker Engine API, "Attach to a
 * container", stream format). Anything else is taken as plain text.
 */
function demultiplex(raw: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length) {
    const stream = raw[offset]!;
    if (stream > 2 || raw[offset + 1] !== 0 || raw[offset + 2] !== 0 || raw[offset + 3] !== 0) return raw.toString('utf8');
    const length = raw.readUInt32BE(offset + 4);
    parts.push(raw.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  return offset === raw.length ? Buffer.concat(parts).toString('utf8') : raw.toString('utf8');
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-TAIL_LINES).join('\n');
}
