import { execFile } from 'node:child_process';
import { LabError } from '../lab-error.js';
import { messageInUserTerms, type FilledGatewayConfig, type GatewayConfigTemplate } from '../own-config/gateway-config-template.js';
import type { Runtime } from '../runtime.js';

/** A parse of a few KiB; generous because the machine may be busy (seconds per parse measured). */
const CHECK_TIMEOUT_MS = 30_000;

export interface HaproxyConfigCheck {
  readonly configFile: string;
  /** The local binary; unused in a container (the haproxy image's). */
  readonly binary: string;
  /** The docker runtime runs the check in the haproxy image (same folders mounted). */
  readonly runtime?: Pick<Runtime, 'runOnce'>;
  readonly name: string;
  /** Mounted for runOnce: the folder holding the config and its files. */
  readonly dir: string;
  readonly signal: AbortSignal;
}

/**
 * `haproxy -c -f <file>`: parses the config and loads every file it names (certificates, CA,
 * CRL) without binding anything. Its exit code and its output (stdout and stderr). Undefined when
 * the runtime is docker without runOnce: the start then fails on the same complaint, in the log.
 */
export async function runHaproxyCheck(check: HaproxyConfigCheck): Promise<{ exitCode: number; output: string } | undefined> {
  const command = ['-c', '-f', check.configFile];
  if (check.runtime) {
    if (!check.runtime.runOnce) return undefined;
    return check.runtime.runOnce({ name: `${check.name}-check`, image: 'haproxy', command: ['haproxy', ...command], dir: check.dir, timeoutMs: CHECK_TIMEOUT_MS }, check.signal);
  }
  return new Promise((resolve, reject) => {
    execFile(check.binary, command, { timeout: CHECK_TIMEOUT_MS, signal: check.signal, encoding: 'utf8' }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (!error) return resolve({ exitCode: 0, output });
      if (typeof error.code === 'number') return resolve({ exitCode: error.code, output });
      reject(new LabError('E_LAB_START', `${check.name}: could not run \`${check.binary} -c\`: ${error.message}`, { cause: error, hint: 'is haproxy installed and executable?' }));
    });
  });
}

/**
 * Checks a team's filled config with haproxy itself; throws E_LAB_CONFIG quoting haproxy's
 * [ALERT] lines with the filled file's lines turned into the user's file:line.
 */
export async function assertHaproxyAcceptsOwnConfig(check: HaproxyConfigCheck, template: GatewayConfigTemplate, filled: FilledGatewayConfig): Promise<void> {
  const result = await runHaproxyCheck(check);
  if (!result || result.exitCode === 0) return;
  const lines = result.output.split('\n').map((line) => line.trim()).filter(Boolean);
  // "[ALERT]    (1234) : config : parsing [/x/haproxy.cfg:12] : ..." -> "parsing [/x/haproxy.cfg:12] : ..."
  const alerts = lines
    .filter((line) => line.startsWith('[ALERT]'))
    .map((line) => line.replace(/^\[ALERT\]\s*\(\d+\)\s*:\s*(?:config\s*:\s*)?/, ''))
    .filter((line) => !/^(Error\(s\) found in configuration file|Fatal errors found in configuration)/.test(line));
  const quoted = (alerts.length > 0 ? alerts : lines.slice(-3)).slice(0, 5).map((line) => messageInUserTerms(line, check.configFile, template, filled));
  throw new LabError('E_LAB_CONFIG', `${template.file}: haproxy -c refused it (exit ${result.exitCode}): ${quoted.join(' / ')}`, {
    file: template.file,
    path: ['lab', 'gateway', 'config'],
    hint: `fix the line haproxy names; the filled copy it checked is ${check.configFile} (\`haproxy -c -f ${check.configFile}\` shows it all)`,
  });
}
