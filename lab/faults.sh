#!/usr/bin/env bash
# The fault suite: faults injected into the deployed lab cluster while a client in the lab
# namespace keeps delivering mails to the VIP, each identified by the suite run, its fault and
# its number (lab/mailload.py). After each fault every acknowledged mail is read back over
# IMAP by its Message-ID; what the mailbox held before the load began never counts.
#
# The faults are the files of lab/faults/ (one each: its name, what it needs, its repetitions,
# its soak weight, its body); lab/fault_registry.py plans the runs, this script makes them.
# Usage: npm run test:faults [-- --stack VARIANT] [-- --reduced | --only "1 4" | --soak N --seed S] [-- --run ID]
#   (none):    the full list: each fault the lab's stack variant can run, with its repetitions
#              (FAULT_RUNS_<N>=K sets fault N's)
#   --stack:   the stack variant the lab runs (npm run lab -- --stack VARIANT); refused when
#              the lab runs another
#   --reduced: the short list (faults with a "reduced" count)
#   --only:    these faults, with their repetitions
#   --soak N --seed S: N faults drawn by their soak weights (the same seed, the same draw), back
#              to back under a mail load that never pauses; after each the suite only waits,
#              bounded, for the cluster to heal itself. At the end: every acknowledged mail of
#              the whole soak read back, drbdadm verify, the status screen.
#   --run ID:  add to suite run ID (an earlier invocation's) instead of starting a new one:
#              a full list longer than one sitting is one run made of several invocations
#   --plan:    print the fault runs this invocation would make, and stop (touches nothing)
# Every run is recorded under lab/evidence/faults/RUN/ (tracked: commit it): meta.json (date,
# commit, machine), invocations.jsonl (each with the fault runs it planned), rows.jsonl (a
# row per fault run with every check it asserted), soak.json for a soak, and the report made
# from them, table.txt and results.json.
# `npm run test:faults -- --self-test` injects what each check must catch (lab/faults-selftest.sh).
# Needs a deployed lab: npm run lab.
# shellcheck disable=SC2016,SC2317  # checks are functions called through expect/wait_for
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lab/checks.sh
source "$(dirname "$0")/checks.sh"
cd "$LAB_ROOT"

variant=$(lab_variant)
has_arbiter=false
# shellcheck disable=SC2034  # read by the fault bodies (lab/faults/)
variant_has_arbiter "$variant" && has_arbiter=true
run_id="" selection=() soak=false soak_count=0 soak_seed="" plan_only=false
args="$*"
while (($#)); do
  case $1 in
    --stack)
      [[ $2 == "$variant" ]] ||
        die "--stack $2: the lab runs the stack variant '$variant'; bring up that one first: npm run lab:down && npm run lab -- --stack $2"
      shift ;;
    --reduced) selection=(--reduced) ;;
    --only) selection=(--only "$2"); shift ;;
    --soak)
      [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || die "--soak: give the number of faults to draw (--soak 30 --seed 1)"
      soak=true soak_count=$2; shift ;;
    --seed) soak_seed=${2:-}; shift ;;
    --run) run_id=$2; shift ;;
    --plan) plan_only=true ;;
    --self-test) shift; exec bash lab/faults-selftest.sh "$@" ;;
    *) die "unknown argument $1" ;;
  esac
  shift
done
if $soak; then
  [[ -n $soak_seed ]] || die "--soak needs --seed S (the draw is made again from the same seed)"
  ((${#selection[@]} == 0)) || die "--soak draws its own faults: not with ${selection[0]}"
  [[ -z $run_id ]] || die "--soak is one invocation of a run of its own: not with --run"
  selection=(--soak "$soak_count" --seed "$soak_seed")
elif [[ -n $soak_seed ]]; then
  die "--seed goes with --soak"
fi
plan_text=$(python3 lab/fault_registry.py plan "$variant" "${selection[@]}") || exit 2
read -ra planned <<<"$plan_text"
((${#planned[@]} > 0)) || die "nothing to run for the stack variant '$variant'"
if $plan_only; then
  for f in "${planned[@]}"; do echo "$f $(python3 lab/fault_registry.py name "$f")"; done
  exit 0
fi
need_root
apt_deps nftables

work=$LAB_STATE/faults
mkdir -p "$work"
new_run=false
if [[ -z $run_id ]]; then
  run_id=$(date -u +%Y%m%dT%H%M%SZ)
  new_run=true
fi
[[ $run_id =~ ^[0-9]{8}T[0-9]{6}Z$ ]] || die "--run: '$run_id' is not a run id (like 20261202T061500Z)"
evidence=$LAB_ROOT/lab/evidence/faults/$run_id
if $new_run; then
  mkdir -p "$evidence"
  python3 lab/evidence.py meta "$evidence/meta.json" "$run_id" "$variant"
else
  [[ -f $evidence/meta.json ]] || die "--run $run_id: no $evidence/meta.json (start a run without --run)"
  run_variant=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("variant", "base"))' "$evidence/meta.json")
  [[ $run_variant == "$variant" ]] || die "--run $run_id: that run is of the stack variant '$run_variant', the lab runs '$variant'"
fi
rows=$evidence/rows.jsonl
touch "$rows"
invocation=1
[[ -f $evidence/invocations.jsonl ]] && invocation=$(($(wc -l <"$evidence/invocations.jsonl") + 1))
invocation_start=$(date -u +%FT%TZ)
rows_before=$(wc -l <"$rows")
log "suite run $run_id (stack variant $variant), invocation $invocation: ${#planned[@]} fault run(s) planned ($(tr ' ' '\n' <<<"${planned[*]}" | uniq -c | awk '{ printf "%s%sx%s", sep, $2, $1; sep = " " }')); evidence in ${evidence#"$LAB_ROOT"/}"
failures=0

# shellcheck source=lab/faults-lib.sh
source "$LAB_DIR/faults-lib.sh"

# ---- run ---------------------------------------------------------------------------------
finish() {
  heal
  stop_all_loads
  python3 lab/evidence.py invocation "$evidence/invocations.jsonl" "$args" "$invocation_start" "${planned[*]}" \
    "$(($(wc -l <"$rows") - rows_before))"
}
trap finish EXIT
heal
if variant_is_shape "$variant"; then
  shape_settle || die "the cluster is not healthy before the suite: see npm run lab:status"
  shapeload_venv
  shapeload_setup || die "could not create the write load's database and user (see lab/shape-lib.sh)"
  a0=$(placement) || die "cannot ask the cluster where the groups run"
else
  a0=$(active_node) || die "cannot ask the cluster where the group runs: see npm run lab:status"
  [[ -n $a0 ]] || die "the group runs nowhere: deploy the lab first (npm run lab)"
  settle "$a0" || die "the cluster is not healthy before the suite: see npm run lab:status"
fi
baseline_resources=$(resource_ids) || die "cannot read the cluster's resources"
log "baseline: groups: $a0; resources: $baseline_resources"

if $soak; then
  # shellcheck source=lab/faults-soak.sh
  source "$LAB_DIR/faults-soak.sh"
  run_soak
else
  for f in "${planned[@]}"; do "fault_$f"; done
fi

finish
trap - EXIT
python3 lab/faults-report.py "$evidence"
mkdir -p "$LAB_RESULTS"
cp "$evidence/results.json" "$LAB_RESULTS/faults.json"
log "evidence of suite run $run_id in ${evidence#"$LAB_ROOT"/}: commit it (git add lab/evidence)"
exit $((failures > 0))
