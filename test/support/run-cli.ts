import { execFile, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI_ENTRY = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** tsx's loader by its full URL: `--import tsx` is resolved from the working directory, which a test may set outside the repo. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real CLI as a child process, from source through tsx so that tests need no build.
 * The exit code, stdout and stderr are what a user would see.
 */
export function runCli(
  args: readonly string[],
  options: { timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return runProcess([process.execPath, '--import', TSX_LOADER, CLI_ENTRY, ...args], options);
}

/**
 * `unshare` flags for a fresh network namespace whose only interface, lo, is down: nothing sent
 * in it reaches anything (no DNS either). Root needs only --net; anyone else also maps itself to
 * root in a new user namespace, which unprivileged user namespaces allow.
 */
export const EMPTY_NETWORK_UNSHARE = process.getuid?.() === 0 ? ['--net'] : ['--map-root-user', '--net'];

/**
 * Runs the real CLI as runCli does, but inside an empty network namespace: a test of a guard on
 * where traffic goes stays harmless even when the guard is broken.
 */
export function runCliWithoutNetwork(
  args: readonly string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return runProcess(['unshare', ...EMPTY_NETWORK_UNSHARE, process.execPath, '--import', TSX_LOADER, CLI_ENTRY, ...args], options);
}

/** Runs any command as runCli runs the CLI: never throws, resolves with the exit code and output. */
export function runProcess(
  [command, ...commandArgs]: readonly string[],
  options: { timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv },
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      command!,
      commandArgs,
      { cwd: options.cwd ?? REPO_ROOT, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024, env: options.env ?? process.env },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ exitCode, stdout, stderr });
      },
    );
  });
}

/**
 * Runs the real CLI with its stdout closed by the reader before the first byte, as
 * `mtls-chaos list | true` does: every write the CLI makes meets EPIPE. (Closing after the first
 * chunk would race the CLI's writes: a short output may fit the pipe before the close.)
 */
export function runCliWithClosedStdout(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI_ENTRY, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? (signal ? 128 : 1), stdout: '', stderr });
    });
  });
}
