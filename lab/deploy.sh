#!/usr/bin/env bash
# Applies the lab stack to the running lab nodes with the real engine: `pulumi up` (or
# `pulumi destroy`) on the stack file made from Pulumi.lab.yaml, the lab key and the nodes'
# host keys (lab/pulumi.sh). Pulumi prints each resource as it goes.
# Usage: lab/deploy.sh [up|destroy] [--log EVENTS.jsonl] [--progress]
#   --log       where the engine's event log goes (for bench-report.py)
#   --progress  Pulumi's own output goes to lab/.state/deploy-MODE.out; the terminal gets a
#               line per finished step and, every 20 s without one, what is still running
#               (lab/deploy-progress.py); the engine's diagnostics are shown when it fails
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"
mode=up
if [[ ${1:-} == up || ${1:-} == destroy ]]; then mode=$1; shift; fi
events=$LAB_STATE/deploy-$mode.events.jsonl
progress=false
while (($#)); do
  case $1 in
    --log) events=$2; shift ;;
    --progress) progress=true ;;
    *) die "usage: lab/deploy.sh [up|destroy] [--log FILE] [--progress]" ;;
  esac
  shift
done
mkdir -p "$(dirname "$events")"
[[ -f $LAB_HOSTKEYS_JSON ]] || die "no $LAB_HOSTKEYS_JSON: run npm run lab:up first"

if [[ $mode == up ]]; then
  args=(--fresh-config up --stack lab --yes --skip-preview --event-log "$events")
else
  args=(destroy --stack lab --yes --skip-preview --event-log "$events")
fi
$progress || exec bash "$LAB_DIR/pulumi.sh" "${args[@]}"

out=$LAB_STATE/deploy-$mode.out
rm -f "$events"
log "pulumi $mode --stack lab: the engine's output in $out"
bash "$LAB_DIR/pulumi.sh" "${args[@]}" >"$out" 2>&1 &
pid=$!
python3 "$LAB_DIR/deploy-progress.py" "$events" --pid "$pid" || true
rc=0
wait "$pid" || rc=$?
if ((rc != 0)); then
  # The engine's own account of what failed: its Diagnostics section (or the output's end).
  if grep -q '^Diagnostics:' "$out"; then
    sed -n '/^Diagnostics:/,/^\(Outputs\|Resources\):/p' "$out" | head -n 60 >&2
  else
    tail -n 30 "$out" >&2
  fi
  die "pulumi $mode failed (exit $rc); the whole output is in $out"
fi
