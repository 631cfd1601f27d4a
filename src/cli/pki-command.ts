import { Command, Option } from 'commander';
import { parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { KEY_ALGORITHMS, buildLabPki, isKeyAlgorithm, writeLabPki } from '../pki/index.js';
import { printErr, printOut } from './print.js';
import { visibleText } from '../visible-text.js';

/** Most leaves a single `pki init` issues; beyond this, use the library's issueFleet. */
const MAX_LEAVES = 100_000;

function count(flag: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > MAX_LEAVES) {
      throw new UsageError('E_CLI_FLAG', `${flag} must be a whole number from 0 to ${MAX_LEAVES}; got "${value}"`);
    }
    return parsed;
  };
}

export function pkiCommand(): Command {
  const pki = new Command('pki').description('build and inspect lab PKIs');
  pki
    .command('init')
    .description('write a ready-to-use lab PKI (root, intermediate, server and client certificates) to <dir>')
    .argument('<dir>', 'directory to write into (created if missing; must be empty unless --force)')
    .addOption(new Option('--alg <algorithm>', 'key algorithm').choices([...KEY_ALGORITHMS]).default('ecdsa-p256'))
    .option('--clients <n>', 'number of client certificates', count('--clients'), 1)
    .option('--servers <n>', 'number of server certificates', count('--servers'), 1)
    .option('--client-lifetime <duration>', 'client certificate lifetime', '24h')
    .option('--server-lifetime <duration>', 'server certificate lifetime', '90d')
    .option('--spiffe-trust-domain <domain>', 'trust domain of the clients\' spiffe:// URI SANs', 'example.org')
    .option('--server-name <dns...>', 'DNS names of the server certificates', ['localhost'])
    .option('--ocsp-url <url>', 'OCSP responder URL to put in the leaves (AIA)')
    .option('--crl-url <url>', 'CRL distribution point to put in the leaves')
    .addOption(
      new Option('--p12-password <password>', 'also write each client as a PKCS#12 bundle (.p12) with this password')
        // A flag shows in the process list; the environment variable does not.
        .env('MTLS_CHAOS_P12_PASSWORD'),
    )
    .option('--force', 'replace lab files in a non-empty directory', false)
    .action(async (dir: string, options: PkiInitOptions) => {
      await pkiInit(dir, options);
    });
  return pki;
}

interface PkiInitOptions {
  alg: string;
  clients: number;
  servers: number;
  clientLifetime: string;
  serverLifetime: string;
  spiffeTrustDomain: string;
  serverName: string[];
  ocspUrl?: string;
  crlUrl?: string;
  p12Password?: string;
  force: boolean;
}

async function pkiInit(dir: string, options: PkiInitOptions): Promise<void> {
  if (!isKeyAlgorithm(options.alg)) throw new UsageError('E_CLI_FLAG', `unknown --alg ${options.alg}`);
  if (!/^[a-z0-9.-]+$/i.test(options.spiffeTrustDomain)) {
    throw new UsageError('E_CLI_FLAG', `--spiffe-trust-domain must be a DNS-like name; got "${options.spiffeTrustDomain}"`, {
      hint: 'a SPIFFE trust domain is lower-case letters, digits, dots and dashes, e.g. example.org',
    });
  }
  const started = performance.now();
  const total = options.servers + options.clients;
  const showProgress = total >= 1_000;
  const pki = await buildLabPki({
    algorithm: options.alg,
    servers: options.servers,
    clients: options.clients,
    clientLifetimeMs: parseDuration(options.clientLifetime, '--client-lifetime'),
    serverLifetimeMs: parseDuration(options.serverLifetime, '--server-lifetime'),
    spiffeTrustDomain: options.spiffeTrustDomain,
    serverDnsNames: options.serverName,
    ...(options.ocspUrl ? { ocspUrl: options.ocspUrl } : {}),
    ...(options.crlUrl ? { crlUrl: options.crlUrl } : {}),
    onProgress: showProgress ? (issued, all) => process.stderr.write(`\rissued ${issued}/${all} certificates`) : undefined,
  });
  if (showProgress) printErr('\n');
  const files = await writeLabPki(pki, dir, {
    force: options.force,
    ...(options.p12Password === undefined ? {} : { pkcs12Password: options.p12Password }),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  printOut(
    `wrote a ${options.alg} lab PKI to ${visibleText(files.dir)} in ${seconds}s: root, intermediate, ` +
      `${files.servers.length} server(s), ${files.clients.length} client(s); private keys are mode 0600\n` +
      `see ${visibleText(files.readme)} for what each file is\n`,
  );
}
