#!/usr/bin/env bash
# The fault suite's means for a lab that runs an example's shape (lab/variants/kopano.yaml):
# several DRBD resources, groups ordered after others, clones. Where the base lab's checks know
# one group, these read the shape (lab/shape-facts.ts through lab_shape) and ask the cluster per
# group. Sourced by lab/faults-lib.sh after lib.sh and checks.sh. Every fact fails when it could
# not be read.
# shellcheck disable=SC2016,SC2034,SC2154,SC2317  # set by faults.sh; commands for the nodes are single-quoted; checks run through expect

shape() { python3 "$LAB_DIR/shape_state.py" "$(lab_shape)" "$@"; }
shape_groups() { shape groups; }
group_units() { shape units "$1"; }
# Where each group runs, as NODE (default: any live node) sees it: "db=primary app=secondary"
# (a group that runs nowhere, or not wholly started on one node: GROUP=). Fails when the cluster cannot be asked.
placement() {
  local xml
  if [[ -n ${1:-} ]]; then xml=$(on "$1" 'crm_mon -1 --output-as=xml') || return 1; else xml=$(on_cluster 'crm_mon -1 --output-as=xml') || return 1; fi
  shape placement <<<"$xml"
}
groups_on() { local p; p=$(placement "${2:-}") || return 1; tr ' ' '\n' <<<"$p" | sed -n "s/=$1\$//p"; }
group_node() { local p; p=$(placement "${2:-}") || return 1; tr ' ' '\n' <<<"$p" | sed -n "s/^$1=//p"; }
# The node running the most groups (a tie: the one running the first group).
busiest_node() {
  local p; p=$(placement) || return 1
  tr ' ' '\n' <<<"$p" | cut -d= -f2 | awk 'NF { if (!($1 in n)) order[++k] = $1; n[$1]++ }
    END { for (i = 1; i <= k; i++) if (n[order[i]] > best) { best = n[order[i]]; node = order[i] } print node }'
}
# Every group placed and the cluster healthy around them: the status screen's verdict (both
# nodes online and quorate, every group's members started on one node, each DRBD resource
# Primary where its group runs and in sync, each mount and address where its group runs, each
# clone on every node, no failed action, fencing armed).
shape_healthy() { bash "$LAB_DIR/status.sh" --no-mail >/dev/null 2>&1; }
shape_settle() { wait_for 900 "the shape healthy (npm run lab:status)" shape_healthy; }
# NODE holds nothing of any group: no mount, no address, no Primary, no service unit active.
shape_holds_nothing() {
  local n=$1 out
  out=$(on "$n" "set -e
    for m in $(shape mounts | xargs); do findmnt -n \$m >/dev/null && echo mounted \$m; done
    for a in $(shape addresses | xargs); do
      ip -4 -o addr show | grep -q \" \$a/\" && echo address \$a; done
    for r in $(shape resources | xargs); do
      role=\$(drbdadm role \$r 2>/dev/null || echo down); case \$role in Primary*) echo primary \$r;; esac; done
    for u in $(shape units | xargs); do
      systemctl is-active -q \$u && echo active \$u; done
    echo checked") || return 1
  [[ $out == checked ]]
}
# Each DRBD resource Connected and UpToDate on both nodes.
shape_drbd_in_sync() {
  local n out count
  count=$(shape resources | wc -l)
  for n in "${LAB_NODES[@]}"; do
    out=$(on "$n" 'cat /proc/drbd') || return 1
    (($(grep -Ec 'cs:Connected ro:(Primary|Secondary)/(Primary|Secondary) ds:UpToDate/UpToDate' <<<"$out") == count)) || return 1
  done
}
# The main PID and start time of each service unit of GROUPS on NODE: "unit pid start" lines.
units_snapshot() {
  local n=$1 units; shift
  units=$(for g in "$@"; do group_units "$g"; done | xargs)
  [[ -n $units ]] || { echo none; return 0; }
  on "$n" "set -e; for u in $units; do echo \"\$u \$(systemctl show -p MainPID --value \$u) \$(systemctl show -p ActiveEnterTimestampMonotonic --value \$u)\"; done"
}

