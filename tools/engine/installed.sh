# Sourced by build.sh and env.sh: the engine versions package-lock.json pins, and whether a
# Pulumi CLI of that version is installed the usual way (on PATH, its Node.js language host
# beside it, the command plugin of the locked version in `pulumi plugin ls`).
# shellcheck shell=bash

# lock_version PACKAGE: "v1.2.3" as package-lock.json pins it (run from the repository).
lock_version() {
  node -e 'const l=require("./package-lock.json"); const p=l.packages["node_modules/"+process.argv[1]]; if(!p){process.exit(3)} process.stdout.write("v"+p.version)' "$1"
}

# installed_pulumi PULUMI_VERSION COMMAND_VERSION NOT_IN_DIR: prints the folder of an installed
# `pulumi` that fits (never NOT_IN_DIR, the project's own build), or fails.
installed_pulumi() {
  local cli dir own
  cli=$(command -v pulumi 2>/dev/null) || return 1
  dir=$(cd "$(dirname "$cli")" && pwd)
  own=$(cd "$3" 2>/dev/null && pwd) || own=""
  [ "$dir" != "$own" ] || return 1
  [ "$("$cli" version 2>/dev/null)" = "$1" ] || return 1
  [ -x "$dir/pulumi-language-nodejs" ] || command -v pulumi-language-nodejs >/dev/null || return 1
  [ -n "$(installed_command_plugin "$cli" "$2")" ] || return 1
  echo "$dir"
}

# installed_command_plugin CLI VERSION: the path of the command provider of VERSION that
# `pulumi plugin ls` lists, in the plugin folder of the current PULUMI_HOME.
installed_command_plugin() {
  local want=${2#v} file
  file=${PULUMI_HOME:-$HOME/.pulumi}/plugins/resource-command-v$want/pulumi-resource-command
  "$1" plugin ls --json 2>/dev/null | node -e '
    let s = "";
    process.stdin.on("data", (d) => (s += d)).on("end", () => {
      let list = [];
      try { list = JSON.parse(s || "[]") || []; } catch { process.exit(1); }
      process.exit(list.some((p) => p.name === "command" && p.kind === "resource" && p.version === process.argv[1]) ? 0 : 1);
    });' "$want" || return 1
  [ -x "$file" ] && echo "$file"
}
