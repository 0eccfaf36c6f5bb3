#!/usr/bin/env bash
# Planned-move benchmark, before and after a change of the lab stack, side by side on one
# deployed lab: applies Pulumi.lab.yaml as it was at REV, runs fault 7 (standby of the active
# node under mail load, with its timeline from both nodes' journals) RUNS times, applies the
# working tree's Pulumi.lab.yaml, runs fault 7 RUNS times again, and prints each phase's
# median for both. Each half is a suite run of its own under lab/evidence/faults/; the
# comparison goes to lab/evidence/switchover/RUN/ (tracked: commit it).
# Usage: npm run bench:switchover -- --before REV [--runs N]   (N default 3; ~8 min a run)
# Needs a deployed lab: npm run lab.
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$LAB_ROOT"
need_root

before_rev="" runs=3
while (($#)); do
  case $1 in
    --before) before_rev=$2; shift ;;
    --runs) runs=$2; shift ;;
    *) die "unknown argument $1 (usage: --before REV [--runs N])" ;;
  esac
  shift
done
[[ -n $before_rev ]] || die "--before REV: the commit whose Pulumi.lab.yaml is the 'before'"
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs: '$runs' is not a positive number"

run_id=$(date -u +%Y%m%dT%H%M%SZ)
work=$LAB_STATE/switchover
evidence=$LAB_ROOT/lab/evidence/switchover/$run_id
mkdir -p "$work" "$evidence"
git show "$before_rev:Pulumi.lab.yaml" >"$work/before.yaml" || die "no Pulumi.lab.yaml at $before_rev"
python3 lab/evidence.py meta "$evidence/meta.json" "$run_id"

# half NAME STACK_FILE: applies STACK_FILE, then fault 7 RUNS times; prints its suite run id.
half() {
  local name=$1 source=$2 runs_dir=$LAB_ROOT/lab/evidence/faults before_runs new
  log "$name: pulumi up with ${source#"$LAB_ROOT"/} (output in $work/$name.up.out)"
  LAB_STACK_SOURCE=$source bash lab/deploy.sh up >"$work/$name.up.out" 2>&1 ||
    die "$name: pulumi up failed: $work/$name.up.out"
  before_runs=$(ls "$runs_dir")
  log "$name: fault 7 x $runs"
  FAULT_RUNS_7=$runs bash lab/faults.sh --only 7 >&2 || log "$name: a fault 7 run failed (see above)"
  new=$(comm -13 <(echo "$before_runs") <(ls "$runs_dir") | tail -n 1)
  [[ -n $new ]] || die "$name: the fault suite recorded no run"
  echo "$new"
}

before_run=$(half before "$work/before.yaml")
after_run=$(half after "$LAB_ROOT/Pulumi.lab.yaml")
python3 lab/switchover-report.py --before-rev "$(git rev-parse --short=12 "$before_rev")" \
  "lab/evidence/faults/$before_run" "lab/evidence/faults/$after_run" >"$evidence/table.txt"
cat "$evidence/table.txt"
log "evidence in ${evidence#"$LAB_ROOT"/} and lab/evidence/faults/{$before_run,$after_run}: commit them (git add lab/evidence)"
