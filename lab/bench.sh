#!/usr/bin/env bash
# Deploy benchmark on fresh lab nodes with the real engine. Prints the figures and records
# the run in lab/evidence/bench/RUN/ (tracked: commit it): meta.json (date, commit, machine),
# bench.json and table.txt (lab/bench-report.py); the engine's event logs and output stay in
# lab/results/bench/. Every figure of one run is measured side by side in that run:
#   1. fresh nodes, `pulumi up` of the whole stack (phases from the event log), then, side by
#      side on the deployed lab, the wall time of `pulumi preview` and of a no-op `pulumi up`;
#   2. fresh nodes, one node's own steps alone (`pulumi up --target` of primary's steps: the
#      floor, packages and host setup without competition).
# Takes ~50 min on 2 cores. Usage: npm run bench:lab
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$LAB_ROOT"
out=$LAB_RESULTS/bench # outside lab/.state, which each fresh lab removes
mkdir -p "$out"
run_id=$(date -u +%Y%m%dT%H%M%SZ)
evidence=$LAB_ROOT/lab/evidence/bench/$run_id
mkdir -p "$evidence"
python3 lab/evidence.py meta "$evidence/meta.json" "$run_id"
# A run that stops before its figures says so in its folder, with the step it stopped in.
bench_step=start
step() { bench_step=$*; log "$*"; }
stopped_early() {
  local rc=$?
  [[ -f $evidence/bench.json ]] || printf 'stopped early (exit %s) during: %s\n' "$rc" "$bench_step" >"$evidence/STOPPED"
}
trap stopped_early EXIT
lp() { bash lab/pulumi.sh "$@"; }
timed() { local t; t=$(now); "$@" >>"$out/bench.out" 2>&1; elapsed "$t"; }

fresh_lab() {
  bash lab/down.sh >/dev/null 2>&1 || true
  local t; t=$(now)
  bash lab/up.sh >/dev/null
  elapsed "$t"
}

: >"$out/bench.out"
step "fresh lab for the full deploy"
boot_s=$(fresh_lab)
step "pulumi up (log: $out/bench.out)"
deploy_s=$(timed bash lab/deploy.sh up --log "$out/deploy.events.jsonl")
resync=$(lab_ssh secondary 'set -o pipefail; dmesg | { grep -c "Began resync" || true; }')
received_kib=$(lab_ssh secondary "sed -n 's/.* nr:\([0-9]*\).*/\1/p' /proc/drbd")
step "pulumi preview, then a no-op pulumi up"
preview_s=$(timed lp preview --stack lab --expect-no-changes)
noop_s=$(timed lp up --stack lab --yes --skip-preview --event-log "$out/noop.events.jsonl")
primary_steps=$(python3 -c '
import json, sys
urns = set()
for line in open(sys.argv[1]):
    meta = json.loads(line).get("resourcePreEvent", {}).get("metadata", {})
    name = meta.get("urn", "").split("::")[-1]
    # the steps of primary, its Node component, and the root component they descend from
    if name == "primary" or name.startswith("primary-") or meta.get("type") == "zimbra-ha:index:Cluster":
        urns.add(meta["urn"])
print("\n".join(sorted(urns)))' "$out/deploy.events.jsonl")
step "fresh lab for the one-node floor ($(wc -l <<<"$primary_steps") resources)"
fresh_lab >/dev/null
targets=()
while read -r urn; do targets+=(--target "$urn"); done <<<"$primary_steps"
bash lab/pulumi.sh --fresh-config up --stack lab --yes --skip-preview "${targets[@]}" --event-log "$out/alone.events.jsonl" >>"$out/bench.out" 2>&1

python3 lab/bench-report.py "$out/deploy.events.jsonl" "$out/alone.events.jsonl" |
  python3 -c 'import json,sys; r=json.load(sys.stdin); a=sys.argv[1:]; r.update({"boot_to_ssh_s": float(a[0]), "pulumi_up_wall_s": float(a[1]), "pulumi_preview_noop_s": float(a[2]), "pulumi_up_noop_s": float(a[3]), "drbd_resyncs_at_first_deploy": int(a[4]), "drbd_kib_received_by_secondary": int(a[5] or 0)}); print(json.dumps(r, indent=2))' \
    "$boot_s" "$deploy_s" "$preview_s" "$noop_s" "$resync" "$received_kib" >"$evidence/bench.json"
cp "$evidence/bench.json" "$LAB_RESULTS/bench.json"
python3 lab/bench-report.py table "$evidence" | tee "$evidence/table.txt"
log "evidence of benchmark run $run_id in ${evidence#"$LAB_ROOT"/}: commit it (git add lab/evidence)"
