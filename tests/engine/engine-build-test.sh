#!/usr/bin/env bash
# Checks are functions called through check().
# shellcheck disable=SC2317
# How `npm run engine` finds or builds the engine (after a first `npm run engine`, whose
# binaries stand in for an installed Pulumi):
#   1. a Pulumi of the locked version installed the usual way (~/.pulumi/bin on PATH, the
#      command plugin in `pulumi plugin ls`): nothing is built (a `go` on PATH that fails
#      would say so), the output says which Pulumi it uses, and tools/engine/env.sh runs a
#      preview of the lab stack with it;
#   2. neither an installed Pulumi nor the sources: the error names both, ENGINE_SOURCES and
#      the Pulumi version to install;
#   3. the plugins build from read-only upstream sources (a work copy takes the go.mod edit),
#      which are left byte for byte as they were.
# Usage: bash tests/engine/engine-build-test.sh
set -euo pipefail
export NPM_CONFIG_UPDATE_NOTIFIER=false
# shellcheck source=tests/engine/lib.sh
source "$(dirname "$0")/lib.sh"
suite_work engine-build
built=$repo/.engine/bin
[[ -x $built/pulumi ]] || { echo "run npm run engine first"; exit 1; }
sources=${ENGINE_SOURCES:-$repo/../shared/upstream}
version=$(cut -d' ' -f1 "$built/pulumi.stamp")
command_version=$(cut -d' ' -f1 "$built/pulumi-resource-command.stamp")

# A user's machine: the CLI and its language host in ~/.pulumi/bin, the provider installed as
# a plugin; a `go` that fails when called; no project engine folder.
user_home=$work/home
mkdir -p "$user_home/.pulumi/bin" "$work/stub"
cp "$built/pulumi" "$built/pulumi-language-nodejs" "$user_home/.pulumi/bin/"
HOME=$user_home PULUMI_HOME=$user_home/.pulumi "$built/pulumi" plugin install resource command "${command_version#v}" \
  --file "$built/pulumi-resource-command" >/dev/null 2>&1
printf '#!/bin/sh\necho "go was called: $*" >&2\nexit 1\n' >"$work/stub/go"
chmod +x "$work/stub/go"
as_user() { env HOME="$user_home" PULUMI_HOME="$user_home/.pulumi" ENGINE_DIR="$work/no-engine" \
  PATH="$user_home/.pulumi/bin:$work/stub:$PATH" "$@"; }

installed_used() {
  local out
  out=$(as_user bash "$repo/tools/engine/build.sh" 2>&1) || { echo "$out"; return 1; }
  echo "$out"
  grep -qF "using the installed Pulumi $version ($user_home/.pulumi/bin/pulumi) and its command plugin $command_version: nothing to build" <<<"$out" &&
    ! grep -q 'go was called' <<<"$out" && [[ ! -e $work/no-engine ]]
}
check "1. an installed Pulumi $version with its command plugin: npm run engine builds nothing and says so" installed_used

installed_runs() {
  # shellcheck disable=SC2016 # the inner script expands its own variables
  as_user bash -c '
    set -euo pipefail
    export ENGINE_HOME=$1/run PULUMI_CONFIG_PASSPHRASE=engine-build-test
    source "$2/tools/engine/env.sh"
    [[ $(command -v pulumi) == "$HOME/.pulumi/bin/pulumi" ]] || { echo "pulumi is $(command -v pulumi)"; exit 1; }
    engine_project "$1/lab" "$2"
    cd "$1/lab"
    pulumi stack init lab --non-interactive >/dev/null
    (cd "$2" && npx --no-install tsx tests/engine/stack-file.ts lab "$1/lab/Pulumi.lab.yaml")
    ssh-keygen -q -t ed25519 -N "" -f "$1/key"
    pulumi config set --secret sshPrivateKey <"$1/key"
    openssl rand -base64 256 | tr -d "\n" | pulumi config set --secret corosyncAuthkey
    pulumi preview --non-interactive >"$1/preview.out" 2>&1 || { tail -n 20 "$1/preview.out"; exit 1; }
    grep -qE "[0-9]+ to create" "$1/preview.out"
  ' _ "$work" "$repo"
}
check "1. tools/engine/env.sh runs the installed Pulumi: the lab stack previews" installed_runs

neither_named() {
  local out
  if out=$(env -u ENGINE_BUILD ENGINE_DIR="$work/no-engine" ENGINE_SOURCES="$work/nowhere" HOME="$work/empty" \
    PATH="$(dirname "$(command -v node)"):/usr/bin:/bin" bash "$repo/tools/engine/build.sh" 2>&1); then
    echo "build.sh succeeded"; return 1
  fi
  echo "$out"
  grep -qF "neither an installed Pulumi $version with the command plugin $command_version" <<<"$out" &&
    grep -qF "ENGINE_SOURCES=$work/nowhere" <<<"$out"
}
check "2. neither an installed Pulumi nor the sources: the error names both" neither_named

sources_untouched() {
  local before after
  cp -r "$sources" "$work/sources"
  chmod -R a-w "$work/sources"
  before=$(cd "$work/sources" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  mkdir -p "$work/engine/bin"
  # The CLI as already built; the two plugins from the read-only sources.
  cp "$built/pulumi" "$built/pulumi.stamp" "$work/engine/bin/"
  ENGINE_DIR=$work/engine ENGINE_SOURCES=$work/sources bash "$repo/tools/engine/build.sh" >"$work/build.out" 2>&1 ||
    { tail -n 20 "$work/build.out"; return 1; }
  after=$(cd "$work/sources" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  grep -q 'pulumi-language-nodejs: built' "$work/build.out" && grep -q 'pulumi-resource-command: built' "$work/build.out" &&
    [[ $("$work/engine/bin/pulumi-language-nodejs" --help 2>&1 | head -c 1) != "" ]] && [[ $before == "$after" ]]
}
check "3. the plugins build from read-only sources through a work copy; the sources are unchanged" sources_untouched

finish
