import { open } from 'node:fs/promises';
import type { ErrorCategory } from '../../metrics/error-category.js';
import { categoryOfVerifyNumber } from '../verify-error-category.js';

export interface NginxRejection {
  /** Epoch ms of the log line; nginx logs whole seconds in local time. */
  readonly timeMs: number;
  readonly category: ErrorCategory;
}

const LINE = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) \[\w+\] (.*)$/;

/**
 * The category of a client-certificate rejection in one nginx error-log line, or undefined for
 * any other line. nginx answers every certificate error with the same HTTP 400, and only this log
 * says why (docs/ARCHITECTURE.md, "How gateways refuse a client certificate"):
 *   client SSL certificate verify error: (10:certificate has expired) while reading client request headers, ...
 *   client sent no required SSL certificate while reading client request headers, ...
 *   client SSL certificate verify error: certificate revoked while ... (ssl_ocsp said revoked)
 *   client SSL certificate verify error: certificate status request failed while ... (no usable OCSP answer)
 */
export function parseNginxRejection(line: string): NginxRejection | undefined {
  const match = LINE.exec(line);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, message] = match;
  let category: ErrorCategory | undefined;
  const verify = /client SSL certificate verify error: (?:\((\d+):)?(.*?)(?: while |, client:|$)/.exec(message!);
  if (verify?.[1]) category = categoryOfVerifyNumber(Number(verify[1]));
  // ssl_ocsp verdicts come without an X509_V_ERR number: "certificate revoked",
  // "certificate status request failed" (responder unreachable, error status, bad answer).
  else if (verify) category = /revoked/.test(verify[2]!) ? 'cert_revoked' : /status request failed/.test(verify[2]!) ? 'ocsp_unavailable' : 'bad_certificate';
  else if (message!.includes('client sent no required SSL certificate')) category = 'certificate_required';
  if (!category) return undefined;
  const timeMs = new Date(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)).getTime();
  return { timeMs, category };
}

const KEEP = 4_096;
const READ_CHUNK = 256 * 1024;

/**
 * Follows an nginx error log from where it was when the gateway started, keeping the latest
 * rejections. Each query reads only the bytes added since the last one, so asking after every
 * failed attempt stays cheap under load.
 */
export class NginxErrorLog {
  private offset = 0;
  private partial = '';
  private readonly recent: NginxRejection[] = [];
  private reading: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Skips what is already in the file (an earlier run's lines). */
  async startAtEnd(): Promise<void> {
    try {
      const handle = await open(this.path, 'r');
      try {
        this.offset = (await handle.stat()).size;
      } finally {
        await handle.close();
      }
    } catch {
      this.offset = 0;
    }
  }

  /**
   * The latest rejection logged at or after `sinceMs`. nginx's timestamps have whole seconds, so
   * the comparison is with `sinceMs` rounded down to its second.
   */
  async rejectionSince(sinceMs: number): Promise<ErrorCategory | undefined> {
    await this.refresh();
    const floor = Math.floor(sinceMs / 1000) * 1000;
    for (let index = this.recent.length - 1; index >= 0; index--) {
      const entry = this.recent[index]!;
      if (entry.timeMs < floor) break;
      return entry.category;
    }
    return undefined;
  }

  /** Lines added since `offset` (a byte offset from `size()`), for reload checks. */
  async linesSince(offset: number): Promise<string[]> {
    const handle = await open(this.path, 'r').catch(() => undefined);
    if (!handle) return [];
    try {
      const { size } = await handle.stat();
      if (size <= offset) return [];
      const buffer = Buffer.alloc(size - offset);
      await handle.read(buffer, 0, buffer.length, offset);
      return buffer.toString('utf8').split('\n').filter(Boolean);
    } finally {
      await handle.close();
    }
  }

  async size(): Promise<number> {
    const handle = await open(this.path, 'r').catch(() => undefined);
    if (!handle) return 0;
    try {
      return (await handle.stat()).size;
    } finally {
      await handle.close();
    }
  }

  private refresh(): Promise<void> {
    this.reading = this.reading.then(() => this.readNew()).catch(() => {});
    return this.reading;
  }

  private async readNew(): Promise<void> {
    const handle = await open(this.path, 'r').catch(() => undefined);
    if (!handle) return;
    try {
      const { size } = await handle.stat();
      if (size < this.offset) this.offset = 0; // truncated or replaced
      while (this.offset < size) {
        const buffer = Buffer.alloc(Math.min(READ_CHUNK, size - this.offset));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        const text = this.partial + buffer.subarray(0, bytesRead).toString('utf8');
        const lines = text.split('\n');
        this.partial = lines.pop() ?? '';
        for (const line of lines) {
          const rejection = parseNginxRejection(line);
          if (rejection) this.recent.push(rejection);
        }
      }
      if (this.recent.length > KEEP) this.recent.splice(0, this.recent.length - KEEP);
    } finally {
      await handle.close();
    }
  }
}
