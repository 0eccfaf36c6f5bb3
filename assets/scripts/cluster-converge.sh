#!/bin/sh
# Waits until each group runs on exactly one node and the cluster has no pending actions.
# Usage: cluster-converge.sh TIMEOUT GROUP...
set -eu
# shellcheck source=lib.sh disable=SC1091
. "$(dirname "$0")/lib.sh"
timeout=${1:?usage: cluster-converge.sh TIMEOUT GROUP...}
shift
running_on() { crm_resource --locate --resource "$1" 2>/dev/null | sed -n 's/.* is running on: \([^ ]*\).*/\1/p'; }
converged() {
  pending=""
  for group in "$@"; do
    [ "$(running_on "$group" | grep -c .)" -eq 1 ] || pending="$pending $group"
  done
  [ -z "$pending" ] && crm_resource --wait --timeout=5s >/dev/null 2>&1
}
if ! wait_until "$timeout" 5 converged "$@"; then
  echo "converge: not started after $timeout s:$pending" >&2
  crm_mon -1 -r -f >&2 || true
  exit 1
fi
for group in "$@"; do echo "$group: running on $(running_on "$group")"; done
