#!/usr/bin/env bash
# Builds every component image (containers/<name>/Dockerfile) from the base image, tagged
# mtls-chaos/<name>:latest. Skips images that exist; --force rebuilds them all.
set -euo pipefail
cd "$(dirname "$0")"

BASE_IMAGE=${BASE_IMAGE:-mtls-chaos/base:bookworm}
force=false
[[ ${1:-} == --force ]] && force=true
docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 || {
  echo "base image $BASE_IMAGE is missing: run containers/build-base.sh first" >&2
  exit 2
}
# The Debian mirror for images that install packages (mitmproxy): the one this machine's apt uses.
mirror=${DEBIAN_MIRROR:-}
if [[ -z $mirror ]]; then
  mirror=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n1 || true)
fi
if [[ -z $mirror ]]; then
  mirror=$(grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}' | grep -v security | head -n1 || true)
fi
mirror=${mirror:-http://deb.debian.org/debian}
for dockerfile in */Dockerfile; do
  name=${dockerfile%/Dockerfile}
  image="mtls-chaos/$name:latest"
  if ! $force && docker image inspect "$image" >/dev/null 2>&1; then
    echo "image $image exists"
    continue
  fi
  echo "building $image"
  DOCKER_BUILDKIT=0 docker build --quiet --pull=false --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg "DEBIAN_MIRROR=$mirror" --label mtls-chaos.image="$name" -t "$image" "$name" >/dev/null 2>&1 || { echo "docker build of $image failed; rerun: docker build --build-arg BASE_IMAGE=$BASE_IMAGE --build-arg DEBIAN_MIRROR=$mirror $name" >&2; exit 2; }
done
