#!/usr/bin/env bash
# The fault suite's means, shared by lab/faults.sh and its self-test (lab/faults-selftest.sh):
# recording a fault run's checks, the mail load, the faults themselves (power, bridge
# filters) and the cluster facts the checks read. Sourced after lib.sh and checks.sh, with
# $work (scratch folder), $run_id and $rows set. Every fact fails when it could not be read.
# shellcheck disable=SC2016,SC2034,SC2154,SC2317  # set by faults.sh; commands for the nodes are single-quoted; checks run through expect
# ---- recording -------------------------------------------------------------------------
# Each expectation of a fault run is kept with its outcome; the row carries them all, so the
# report can say which checks were asserted in which runs.
problems="" checks_json="" fault_no="" fault_run=""
# begin_run FAULT: a new run of FAULT, numbered after the runs of it already in this suite run.
begin_run() {
  fault_no=$1
  fault_run=$(($(grep -c "\"fault\": \"$fault_no\"," "$rows" || true) + 1))
  problems="" checks_json="" fault_t0="" verify_oos=""
  rm -f "$work/verify.json" "$work/timeline.json"
  log "fault $fault_no run $fault_run"
}
# expect DESCRIPTION COMMAND...: a failed expectation is kept in $problems for the row. A check's
# stderr is silenced, except wait_for's (its polled command is silenced inside): a long wait
# says that it still waits, and why it gave up.
expect() {
  local what=$1 ok=true; shift
  if [[ $1 == wait_for ]]; then "$@" || ok=false; else "$@" 2>/dev/null || ok=false; fi
  checks_json+="${checks_json:+,}$(python3 -c 'import json,sys; print(json.dumps({"what": sys.argv[1], "ok": sys.argv[2] == "true"}))' "$what" "$ok")"
  $ok && return 0
  log "  NOT MET: $what"
  problems+="${problems:+; }$what"
  return 0
}
outcome() { [[ -z $problems ]] && echo pass || echo fail; }
# baseline VAR DESCRIPTION COMMAND...: a fact read before the fault (an id, a count) into VAR.
# One that cannot be read, or reads empty, fails the run: it is kept as a failed check, and
# the caller abandons the run (abandon_run) rather than compare against nothing.
baseline() {
  local var=$1 what=$2 value; shift 2
  if value=$("$@" 2>/dev/null) && [[ -n $value ]]; then
    printf -v "$var" '%s' "$value"
    return 0
  fi
  expect "read before the fault: $what" false
  return 1
}
# abandon_run: the current fault run ends before its fault, with a failed row.
abandon_run() {
  rm -f "$work/verify.json" "$work/timeline.json"
  record fail "" "abandoned before the fault: ${problems}"
}
# Extra fields of every row, as JSON (the soak adds its draw's index).
row_extra="{}"
# postmortem NAME: what a failed run leaves to diagnose it, into $evidence/postmortem/NAME/: for
# each node, its console's last lines (kernel messages reach it even when ssh does not) and,
# where ssh answers, crm_mon, /proc/drbd and the last kernel messages of its current boot.
postmortem() {
  local dir=$evidence/postmortem/$1 n
  mkdir -p "$dir"
  for n in "${LAB_NODES[@]}"; do
    if [[ -f $LAB_STATE/$n.console.log ]]; then
      tail -n 300 "$LAB_STATE/$n.console.log" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g; s/\r$//' >"$dir/$n.console.txt"
    fi
    on "$n" 'timeout 50 sh -c "crm_mon -1rf; echo; cat /proc/drbd; echo; journalctl -k -b -q --no-pager -o short-iso | tail -n 200"' \
      >"$dir/$n.state.txt" 2>&1 || echo "(ssh to $n did not answer, or the commands did not finish in 50 s)" >>"$dir/$n.state.txt"
  done
  log "  post-mortem of the nodes kept in ${dir#"$LAB_ROOT"/}"
}
# record OUTCOME FAILOVER_S NOTE: the row of the current fault run, with the last read-back.
record() {
  [[ $1 == pass ]] || postmortem "f${fault_no}r$fault_run${soak_index:+-s$soak_index}"
  python3 lab/evidence.py row "$rows" "$fault_no" "$fault_run" "$1" "${2:-}" "$3" "$invocation" "$work/verify.json" "[$checks_json]" "$work/timeline.json" "$row_extra"
  [[ $1 == pass ]] || failures=$((failures + 1))
  local readback
  if [[ $row_extra == *'"writes"'* ]]; then readback="writes: $(writes_summary)"; else readback=$(python3 lab/evidence.py mail-summary "$work/verify.json"); fi
  log "fault $fault_no run $fault_run: $1 (failover ${2:--} s; $readback) $3"
}

