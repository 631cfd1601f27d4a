import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import type { CredentialFiles, LabPkiFiles } from '../../src/pki/index.js';

const ENTRY = fileURLToPath(new URL('./capacity-front-process.ts', import.meta.url));

export interface CapacityFront {
  readonly url: string;
  /** The acceptor (it counts and resets) and the TLS process: both are the gateway, for its CPU. */
  readonly pids: readonly number[];
  readonly ratePerSecond: number;
  close(): Promise<void>;
}

/**
 * Starts a TLS front that admits `ratePerSecond` new connections per second (see
 * capacity-front-process.ts; the rest are reset at accept) and stops it when the test finishes.
 */
export async function startCapacityFront(ratePerSecond: number, files: LabPkiFiles, server: CredentialFiles = files.servers[0]!): Promise<CapacityFront> {
  const front = await launchCapacityFront(ratePerSecond, files, server);
  onTestFinished(() => front.close());
  return front;
}

/** The same front outside a test (`npm run bench -- known-capacity`): the caller closes it. */
export async function launchCapacityFront(ratePerSecond: number, files: LabPkiFiles, server: CredentialFiles = files.servers[0]!): Promise<CapacityFront> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, String(ratePerSecond), server.certificate, server.key, files.trustBundle], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  const started = await new Promise<{ port: number; pids: number[] }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the capacity front did not start within 20 s')), 20_000);
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { port: number; pids: number[] });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the capacity front exited with code ${code}`));
    });
  });
  let closed: Promise<void> | undefined;
  const front: CapacityFront = {
    url: `https://127.0.0.1:${started.port}/`,
    pids: started.pids,
    ratePerSecond,
    close: () =>
      (closed ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      })()),
  };
  return front;
}
