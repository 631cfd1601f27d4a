import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';

/** What a command run in a container printed, and how it exited. */
export interface ExecOutcome {
  readonly exitCode: number;
  readonly output: string;
}

/** Runs argv in a running container (`docker exec`) and waits for it to end. */
export async function execIn(docker: Docker, container: Docker.Container, argv: readonly string[]): Promise<ExecOutcome> {
  const exec = await container.exec({ Cmd: [...argv], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  docker.modem.demuxStream(stream, sink, sink);
  await new Promise<void>((resolve, reject) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', reject);
  });
  const inspected = await exec.inspect();
  return { exitCode: inspected.ExitCode ?? -1, output: Buffer.concat(chunks).toString('utf8').trim() };
}
