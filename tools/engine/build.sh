#!/usr/bin/env bash
# Provides the Pulumi engine this program runs under, at the versions package-lock.json pins:
#   pulumi                   the CLI
#   pulumi-language-nodejs   the Node.js language host
#   pulumi-resource-command  the provider behind @pulumi/command
# A Pulumi CLI of that version already installed (on PATH, with the command plugin of that
# version in `pulumi plugin ls`) is used as it is: nothing is built. Otherwise all three are
# built offline into .engine/bin: the CLI from the Go module proxy; the language host and the
# provider, whose modules the proxy does not serve, from their upstream source in
# ENGINE_SOURCES (default ../shared/upstream beside the repository: one folder per plugin and
# a README.md whose table names each folder's tag), compiled from a work copy. Each binary is
# rebuilt only when its version, its source or the Go version changes.
# Usage: npm run engine   (ENGINE_DIR: output folder; ENGINE_SOURCES: the upstream sources;
#                          ENGINE_BUILD=1: build even when an installed Pulumi fits)
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
engine_dir=${ENGINE_DIR:-$repo/.engine}
bin_dir=$engine_dir/bin
src_dir=$engine_dir/src
sources=${ENGINE_SOURCES:-$repo/../shared/upstream}

start=$SECONDS
say() { printf '[engine %4ss] %s\n' "$((SECONDS - start))" "$*"; }
die() { printf 'engine: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || die "node is not installed (Node.js >= 20)"
[ -f package-lock.json ] || die "package-lock.json is missing: run from the repository"

# shellcheck source=tools/engine/installed.sh
source "$repo/tools/engine/installed.sh"
pulumi_version=$(lock_version @pulumi/pulumi) || die "package-lock.json has no entry for @pulumi/pulumi: run npm install"
command_version=$(lock_version @pulumi/command) || die "package-lock.json has no entry for @pulumi/command: run npm install"

if [ -z "${ENGINE_BUILD:-}" ] && [ ! -x "$bin_dir/pulumi" ] && dir=$(installed_pulumi "$pulumi_version" "$command_version" "$bin_dir"); then
  say "using the installed Pulumi $pulumi_version ($dir/pulumi) and its command plugin $command_version: nothing to build"
  exit 0
fi

# upstream_version NAME: the tag the sources' README.md table gives for folder NAME.
upstream_version() {
  [ -f "$sources/README.md" ] || return 1
  awk -F'|' -v n="$1" '{ gsub(/ /, "", $2); gsub(/ /, "", $4) } $2 == n { print $4; exit }' "$sources/README.md"
}
missing_sources() {
  die "no Pulumi engine: neither an installed Pulumi $pulumi_version with the command plugin $command_version" \
    "(pulumi version; pulumi plugin ls) nor the upstream sources to build one in ENGINE_SOURCES=$sources" \
    "($1). Install Pulumi $pulumi_version and \`pulumi plugin install resource command ${command_version#v}\`, or point" \
    "ENGINE_SOURCES at a folder holding pulumi-language-nodejs (github.com/pulumi/pulumi $pulumi_version," \
    "sdk/nodejs/cmd/pulumi-language-nodejs) and pulumi-resource-command (github.com/pulumi/pulumi-command" \
    "$command_version, provider/) with a README.md table naming each folder's tag"
}
for name in pulumi-language-nodejs pulumi-resource-command; do
  [ -f "$sources/$name/go.mod" ] || missing_sources "no $name/go.mod there"
done
[ "$(upstream_version pulumi-language-nodejs)" = "$pulumi_version" ] ||
  missing_sources "its README.md gives pulumi-language-nodejs as '$(upstream_version pulumi-language-nodejs)', package-lock.json pins @pulumi/pulumi $pulumi_version"
[ "$(upstream_version pulumi-resource-command)" = "$command_version" ] ||
  missing_sources "its README.md gives pulumi-resource-command as '$(upstream_version pulumi-resource-command)', package-lock.json pins @pulumi/command $command_version"
command -v go >/dev/null || die "Go is not installed: Go >= 1.25 must be on PATH to build the engine (Debian 12's golang-go is too old), or install Pulumi $pulumi_version"

mkdir -p "$bin_dir" "$src_dir"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
go_version=$(go env GOVERSION)
say "$go_version; pulumi $pulumi_version, command provider $command_version; sources $sources; into $bin_dir"

# build NAME STAMP DIR PACKAGE LDFLAGS: compiles PACKAGE in the module at DIR (a work copy).
build() {
  local name=$1 stamp=$2 dir=$3 package=$4 ldflags=$5 log=$3/build.log
  say "$name: fetching modules from the Go module proxy ($(go env GOPROXY))"
  if ! (cd "$dir" && go mod download >"$log" 2>&1); then
    tail -n 20 "$log" >&2
    die "$name: could not fetch its modules from the Go module proxy; log: $log"
  fi
  say "$name: compiling (several minutes on a cold build cache)"
  if ! (cd "$dir" && go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$bin_dir/$name.tmp" "$package" >>"$log" 2>&1); then
    tail -n 20 "$log" >&2
    die "$name: go build failed; log: $log"
  fi
  mv "$bin_dir/$name.tmp" "$bin_dir/$name"
  echo "$stamp" >"$bin_dir/$name.stamp"
  say "$name: built"
}

# fresh NAME STAMP: true when the binary is missing or was built from something else.
fresh() {
  if [ -x "$bin_dir/$1" ] && [ "$(cat "$bin_dir/$1.stamp" 2>/dev/null)" = "$2" ]; then
    say "$1: up to date"
    return 1
  fi
}

sdk_version_flag="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pulumi_version"
source_hash() { (cd "$sources/$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16); }

# The CLI: a wrapper module that requires pkg/v3 and sdk/v3 at one version and repeats the
# non-local replace of pkg/v3's go.mod (go install refuses a module with replaces).
stamp="$pulumi_version $go_version"
if fresh pulumi "$stamp"; then
  dir=$src_dir/pulumi
  rm -rf "$dir" && mkdir -p "$dir"
  cat >"$dir/go.mod" <<MOD
module zimbra-ha/engine/pulumi

go 1.25

require (
	github.com/pulumi/pulumi/pkg/v3 $pulumi_version
	github.com/pulumi/pulumi/sdk/v3 $pulumi_version
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
MOD
  build pulumi "$stamp" "$dir" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$sdk_version_flag"
fi

# from_source NAME VERSION PACKAGE LDFLAGS [GO-MOD-EDIT...]: builds NAME from a work copy of
# its upstream source, after `go mod edit` with the given flags; the sources stay untouched.
from_source() {
  local name=$1 version=$2 package=$3 ldflags=$4 stamp dir
  shift 4
  stamp="$version $go_version $(source_hash "$name")"
  fresh "$name" "$stamp" || return 0
  dir=$src_dir/$name
  rm -rf "$dir" && cp -r "$sources/$name" "$dir" && chmod -R u+w "$dir"
  if (($#)); then (cd "$dir" && go mod edit "$@"); fi
  build "$name" "$stamp" "$dir" "$package" "$ldflags"
}
# Upstream, the language host takes pkg/v3 and sdk/v3 from its monorepo (relative replaces):
# here both come from the module proxy at the CLI's version.
from_source pulumi-language-nodejs "$pulumi_version" . "$sdk_version_flag" \
  -dropreplace=github.com/pulumi/pulumi/pkg/v3 -dropreplace=github.com/pulumi/pulumi/sdk/v3 \
  "-require=github.com/pulumi/pulumi/pkg/v3@$pulumi_version" "-require=github.com/pulumi/pulumi/sdk/v3@$pulumi_version"
from_source pulumi-resource-command "$command_version" ./cmd/pulumi-resource-command \
  "-X github.com/pulumi/pulumi-command/provider/pkg/version.Version=$command_version"

say "ready: $bin_dir/{pulumi,pulumi-language-nodejs,pulumi-resource-command}"
