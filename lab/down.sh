#!/usr/bin/env bash
# Removes everything the lab made except the caches: nodes, repo server, namespace, disks,
# state. Safe to run twice.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need_root

stop() { # stop NAME PIDFILE PATTERN
  local pid i
  pid=$(pid_alive "$2" "$3") || return 0
  kill "$pid"
  for ((i = 0; i < 50; i++)); do
    pid_alive "$2" "$3" >/dev/null || { log "$1: stopped"; return 0; }
    sleep 0.1
  done
  kill -9 "$pid" && log "$1: killed"
}

# The BMCs first: a BMC left running could power its node on again.
for n in "${LAB_NODES[@]}"; do
  stop "$n's BMC" "$LAB_STATE/bmc-$n.pid" "/bmc/$n/"
done
for n in "${LAB_NODES[@]}" "$LAB_ARBITER"; do
  stop "$n" "$LAB_STATE/$n.pid" "guest=$n"
done
stop "repo server" "$LAB_STATE/http.pid" http.server
bash "$LAB_DIR/net.sh" down
rm -rf "$LAB_STATE"
log "lab down (caches kept in $LAB_CACHE)"
