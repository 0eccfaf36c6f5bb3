# Sourced by the real-engine suites (tests/engine/*-test.sh): their checks, work folder and
# engine, and the closing line `npm run test:engine` sums.
# shellcheck shell=bash
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
failures=0
ran=0

# check WHAT COMMAND...: one check; PASS or FAIL with WHAT.
check() {
  local what=$1; shift
  ran=$((ran + 1))
  if "$@"; then printf 'PASS %s\n' "$what"; else printf 'FAIL %s\n' "$what"; failures=$((failures + 1)); fi
}

# suite_work NAME: $work, a folder of the suite's own, removed at exit (ENGINE_TEST_KEEP=1 keeps it).
suite_work() {
  work=$(mktemp -d "/tmp/zha-$1.XXXXXX")
  [[ -n ${ENGINE_TEST_KEEP:-} ]] || trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
}

# suite_engine NAME: the engine with its state in $work (tools/engine/env.sh), a passphrase of the suite's own.
suite_engine() {
  export ENGINE_HOME=$work/engine PULUMI_CONFIG_PASSPHRASE=$1-only
  # shellcheck source=tools/engine/env.sh
  source "$repo/tools/engine/env.sh"
}

# finish: the closing line, and the exit code (1 when a check failed).
finish() {
  printf '%d passed, %d failed\n' "$((ran - failures))" "$failures"
  exit $((failures > 0))
}