# ---- the write load (lab/shapeload.py) ----------------------------------------------------
# Each DRBD resource is written through the service its group runs on it, addressed by the
# group's service address: MariaDB (committed transactions), the stand-in (fsynced items).
# The clones' web front end is probed on each node's own address.
SHAPELOAD_VENV=$LAB_CACHE/shapeload-venv
shapeload_venv() {
  local req=$LAB_DIR/shapeload/requirements.txt stamp
  stamp=$(sha256sum "$req" | cut -c1-16)
  [[ -f $SHAPELOAD_VENV/stamp && $(<"$SHAPELOAD_VENV/stamp") == "$stamp" ]] && return 0
  apt_deps python3-venv
  rm -rf "$SHAPELOAD_VENV"
  python3 -m venv "$SHAPELOAD_VENV"
  "$SHAPELOAD_VENV/bin/pip" install -q --no-deps -r "$req" || die "shapeload: pip install -r $req failed"
  echo "$stamp" >"$SHAPELOAD_VENV/stamp"
}
shapeload_password() {
  [[ -s $LAB_STATE/shapeload-password ]] || (umask 077 && openssl rand -hex 16 >"$LAB_STATE/shapeload-password")
  cat "$LAB_STATE/shapeload-password"
}
shape_targets() { shape targets; }
shapeload() { SHAPELOAD_PASSWORD=$(shapeload_password) ns "$SHAPELOAD_VENV/bin/python" "$LAB_DIR/shapeload.py" "$@"; }
# The database and its user, on the node running the database's group (the SQL, with the
# password, goes to mysql's stdin through ssh; never a command line).
shapeload_setup() {
  local target g node
  for target in $(shape_targets); do
    [[ ${target#*=} == mysql://* ]] || continue
    for g in $(shape_groups); do
      [[ $(shape resource-of "$g") == "${target%%=*}" ]] && break
    done
    node=$(group_node "$g") && [[ -n $node ]] || return 1
    shapeload setup-sql --kind mysql --db shapeload --user shapeload | on "$node" 'mysql' || return 1
  done
}
shape_web_probes() { local n; for n in "${LAB_NODES[@]}"; do printf -- '--web %s=http://%s/ ' "$n" "${LAB_SVC_IP[$n]}"; done; }
shapeload_pid="" shapeload_dir=""
shapeload_start() {
  shapeload_dir=$work/$1.writes row_extra="{}"
  rm -rf "$shapeload_dir" "$work/$1.stop" "$work/writes.json" && mkdir -p "$shapeload_dir"
  # shellcheck disable=SC2046  # one word per target and probe
  shapeload load "$run_id" "$1" "$shapeload_dir" "$work/$1.stop" $(shape_targets) $(shape_web_probes) \
    >"$work/$1.shapeload.log" 2>&1 &
  shapeload_pid=$!
  sleep 5
}
# Every acknowledged write read back per resource; some acknowledged after the fault began.
shapeload_stop_and_verify() {
  local tag=$1 rc=0
  touch "$work/$tag.stop"
  wait "$shapeload_pid" || true
  # shellcheck disable=SC2046
  shapeload verify "$run_id" "$tag" "$shapeload_dir" $(shape_targets) --since "$fault_t0" --timeout 240 \
    >"$work/writes.json" || rc=$?
  writes_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$work/writes.json" "$1"; }
  read_back() { ((rc == 0)) && [[ $(writes_field lost) == 0 ]]; }
  acked_during() {
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["resources"]; sys.exit(0 if all(v["acked_since"] > 0 for v in r.values()) else 1)' "$work/writes.json"
  }
  expect "every acknowledged write read back, per resource ($(writes_summary))" read_back
  expect "writes acknowledged on every resource after the fault began" acked_during
  row_extra=$(python3 -c 'import json,sys; print(json.dumps({"writes": json.load(open(sys.argv[1]))["resources"]}))' "$work/writes.json" 2>/dev/null || echo '{}')
}
writes_summary() {
  python3 - "$work/writes.json" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))["resources"]
except (OSError, ValueError, KeyError):
    print("no read-back")
    sys.exit()
print(", ".join(f"{k}: acked {v['acked']}, " + (f"lost {v['lost']}" if v["lost"] is not None else "UNREADABLE")
                for k, v in r.items()))
PY
}
# The clone's web front end answered on NODE at every probe since the fault began.
web_never_down() {
  python3 - "$shapeload_dir/web-$1.probe" "$fault_t0" <<'PY'
import sys
t0 = float(sys.argv[2])
samples = [l.split() for l in open(sys.argv[1]) if l.strip()]
after = [s for s in samples if float(s[0]) >= t0]
sys.exit(0 if after and all(s[1] == "1" for s in after) else 1)
PY
}

# ---- per-group timelines and the order between groups -------------------------------------
# shape_timeline SURVIVOR VICTIM DC_BEFORE [planned]: each group's failover timeline
# (lab/failover-timeline.py) from SURVIVOR's journal, into $work/timeline.json as
# {"groups": {GROUP: timeline}}; a measurement, not a check.
shape_timeline() {
  local survivor=$1 victim=$2 dc_before=$3 planned=${4:-} offset victim_offset g res members opts
  offset=$(journal_since_fault "$survivor" "$work/timeline.journal") || return 0
  if [[ $planned == planned ]]; then
    victim_offset=$(journal_since_fault "$victim" "$work/timeline-victim.journal") || return 0
  fi
  echo '{"groups": {}}' >"$work/timeline.json"
  for g in $(shape_groups); do
    res=$(shape resource-of "$g")
    members=$(shape members "$g" | xargs)
    opts=("$work/timeline.journal" --t0 "$fault_t0" --clock-offset "$offset" --survivor "$survivor" --victim "$victim"
      --drbd "$res" --members "$members" --dc-before "${dc_before:-unknown}")
    [[ $planned == planned ]] && opts+=(--planned "$work/timeline-victim.journal" --victim-clock-offset "$victim_offset")
    python3 lab/failover-timeline.py "${opts[@]}" --json >"$work/timeline-$g.json" || continue
    log "  group $g:"
    python3 lab/failover-timeline.py "${opts[@]}" | sed 's/^/    /' >&2
    python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); t["groups"][sys.argv[2]]=json.load(open(sys.argv[3])); json.dump(t, open(sys.argv[1], "w"))' \
      "$work/timeline.json" "$g" "$work/timeline-$g.json"
  done
}
# The order held on the real cluster: in the timelines, no member of a group started before the
# last member of each group it starts after (where both started after the fault).
order_held() { shape order "$work/timeline.json" >&2; }

