import { accessSync, constants } from 'node:fs';
import { findExecutable } from './find-executable.js';
import type Docker from 'dockerode';
import { ENGINE_HINT } from './docker/engine-hint.js';

/** What a prerequisite serves: `docker` is the docker runtime; the rest are optional parts of the local one. */
export type PrerequisiteUse = 'docker runtime' | 'nginx gateway' | 'haproxy gateway' | 'openssl' | 'clock skew' | 'HTML report tests';

export interface Prerequisite {
  readonly name: string;
  readonly use: PrerequisiteUse;
  readonly ok: boolean;
  /** What was found (a path, a version), or why not. */
  readonly detail: string;
  /** How to get it, when missing. */
  readonly fix?: string;
}

/** The images the docker runtime uses (containers/<name>/Dockerfile), built from the offline base. */
export const DOCKER_IMAGES = ['mtls-chaos/base:bookworm', 'mtls-chaos/node:latest', 'mtls-chaos/nginx:latest', 'mtls-chaos/haproxy:latest', 'mtls-chaos/openssl-ocsp:latest', 'mtls-chaos/net-tools:latest', 'mtls-chaos/mitmproxy:latest'];

/** What each image runs, for doctor's detail column. */
const IMAGE_USES: Readonly<Record<string, string>> = {
  'mtls-chaos/base:bookworm': 'every other image, as its base',
  'mtls-chaos/node:latest': 'the node gateway, the builtin OCSP responder, fault proxies, the interceptor',
  'mtls-chaos/nginx:latest': 'the nginx gateway',
  'mtls-chaos/haproxy:latest': 'the haproxy gateway and the haproxy balancer',
  'mtls-chaos/openssl-ocsp:latest': 'the OCSP responder of kind openssl',
  'mtls-chaos/net-tools:latest': 'partition and packet loss in a container\'s network namespace',
  'mtls-chaos/mitmproxy:latest': 'the interceptor of kind mitmproxy',
};

const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/**
 * What this machine has of what mtls-chaos can use. The local runtime needs only Node; every
 * other line serves a gateway kind, the docker runtime or a test suite, and says how to get it.
 */
export async function checkPrerequisites(options: { docker?: Docker; searchPath?: string } = {}): Promise<Prerequisite[]> {
  const searchPath = options.searchPath ?? process.env.PATH ?? '';
  const binary = (name: string, use: PrerequisiteUse, fix: string, fallbacks: readonly string[] = []): Prerequisite => {
    const found = findExecutable(name, searchPath, fallbacks);
    return found ? { name, use, ok: true, detail: found } : { name, use, ok: false, detail: 'not found in PATH', fix };
  };
  const checks: Prerequisite[] = [
    binary('nginx', 'nginx gateway', 'apt-get install nginx', ['/usr/sbin/nginx']),
    binary('haproxy', 'haproxy gateway', 'apt-get install haproxy', ['/usr/sbin/haproxy']),
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
    for (const image of DOCKER_IMAGES) {
      let present = true;
      try {
        await docker.getImage(image).inspect();
      } catch {
        present = false;
      }
      checks.push(
        present
          ? { name: image, use: 'docker runtime', ok: true, detail: `present${IMAGE_USES[image] ? ` (used by ${IMAGE_USES[image]})` : ''}` }
          : { name: image, use: 'docker runtime', ok: false, detail: `missing${IMAGE_USES[image] ? ` (used by ${IMAGE_USES[image]})` : ''}`, fix: 'npm run containers:build (offline: debootstrap + docker import, then docker build)' },
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
