#!/usr/bin/env bash
# Deploy benchmark on fresh lab nodes. Prints the figures and writes lab/results/bench.json
# (harness logs in lab/results/bench/; the failover times of the fault suite's last
# lab/results/faults.json are copied in when there is one).
#   1. fresh nodes, full deploy of both (phases from the harness log), then a no-op re-apply;
#   2. fresh nodes, one node's own steps alone (the floor: packages + host setup, no competition).
# Takes ~45 min on 2 cores. Usage: npm run bench:lab
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$LAB_ROOT"
out=$LAB_RESULTS/bench # outside lab/.state, which each fresh lab removes
mkdir -p "$out"

fresh_lab() {
  bash lab/down.sh >/dev/null 2>&1 || true
  local t; t=$(now)
  bash lab/up.sh >/dev/null
  elapsed "$t"
}
harness() {
  ns npx --no-install tsx tests/harness/lab-apply.ts up --stack Pulumi.lab.yaml --key "$LAB_SSH_KEY" \
    --hostkeys "$LAB_HOSTKEYS_JSON" --state "$LAB_STATE/harness-state.json" "$@" >/dev/null
}

log "fresh lab for the full deploy"
boot_s=$(fresh_lab)
harness --log "$out/deploy.json"
resync=$(lab_ssh secondary 'dmesg | grep -c "Began resync" || true')
received_kib=$(lab_ssh secondary "sed -n 's/.* nr:\([0-9]*\).*/\1/p' /proc/drbd")
harness --log "$out/noop.json"
log "fresh lab for the one-node floor"
fresh_lab >/dev/null
harness --only '^primary-' --log "$out/alone.json"

faults=()
[ -f "$LAB_RESULTS/faults.json" ] && faults=(--faults "$LAB_RESULTS/faults.json")
python3 lab/bench-report.py "${faults[@]}" "$out/deploy.json" "$out/noop.json" "$out/alone.json" |
  python3 -c 'import json,sys; r=json.load(sys.stdin); r.update({"boot_to_ssh_s": float(sys.argv[1]), "drbd_resyncs_at_first_deploy": int(sys.argv[2]), "drbd_kib_received_by_secondary": int(sys.argv[3] or 0)}); print(json.dumps(r, indent=2))' \
    "$boot_s" "$resync" "$received_kib" | tee "$LAB_RESULTS/bench.json"
