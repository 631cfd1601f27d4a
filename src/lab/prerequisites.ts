import { accessSync, constants } from 'node:fs';
import { findExecutable } from './find-executable.js';
import type Docker from 'dockerode';
import { ENGINE_HINT } from './docker/engine-hint.js';
import { gatewayKinds, type GatewayKindRegistry } from './gateway-kinds/registry.js';

/** What a prerequisite serves: `docker` is the docker runtime; the rest are optional parts of the local one. */
export type PrerequisiteUse = 'docker runtime' | `${string} gateway` | 'openssl' | 'clock skew' | 'HTML report tests';

export interface Prerequisite {
  readonly name: string;
  readonly use: PrerequisiteUse;
  readonly ok: boolean;
  /** What was found (a path, a version), or why not. */
  readonly detail: string;
  /** How to get it, when missing. */
  readonly fix?: string;
}

/** Images of the docker runtime that are not a gateway kind's, and what runs them. */
const COMPONENT_IMAGES: readonly { readonly name: string; readonly use: string }[] = [
  { name: 'mtls-chaos/base:bookworm', use: 'every other image, as its base' },
  { name: 'mtls-chaos/node:latest', use: 'the node gateway, the builtin OCSP responder, fault proxies, the interceptor' },
  { name: 'mtls-chaos/openssl-ocsp:latest', use: 'the OCSP responder of kind openssl' },
  { name: 'mtls-chaos/net-tools:latest', use: 'partition and packet loss in a container\'s network namespace' },
  { name: 'mtls-chaos/mitmproxy:latest', use: 'the interceptor of kind mitmproxy' },
];

/** The images the docker runtime uses (containers/<name>/Dockerfile): the components' and each gateway kind's. */
export function dockerImages(kinds: GatewayKindRegistry = gatewayKinds): { readonly name: string; readonly use: string }[] {
  const images = new Map(COMPONENT_IMAGES.map((image) => [image.name, image.use]));
  for (const { image } of kinds.definitions) if (!images.has(image.name)) images.set(image.name, image.use);
  return [...images].map(([name, use]) => ({ name, use }));
}

const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/**
 * What this machine has of what mtls-chaos can use. The local runtime needs only Node; every
 * other line serves a gateway kind, the docker runtime or a test suite, and says how to get it.
 */
export async function checkPrerequisites(options: { docker?: Docker; searchPath?: string; gatewayKinds?: GatewayKindRegistry } = {}): Promise<Prerequisite[]> {
  const kinds = options.gatewayKinds ?? gatewayKinds;
  const searchPath = options.searchPath ?? process.env.PATH ?? '';
  const binary = (name: string, use: PrerequisiteUse, fix: string, fallbacks: readonly string[] = []): Prerequisite => {
    const found = findExecutable(name, searchPath, fallbacks);
    return found ? { name, use, ok: true, detail: found } : { name, use, ok: false, detail: 'not found in PATH', fix };
  };
  const checks: Prerequisite[] = [
    ...kinds.definitions.flatMap((definition) => definition.binaries.map((program) => binary(program.name, `${definition.kind} gateway`, program.fix, program.fallbacks))),
    binary('openssl', 'openssl', 'apt-get install openssl'),
    readable('libfaketime', 'clock skew', LIBFAKETIME, 'apt-get install faketime'),
    binary('chromium', 'HTML report tests', 'apt-get install chromium', ['/usr/bin/chromium']),
  ];
  // dockerode on demand: only doctor and the docker runtime need it.
  const docker = options.docker ?? (await import('./docker/docker-engine.js')).dockerClient();
  let version: string | undefined;
  try {
    version = String(((await docker.version()) as { Version?: string }).Version ?? 'unknown');
  } catch (error) {
    checks.push({ name: 'docker engine', use: 'docker runtime', ok: false, detail: (error as Error).message, fix: ENGINE_HINT });
  }
  if (version !== undefined) {
    checks.push({ name: 'docker engine', use: 'docker runtime', ok: true, detail: `version ${version}` });
    for (const image of dockerImages(kinds)) {
      let present = true;
      try {
        await docker.getImage(image.name).inspect();
      } catch {
        present = false;
      }
      checks.push(
        present
          ? { name: image.name, use: 'docker runtime', ok: true, detail: `present (used by ${image.use})` }
          : { name: image.name, use: 'docker runtime', ok: false, detail: `missing (used by ${image.use})`, fix: 'npm run containers:build (offline: debootstrap + docker import, then docker build)' },
      );
    }
  }
  return checks;
}


function readable(name: string, use: PrerequisiteUse, path: string, fix: string): Prerequisite {
  try {
    accessSync(path, constants.R_OK);
    return { name, use, ok: true, detail: path };
  } catch {
    return { name, use, ok: false, detail: `${path} missing`, fix };
  }
}
