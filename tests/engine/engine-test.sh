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
#   5. the policy pack (pulumi preview --policy-pack policy): the lab and secrets stacks pass
#      it, every policy run, no violation, no secret printed;
#   6. a production stack with a breach of each mandatory policy (through
#      tests/engine/unvalidated: validation refuses the stack) fails the preview, the
#      output naming each policy with the resource at fault;
#   7. a BMC password pasted into the installer URL: the advisory policy names the command
#      whose line holds it, the preview passes, the password is never printed;
#   8. pulumi up on that stack declared production (its host keys unpinned) is refused by
#      validation before any step; and pulumi up --policy-pack on the stack of 6 (validation
#      left out, its nodes on closed loopback ports) stops at the preview it runs first.
# Nothing leaves the machine: the only SSH target is 127.0.0.1.
# Usage: npm run test:engine
set -euo pipefail
# shellcheck source=tests/engine/lib.sh
source "$(dirname "$0")/lib.sh"
suite_work engine-test
suite_engine engine-test

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
fence_primary="fence-$(openssl rand -hex 7)" # IPMI: at most 20 bytes
fence_secondary="fence-$(openssl rand -hex 7)"
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

# 5 ---------------------------------------------------------------------------------------
policy_pack=$repo/policy
# policy_preview NAME: pulumi preview with the pack, output in $work/NAME-policy.out.
policy_preview() { p "$1" preview --policy-pack "$policy_pack" >"$work/$1-policy.out" 2>&1; }
policies_pass() {
  local name
  for name in lab secrets; do
    policy_preview "$name" || { echo "$name: preview failed"; tail -n 30 "$work/$name-policy.out"; return 1; }
    grep -qF "✅ zimbra-ha@v" "$work/$name-policy.out" || { echo "$name: the pack did not pass"; sed -n '/^Policies:/,$p' "$work/$name-policy.out" | head -n 30; return 1; }
    if grep -qE "can't run policy|\[(mandatory|advisory)\]" "$work/$name-policy.out"; then echo "$name:"; grep -E "can't run|\[" "$work/$name-policy.out"; return 1; fi
    if grep -qF -e "$key_line" -e "$fence_primary" -e "$fence_secondary" -e "$admin_password" -e "${authkey:0:40}" "$work/$name-policy.out"; then echo "$name: a secret in the output"; return 1; fi
  done
}
check "5. the lab and secrets stacks pass the policy pack: every policy run, no violation, no secret printed" policies_pass

