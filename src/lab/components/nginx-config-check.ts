import { execFile } from 'node:child_process';
import type { ComponentOptions } from '../component-options.js';
import { LabError } from '../lab-error.js';

const CHECK_TIMEOUT_MS = 30_000;

/**
 * `nginx -t` on the config as it will run (same prefix, -e and -g): the local binary, or the
 * nginx image through the runtime, on the run network so that a responder named in the config
 * resolves as it will for the gateway. nginx -t binds no port and starts no process that stays.
 */
export async function checkNginxConfig(
  binary: string,
  nginxArgs: readonly string[],
  options: Pick<ComponentOptions, 'name' | 'dir' | 'runtime' | 'signal'>,
): Promise<{ readonly exitCode: number; readonly output: string }> {
  const runtime = options.runtime;
  if (runtime?.startProgram) {
    if (!runtime.runOnce) throw new RangeError(`the ${runtime.kind} runtime starts programs but cannot run nginx -t (Runtime.runOnce)`);
    return runtime.runOnce(
      { name: `${options.name}-check`, image: 'nginx', command: [binary, '-t', ...nginxArgs], dir: options.dir, timeoutMs: CHECK_TIMEOUT_MS },
      options.signal,
    );
  }
  return new Promise((resolve, reject) => {
    execFile(binary, ['-t', ...nginxArgs], { timeout: CHECK_TIMEOUT_MS, signal: options.signal, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (options.signal.aborted) return reject(options.signal.reason);
      const output = `${stdout}${stderr}`;
      if (!error) return resolve({ exitCode: 0, output });
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'number') return resolve({ exitCode: code, output });
      reject(
        new LabError('E_LAB_START', `${options.name}: \`${binary} -t\` did not run to completion: ${error.message}`, {
          hint: 'check the nginx binary (`nginx -V`)',
          cause: error,
        }),
      );
    });
  });
}
