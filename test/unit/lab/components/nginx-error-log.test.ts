import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NginxErrorLog, parseNginxRejection } from '../../../../src/lab/components/nginx-error-log.js';

// Lines as nginx 1.22 wrote them in our integration runs.
const at = '2026/11/25 15:13:22';
const line = (message: string) => `${at} [info] 22758#22758: *4 ${message}, client: 127.0.0.1, server: localhost, request: "GET / HTTP/1.1", host: "127.0.0.1:39447"`;

describe('parseNginxRejection', () => {
  it.each([
    ['client SSL certificate verify error: (10:certificate has expired) while reading client request headers', 'cert_expired'],
    ['client SSL certificate verify error: (9:certificate is not yet valid) while reading client request headers', 'cert_not_yet_valid'],
    ['client SSL certificate verify error: (23:certificate revoked) while reading client request headers', 'cert_revoked'],
    ['client SSL certificate verify error: (20:unable to get local issuer certificate) while reading client request headers', 'unknown_ca'],
    ['client SSL certificate verify error: (21:unable to verify the first certificate) while reading client request headers', 'unknown_ca'],
    ['client SSL certificate verify error: (26:unsupported certificate purpose) while reading client request headers', 'bad_certificate'],
    ['client SSL certificate verify error: certificate revoked while reading client request headers', 'cert_revoked'],
    ['client SSL certificate verify error: certificate status request failed while reading client request headers', 'ocsp_unavailable'],
    ['client sent no required SSL certificate while reading client request headers', 'certificate_required'],
  ])('%s -> %s', (message, category) => {
    expect(parseNginxRejection(line(message))).toEqual({
      timeMs: new Date(2026, 10, 25, 15, 13, 22).getTime(),
      category,
    });
  });

  it('ignores other lines', () => {
    expect(parseNginxRejection(`${at} [notice] 22753#22753: nginx/1.22.1`)).toBeUndefined();
    expect(parseNginxRejection(line('peer closed connection in SSL handshake while SSL handshaking'))).toBeUndefined();
    expect(parseNginxRejection('garbage')).toBeUndefined();
  });
});

describe('NginxErrorLog', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('answers from lines written after it started, the latest first, by second', async () => {
    dir = await mkdtemp(join(tmpdir(), 'nginx-log-test-'));
    const path = join(dir, 'error.log');
    const stamp = (date: Date) =>
      `${date.getFullYear()}/${String(date.getMonth() + 1).padStart(2, '0')}/${String(date.getDate()).padStart(2, '0')} ` +
      `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}:${String(date.getSeconds()).padStart(2, '0')}`;
    const now = new Date();
    const old = new Date(now.getTime() - 60_000);
    await writeFile(path, `${stamp(old)} [info] 1#1: *1 client sent no required SSL certificate while reading client request headers\n`);
    const log = new NginxErrorLog(path);
    await log.startAtEnd();
    expect(await log.rejectionSince(old.getTime() - 1_000)).toBeUndefined();

    await appendFile(path, `${stamp(old)} [info] 1#1: *2 client SSL certificate verify error: (9:certificate is not yet valid) while x\n`);
    await appendFile(path, `${stamp(now)} [info] 1#1: *3 client SSL certificate verify error: (10:certificate has expired) while x`);
    // The last line has no newline yet: nginx may be mid-write.
    expect(await log.rejectionSince(now.getTime())).toBeUndefined();
    await appendFile(path, '\n');
    expect(await log.rejectionSince(now.getTime())).toBe('cert_expired');
    expect(await log.rejectionSince(now.getTime() + 5_000)).toBeUndefined();
  });
});