# 6 ---------------------------------------------------------------------------------------
new_stack violations policy-violations "$repo/tests/engine/unvalidated/index.ts"
p violations config set --secret sshPrivateKey <"$work/id_ed25519"
# "LEVEL RULE RESOURCE": each must be reported, as the engine prints it.
expected_violations=(
  "mandatory fencing-enabled pacemaker-apply"
  "mandatory drbd-protocol-c drbd-zimbradata-conf-primary"
  "mandatory drbd-protocol-c drbd-zimbradata-conf-secondary"
  "mandatory corosync-crypto corosync-conf-primary"
  "mandatory corosync-crypto corosync-conf-secondary"
  "mandatory ssh-host-key-pinned corosync-authkey-secondary"
  "mandatory no-allow-wipe drbd-zimbradata-metadata-secondary"
  "mandatory no-allow-wipe fencing-sbd-header"
  "mandatory no-automatic-data-discard drbd-zimbradata-conf-primary"
  "mandatory no-automatic-data-discard drbd-zimbradata-conf-secondary"
  "mandatory quorum-never-ignored pacemaker-apply"
  "advisory stonith-timeout-covers-sbd-msgwait pacemaker-apply"
)
violations_fail() {
  if policy_preview violations; then echo "the preview passed"; return 1; fi
  grep -qF "❌ zimbra-ha@v" "$work/violations-policy.out" || { tail -n 30 "$work/violations-policy.out"; return 1; }
  local v level rule resource missing=0
  for v in "${expected_violations[@]}"; do
    read -r level rule resource <<<"$v"
    grep -qF -- "- [$level]  $rule  (command:remote:Command: $resource)" "$work/violations-policy.out" || { echo "not reported: $v"; missing=1; }
  done
  local reported
  reported=$(grep -c -- '- \[\(mandatory\|advisory\)\]' "$work/violations-policy.out")
  [[ $reported -eq ${#expected_violations[@]} ]] || { echo "$reported violations reported, ${#expected_violations[@]} expected"; missing=1; }
  ((missing == 0)) || sed -n '/^Policies:/,/^Diagnostics:/p' "$work/violations-policy.out"
  ((missing == 0))
}
check "6. a production stack breaching each mandatory policy fails the preview, naming each policy and resource" violations_fail

# 7 ---------------------------------------------------------------------------------------
new_stack leak secrets
p leak config set --secret sshPrivateKey <"$work/id_ed25519"
leaked="leak-pw-$(openssl rand -hex 6)"
printf '%s' "$leaked" | p leak config set --secret --path fencePasswords.primary
printf '%s' "$fence_secondary" | p leak config set --secret --path fencePasswords.secondary
printf '%s' "$admin_password" | p leak config set --secret zimbraAdminPassword
p leak config set --path cluster.zimbra.installer.url "https://files.example.org/$leaked/zcs.tgz"
secret_line_reported() {
  policy_preview leak || { echo "the preview failed"; tail -n 30 "$work/leak-policy.out"; return 1; }
  grep -qF -- "- [advisory]  no-secret-in-command-line  (command:remote:Command: zimbra-installer-primary)" "$work/leak-policy.out" || { sed -n '/^Policies:/,/^Outputs:/p' "$work/leak-policy.out"; return 1; }
  grep -qF "its create line holds a secret value (the secret stdin of fencing-password-primary-on-" "$work/leak-policy.out" || return 1
  ! grep -qF "$leaked" "$work/leak-policy.out" || { echo "the password was printed"; return 1; }
}
check "7. a BMC password in the installer URL: the advisory policy names zimbra-installer-primary, never the password" secret_line_reported

# 8 ---------------------------------------------------------------------------------------
p leak config set --path cluster.production true
up_refused_by_validation() {
  if p leak up --yes --policy-pack "$policy_pack" >"$work/leak-up.out" 2>&1; then echo "up passed"; return 1; fi
  grep -qF -- "- cluster.nodes[0].ssh.hostKey: required on a production stack" "$work/leak-up.out" || { tail -n 30 "$work/leak-up.out"; return 1; }
  ! grep -qE "^Updating|connection refused|dial" "$work/leak-up.out" || { echo "the update ran"; return 1; }
}
check "8. pulumi up of a production stack without pinned host keys is refused by validation, naming each node's field, before any step" up_refused_by_validation
# The policy pack alone, validation left out: the breaching production stack, its nodes on
# closed loopback ports so that nothing could leave the machine if a step ever ran.
for i in 0 1; do
  p violations config set --path "cluster.nodes[$i].ssh.host" 127.0.0.1
  p violations config set --path "cluster.nodes[$i].ssh.port" $((i + 1))
done
up_stopped_by_policy() {
  if p violations up --yes --policy-pack "$policy_pack" >"$work/violations-up.out" 2>&1; then echo "up passed"; return 1; fi
  if ! grep -qF -- "- [mandatory]  ssh-host-key-pinned" "$work/violations-up.out" || ! grep -qF "error: preview failed" "$work/violations-up.out"; then tail -n 30 "$work/violations-up.out"; return 1; fi
  ! grep -qE "^Updating|connection refused|dial" "$work/violations-up.out" || { echo "the update ran"; return 1; }
}
check "8. pulumi up --policy-pack on a production stack breaking a mandatory policy stops at its preview, before any step" up_stopped_by_policy

finish
