#!/usr/bin/env bash
# Cluster-state checks shared by the lab's end-to-end test and fault suite. Sourced after
# lib.sh. Commands for the nodes are single-quoted on purpose.
# shellcheck disable=SC2016,SC2034

RESOURCE_GROUP=zimbra
DRBD_RES=zimbradata
MOUNT_POINT=/opt/zimbra

on() { lab_ssh "$@"; }
other_node() { [[ $1 == primary ]] && echo secondary || echo primary; }

# The first node whose emulator runs and whose ssh answers.
live_node() {
  local n
  for n in "${LAB_NODES[@]}"; do
    node_pid "$n" >/dev/null && lab_ssh "$n" true 2>/dev/null && { echo "$n"; return 0; }
  done
  return 1
}
# Runs a cluster query on any live node.
on_cluster() { local n; n=$(live_node) || return 1; on "$n" "$@"; }

# The node running the group (empty when it runs nowhere).
active_node() {
  on_cluster "crm_resource --locate --resource $RESOURCE_GROUP 2>/dev/null" | sed -n 's/.* is running on: \([a-z]*\).*/\1/p' | head -n 1
}
group_runs_on() { [[ $(active_node) == "$1" ]]; }

both_online_and_quorate() {
  local xml
  xml=$(on_cluster 'crm_mon -1 --output-as=xml') || return 1
  grep -q 'name="primary"[^>]*online="true"' <<<"$xml" && grep -q 'name="secondary"[^>]*online="true"' <<<"$xml" &&
    on_cluster 'corosync-quorumtool -s' | grep -q '^Quorate: *Yes'
}
drbd_state_ok() {
  local a=$1 o; o=$(other_node "$1")
  on "$a" 'cat /proc/drbd' | grep -Eq 'cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate' &&
    on "$o" 'cat /proc/drbd' | grep -Eq 'cs:Connected ro:Secondary/Primary ds:UpToDate/UpToDate'
}
mounted_on_only() {
  on "$1" "findmnt -n $MOUNT_POINT" | grep -q drbd0 && ! on "$(other_node "$1")" "findmnt -n $MOUNT_POINT" >/dev/null
}
vip_on_only() {
  on "$1" 'ip -4 -o addr' | grep -q " $LAB_VIP/" && ! on "$(other_node "$1")" 'ip -4 -o addr' | grep -q " $LAB_VIP/" &&
    ns timeout 10 bash -c "exec 3<>/dev/tcp/$LAB_VIP/25"
}
# failcount NODE RESOURCE: the resource's fail count on NODE (0, N or INFINITY).
failcount() { on "$1" "crm_failcount --query --resource $2 --node $1" | sed -n 's/.*value=\([0-9A-Z]*\).*/\1/p'; }
# No constraint left by DRBD's fence-peer handler.
no_fence_constraint() { ! on_cluster 'cibadmin -Q -o constraints' | grep -q 'drbd-fence-by-handler'; }

# Start times of the lab's services on NODE, then its mount and DRBD role; fails when a query does.
unit_stamps() { on "$1" 'for u in dovecot postfix@- lab-mailroot; do systemctl show -p ActiveEnterTimestampMonotonic --value $u; done'; }
service_stamps() { unit_stamps "$1" && on "$1" "findmnt -n -o SOURCE $MOUNT_POINT; drbdadm role $DRBD_RES"; }

# Everything as after a clean deploy, with the group on NODE.
healthy_on() {
  both_online_and_quorate && group_runs_on "$1" && drbd_state_ok "$1" && mounted_on_only "$1" && vip_on_only "$1" && no_fence_constraint
}

# wait_for SECONDS DESCRIPTION COMMAND...: polls every 3 s.
wait_for() {
  local limit=$1 what=$2 deadline; shift 2
  deadline=$((SECONDS + limit))
  until "$@" 2>/dev/null; do
    ((SECONDS < deadline)) || { log "timeout after ${limit}s: $what"; return 1; }
    sleep 3
  done
}
