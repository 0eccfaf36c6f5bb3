#!/usr/bin/env bash
# Applies the lab stack (Pulumi.lab.yaml) to the running lab nodes.
# With a `pulumi` CLI on PATH: `pulumi up --stack lab` against a local file backend.
# Without it (the machines this project is built on): the lab harness
# (tests/harness/lab-apply.ts) runs the program under the mock runtime and executes its
# commands on the nodes, inside the lab's network namespace.
# Usage: lab/deploy.sh [up|destroy] [--log FILE]
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"
mode=${1:-up}
shift || true
log_file=$LAB_STATE/deploy-$mode.json
if [[ ${1:-} == --log ]]; then log_file=$2; fi

[[ -f $LAB_HOSTKEYS_JSON ]] || die "no $LAB_HOSTKEYS_JSON: run npm run lab:up first"
cd "$LAB_ROOT"

if command -v pulumi >/dev/null 2>&1 && [[ ${LAB_USE_HARNESS:-0} != 1 ]]; then
  export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE:-lab}
  pulumi login "file://$LAB_STATE/pulumi" >/dev/null
  pulumi stack select lab --create >/dev/null
  pulumi config set --secret sshPrivateKey <"$LAB_SSH_KEY"
  for node in "${LAB_NODES[@]}"; do
    i=$([[ $node == primary ]] && echo 0 || echo 1)
    pulumi config set --path "cluster.nodes[$i].ssh.hostKey" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$LAB_HOSTKEYS_JSON" "$node")"
  done
  if [[ $mode == destroy ]]; then exec ns pulumi destroy --yes --stack lab; fi
  exec ns pulumi up --yes --stack lab
fi

log "no pulumi CLI: applying with the lab harness ($mode)"
ns npx --no-install tsx tests/harness/lab-apply.ts "$mode" \
  --stack Pulumi.lab.yaml --key "$LAB_SSH_KEY" --hostkeys "$LAB_HOSTKEYS_JSON" \
  --state "$LAB_STATE/harness-state.json" --log "$log_file"
