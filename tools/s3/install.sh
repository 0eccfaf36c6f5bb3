#!/usr/bin/env bash
# Installs a real S3 server for tests of the S3 backend: Versity S3 Gateway (versitygw, Apache
# 2.0), built from its Go module on the Go module proxy into .engine/s3/bin (git-ignored), the
# way tools/engine/build.sh builds the engine. Its posix backend keeps each bucket as a
# folder, so a test needs no other service. Rebuilt only when the version or Go changes. A
# cold install (empty module and build caches: 336 MB of modules, a 60 MB binary) took 2 min
# on 2 cores beside a deploying QEMU lab, 6.5 min with the cores saturated; a warm one, a
# second. (MinIO, the other candidate, also builds with Go 1.26, but fetches 1.2 GB of
# modules into a 150 MB binary: 28 min at low priority beside the same lab.)
# Usage: bash tools/s3/install.sh          prints the binary's path on stdout (progress on stderr)
#   S3_SERVER_DIR   output folder (default .engine/s3)
#   VERSITYGW_VERSION   module version (default below)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
version=${VERSITYGW_VERSION:-v1.8.0}
dir=${S3_SERVER_DIR:-$repo/.engine/s3}
bin=$dir/bin/versitygw
start=$SECONDS
say() { printf '[s3-install %4ss] %s\n' "$((SECONDS - start))" "$*" >&2; }
die() { printf 's3-install: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null || die "Go is not installed: Go >= 1.25 must be on PATH"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=
stamp="$version $(go env GOVERSION)"
if [[ -x $bin && $(cat "$bin.stamp" 2>/dev/null) == "$stamp" ]]; then
  say "versitygw $version: up to date"
  echo "$bin"
  exit 0
fi
mkdir -p "$dir/bin"
log=$dir/install.log
say "versitygw $version: fetching and compiling (2-7 minutes on a cold cache; log: $log)"
if ! GOBIN=$dir/bin.tmp go install -trimpath \
  -ldflags "-s -w -X main.Version=$version -X main.Build=module -X main.BuildTime=none" \
  "github.com/versity/versitygw/cmd/versitygw@$version" >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  die "go install github.com/versity/versitygw/cmd/versitygw@$version failed; log: $log"
fi
mv "$dir/bin.tmp/versitygw" "$bin"
rmdir "$dir/bin.tmp"
echo "$stamp" >"$bin.stamp"
say "versitygw $version: installed in $bin"
echo "$bin"
