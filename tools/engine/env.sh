# Sourced: runs the engine that `npm run engine` built, offline, with its state under one
# folder. Set ENGINE_HOME (PULUMI_HOME and the file:// backend go under it) before sourcing.
# Exports PATH, PULUMI_* and installs the command provider as a plugin (once per build).
# shellcheck shell=bash
engine_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
engine_bin=$engine_repo/.engine/bin
if [[ ! -x $engine_bin/pulumi ]]; then
  echo "no Pulumi engine in $engine_bin: run npm run engine first" >&2
  return 1
fi
: "${ENGINE_HOME:?set ENGINE_HOME before sourcing tools/engine/env.sh}"
export PATH=$engine_bin:$PATH
export PULUMI_HOME=$ENGINE_HOME/home
export PULUMI_BACKEND_URL=file://$ENGINE_HOME/state
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_SKIP_CONFIRMATIONS=true
export PULUMI_DEBUG_COMMANDS=true     # enables --event-log (per-resource timings)
export PULUMI_IGNORE_AMBIENT_PLUGINS=true # the provider is the installed plugin below, not a PATH lookup
mkdir -p "$PULUMI_HOME" "$ENGINE_HOME/state"
engine_command_version=$(cut -d' ' -f1 "$engine_bin/pulumi-resource-command.stamp")
engine_plugin_dir=$PULUMI_HOME/plugins/resource-command-$engine_command_version
if ! cmp -s "$engine_bin/pulumi-resource-command" "$engine_plugin_dir/pulumi-resource-command"; then
  rm -rf "$engine_plugin_dir" "$engine_plugin_dir.lock"
  pulumi plugin install resource command "${engine_command_version#v}" --file "$engine_bin/pulumi-resource-command" >/dev/null
fi

# engine_project DIR MAIN [PULUMI_YAML]: a project folder whose Pulumi.yaml runs the program at
# MAIN, so that stack files live in DIR and not beside the tracked Pulumi.yaml.
engine_project() {
  mkdir -p "$1"
  { cat "${3:-$engine_repo/Pulumi.yaml}"; echo "main: $2"; } >"$1/Pulumi.yaml"
}
