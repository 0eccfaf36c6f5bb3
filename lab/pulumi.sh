#!/usr/bin/env bash
# Runs the real Pulumi CLI (tools/engine/env.sh: npm run engine's or an installed one) on the lab stack,
# inside the lab's network namespace, with everything it keeps under lab/.state/pulumi:
#   project/           the project file (Pulumi.yaml plus `main:` pointing at this repository)
#                      and the lab's stack file Pulumi.lab.yaml, made from the tracked one
#   state/             the file:// backend (checkpoints, history)
#   home/              PULUMI_HOME, with the command provider installed from the engine
#                      (tools/engine/env.sh; nothing is downloaded)
# Tracked files are never written. The stack's secrets are encrypted with a lab-only
# passphrase (PULUMI_CONFIG_PASSPHRASE, default below).
# Usage: lab/pulumi.sh [--fresh-config] PULUMI-ARGS...   e.g. lab/pulumi.sh stack output
#   --fresh-config  rebuild the lab stack file from Pulumi.lab.yaml (or LAB_STACK_SOURCE, e.g.
#                   another commit's copy) with the lab's stack variant merged over it
#                   (lab/variants/), the lab key and host keys
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"

export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE:-zimbra-ha-lab-only}
ENGINE_HOME=$LAB_PULUMI
# shellcheck source=tools/engine/env.sh
source "$LAB_ROOT/tools/engine/env.sh" || exit 1
project=$LAB_PULUMI/project
stack_file=$project/Pulumi.lab.yaml
engine_project "$project" "$LAB_ROOT"

p() { (cd "$project" && ns env PATH="$PATH" pulumi --non-interactive "$@"); }

host_key() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$LAB_HOSTKEYS_JSON" "$1"; }

fresh_config() {
  [[ -f $LAB_HOSTKEYS_JSON ]] || die "no $LAB_HOSTKEYS_JSON: run npm run lab:up first"
  if ! p stack ls --json 2>/dev/null | grep -q '"name": *"lab"'; then
    p stack init lab --secrets-provider passphrase >/dev/null
  fi
  local salt
  salt=$(sed -n 's/^encryptionsalt: //p' "$stack_file")
  [[ -n $salt ]] || die "$stack_file has no encryptionsalt"
  local variant base=${LAB_STACK_SOURCE:-$LAB_ROOT/Pulumi.lab.yaml}
  variant=$(lab_variant)
  {
    echo "encryptionsalt: $salt"
    if [[ $variant == base ]]; then
      grep -v '^encryptionsalt:' "$base"
    else
      "$LAB_ROOT/node_modules/.bin/tsx" "$LAB_DIR/stack-variant.ts" "$base" "$LAB_VARIANTS_DIR/$variant.yaml"
    fi
  } >"$stack_file.tmp"
  mv "$stack_file.tmp" "$stack_file"
  p config set --stack lab --secret sshPrivateKey <"$LAB_SSH_KEY"
  # One authkey per lab, made at its first deploy and kept with its state.
  [[ -s $LAB_PULUMI/corosync-authkey ]] || (umask 077 && openssl rand -base64 256 | tr -d '\n' >"$LAB_PULUMI/corosync-authkey")
  p config set --stack lab --secret corosyncAuthkey <"$LAB_PULUMI/corosync-authkey"
  local node i=0
  for node in "${LAB_NODES[@]}"; do
    p config set --stack lab --path "cluster.nodes[$i].ssh.hostKey" "$(host_key "$node")"
    i=$((i + 1))
  done
  if variant_has_arbiter "$variant"; then
    p config set --stack lab --path cluster.quorumDevice.ssh.hostKey "$(host_key "$LAB_ARBITER")"
  fi
  # A variant that fences through BMCs (IPMI or Redfish): each node's BMC password (lab/bmc.sh), from stdin.
  if variant_has_bmc "$variant"; then
    [[ -s $LAB_STATE/bmc-password ]] || die "no $LAB_STATE/bmc-password: run npm run lab:up first"
    for node in "${LAB_NODES[@]}"; do
      p config set --stack lab --secret --path "fencePasswords.$node" <"$LAB_STATE/bmc-password"
    done
  fi
}

if [[ ${1:-} == --fresh-config ]]; then
  shift
  fresh_config
elif [[ ! -f $stack_file ]]; then
  fresh_config
fi
(($#)) || exit 0
p "$@"
