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
for dockerfile in */Dockerfile; do
  name=${dockerfile%/Dockerfile}
  image="mtls-chaos/$name:latest"
  if ! $force && docker image inspect "$image" >/dev/null 2>&1; then
    echo "image $image exists"
    continue
  fi
  echo "building $image"
  DOCKER_BUILDKIT=0 docker build --quiet --pull=false --build-arg "BASE_IMAGE=$BASE_IMAGE" --label mtls-chaos.image="$name" -t "$image" "$name" >/dev/null 2>&1 || { echo "docker build of $image failed; rerun: docker build --build-arg BASE_IMAGE=$BASE_IMAGE $name" >&2; exit 2; }
done
