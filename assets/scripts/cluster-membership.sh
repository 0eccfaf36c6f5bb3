#!/bin/sh
# Waits until every expected node is a corosync member, the partition is quorate, and
# pacemaker reports every node online. Usage: cluster-membership.sh TIMEOUT NODE...
set -eu
timeout=${1:?usage: cluster-membership.sh TIMEOUT NODE...}
shift
waited=0
while :; do
  missing=""
  quorate=no
  if corosync-quorumtool -s > /tmp/.zha-quorum 2>&1; then quorate=yes; fi
  grep -q '^Quorate: *Yes' /tmp/.zha-quorum || quorate=no
  online=$(crm_mon -1 --output-as=xml 2>/dev/null | grep -o '<node name="[^"]*"[^>]*online="true"' | sed 's/<node name="\([^"]*\)".*/\1/' || true)
  for node in "$@"; do
    grep -Eq "[[:space:]]$node( |\$)|[[:space:]]$node \(local\)" /tmp/.zha-quorum || missing="$missing $node(corosync)"
    printf '%s\n' "$online" | grep -qx "$node" || missing="$missing $node(pacemaker)"
  done
  if [ "$quorate" = yes ] && [ -z "$missing" ]; then
    echo "membership: quorate, online: $*"
    exit 0
  fi
  if [ "$waited" -ge "$timeout" ]; then
    echo "membership: not converged after $timeout s (quorate=$quorate, missing:$missing)" >&2
    cat /tmp/.zha-quorum >&2
    crm_mon -1 >&2 || true
    exit 1
  fi
  sleep 3
  waited=$((waited + 3))
done
