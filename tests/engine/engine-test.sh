#!/usr/bin/env bash
# Checks are functions called through check().
# shellcheck disable=SC2317
# The program under the real Pulumi engine, without the lab (npm run engine first):
#   1. the lab stack previews with no optional secret set (no "missing configuration");
#   2. the program compiles and previews from an install without devDependencies;
#   3. an ssh-rsa host key is refused before any resource exists, naming the field;
#   4. secrets: a stack with BMC fence passwords and a Zimbra install, `pulumi up` against a
#      closed loopback port (it fails at the first SSH dial): neither the stack export, nor
#      the backend's files, nor anything the engine printed or logged (its event log, debug
#      messages included) holds the SSH key, a fence password, the Zimbra admin password or
#      the corosync authkey in plaintext.
# Nothing leaves the machine: the only SSH target is 127.0.0.1.
# Usage: npm run test:engine
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/zha-engine-test.XXXXXX)
[[ -n ${ENGINE_TEST_KEEP:-} ]] || trap 'rm -rf "$work"' EXIT
export ENGINE_HOME=$work/engine PULUMI_CONFIG_PASSPHRASE=engine-test-only
# shellcheck source=tools/engine/env.sh
source "$repo/tools/engine/env.sh"

failures=0
ran=0
check() {
  local what=$1; shift
  ran=$((ran + 1))
  if "$@"; then printf 'PASS %s\n' "$what"; else printf 'FAIL %s\n' "$what"; failures=$((failures + 1)); fi
}

# new_stack NAME VARIANT [MAIN]: a stack in its own project folder.
new_stack() {
  local dir=$work/$1
  engine_project "$dir" "${3:-$repo}"
  (cd "$dir" && pulumi stack init "$1" --non-interactive >/dev/null)
  (cd "$repo" && npx --no-install tsx tests/engine/stack-file.ts "$2" "$dir/Pulumi.$1.yaml")
  printf '%s' "$authkey" | p "$1" config set --secret corosyncAuthkey
}
p() { local name=$1; shift; (cd "$work/$name" && pulumi --non-interactive "$@" --stack "$name"); }

ssh-keygen -q -t ed25519 -N '' -C engine-test -f "$work/id_ed25519"
key_line=$(sed -n 2p "$work/id_ed25519")
authkey=$(openssl rand -base64 256 | tr -d '\n')

# 1 ---------------------------------------------------------------------------------------
new_stack lab lab
p lab config set --secret sshPrivateKey <"$work/id_ed25519"
preview_lab() { p lab preview >"$work/lab.out" 2>&1 || { tail -n 20 "$work/lab.out"; return 1; }; grep -qE '[0-9]+ to create' "$work/lab.out" || { tail -n 5 "$work/lab.out"; return 1; }; }
check "1. the lab stack previews without fencePasswords or zimbraAdminPassword set" preview_lab

# 2 ---------------------------------------------------------------------------------------
prod_only() {
  local copy=$work/prod-install
  mkdir -p "$copy"
  (cd "$repo" && cp -r index.ts components assets package.json package-lock.json tsconfig.json "$copy/")
  (cd "$copy" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund >"$work/npm-prod.out" 2>&1) || { tail "$work/npm-prod.out"; return 1; }
  [[ ! -e $copy/node_modules/jest ]] || { echo "devDependencies were installed"; return 1; }
  new_stack prod lab "$copy"
  p prod config set --secret sshPrivateKey <"$work/id_ed25519"
  p prod preview >"$work/prod.out" 2>&1 || { tail -n 20 "$work/prod.out"; return 1; }
}
check "2. npm ci --omit=dev: the engine still compiles and previews the program" prod_only

