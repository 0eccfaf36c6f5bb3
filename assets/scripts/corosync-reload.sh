#!/bin/sh
# Applies the corosync.conf and authkey that every node now holds to the running cluster,
# without a restart and without a membership change: `corosync-cfgtool -R` makes every member
# reload at once, and corosync >= 3.1 switches the authkey, cipher and hash in three phases
# synchronised by the token (timers and knet links change the same way). Corosync silently
# keeps its running value for what it cannot change at run time (the cluster name, the
# transport, node ids), so each value the file sets is then read back from the running
# corosync, and every link must connect to every member.
# Usage: corosync-reload.sh TIMEOUT LINKS KEY=VALUE...
#   LINKS: how many knet links the file declares; KEY=VALUE: cmap keys and the file's values.
set -eu
# shellcheck source=lib.sh disable=SC1091
. "$(dirname "$0")/lib.sh"
timeout=${1:?usage: corosync-reload.sh TIMEOUT LINKS KEY=VALUE...}
links=${2:?usage: corosync-reload.sh TIMEOUT LINKS KEY=VALUE...}
shift 2

ring_id() { corosync-quorumtool -s 2>/dev/null | sed -n 's/^Ring ID: *//p'; }
cmap() { corosync-cmapctl -g "$1" 2>/dev/null | sed 's/^[^=]*= //'; }
local_id() { corosync-cmapctl -g runtime.votequorum.this_node_id 2>/dev/null | sed 's/^[^=]*= //'; }
member_ids() { corosync-cmapctl -b runtime.members 2>/dev/null | sed -n 's/^runtime\.members\.\([0-9]*\)\.status (str) = joined$/\1/p'; }

systemctl is-active --quiet corosync.service || {
  echo "corosync-reload: corosync is not running on $(hostname); start it (systemctl start corosync) and run pulumi up again" >&2
  exit 1
}
# On a first deploy the other nodes may still be joining: a join during the reload would
# change the ring for a reason that is not the reload.
configured() { corosync-cmapctl -b nodelist.node 2>/dev/null | grep -c '\.nodeid (u32)'; }
all_joined() {
  nodes=$(configured)
  [ "$nodes" -gt 0 ] && [ "$(member_ids | wc -l)" -ge "$nodes" ]
}
complete=yes
if ! wait_until $((timeout < 120 ? timeout : 120)) 2 all_joined; then
  complete=no
  echo "corosync-reload: $(member_ids | wc -l) of $(configured) nodes are members; the others take the new files when they start"
fi
# Right after a membership change corosync synchronises its services and answers requests
# with CS_ERR_TRY_AGAIN until it is done (corosync-cfgtool does not retry): ask again.
reload_answer=""
reload_once() {
  before=$(ring_id)
  reload_answer=$(corosync-cfgtool -R 2>&1) && return 0
  case $reload_answer in
  *TRY_AGAIN*) return 1 ;;
  esac
  echo "corosync-reload: corosync-cfgtool -R failed: $reload_answer" >&2
  exit 1
}
if ! wait_until "$timeout" 2 reload_once; then
  echo "corosync-reload: corosync still answered \"$reload_answer\" after $timeout s; look at journalctl -u corosync on $(hostname)" >&2
  exit 1
fi

kept=""
for pair in "$@"; do
  key=${pair%%=*} want=${pair#*=}
  have=$(cmap "$key")
  [ "$have" = "$want" ] || kept="$kept ${key}: running ${have:-(none)}, file $want;"
done
if [ -n "$kept" ]; then
  echo "corosync-reload: corosync kept its running value for:$kept" >&2
  echo "corosync-reload: these change only when corosync restarts on every node at once (nodes with different values do not form one cluster): plan a maintenance window, stop pacemaker and corosync on both nodes, start them again" >&2
  exit 1
fi

disconnected=""
links_connected() {
  disconnected=""
  self=$(local_id)
  for id in $(member_ids); do
    [ "$id" = "$self" ] && continue
    link=0
    while [ "$link" -lt "$links" ]; do
      [ "$(corosync-cmapctl -m stats -g "stats.knet.node$id.link$link.connected" 2>/dev/null | sed 's/^[^=]*= //')" = 1 ] ||
        disconnected="$disconnected node $id link $link;"
      link=$((link + 1))
    done
  done
  [ -z "$disconnected" ]
}
if ! wait_until "$timeout" 2 links_connected; then
  echo "corosync-reload: links not connected after $timeout s:$disconnected check the addresses and firewalls of those links (corosync-cfgtool -s)" >&2
  exit 1
fi

after=$(ring_id)
if [ "$complete" = yes ] && [ "$before" != "$after" ]; then
  echo "corosync-reload: the membership changed during the reload (ring $before -> $after); look at journalctl -u corosync on every node" >&2
  exit 1
fi
echo "corosync: configuration and authkey reloaded on every member, ring $after unchanged, $links link(s) connected"
