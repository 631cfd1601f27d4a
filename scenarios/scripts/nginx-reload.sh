#!/bin/sh
# Reloads the drill's nginx as `nginx -s reload` or `systemctl reload nginx` would: SIGHUP to its
# master process, which starts new workers and lets the old ones finish their connections.
# The command fault sets MTLS_CHAOS_GATEWAY_PIDS (every gateway process); the master is the one
# whose process title says "master process".
# Usage: nginx-reload.sh [times] [seconds between reloads]
set -eu
times=${1:-1}
interval=${2:-1}
master=""
for pid in ${MTLS_CHAOS_GATEWAY_PIDS:-}; do
  if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'master process'; then master=$pid; fi
done
if [ -z "$master" ]; then
  echo "no nginx master process among MTLS_CHAOS_GATEWAY_PIDS='${MTLS_CHAOS_GATEWAY_PIDS:-}'" >&2
  exit 1
fi
i=1
while [ "$i" -le "$times" ]; do
  kill -HUP "$master"
  echo "reload $i of $times: SIGHUP to the nginx master (pid $master)"
  if [ "$i" -lt "$times" ]; then sleep "$interval"; fi
  i=$((i + 1))
done
