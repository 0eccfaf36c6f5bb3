#!/usr/bin/env bash
# npm run test:engine: every test of the program under the real engine, without hosts (npm
# run engine first). Each suite runs even when one before it failed; the last line sums
# their checks.
#   engine-test.sh           previews, secrets never in plaintext, the policy pack
#   engine-build-test.sh     an installed Pulumi used as it is; the build from read-only sources
#   errors-test.sh           validation errors: one list, no stack trace, no secret byte
#   review-test.sh           npm run review on real previews
#   production-path-test.sh  the README's production block, run from a fresh clone
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0 broken=()
for suite in engine-test engine-build-test errors-test review-test production-path-test; do
  printf '\n=== %s\n' "$suite"
  out=$(mktemp)
  bash "$here/$suite.sh" 2>&1 | tee "$out"
  status=${PIPESTATUS[0]}
  p=$(grep -c '^PASS ' "$out") f=$(grep -c '^FAIL ' "$out")
  passed=$((passed + p)) failed=$((failed + f))
  if ((status != 0 || f > 0 || p == 0)); then broken+=("$suite"); ((f > 0)) || failed=$((failed + 1)); fi
  rm -f "$out"
done
printf '\n'
((${#broken[@]} == 0)) || echo "failed suites: ${broken[*]}"
echo "$passed passed, $failed failed"
((${#broken[@]} == 0))