# ---- placement checks ----------------------------------------------------------------------
group_runs_where() { local n; n=$(group_node "$1" "$2") && [[ $n == "$2" ]]; }
unit_of_member() { shape unit-of "$1"; }
# Healthy with every group on NODE.
shape_settle_on() {
  all_on() { local p; p=$(placement) && ! tr ' ' '\n' <<<"$p" | grep -qv "=$1\$"; }
  shape_settle && all_on "$1"
}
# Healthy with the groups where PLACEMENT ("db=primary app=secondary") has them.
shape_settle_on_placement() { local p; shape_settle && p=$(placement) && [[ $p == "$1" ]]; }
# The service units of GROUPS, each on the node it runs on: "node unit pid start" lines.
others_snapshot() {
  local g n
  for g in "$@"; do
    n=$(group_node "$g") && [[ -n $n ]] || return 1
    units_snapshot "$n" "$g" | sed "s/^/$n /" || return 1
  done
}
web_never_down_anywhere() { local n; for n in "${LAB_NODES[@]}"; do web_never_down "$n" || return 1; done; }
# Seconds from the fault to the first acknowledged write after an outage (5 s or more without
# one), the latest over the resources; nothing when no resource had an outage.
writes_resumed_after_fault() {
  python3 - "$fault_t0" "$shapeload_dir"/*.acks <<'PY'
import sys
t0, latest = float(sys.argv[1]), None
for path in sys.argv[2:]:
    prev = t0
    for line in open(path):
        words = line.split()
        if len(words) != 2:
            continue
        t = float(words[1])
        if t <= t0:
            continue
        if t - prev >= 5:
            latest = max(latest or 0, t - t0)
            break
        prev = t
if latest is None:
    sys.exit(1)
print(f"{latest:.1f}")
PY
}

# On a shape, the checks made inside other faults (fault 5) ask about every group.
if variant_is_shape "$(lab_variant)"; then
  holds_nothing() { shape_holds_nothing "$@"; }
fi
