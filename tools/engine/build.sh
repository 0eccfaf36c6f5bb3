#!/usr/bin/env bash
# Builds the Pulumi engine this program runs under into .engine/bin, from Go modules:
#   pulumi                   the CLI: module github.com/pulumi/pulumi/pkg/v3 from the Go module proxy
#   pulumi-language-nodejs   the Node.js language host: upstream source in tools/engine/ (its
#                            module is not on the proxy), dependencies from the proxy
#   pulumi-resource-command  the provider behind @pulumi/command: the same way
# Versions come from package-lock.json; each binary is rebuilt only when its version, its
# source or the Go version changes, so a second run takes seconds.
# Usage: npm run engine            (ENGINE_DIR overrides the output folder)
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
here=$repo/tools/engine
engine_dir=${ENGINE_DIR:-$repo/.engine}
bin_dir=$engine_dir/bin
src_dir=$engine_dir/src
mkdir -p "$bin_dir" "$src_dir"

start=$SECONDS
say() { printf '[engine %4ss] %s\n' "$((SECONDS - start))" "$*"; }
die() { printf 'engine: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null || die "Go is not installed: Go >= 1.25 must be on PATH (Debian 12's golang-go is too old)"
command -v node >/dev/null || die "node is not installed (Node.js >= 20)"
[ -f package-lock.json ] || die "package-lock.json is missing: run from the repository"

lock_version() {
  node -e 'const l=require("./package-lock.json"); const p=l.packages["node_modules/"+process.argv[1]]; if(!p){process.exit(3)} process.stdout.write("v"+p.version)' "$1" \
    || die "package-lock.json has no entry for $1: run npm install"
}
upstream_version() { cut -d' ' -f1 "$here/$1/UPSTREAM"; }

pulumi_version=$(lock_version @pulumi/pulumi)
command_version=$(lock_version @pulumi/command)
[ "$(upstream_version pulumi-language-nodejs)" = "$pulumi_version" ] ||
  die "@pulumi/pulumi is $pulumi_version in package-lock.json but tools/engine/pulumi-language-nodejs holds $(upstream_version pulumi-language-nodejs): copy that release's language host source (see its README.md)"
[ "$(upstream_version pulumi-resource-command)" = "$command_version" ] ||
  die "@pulumi/command is $command_version in package-lock.json but tools/engine/pulumi-resource-command holds $(upstream_version pulumi-resource-command): copy that release's provider source (see its README.md)"

export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
go_version=$(go env GOVERSION)
say "$go_version; pulumi $pulumi_version, command provider $command_version; into $bin_dir"

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
source_hash() { (cd "$here/$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16); }

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

# Vendored upstream sources: built from a work copy, so go.mod/go.sum updates stay out of git.
from_source() {
  local name=$1 version=$2 package=$3 ldflags=$4 stamp dir
  stamp="$version $go_version $(source_hash "$name")"
  fresh "$name" "$stamp" || return 0
  dir=$src_dir/$name
  rm -rf "$dir" && cp -r "$here/$name" "$dir"
  build "$name" "$stamp" "$dir" "$package" "$ldflags"
}
from_source pulumi-language-nodejs "$pulumi_version" . "$sdk_version_flag"
from_source pulumi-resource-command "$command_version" ./cmd/pulumi-resource-command \
  "-X github.com/pulumi/pulumi-command/provider/pkg/version.Version=$command_version"

say "ready: $bin_dir/{pulumi,pulumi-language-nodejs,pulumi-resource-command}"
