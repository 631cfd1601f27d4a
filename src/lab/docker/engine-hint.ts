/** What to do when no Docker engine answers; apart from docker-engine.ts so that naming it does not load dockerode. */
export const ENGINE_HINT =
  'start a Docker engine: `apt-get install docker.io` then `dockerd >/tmp/dockerd.log 2>&1 &` (as root), or set DOCKER_HOST; `mtls-chaos doctor` checks';