# 3 ---------------------------------------------------------------------------------------
rsa_refused() {
  new_stack rsa ssh-rsa
  p rsa config set --secret sshPrivateKey <"$work/id_ed25519"
  if p rsa preview >"$work/rsa.out" 2>&1; then echo "preview passed"; return 1; fi
  grep -q 'cluster.nodes\[0\].ssh.hostKey: ssh-rsa host keys cannot be pinned' "$work/rsa.out" && ! grep -q 'command:remote:Command' "$work/rsa.out"
}
check "3. an ssh-rsa host key is refused at preview, naming cluster.nodes[0].ssh.hostKey, before any command" rsa_refused

# 4 ---------------------------------------------------------------------------------------
new_stack secrets secrets
p secrets config set --secret sshPrivateKey <"$work/id_ed25519"
fence_primary="fence-pw-$(openssl rand -hex 12)"
fence_secondary="fence-pw-$(openssl rand -hex 12)"
# Secrets go in on stdin (printf is a shell builtin: no process lists them).
printf '%s' "$fence_primary" | p secrets config set --secret --path fencePasswords.primary
printf '%s' "$fence_secondary" | p secrets config set --secret --path fencePasswords.secondary
admin_password="admin-pw-$(openssl rand -hex 12)"
printf '%s' "$admin_password" | p secrets config set --secret zimbraAdminPassword
up_fails_at_dial() {
  if p secrets up --yes --skip-preview --event-log "$work/secrets.events.jsonl" >"$work/secrets-up.out" 2>&1; then echo "up passed"; return 1; fi
  grep -qE 'connection refused|dial' "$work/secrets-up.out" || { tail -n 20 "$work/secrets-up.out"; return 1; }
}
check "4. pulumi up fails at the first SSH dial (closed loopback port)" up_fails_at_dial
no_plaintext() {
  local f hits=0 value
  for value in "$key_line" "$fence_primary" "$fence_secondary" "$admin_password" "$authkey"; do
    [[ ${#value} -ge 20 ]] || { echo "a secret to look for is missing: nothing would be checked"; return 1; }
  done
  # The preview shows every command's inputs (stdin included): the secret ones masked.
  p secrets preview --json --diff >"$work/secrets-preview.json" 2>"$work/secrets-preview.out" || { tail "$work/secrets-preview.out"; return 1; }
  p secrets stack export >"$work/secrets-export.json"
  p secrets stack output --json >"$work/secrets-outputs.json" 2>&1 || true
  for f in "$work"/secrets*.out "$work/secrets.events.jsonl" "$work/secrets-preview.json" "$work/secrets-export.json" "$work/secrets-outputs.json" $(find "$ENGINE_HOME/state" -type f); do
    if grep -qF -e "$key_line" -e "$fence_primary" -e "$fence_secondary" -e "$admin_password" -e "${authkey:0:40}" -e "${authkey:200:40}" "$f"; then
      echo "plaintext secret in $f:"; hits=$((hits + 1))
      for value in key_line fence_primary fence_secondary admin_password authkey; do
        grep -qF "${!value:0:40}" "$f" && echo "  $value"
      done
    fi
  done
  # Not vacuous: the preview did carry the secret inputs (masked), the SSH key among them.
  python3 - "$work/secrets-preview.json" <<'PY' || return 1
import json, sys
steps = json.load(open(sys.argv[1]))["steps"]
inputs = {s["urn"].split("::")[-1]: s.get("newState", {}).get("inputs", {}) for s in steps}
masked = [n for n, i in inputs.items() if "[secret]" in json.dumps(i)]
need = ["fencing-password-primary-on-primary", "corosync-authkey-primary", "zimbra-configure-primary"]
missing = [n for n in need if n not in masked]
print(f"{len(masked)} resources with masked secret inputs in the preview")
sys.exit(1 if missing else 0)
PY
  ((hits == 0))
}
check "4. no plaintext SSH key, fence password, admin password or authkey in the preview, the export, the backend or the engine's output and event log" no_plaintext

printf '%d passed, %d failed\n' "$((ran - failures))" "$failures"
exit $((failures > 0))
