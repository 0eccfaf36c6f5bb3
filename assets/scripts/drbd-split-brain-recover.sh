#!/bin/sh
# Day-2 recovery from a DRBD split brain, after a human chose the survivor: the node whose
# data is kept. Run it on both nodes (any order) with the same arguments:
#   drbd-split-brain-recover.sh RESOURCE SURVIVOR
# On the other node (the victim) it DISCARDS the changes made there since the split
# (`connect --discard-my-data`) and resyncs from the survivor; on the survivor it only
# reconnects. The victim must not be Primary: stop or move the resources first.
set -eu
res=${1:?usage: drbd-split-brain-recover.sh RESOURCE SURVIVOR}
survivor=${2:?usage: drbd-split-brain-recover.sh RESOURCE SURVIVOR}
self=$(uname -n)
cstate=$(drbdadm cstate "$res")
role=$(drbdadm role "$res" | cut -d/ -f1)

if [ "$self" = "$survivor" ]; then
  if [ "$cstate" = StandAlone ]; then
    drbdadm connect "$res"
    echo "split-brain: $self is the survivor of $res: reconnected, keeps its data"
  else
    echo "split-brain: $self is the survivor of $res: connection state $cstate, nothing to do"
  fi
  exit 0
fi

if [ "$role" = Primary ]; then
  echo "$self: $res is Primary here; refusing to discard its data. Move or stop the resources on $self first (the survivor is $survivor)." >&2
  exit 1
fi
case "$cstate" in
  Connected | SyncSource | SyncTarget)
    echo "split-brain: $res on $self is $cstate: no split brain to recover"
    exit 0
    ;;
esac
drbdadm disconnect "$res" 2>/dev/null || true
drbdadm secondary "$res"
drbdadm connect --discard-my-data "$res"
echo "split-brain: $self discarded its changes to $res since the split; resyncing from $survivor"
