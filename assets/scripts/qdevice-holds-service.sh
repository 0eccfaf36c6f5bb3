#!/bin/sh
# corosync-qdevice's heuristics: passes (exit 0) while this node holds one of RESOURCES as
# DRBD Primary, that is, while it runs the service. In a 50:50 split corosync-qnetd's ffsplit
# gives its vote to the half whose nodes pass, before it asks the tie-breaker; a Primary that
# lost its peer stays Primary (its I/O frozen until the peer is fenced), so the half running
# the mail keeps quorum and the other half is the one fenced.
# Usage: qdevice-holds-service.sh RESOURCE...
set -u
for resource in "$@"; do
  case $(drbdadm role "$resource" 2>/dev/null) in
    Primary*) exit 0 ;;
  esac
done
exit 1
