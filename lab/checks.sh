#!/usr/bin/env bash
# Cluster-state checks shared by the lab's end-to-end test, agent test and fault suite.
# Sourced after lib.sh. Commands for the nodes are single-quoted on purpose.
#
# Every check fails when it could not ask: a query whose ssh fails (exit 255) or whose
# cluster command errors yields no answer, and each check compares against a positive
# answer ("unmounted", "no-vip", an empty constraint list read successfully), so silence
# never passes for "no".
# shellcheck disable=SC2016,SC2034

RESOURCE_GROUP=zimbra
DRBD_RES=zimbradata
MOUNT_POINT=/opt/zimbra
GROUP_UNITS=(lab-mailroot postfix@- dovecot) # the systemd units of the group's members
GROUP_MEMBERS=(vip "fs-$DRBD_RES" mailroot mta imap) # the group's resources, in start order

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

# The node that is Pacemaker's DC (designated controller); fails when it cannot be asked.
dc_node() {
  local xml
  xml=$(on_cluster 'crm_mon -1 --output-as=xml') || return 1
  grep -o '<current_dc [^>]*name="[^"]*"' <<<"$xml" | sed 's/.*name="//; s/"$//'
}
# NODE's clock minus the host's, in seconds (journal times are the node's).
clock_offset() {
  local before node after
  before=$(date +%s.%N) && node=$(on "$1" 'date +%s.%N') && after=$(date +%s.%N) || return 1
  awk -v b="$before" -v n="$node" -v a="$after" 'BEGIN { printf "%.3f", n - (a + b) / 2 }'
}

# The node running the group, as NODE (default: any live node) sees it; fails when it cannot
# be asked, empty when it runs nowhere.
active_node() {
  local out query="crm_resource --locate --resource $RESOURCE_GROUP 2>&1 || true"
  if [[ -n ${1:-} ]]; then out=$(on "$1" "$query") || return 1; else out=$(on_cluster "$query") || return 1; fi
  sed -n 's/.* is running on: \([a-z]*\).*/\1/p' <<<"$out" | head -n 1
}
# NODE runs the group, in its own view: in a partition the other half's view is its own.
group_runs_on() { local a; a=$(active_node "$1") && [[ $a == "$1" ]]; }

both_online_and_quorate() {
  local xml quorum
  xml=$(on_cluster 'crm_mon -1 --output-as=xml') || return 1
  quorum=$(on_cluster 'corosync-quorumtool -s') || return 1
  grep -q 'name="primary"[^>]*online="true"' <<<"$xml" && grep -q 'name="secondary"[^>]*online="true"' <<<"$xml" &&
    grep -q '^Quorate: *Yes' <<<"$quorum"
}
# Both nodes online and joined (not pending) in every node's view, and the cluster quorate: a
# node can see itself online while the DC still has it pending.
both_joined_everywhere() {
  local n m xml quorum
  for n in "${LAB_NODES[@]}"; do
    xml=$(on "$n" 'crm_mon -1 --output-as=xml') || return 1
    for m in "${LAB_NODES[@]}"; do
      grep -q "name=\"$m\"[^>]*online=\"true\"[^>]*pending=\"false\"" <<<"$xml" || return 1
    done
  done
  quorum=$(on_cluster 'corosync-quorumtool -s') || return 1
  grep -q '^Quorate: *Yes' <<<"$quorum"
}
drbd_state_ok() {
  local a=$1 o; o=$(other_node "$1")
  on "$a" 'cat /proc/drbd' | grep -Eq 'cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate' &&
    on "$o" 'cat /proc/drbd' | grep -Eq 'cs:Connected ro:Secondary/Primary ds:UpToDate/UpToDate'
}

# Positive answers, one word each, or a failure when the node cannot be asked.
mount_state() { on "$1" "findmnt -n -o SOURCE $MOUNT_POINT || echo unmounted"; } # /dev/drbd0 | unmounted
vip_state() { on "$1" "if ip -4 -o addr show | grep -q ' $LAB_VIP/'; then echo vip; else echo no-vip; fi"; }
drbd_role() { on "$1" "drbdadm role $DRBD_RES 2>/dev/null || echo down"; } # Primary/Secondary, ..., down
unit_state() { on "$1" "systemctl is-active $2 || true"; }                    # active | inactive | failed ...

