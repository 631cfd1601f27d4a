import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const RULES_PATH = fileURLToPath(new URL('../../contrib/prometheus/mtls-chaos.rules.yml', import.meta.url));
export const RULE_TESTS_DIR = fileURLToPath(new URL('../../contrib/prometheus/tests', import.meta.url));

const INSTALL_HINT = "install Debian's prometheus package: apt-get install prometheus (it ships promtool and the server; .ci/run installs it)";

export interface ToolResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a Prometheus binary; a missing binary fails with the package to install, never a skip. */
export function runTool(binary: string, args: readonly string[], options: { cwd?: string } = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { cwd: options.cwd, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error(`${binary} is missing: ${INSTALL_HINT}`));
        return;
      }
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ exitCode: code, stdout, stderr });
    });
  });
}

export function promtool(args: readonly string[], options: { cwd?: string; binary?: string } = {}): Promise<ToolResult> {
  return runTool(options.binary ?? 'promtool', args, options);
}

export interface RunningPrometheus extends AsyncDisposable {
  readonly url: string;
  /** GET a path of the HTTP API and return its JSON body. */
  api<T = unknown>(path: string, params?: Record<string, string>): Promise<{ status: string; data: T; error?: string }>;
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port from the loopback listener');
  return address.port;
}

/**
 * Starts a real Prometheus on 127.0.0.1 with the given config and storage folder (which may hold
 * backfilled blocks) and waits for /-/ready. It scrapes nothing unless the config says so.
 */
export async function startPrometheus(configFile: string, dataDir: string, binary = 'prometheus'): Promise<RunningPrometheus> {
  // The port is picked free and then handed over, so another process can take it between the two;
  // a start that fails to bind is retried on a new port.
  let lastOutput = '';
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freeLoopbackPort();
    const child = spawn(binary, [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await once(child, 'spawn'); // rejects with the 'error' event of a spawn that failed
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${binary} is missing: ${INSTALL_HINT}`);
      throw error;
    }
    const url = `http://127.0.0.1:${port}`;
    if (await waitReady(url, child)) return running(url, child);
    await stop(child);
    lastOutput = output;
  }
  throw new Error(`prometheus did not become ready; its output:\n${lastOutput}`);
}

async function waitReady(url: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function running(url: string, child: ChildProcess): RunningPrometheus {
  return {
    url,
    async api(path, params = {}) {
      const response = await fetch(`${url}${path}?${new URLSearchParams(params).toString()}`);
      return (await response.json()) as { status: string; data: never; error?: string };
    },
    [Symbol.asyncDispose]: () => stop(child),
  };
}
