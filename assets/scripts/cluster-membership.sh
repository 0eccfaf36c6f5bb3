#!/bin/sh
# Waits until every expected node is a corosync member, the partition is quorate, and
# pacemaker reports every node online. Usage: cluster-membership.sh TIMEOUT NODE...
set -eu
# shellcheck source=lib.sh disable=SC1091
. "$(dirname "$0")/lib.sh"
timeout=${1:?usage: cluster-membership.sh TIMEOUT NODE...}
shift
members() {
  missing=""
  quorate=no
  if corosync-quorumtool -s > /tmp/.zha-quorum 2>&1; then quorate=yes; fi
  grep -q '^Quorate: *Yes' /tmp/.zha-quorum || quorate=no
  online=$(crm_mon -1 --output-as=xml 2>/dev/null | grep -o '<node name="[^"]*"[^>]*online="true"' | sed 's/<node name="\([^"]*\)".*/\1/' || true)
  for node in "$@"; do
    grep -Eq "[[:space:]]$node( |\$)|[[:space:]]$node \(local\)" /tmp/.zha-quorum || missing="$missing $node(corosync)"
    printf '%s\n' "$online" | grep -qx "$node" || missing="$missing $node(pacemaker)"
  done
  [ "$quorate" = yes ] && [ -z "$missing" ]
}
if ! wait_until "$timeout" 3 members "$@"; then
  echo "membership: not converged after $timeout s (quorate=$quorate, missing:$missing)" >&2
  cat /tmp/.zha-quorum >&2
  crm_mon -1 >&2 || true
  exit 1
fi
echo "membership: quorate, online: $*"