unmounted_everywhere() { [[ $(mount_state primary) == unmounted && $(mount_state secondary) == unmounted ]]; }
mounted_on_only() { [[ $(mount_state "$1") == /dev/drbd0 && $(mount_state "$(other_node "$1")") == unmounted ]]; }
vip_on_only() {
  [[ $(vip_state "$1") == vip && $(vip_state "$(other_node "$1")") == no-vip ]] &&
    ns timeout 10 bash -c "exec 3<>/dev/tcp/$LAB_VIP/25"
}
# NODE holds none of the group: no mount, no VIP, not DRBD Primary, no member unit active.
holds_nothing() {
  local n=$1 role u state
  [[ $(mount_state "$n") == unmounted && $(vip_state "$n") == no-vip ]] || return 1
  role=$(drbd_role "$n") || return 1
  [[ -n $role && $role != Primary* ]] || return 1
  for u in "${GROUP_UNITS[@]}"; do
    state=$(unit_state "$n" "$u") || return 1
    [[ -n $state && $state != active ]] || return 1
  done
}

# failcount NODE RESOURCE: the resource's fail count on NODE (0, N or INFINITY); fails when not asked.
failcount() {
  local out
  out=$(on "$1" "crm_failcount --query --resource $2 --node $1") || return 1
  sed -n 's/.*value=\([0-9A-Z]*\).*/\1/p' <<<"$out"
}
# No constraint left by DRBD's fence-peer handler (the constraint list read successfully).
no_fence_constraint() {
  local constraints
  constraints=$(on_cluster 'cibadmin -Q -o constraints') || return 1
  [[ $constraints == *"<constraints"* ]] && ! grep -q 'drbd-fence-by-handler' <<<"$constraints"
}
# Failed actions the cluster recorded for RESOURCE (crm_mon's XML; fails when not asked).
failed_actions_of() {
  local xml
  xml=$(on_cluster 'crm_mon -1 --output-as=xml') || return 1
  grep -o "<failure op_key=\"$1_[^\"]*\" node=\"[^\"]*\"" <<<"$xml" || true
}

# What must not change while nothing happens to the service on NODE: each group unit's start
# time and main PID, the mount (source and mount id), NODE's own DRBD role (not its view of the
# peer's, which a partition changes), whether NODE holds the VIP.
# Fails (no output) when any query fails.
service_snapshot() {
  on "$1" "set -e
    for u in ${GROUP_UNITS[*]}; do
      t=\$(systemctl show -p ActiveEnterTimestampMonotonic --value \$u); p=\$(systemctl show -p MainPID --value \$u)
      echo \"\$u started \$t pid \$p\"
    done
    m=\$(findmnt -n -o ID,SOURCE $MOUNT_POINT || true); echo \"mount \${m:-none}\"
    role=\$(drbdadm role $DRBD_RES); echo \"role \${role%%/*}\"
    if ip -4 -o addr show | grep -q ' $LAB_VIP/'; then echo vip; else echo no-vip; fi"
}
# DRBD's current generation identifier on NODE: it changes with every new data generation,
# which a Primary starts when it writes while its peer is away (so not in a partition check).
data_generation() { on "$1" "gi=\$(drbdadm get-gi $DRBD_RES) && echo \"gi \${gi%%:*}\""; }
# The same for the cluster stack's own daemons (corosync, pacemaker, sbd).
stack_snapshot() {
  on "$1" 'set -e; for u in corosync pacemaker sbd; do t=$(systemctl show -p ActiveEnterTimestampMonotonic --value $u); echo "$u started $t"; done'
}

# corosync's votes as NODE counts them: "TOTAL EXPECTED"; fails when not asked.
votes_on() {
  on "$1" 'corosync-quorumtool -s || true' |
    awk '/^Expected votes:/ { e = $3 } /^Total votes:/ { t = $3 } END { if (t == "" || e == "") exit 1; print t, e }'
}
# Both nodes count three votes of three: their own and the quorum device's.
device_vote_counted() { [[ $(votes_on primary) == "3 3" && $(votes_on secondary) == "3 3" ]]; }

# Everything as after a clean deploy, with the group on NODE (and, in a stack variant with a
# quorum device, the device's vote counted).
healthy_on() {
  both_joined_everywhere && group_runs_on "$1" && drbd_state_ok "$1" && mounted_on_only "$1" && vip_on_only "$1" &&
    no_fence_constraint && { ! variant_has_arbiter "$(lab_variant)" || device_vote_counted; }
}

# wait_for SECONDS DESCRIPTION COMMAND...: polls every 3 s; says every minute that it still waits.
wait_for() {
  local limit=$1 what=$2 started=$SECONDS noted=$SECONDS; shift 2
  until "$@" 2>/dev/null; do
    ((SECONDS - started < limit)) || { log "timeout after ${limit}s: $what"; return 1; }
    if ((SECONDS - noted >= 60)); then
      noted=$SECONDS
      log "  still waiting: $what ($((SECONDS - started)) s of ${limit} s)"
    fi
    sleep 3
  done
}
