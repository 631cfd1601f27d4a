import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NGINX_BINARY = '/usr/sbin/nginx';

export interface NginxFixtureOptions {
  /** Server leaf followed by its intermediates. */
  readonly serverChainPem: string;
  readonly serverKeyPem: string;
  /** What nginx trusts for client certificates (ssl_client_certificate). */
  readonly clientCaPem: string;
  readonly workerProcesses?: number | 'auto';
  /** Sent as x-mtls-chaos-replica on every answer. */
  readonly replica?: string;
}

export interface NginxFixture extends AsyncDisposable {
  readonly port: number;
  /** https://127.0.0.1:<port>/ */
  readonly url: string;
  readonly pid: number;
  readErrorLog(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A minimal nginx mTLS gateway for tests and benches (the lab's real nginx component lives in
 * src/lab): its own prefix, pid file and error log in a temp dir, bound to 127.0.0.1 only,
 * `ssl_verify_client on`, answering 200 "ok".
 */
export async function startNginxFixture(options: NginxFixtureOptions): Promise<NginxFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-nginx-'));
  const port = await freePort();
  await writeFile(join(dir, 'server.pem'), options.serverChainPem);
  await writeFile(join(dir, 'server.key'), options.serverKeyPem, { mode: 0o600 });
  await writeFile(join(dir, 'clients-ca.pem'), options.clientCaPem);
  const replica = options.replica ?? 'nginx-1';
  await writeFile(
    join(dir, 'nginx.conf'),
    `worker_processes ${options.workerProcesses ?? 1};
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port} ssl;
    server_name localhost;
    ssl_certificate ${dir}/server.pem;
    ssl_certificate_key ${dir}/server.key;
    ssl_client_certificate ${dir}/clients-ca.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_verify_client on;
    ssl_verify_depth 3;
    location / {
      add_header x-mtls-chaos-replica ${replica} always;
      return 200 "ok\\n";
    }
  }
}
`,
  );
  const errorLog = join(dir, 'error.log');
  const child = spawn(
    NGINX_BINARY,
    ['-e', errorLog, '-p', dir, '-c', join(dir, 'nginx.conf'), '-g', `daemon off; pid ${dir}/nginx.pid; error_log ${errorLog} info;`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child, 10_000);
  } catch (error) {
    const log = await readFile(errorLog, 'utf8').catch(() => '');
    await stop();
    throw new Error(`nginx did not start: ${(error as Error).message}\n${stderr}\n${log}`);
  }
  return {
    port,
    url: `https://127.0.0.1:${port}/`,
    pid: child.pid!,
    readErrorLog: () => readFile(errorLog, 'utf8'),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** A port that was free a moment ago (nginx cannot listen on port 0 and tell us which it got). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
}