# ---- mail load ---------------------------------------------------------------------------
# load_start: records the mailbox (its UIDs), then starts delivering RUN.TAG.N mails, TAG the
# fault run's (fFrR), or in a soak its draw's (sK). A soak's load never pauses: the next
# draw's load starts before this one's stops (load_stop_and_verify), and load_start adopts it.
load_pid="" load_stop=$work/stop next_load_pid="" next_load_tag=""
soak=${soak:-false}
# start_load TAG STOP_FILE: snapshot, then the loader in the background of this shell (so that
# `wait` can wait for it), its pid in started_pid.
started_pid=""
start_load() {
  rm -f "$2" "$work/$1.acks" && touch "$work/$1.acks"
  ns python3 lab/mailload.py snapshot "$LAB_VIP" "$work/$1.before.json" >/dev/null ||
    { log "could not record the mailbox before load $1 (IMAP through $LAB_VIP)"; return 1; }
  ns python3 lab/mailload.py load "$LAB_VIP" "$run_id" "$1" "$work/$1.acks" "$2" >"$work/$1.load" 2>&1 &
  started_pid=$!
}
load_start() {
  rm -f "$work/verify.json"
  if $soak; then
    load_tag=s$soak_index load_stop=$work/$load_tag.stop
    if [[ $next_load_tag == "$load_tag" ]]; then
      load_pid=$next_load_pid next_load_pid="" next_load_tag=""
      return 0
    fi
  else
    load_tag=f${fault_no}r$fault_run load_stop=$work/stop
  fi
  start_load "$load_tag" "$load_stop" || die "could not start the mail load of $load_tag"
  load_pid=$started_pid
  sleep 5
}
fault_began() { fault_t0=$(date +%s.%N); }
# hold SECONDS SOAK_SECONDS WHAT: a fault's deliberate wait (an outage that lasts, a minute in
# which nothing may happen). A soak holds for the shorter time, so that thirty draws fit one
# sitting; the checks after the hold are the same.
# The seconds held are in $held.
held=""
hold() {
  held=$1; $soak && held=$2
  log "  holding $held s: $3"
  sleep "$held"
}
# load_stop_and_verify: every acknowledged mail read back by its Message-ID; none lost; some
# acknowledged after the fault began (fault_began). In a soak the next draw's load starts first.
load_stop_and_verify() {
  if $soak && ((soak_index < soak_count)); then
    next_load_tag=s$((soak_index + 1))
    if start_load "$next_load_tag" "$work/$next_load_tag.stop"; then next_load_pid=$started_pid; else next_load_tag=""; fi
  fi
  touch "$load_stop"
  wait "$load_pid" || true
  local rc=0
  ns python3 lab/mailload.py verify "$LAB_VIP" "$run_id" "$load_tag" "$work/$load_tag.acks" \
    "$work/$load_tag.before.json" --since "$fault_t0" --timeout "${MAIL_VERIFY_TIMEOUT:-240}" >"$work/verify.json" || rc=$?
  mail_field() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print(len(v) if isinstance(v, list) else v)' "$work/verify.json" "$1"; }
  read_back() { ((rc == 0)) && [[ $(mail_field lost) == 0 && $(mail_field error) == None ]]; }
  acked_during() { (($(mail_field acked_since) > 0)); }
  expect "every acknowledged mail read back by its Message-ID ($(python3 lab/evidence.py mail-summary "$work/verify.json"))" read_back
  expect "mail acknowledged after the fault began" acked_during
}
# stop_all_loads: every loader of this invocation stops (the suite's end, or its interruption).
stop_all_loads() {
  local acks
  touch "$work/stop"
  for acks in "$work"/*.acks "$work"/*.writes; do [[ -e $acks ]] && touch "${acks%.*}.stop"; done
  return 0
}

# ---- node and network faults -------------------------------------------------------------
# act WHAT NODES COMMAND: a step of the fault itself (maintenance on, a restart, a standby), run
# on the first of NODES (space-separated) that runs it. ssh that did not reach a node (exit 255:
# a node busy booting or resyncing on emulated CPUs can miss the banner timeout) is tried again,
# up to 4 times. A step that ran nowhere, or failed, is a failed check of the run (a fault whose
# step did not happen is not that fault) and returns 1: a body goes on with `|| true`.
act() {
  local what=$1 nodes=$2 node rc=0 try
  shift 2
  for node in $nodes; do
    for try in 1 2 3 4; do
      rc=0
      on "$node" "$@" >/dev/null || rc=$?
      ((rc == 255)) || break
      log "  $what: ssh to $node failed (try $try of 4)"
      sleep 10
    done
    ((rc == 0)) && return 0
  done
  expect "$what (on ${nodes// / or }: exit $rc)" false
  return 1
}
power_off() { bash lab/poweroff.sh "$1"; }
boot() { bash lab/up.sh >"$work/up.log" 2>&1; }
boot_id() { on "$1" 'cat /proc/sys/kernel/random/boot_id'; }

# Bridge-level filters inside the lab namespace (the nodes' own stacks are not touched).
nft_fault() { ns nft -f - <<<"$1"; }
heal() { ns nft delete table bridge zha_fault 2>/dev/null || true; }
cut_replication() {
  nft_fault "table bridge zha_fault {
    chain cut {
      type filter hook forward priority 0; policy accept;
      ether type ip tcp dport 7788 drop
      ether type ip tcp sport 7788 drop
    }
  }"
}
partition() {
  local p=${LAB_SVC_TAP[primary]},${LAB_RING_TAP[primary]} s=${LAB_SVC_TAP[secondary]},${LAB_RING_TAP[secondary]}
  nft_fault "table bridge zha_fault {
    chain cut {
      type filter hook forward priority 0; policy accept;
      iifname { $p } oifname { $s } drop
      iifname { $s } oifname { $p } drop
    }
  }"
}

# ---- cluster facts -----------------------------------------------------------------------
# Successful fencing operations against NODE that node ON has logged (its log survives the
# fenced node; stonith_admin's history view keeps too little for counting).
fence_count() {
  local out
  out=$(on "$1" "test -r /var/log/pacemaker/pacemaker.log && { grep -c \"Operation 'reboot' targeting $2 by [a-z]* for .*: OK\" /var/log/pacemaker/pacemaker.log || true; }") || return 1
  [[ $out =~ ^[0-9]+$ ]] && echo "$out"
}
main_pid() { # main_pid NODE UNIT: the unit's main PID, a number above 0, or a failure
  local pid; pid=$(on "$1" "systemctl show -p MainPID --value $2") && [[ $pid =~ ^[1-9][0-9]*$ ]] && echo "$pid"
}
imap_login_ok() { ns python3 lab/mailload.py wait-login "$LAB_VIP" "$(date +%s)" 20 >/dev/null; }
# The mailbox answers a read through the VIP (a login alone does not touch the disk).
mailbox_reads() { ns python3 lab/mailload.py snapshot "$LAB_VIP" /dev/null >/dev/null 2>&1; }
# Kernel messages on NODE matching PATTERN since epoch SINCE, from every boot the node's journal
# still holds; fails when the journal cannot be read. The lab's journals are volatile: a node
# that rebooted after SINCE has lost the messages before its boot (journal_covers says so).
kernel_log_count() {
  local out
  out=$(on "$1" "set -o pipefail; journalctl _TRANSPORT=kernel -q --no-pager -o cat --since @$2 | { grep -Ec '$3' || true; }") || return 1
  [[ $out =~ ^[0-9]+$ ]] && echo "$out"
}
# NODE's journal reaches back to epoch SINCE: it has not rebooted since, or keeps its journal.
journal_covers() {
  local out
  out=$(on "$1" 'echo "$(awk "/^btime/ { print \$2 }" /proc/stat) $(test -d /var/log/journal && echo persistent || echo volatile)"') || return 1
  [[ $out == *persistent ]] || { [[ ${out%% *} =~ ^[0-9]+$ ]] && ((${out%% *} <= $2)); }
}
# No split brain logged on either node since SINCE: both journals read and count 0, and at least
# one reaches back to SINCE (both peers log a split brain at the same handshake, so one
# unbroken journal sees every one).
no_split_brain_since() {
  local cp cs
  cp=$(kernel_log_count primary "$1" 'Split-Brain detected') && cs=$(kernel_log_count secondary "$1" 'Split-Brain detected') &&
    ((cp == 0 && cs == 0)) && { journal_covers primary "$1" || journal_covers secondary "$1"; }
}
# KiB the rejoining NODE was told to resync in its last resync ("will sync N KB").
last_resync_kib() { on "$1" 'dmesg || true' | sed -n 's/.*Began resync as SyncTarget (will sync \([0-9]*\) KB.*/\1/p' | tail -n 1; }
# KiB the peer had marked changed when NODE last rejoined (handshake "peer ... bits:N", 4 KiB a bit).
peer_changes_kib() { on "$1" 'dmesg || true' | sed -n 's/.*block drbd0: peer [0-9A-F:]* bits:\([0-9]*\).*/\1/p' | tail -n 1 | awk '{ print $1 * 4 }'; }
drbd_kib() { on "$1" "blockdev --getsize64 /dev/drbd0" | awk '{ print int($1 / 1024) }'; }

# drbd_verify NODE: an online verify started on NODE and waited for to its end (the kernel's
# "Online verify done" since the start); sets verify_oos to the KiB it found out of sync.
# Fails when the verify cannot start or does not finish, or the count cannot be read.
drbd_verify() {
  local a=$1 since state done_lines
  verify_oos=""
  since=$(on "$a" 'date +%s') || return 1
  on "$a" "drbdadm verify $DRBD_RES" || { log "  drbdadm verify $DRBD_RES failed on $a"; return 1; }
  verify_finished() {
    done_lines=$(kernel_log_count "$a" "$since" 'Online verify done') && ((done_lines > 0)) &&
      state=$(on "$a" 'cat /proc/drbd') && ! grep -q 'cs:Verify' <<<"$state"
  }
  wait_for 900 "verify finished on $a" verify_finished || return 1
  verify_oos=$(sed -n 's/.* oos:\([0-9]*\).*/\1/p' <<<"$state" | head -n 1)
  [[ $verify_oos =~ ^[0-9]+$ ]]
}
verified_in_sync() { drbd_verify "$1" && ((verify_oos == 0)); }

# healthy_anywhere: the group runs somewhere and the cluster is healthy around it.
healthy_anywhere() { local now; now=$(active_node) && [[ -n $now ]] && healthy_on "$now"; }
# settle NODE: waits, bounded, until the cluster is healthy with the group on NODE. Healthy
# with the group on the other node is settled too (stickiness keeps it there): that fails at
# once rather than at the bound.
settle() {
  local a=$1
  wait_for 900 "cluster healthy with the group on $a" healthy_anywhere && group_runs_on "$a"
}

# ---- maintenance mode ----------------------------------------------------------------------
# The node the other node sees offline or pending, when exactly one is (both blamed, or no
# view read: none).
unjoined_node() {
  local n xml blamed=()
  for n in "${LAB_NODES[@]}"; do
    xml=$(on "$(other_node "$n")" 'crm_mon -1 --output-as=xml' 2>/dev/null) || continue
    grep -q "name=\"$n\"[^>]*online=\"true\"[^>]*pending=\"false\"" <<<"$xml" || blamed+=("$n")
  done
  ((${#blamed[@]} == 1)) && echo "${blamed[0]}"
}
# restart_in_maintenance WHAT COMMAND NODE...: maintenance mode on, COMMAND on each NODE in turn,
# maintenance off; $maintenance_fenced names a node that had to be fenced. Maintenance comes off
# only once both nodes have rejoined in every node's view: a node whose Pacemaker left cleanly
# has no resource history, so while its controller is still pending the cluster would start
# its resources on the other node as they still run on it (the soak saw the service address
# answered by both nodes). A node that has not rejoined in 300 s is fenced first; when neither
# can be told, maintenance stays on, for a human.
maintenance_fenced=""
restart_in_maintenance() {
  local what=$1 command=$2 n node
  shift 2
  maintenance_fenced=""
  act "maintenance mode on" "$1" 'crm_attribute --name maintenance-mode --update true' || return 1
  for n in "$@"; do act "$what" "$n" "$command" || true; done
  if ! wait_for 300 "both nodes rejoined, in every node's view" both_joined_everywhere; then
    node=$(unjoined_node) || { log "  no single node to blame for the missing rejoin: maintenance mode stays on"; return 1; }
    log "  $node has not rejoined: it is fenced before maintenance mode comes off"
    act "fence $node, which did not rejoin" "$(other_node "$node")" "stonith_admin --reboot $node --timeout 150" || return 1
    maintenance_fenced=$node
    wait_for 600 "both nodes rejoined after the fence" both_joined_everywhere || return 1
  fi
  act "maintenance mode off" "${LAB_NODES[*]}" 'crm_attribute --name maintenance-mode --delete'
}

# ---- failover timeline -------------------------------------------------------------------
# make_dc NODE: makes NODE Pacemaker's DC without a resource action (maintenance mode while
# Pacemaker restarts on the current DC, as fault 8 does), so that a power-off can be aimed at
# the DC or away from it.
make_dc() {
  local dc
  dc=$(dc_node) || return 1
  [[ $dc == "$1" ]] && return 0
  log "  making $1 the DC (maintenance mode while pacemaker restarts on $dc)"
  restart_in_maintenance "pacemaker restarted" 'systemctl restart pacemaker' "$dc" || return 1
  is_dc() { [[ $(dc_node) == "$1" ]]; }
  wait_for 120 "$1 DC" is_dc "$1"
}

# journal_since_fault NODE FILE: NODE's journal from 30 s before the fault into FILE; prints
# NODE's clock offset (its clock minus the host's).
journal_since_fault() {
  local offset since
  offset=$(clock_offset "$1") || { log "  timeline: could not read $1's clock"; return 1; }
  since=$(awk -v t="$fault_t0" -v o="$offset" 'BEGIN { printf "%d", t + o - 30 }')
  on "$1" "journalctl -o short-unix --no-pager --since @$since -t kernel -t corosync -t pacemaker-controld -t pacemaker-fenced" \
    >"$2" || { log "  timeline: could not read $1's journal"; return 1; }
  echo "$offset"
}

# failover_timeline SURVIVOR VICTIM DC_BEFORE [IMAP_LOGIN_S] [planned]: the phases of this
# failover from SURVIVOR's journal (lab/failover-timeline.py; a planned move reads VICTIM's
# too) into $work/timeline.json and the log. A measurement, not a check: what cannot be read
# is said and left out.
failover_timeline() {
  local survivor=$1 victim=$2 dc_before=$3 login_s=${4:-} planned=${5:-} offset victim_offset first_ack opts
  offset=$(journal_since_fault "$survivor" "$work/timeline.journal") || return 0
  # The first 250 after the outage: after the fault, the first one that ends 5 s or more of silence.
  first_ack=$(awk -v t="$fault_t0" '$2 > t { if ($2 - prev >= 5) { print $2; exit } prev = $2 } $2 <= t { prev = t }' "$work/$load_tag.acks")
  opts=("$work/timeline.journal" --t0 "$fault_t0" --clock-offset "$offset" --survivor "$survivor" --victim "$victim"
    --drbd "$DRBD_RES" --members "${GROUP_MEMBERS[*]}" --dc-before "${dc_before:-unknown}")
  [[ -n $login_s ]] && opts+=(--imap-login "$(awk -v t="$fault_t0" -v s="$login_s" 'BEGIN { printf "%.3f", t + s }')")
  [[ -n $first_ack ]] && opts+=(--first-ack "$first_ack")
  [[ -f $LAB_STATE/bmc/$victim/power.log ]] && opts+=(--power-log "$LAB_STATE/bmc/$victim/power.log")
  if [[ $planned == planned ]]; then
    victim_offset=$(journal_since_fault "$victim" "$work/timeline-victim.journal") || return 0
    opts+=(--planned "$work/timeline-victim.journal" --victim-clock-offset "$victim_offset")
  fi
  python3 lab/failover-timeline.py "${opts[@]}" --json >"$work/timeline.json" || { rm -f "$work/timeline.json"; log "  timeline: could not be read"; return 0; }
  python3 lab/failover-timeline.py "${opts[@]}" | sed 's/^/  /' >&2
}

# ---- a shape's means (several groups and DRBD resources) ----------------------------------
# shellcheck source=lab/shape-lib.sh
source "$LAB_DIR/shape-lib.sh"

# ---- the faults ------------------------------------------------------------------------
# Each file of lab/faults/ defines a fault's body (fault_N) or the checks of a fault made
# inside others (check_fault_N); lab/fault_registry.py reads their headers.
for fault_file in "$LAB_DIR"/faults/*.sh; do
  # shellcheck source=/dev/null
  source "$fault_file"
done
unset fault_file
