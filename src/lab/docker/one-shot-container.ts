import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { ExecOutcome } from './container-exec.js';

/** The container ran past its time; it has been removed. */
export class OneShotTimeout extends Error {}

/**
 * `docker run` without --rm, then removal whatever happened: creates the container, attaches to
 * its output before starting it (a program that ends at once would otherwise leave nothing to
 * read), waits for its exit, and removes it. Bounded by `timeoutMs` and `signal`: on either the
 * container is removed and the promise rejects (OneShotTimeout, or the signal's reason).
 */
export async function runOneShotContainer(
  docker: Docker,
  create: Docker.ContainerCreateOptions,
  options: { readonly timeoutMs: number; readonly signal: AbortSignal },
): Promise<ExecOutcome> {
  options.signal.throwIfAborted();
  const container = await docker.createContainer(create);
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const chunks: Buffer[] = [];
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => chunks.push(chunk));
    docker.modem.demuxStream(stream, sink, sink);
    const drained = new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', () => resolve());
    });
    const bound = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
    const stopped = new Promise<never>((_resolve, reject) => {
      const onAbort = () => reject(options.signal.aborted ? options.signal.reason : new OneShotTimeout(`still running after ${options.timeoutMs} ms`));
      if (bound.aborted) onAbort();
      else bound.addEventListener('abort', onAbort, { once: true });
    });
    stopped.catch(() => {});
    await Promise.race([container.start(), stopped]);
    const exited = (await Promise.race([container.wait(), stopped])) as { StatusCode: number };
    // The output stream ends with the container; a short bound in case the engine keeps it open.
    await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    return { exitCode: exited.StatusCode, output: Buffer.concat(chunks).toString('utf8').trim() };
  } finally {
    await container.remove({ force: true }).catch(() => {});
  }
}
