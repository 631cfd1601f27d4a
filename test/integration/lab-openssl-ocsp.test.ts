import { readlinkSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLabPki, type LabPki } from '../../src/pki/index.js';
import { isAlive } from '../support/processes.js';
import { startLab } from '../../src/lab/index.js';
import { startTestLab } from '../support/test-lab.js';
import { askOcsp } from '../support/ask-ocsp.js';

/**
 * lab.ocspResponder kind openssl on the local runtime: the real `openssl ocsp`, answering from the
 * index.txt the lab writes, confined to a network namespace of its own and reached through
 * 127.0.0.1 only.
 */

async function openSslLab(pki: LabPki, validity?: number) {
  return startTestLab(
    {
      gateway: { kind: 'node', ocsp: { mode: 'hard-fail', cacheTtlMs: 1_000, timeoutMs: 1_000 } },
      ocspResponder: { kind: 'openssl', ...(validity === undefined ? {} : { validityMs: validity }) },
    },
    pki,
  );
}

describe('openssl ocsp as the lab OCSP responder (local runtime)', () => {
  it('answers good from the lab CA\'s index, signed by the issuer, with nextUpdate = -nmin of the validity', async () => {
    const pki = await buildLabPki({ clients: 2 });
    const { lab } = await openSslLab(pki, 120_000);
    const responder = lab.ocspResponder!;
    expect(responder.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(lab.components[0]).toMatchObject({ name: 'ocsp-openssl', kind: 'ocsp/openssl' });
    const answer = await askOcsp(responder, pki.clients[0]!.certificate, pki.intermediate.certificate);
    expect(answer).toMatchObject({ kind: 'answer', status: 'good' });
    const validityMs = (answer as { nextUpdate: Date }).nextUpdate.getTime() - Date.now();
    expect(validityMs).toBeGreaterThan(100_000);
    expect(validityMs).toBeLessThanOrEqual(120_000);
  });

  it('runs openssl in a network namespace of its own: nothing of it listens in ours but the 127.0.0.1 relay', async () => {
    const pki = await buildLabPki({ clients: 1 });
    const { lab } = await openSslLab(pki);
    const ours = readlinkSync('/proc/self/ns/net');
    const pids = lab.ocspResponder!.pids();
    expect(pids.length).toBeGreaterThanOrEqual(2); // the relay and openssl
    for (const pid of pids) expect(readlinkSync(`/proc/${pid}/ns/net`)).not.toBe(ours);
  });

  it('says revoked right after a revocation rewrites index.txt, and good again after the un-revocation, within the same second', async () => {
    const pki = await buildLabPki({ clients: 2 });
    const { lab } = await openSslLab(pki);
    const responder = lab.ocspResponder!;
    const [first, second] = pki.clients.map((client) => client.certificate);
    const issuer = pki.intermediate.certificate;
    expect(await askOcsp(responder, first!, issuer)).toMatchObject({ status: 'good' });
    // OpenSSL 3.0 re-reads a changed index before answering; three rewrites within a second must each be seen.
    await responder.revoke(first!.serialNumber, 'keyCompromise');
    expect(await askOcsp(responder, first!, issuer)).toMatchObject({ status: 'revoked', reason: 'keyCompromise' });
    expect(await askOcsp(responder, second!, issuer)).toMatchObject({ status: 'good' });
    await responder.unrevoke(first!.serialNumber);
    expect(await askOcsp(responder, first!, issuer)).toMatchObject({ status: 'good' });
    await responder.revoke(first!.serialNumber, 'superseded');
    expect(await askOcsp(responder, first!, issuer)).toMatchObject({ status: 'revoked', reason: 'superseded' });
  });

  it('answers unknown for a certificate the index does not hold, until it is registered', async () => {
    const pki = await buildLabPki({ clients: 1 });
    const { lab } = await openSslLab(pki);
    const responder = lab.ocspResponder!;
    const late = pki.intermediate.issueClient({ subject: 'client-late' }).certificate;
    expect(await askOcsp(responder, late, pki.intermediate.certificate)).toMatchObject({ status: 'unknown' });
    await responder.registerIssued([late.serialNumber]);
    expect(await askOcsp(responder, late, pki.intermediate.certificate)).toMatchObject({ status: 'good' });
  });

  it('down refuses connections, blackhole never answers, and each heals back to good on the same URL', async () => {
    const pki = await buildLabPki({ clients: 1 });
    const { lab } = await openSslLab(pki);
    const responder = lab.ocspResponder!;
    const client = pki.clients[0]!.certificate;
    const issuer = pki.intermediate.certificate;
    await responder.setMode({ kind: 'down' });
    expect(await askOcsp(responder, client, issuer)).toEqual({ kind: 'error', code: 'ECONNREFUSED' });
    await responder.setMode({ kind: 'normal' });
    expect(await askOcsp(responder, client, issuer)).toMatchObject({ status: 'good' });
    await responder.setMode({ kind: 'blackhole' });
    expect(await askOcsp(responder, client, issuer, 1_000)).toEqual({ kind: 'error', code: 'TimeoutError' });
    await responder.setMode({ kind: 'normal' });
    expect(await askOcsp(responder, client, issuer)).toMatchObject({ status: 'good' });
  });

  it('refuses modes a real openssl cannot show, and leaves no process behind on stop', async () => {
    const pki = await buildLabPki({ clients: 1 });
    const { lab } = await openSslLab(pki);
    const responder = lab.ocspResponder!;
    await expect(responder.setMode({ kind: 'slow', delayMs: 1_000 })).rejects.toMatchObject({ code: 'E_LAB_OCSP_MODE' });
    const pids = responder.pids();
    await responder.setMode({ kind: 'blackhole' });
    await lab.stop();
    for (const pid of pids) expect(isAlive(pid), `pid ${pid} alive after stop`).toBe(false);
  });

  it('without a way to make a network namespace, fails with E_LAB_OPENSSL_OCSP_NETNS and says what to do', async () => {
    // An unshare that fails the way util-linux's does without root or user namespaces.
    const bin = await mkdtemp(join(tmpdir(), 'mtls-chaos-fake-unshare-'));
    const workDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-lab-test-'));
    const path = process.env.PATH;
    try {
      await writeFile(join(bin, 'unshare'), '#!/bin/sh\necho "unshare: unshare failed: Operation not permitted" >&2\nexit 1\n');
      await chmod(join(bin, 'unshare'), 0o755);
      process.env.PATH = `${bin}:${path}`;
      const pki = await buildLabPki({ clients: 1 });
      const starting = startLab(
        { gateway: { kind: 'node', ocsp: { mode: 'hard-fail', cacheTtlMs: 1_000, timeoutMs: 1_000 } }, ocspResponder: { kind: 'openssl' } },
        pki,
        { workDir, signal: AbortSignal.timeout(30_000), runId: `test-${process.pid}-${Date.now()}` },
      );
      await expect(starting).rejects.toMatchObject({
        code: 'E_LAB_OPENSSL_OCSP_NETNS',
        message: expect.stringMatching(/Operation not permitted/),
        hint: expect.stringMatching(/--runtime docker.*kind: builtin/),
      });
    } finally {
      process.env.PATH = path;
      await rm(bin, { recursive: true, force: true });
      await rm(workDir, { recursive: true, force: true });
    }
  });
});
