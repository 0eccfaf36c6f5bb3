# Sourced: runs the engine offline with its state under one folder: the one `npm run engine`
# built into .engine/bin (ENGINE_DIR), or else an installed Pulumi of the locked version (tools/engine/
# installed.sh). Set ENGINE_HOME (PULUMI_HOME and the file:// backend go under it) before
# sourcing. Exports PATH, PULUMI_* and installs the command provider as a plugin there.
# shellcheck shell=bash
engine_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
engine_bin=${ENGINE_DIR:-$engine_repo/.engine}/bin
: "${ENGINE_HOME:?set ENGINE_HOME before sourcing tools/engine/env.sh}"
if [[ -x $engine_bin/pulumi ]]; then
  engine_command_plugin=$engine_bin/pulumi-resource-command
  engine_command_version=$(cut -d' ' -f1 "$engine_bin/pulumi-resource-command.stamp")
else
  # shellcheck source=tools/engine/installed.sh
  source "$engine_repo/tools/engine/installed.sh"
  engine_command_version=$(cd "$engine_repo" && lock_version @pulumi/command)
  if ! engine_bin=$(cd "$engine_repo" && installed_pulumi "$(lock_version @pulumi/pulumi)" "$engine_command_version" "$engine_bin"); then
    echo "no Pulumi engine: run npm run engine first" >&2
    return 1
  fi
  engine_command_plugin=$(installed_command_plugin "$engine_bin/pulumi" "$engine_command_version")
fi
export PATH=$engine_bin:$PATH
export PULUMI_HOME=$ENGINE_HOME/home
export PULUMI_BACKEND_URL=file://$ENGINE_HOME/state
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_SKIP_CONFIRMATIONS=true
export PULUMI_DEBUG_COMMANDS=true     # enables --event-log (per-resource timings)
export PULUMI_IGNORE_AMBIENT_PLUGINS=true # the provider is the installed plugin below, not a PATH lookup
mkdir -p "$PULUMI_HOME" "$ENGINE_HOME/state"
engine_plugin_dir=$PULUMI_HOME/plugins/resource-command-$engine_command_version
if ! cmp -s "$engine_command_plugin" "$engine_plugin_dir/pulumi-resource-command"; then
  rm -rf "$engine_plugin_dir" "$engine_plugin_dir.lock"
  pulumi plugin install resource command "${engine_command_version#v}" --file "$engine_command_plugin" >/dev/null
fi

# engine_project DIR MAIN [PULUMI_YAML]: a project folder whose Pulumi.yaml runs the program at
# MAIN, so that stack files live in DIR and not beside the tracked Pulumi.yaml.
engine_project() {
  mkdir -p "$1"
  { cat "${3:-$engine_repo/Pulumi.yaml}"; echo "main: $2"; } >"$1/Pulumi.yaml"
}
