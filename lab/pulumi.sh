#!/usr/bin/env bash
# Runs the real Pulumi CLI (built by `npm run engine` into .engine/bin) on the lab stack,
# inside the lab's network namespace, with everything it keeps under lab/.state/pulumi:
#   project/           the project file (Pulumi.yaml plus `main:` pointing at this repository)
#                      and the lab's stack file Pulumi.lab.yaml, made from the tracked one
#   state/             the file:// backend (checkpoints, history)
#   home/              PULUMI_HOME (no plugin is downloaded: the providers come from PATH)
# Tracked files are never written. The stack's secrets are encrypted with a lab-only
# passphrase (PULUMI_CONFIG_PASSPHRASE, default below).
# Usage: lab/pulumi.sh [--fresh-config] PULUMI-ARGS...   e.g. lab/pulumi.sh stack output
#   --fresh-config  rebuild the lab stack file from Pulumi.lab.yaml, the lab key and host keys
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"

engine_bin=$LAB_ROOT/.engine/bin
[[ -x $engine_bin/pulumi ]] || die "no Pulumi engine in $engine_bin: run npm run engine first"
export PATH=$engine_bin:$PATH
export PULUMI_HOME=$LAB_PULUMI/home
export PULUMI_BACKEND_URL=file://$LAB_PULUMI/state
export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE:-zimbra-ha-lab-only}
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_SKIP_CONFIRMATIONS=true
export PULUMI_DEBUG_COMMANDS=true # enables --event-log (per-resource timings for bench-report.py)
mkdir -p "$LAB_PULUMI/project" "$LAB_PULUMI/state" "$PULUMI_HOME"
export PULUMI_IGNORE_AMBIENT_PLUGINS=true # the provider is the installed plugin below, not a PATH lookup
command_version=$(cut -d' ' -f1 "$engine_bin/pulumi-resource-command.stamp")
plugin_dir=$PULUMI_HOME/plugins/resource-command-$command_version
if ! cmp -s "$engine_bin/pulumi-resource-command" "$plugin_dir/pulumi-resource-command"; then
  rm -rf "$plugin_dir" "$plugin_dir.lock"
  pulumi plugin install resource command "${command_version#v}" --file "$engine_bin/pulumi-resource-command" >/dev/null
fi
project=$LAB_PULUMI/project
stack_file=$project/Pulumi.lab.yaml

{ cat "$LAB_ROOT/Pulumi.yaml"; echo "main: $LAB_ROOT"; } >"$project/Pulumi.yaml"

p() { (cd "$project" && ns env PATH="$PATH" pulumi --non-interactive "$@"); }

fresh_config() {
  [[ -f $LAB_HOSTKEYS_JSON ]] || die "no $LAB_HOSTKEYS_JSON: run npm run lab:up first"
  if ! p stack ls --json 2>/dev/null | grep -q '"name": *"lab"'; then
    p stack init lab --secrets-provider passphrase >/dev/null
  fi
  local salt
  salt=$(sed -n 's/^encryptionsalt: //p' "$stack_file")
  [[ -n $salt ]] || die "$stack_file has no encryptionsalt"
  { echo "encryptionsalt: $salt"; grep -v '^encryptionsalt:' "$LAB_ROOT/Pulumi.lab.yaml"; } >"$stack_file.tmp"
  mv "$stack_file.tmp" "$stack_file"
  p config set --stack lab --secret sshPrivateKey <"$LAB_SSH_KEY"
  local node i=0
  for node in "${LAB_NODES[@]}"; do
    p config set --stack lab --path "cluster.nodes[$i].ssh.hostKey" \
      "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$LAB_HOSTKEYS_JSON" "$node")"
    i=$((i + 1))
  done
}

if [[ ${1:-} == --fresh-config ]]; then
  shift
  fresh_config
elif [[ ! -f $stack_file ]]; then
  fresh_config
fi
(($#)) || exit 0
p "$@"
