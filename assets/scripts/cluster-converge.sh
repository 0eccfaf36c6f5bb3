#!/bin/sh
# Waits until each group runs on exactly one node and the cluster has no pending actions.
# Usage: cluster-converge.sh TIMEOUT GROUP...
set -eu
timeout=${1:?usage: cluster-converge.sh TIMEOUT GROUP...}
shift
waited=0
while :; do
  pending=""
  for group in "$@"; do
    where=$(crm_resource --locate --resource "$group" 2>/dev/null | sed -n 's/.* is running on: \([^ ]*\).*/\1/p')
    [ "$(printf '%s\n' "$where" | grep -c .)" -eq 1 ] || pending="$pending $group"
  done
  if [ -z "$pending" ] && crm_resource --wait --timeout=5s >/dev/null 2>&1; then
    for group in "$@"; do echo "$group: running on $(crm_resource --locate --resource "$group" | sed -n 's/.* is running on: \([^ ]*\).*/\1/p')"; done
    exit 0
  fi
  if [ "$waited" -ge "$timeout" ]; then
    echo "converge: not started after $timeout s:$pending" >&2
    crm_mon -1 -r -f >&2 || true
    exit 1
  fi
  sleep 5
  waited=$((waited + 5))
done
