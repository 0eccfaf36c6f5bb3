#!/usr/bin/env bash
# One screen of lab state: each node up/down, uptime, then the cluster's view from each node.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need_root

# Runs on the node: cluster state if the cluster packages are there.
read -r -d '' remote <<'SH' || true
echo "uptime: $(uptime)"
if command -v crm_mon >/dev/null; then
  timeout 20 crm_mon -1 -r 2>&1 || true
else
  echo "cluster packages not installed yet"
fi
if command -v drbdadm >/dev/null; then
  timeout 10 drbdadm status 2>&1 || cat /proc/drbd 2>/dev/null || true
fi
SH

ns_exists && echo "namespace $LAB_NS: present" || echo "namespace $LAB_NS: absent"
if pid=$(pid_alive "$LAB_STATE/http.pid" http.server); then
  echo "repo server: running (pid $pid), $LAB_APT_SOURCE"
else
  echo "repo server: down"
fi
for n in "${LAB_NODES[@]}"; do
  echo "== $n (${LAB_SVC_IP[$n]}, ring ${LAB_RING_IP[$n]})"
  if ! pid=$(node_pid "$n"); then
    echo "emulator: down"
    continue
  fi
  echo "emulator: running (pid $pid)"
  if out=$(timeout 40 bash "$LAB_DIR/ssh.sh" "$n" "$remote" 2>&1); then
    echo "ssh: answers"
    echo "$out"
  else
    echo "ssh: no answer ${out:+($out)}"
  fi
done
