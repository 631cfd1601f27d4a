import { readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { createOutputDir } from '../output-dir.js';
import { buildLabPki } from '../pki/index.js';
import type { Scenario } from '../scenario/index.js';
import { K6_CREDENTIAL_NAMES, writeK6Credentials } from './k6-credentials.js';
import { renderExportReadme } from './k6-export-readme.js';
import { k6LoadPhases } from './k6-load-phases.js';
import { k6Manifests, toYaml } from './k6-manifests.js';
import { renderK6Script } from './k6-script.js';
import { translateSlo, type ThresholdTranslation } from './k6-thresholds.js';

export interface ExportK6Options {
  readonly outDir: string;
  readonly parallelism: number;
  /** The gateway origin, e.g. https://gateway.example:8443 (else MTLS_CHAOS_TARGET at run time). */
  readonly target?: string;
  readonly toolVersion: string;
  readonly signal?: AbortSignal;
}

export interface ExportK6Result {
  readonly dir: string;
  readonly files: readonly string[];
  /** Folder with the private key (0700; key 0600). */
  readonly tlsDir: string;
  readonly translations: readonly ThresholdTranslation[];
  readonly untranslatedLoad: readonly string[];
}

export const MAX_PARALLELISM = 1_000;
const SCRIPT_FILE = 'script.ts';
const TLS_DIR = 'tls';

/** Writes a drill's load as a k6 script, its TLS files and k6-operator manifests into `outDir`. */
export async function exportK6(scenario: Scenario, options: ExportK6Options): Promise<ExportK6Result> {
  if (!Number.isInteger(options.parallelism) || options.parallelism < 1 || options.parallelism > MAX_PARALLELISM) {
    throw new UsageError('E_USAGE_PARALLELISM', `--parallelism: expected a whole number from 1 to ${MAX_PARALLELISM}, got ${options.parallelism}`, {
      hint: 'the number of k6 runner pods, e.g. --parallelism 4',
    });
  }
  const target = options.target === undefined ? undefined : checkTarget(options.target);
  const dir = resolve(options.outDir);
  await createOutputDir(dir);
  const existing = await readdir(dir);
  if (existing.length > 0) {
    throw new UsageError('E_USAGE_OUT_NOT_EMPTY', `--out ${options.outDir}: the folder is not empty (${existing.slice(0, 3).join(', ')}${existing.length > 3 ? ', ...' : ''})`, {
      hint: 'export into a new or empty folder: it will hold a private key',
    });
  }
  const pki = await buildLabPki({
    algorithm: scenario.pki.algorithm,
    clients: 1,
    clientLifetimeMs: scenario.pki.clientLifetimeMs,
    serverLifetimeMs: scenario.pki.serverLifetimeMs,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const credentials = await writeK6Credentials(pki, join(dir, TLS_DIR));
  const { script, translations, untranslatedLoad } = k6ScriptOf(scenario, { toolVersion: options.toolVersion, ...(target ? { target } : {}) });
  const tlsFiles = [credentials.names.ca, credentials.names.certificate, credentials.names.key];
  const manifests = k6Manifests({ drill: scenario.name, parallelism: options.parallelism, scriptFile: SCRIPT_FILE, tlsDir: TLS_DIR, tlsFiles, ...(target ? { target } : {}) });
  const readme = renderExportReadme({
    drill: scenario.name,
    scenarioFile: scenario.file,
    scriptFile: SCRIPT_FILE,
    tlsDir: TLS_DIR,
    parallelism: options.parallelism,
    manifests,
    untranslated: translations.filter((translation) => !translation.translated),
    untranslatedLoad,
  });
  const written: [string, string][] = [
    [SCRIPT_FILE, script],
    ['testrun.yaml', toYaml(manifests.testRun)],
    ['results-pvc.yaml', toYaml(manifests.resultsClaim)],
    ['kustomization.yaml', toYaml(manifests.kustomization)],
    ['README.txt', readme],
  ];
  for (const [name, text] of written) await writeFile(join(dir, name), text);
  return {
    dir,
    files: [...written.map(([name]) => join(dir, name)), credentials.ca, credentials.certificate, credentials.key],
    tlsDir: credentials.dir,
    translations,
    untranslatedLoad,
  };
}

/** The k6 script of a drill (what `export k6` writes as script.ts), with what it translates and what not. */
export function k6ScriptOf(
  scenario: Scenario,
  options: { readonly toolVersion: string; readonly target?: string },
): { readonly script: string; readonly translations: ThresholdTranslation[]; readonly untranslatedLoad: string[] } {
  const translations = scenario.slos.map(({ parsed, scope }) => translateSlo(parsed, scope));
  const untranslatedLoad = untranslatedLoadOf(scenario);
  const script = renderK6Script({
    scenario,
    phases: k6LoadPhases(scenario),
    translations,
    untranslatedLoad,
    identity: { certificate: K6_CREDENTIAL_NAMES.certificate, key: K6_CREDENTIAL_NAMES.key },
    ...(options.target ? { defaultTarget: options.target } : {}),
    toolVersion: options.toolVersion,
  });
  return { script, translations, untranslatedLoad };
}

/** What of the drill's load a k6 script does not reproduce; said, never dropped silently. */
function untranslatedLoadOf(scenario: Scenario): string[] {
  const lines: string[] = [];
  if (scenario.load.identities > 1) {
    lines.push(`load.identities ${scenario.load.identities}: k6 presents one client certificate per host, so every attempt uses client-1`);
  }
  if (scenario.load.resumption) lines.push('load.resumption: k6 has no TLS session cache option; attempts reuse connections instead of resuming sessions');
  if (scenario.load.tls?.ciphers) lines.push(`load.tls.ciphers "${scenario.load.tls.ciphers}": OpenSSL names; k6 takes Go suite names (tlsCipherSuites), set them by hand`);
  if (scenario.load.tls?.sigalgs) lines.push(`load.tls.sigalgs "${scenario.load.tls.sigalgs}": k6 has no option for signature algorithms`);
  if (scenario.faults.length > 0) {
    lines.push('the fault timeline: k6 makes the load only; run `mtls-chaos run <drill> --load external` to inject the faults meanwhile');
  }
  return lines;
}

function checkTarget(target: string): string {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new UsageError('E_USAGE_TARGET', `--target: expected a URL like https://gateway.example:8443, got "${target}"`);
  }
  if (url.protocol !== 'https:' || url.username || url.password) {
    throw new UsageError('E_USAGE_TARGET', `--target: expected an https:// URL without credentials, got "${target}"`, {
      hint: 'the gateway origin, e.g. https://gateway.example:8443; the drill\'s path is appended',
    });
  }
  return url.origin;
}
