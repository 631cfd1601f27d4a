#!/usr/bin/env bash
# Builds mtls-chaos/base:bookworm offline: debootstrap from the Debian mirror this machine's apt
# already uses (no container registry needed), then `docker import`. Every image under containers/
# starts FROM it (build argument BASE_IMAGE; users online can point it at an official image).
# Skips the build when the image exists; --force rebuilds.
set -euo pipefail

IMAGE=${BASE_IMAGE:-mtls-chaos/base:bookworm}
# What the images need: gateways (nginx, haproxy), `openssl ocsp`, libfaketime for clock skew,
# tc/iptables for network faults, libstdc++ for the Node binary mounted from the host.
INCLUDE=openssl,nginx-light,haproxy,iproute2,iptables,ca-certificates,faketime,libstdc++6,procps

force=false
[[ ${1:-} == --force ]] && force=true
if ! $force && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "base image $IMAGE exists (use --force to rebuild)"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "debootstrap is missing: apt-get install debootstrap" >&2; exit 2; }

# The mirror comes from apt's own configuration, never from this file.
mirror=${DEBIAN_MIRROR:-}
if [[ -z $mirror ]]; then
  mirror=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n1 || true)
fi
if [[ -z $mirror ]]; then
  mirror=$(grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}' | grep -v security | head -n1 || true)
fi
[[ -n $mirror ]] || { echo "no Debian mirror found in the apt configuration; set DEBIAN_MIRROR" >&2; exit 2; }

root=$(mktemp -d /tmp/mtls-chaos-base-XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "debootstrap bookworm ($INCLUDE) into $root"
debootstrap --variant=minbase --include="$INCLUDE" bookworm "$root" "$mirror" >"$root.log" 2>&1 || {
  tail -n 30 "$root.log" >&2
  exit 2
}
rm -f "$root.log"
# Smaller image: no package cache, no apt lists, no docs.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/*
tar -C "$root" -c . | docker import \
  --change 'LABEL mtls-chaos.image=base' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["/bin/bash"]' \
  - "$IMAGE"
echo "built $IMAGE"
