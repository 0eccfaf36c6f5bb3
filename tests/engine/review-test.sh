#!/usr/bin/env bash
# Checks are functions called through check().
# shellcheck disable=SC2317
# npm run review against the real Pulumi engine, without the lab (npm run engine first):
#   1. the lab stack with no state: the review runs `pulumi preview` itself (through -- --cwd),
#      names each node with its SSH user@address:port, shows /etc/postfix/main.cf whole, and
#      prints neither the SSH key nor the corosync authkey;
#   2. the same stack after `pulumi stack import` of an older deployment
#      (tests/fixtures/review/build-state.ts: older host tools and main.cf, a file the stack no
#      longer writes) and --replace passed on to pulumi: the bundle's changed files only, with
#      a count of the unchanged ones, main.cf's diff, the replace and the delete; no secret;
#   3. --show-secrets among pulumi's arguments is refused (exit code 2), pulumi never runs;
#   4. a preview the program refuses (an ssh-rsa host key): non-zero, the engine's message.
# Nothing leaves the machine: no SSH connection is made (previews only).
# Usage: bash tests/engine/review-test.sh
set -euo pipefail
# shellcheck source=tests/engine/lib.sh
source "$(dirname "$0")/lib.sh"
suite_work review-test
suite_engine review-test

p() { (cd "$work/lab" && pulumi --non-interactive "$@" --stack lab); }
tsx() { (cd "$repo" && npx --no-install tsx "$@"); }
# review OUT [ARGS...]: npm run review on the test stack; stdout in OUT, stderr in OUT.err.
review() {
  local out=$1; shift
  (cd "$repo" && npm run --silent review -- --stack lab --stack-file "$work/lab/Pulumi.lab.yaml" "$@") \
    >"$out" 2>"$out.err"
}
# has FILE TEXT...: FILE holds each TEXT (several lines each, verbatim).
has() {
  python3 - "$@" <<'PY'
import sys
text = open(sys.argv[1]).read()
missing = [t for t in sys.argv[2:] if t not in text]
for t in missing:
    print("not in the review:\n" + t)
sys.exit(1 if missing else 0)
PY
}
# no_secret FILE...: none of the stack's secret values is in FILE.
no_secret() {
  local f
  for f in "$@"; do
    if grep -qF -e "$key_line" -e "${authkey:0:40}" -e "${authkey:100:40}" "$f"; then echo "a secret value in $f"; return 1; fi
  done
}

engine_project "$work/lab" "$repo"
(cd "$work/lab" && pulumi stack init lab --non-interactive >/dev/null)
tsx tests/engine/stack-file.ts lab "$work/lab/Pulumi.lab.yaml"
ssh-keygen -q -t ed25519 -N '' -C review-test -f "$work/id_ed25519"
key_line=$(sed -n 2p "$work/id_ed25519")
authkey=$(openssl rand -base64 256 | tr -d '\n')
p config set --secret sshPrivateKey <"$work/id_ed25519"
printf '%s' "$authkey" | p config set --secret corosyncAuthkey
# main.cf as the stack file holds it, each line as a created file shows it.
main_cf=$(cd "$repo" && node -e '
  const YAML = require("yaml");
  const c = YAML.parse(require("fs").readFileSync(process.argv[1], "utf8")).config["zimbra-ha:cluster"];
  const text = c.files.find((f) => f.path === "/etc/postfix/main.cf").content;
  process.stdout.write(text.replace(/\n$/, "").split("\n").map((l) => "    +" + l).join("\n") + "\n");
' "$work/lab/Pulumi.lab.yaml")

# 1 ---------------------------------------------------------------------------------------
create_review() {
  review "$work/create.txt" -- --cwd "$work/lab" || { cat "$work/create.txt.err"; return 1; }
  [[ $(printf '%s\n' "$main_cf" | wc -l) -gt 15 ]] || { echo "main.cf is not a multi-line file"; return 1; }
  has "$work/create.txt" \
    "+ create primary-tools on primary (root@192.168.77.201:22)" \
    "+ create secondary-tools on secondary (root@192.168.77.202:22)" \
    "+ create secondary-file-etc_postfix_main.cf on secondary (root@192.168.77.202:22)" \
    "+ create primary-file-etc_postfix_main.cf on primary (root@192.168.77.201:22)" \
    "$main_cf" \
    "  stdin: host-tools bundle: " \
    "  stdin: [secret]" || return 1
  head -n 1 "$work/create.txt" | grep -qE '^Stack lab: [0-9]+ to create, 0 unchanged; per host: primary [0-9]+ \(' ||
    { head -n 1 "$work/create.txt"; return 1; }
  ! grep -qF "crm_attribute" "$work/create.txt" || { echo "a created bundle's text was printed"; return 1; }
  no_secret "$work/create.txt" "$work/create.txt.err"
}
check "1. no state: every node named with user@address:port, main.cf whole, no secret printed" create_review

# 2 ---------------------------------------------------------------------------------------
update_review() {
  # The state: built from a create-only preview, the host tools from an older assets folder
  # (one script different, one not there yet).
  p preview --json --diff >"$work/create.json" 2>"$work/create.err" || { tail -c 2000 "$work/create.json"; return 1; }
  cp -r "$repo/assets" "$work/old-assets"
  rm "$work/old-assets/scripts/fencer-check.sh"
  printf '# an older put-file.sh\n' >>"$work/old-assets/scripts/put-file.sh"
  tsx tests/fixtures/review/build-state.ts --print-authkey | p config set --secret corosyncAuthkey
  p stack export >"$work/export.json"
  tsx tests/fixtures/review/build-state.ts "$work/create.json" "$work/lab/Pulumi.lab.yaml" "$work/id_ed25519" \
    "$work/old-assets" "$work/export.json" >"$work/deployment.json"
  p stack import --file "$work/deployment.json" >/dev/null
  local urn
  urn=$(python3 -c 'import json,sys; print(next(s["urn"] for s in json.load(open(sys.argv[1]))["steps"] if s["urn"].endswith("::secondary-file-etc_postfix_vmailbox")))' "$work/create.json")
  review "$work/update.txt" -- --cwd "$work/lab" --replace "$urn" || { cat "$work/update.txt.err"; return 1; }
  # The bundle: every script, the CIB stylesheet, the OCF agents; all but put-file.sh and fencer-check.sh unchanged.
  local unchanged
  unchanged=$(($(find "$repo/assets/scripts" -name '*.sh' | wc -l) + 1 + $(find "$repo/assets/ocf" -type f | wc -l) - 2))
  has "$work/update.txt" \
    "Stack lab: 4 to update, 1 to replace, 1 to delete, 62 unchanged; per host: primary 2 (2 update), secondary 3 (2 update, 1 replace), (host unknown) 1 (1 delete)" \
    "~ update primary-tools on primary (root@192.168.77.201:22)" \
    "~ update secondary-tools on secondary (root@192.168.77.202:22)" \
    "  stdin: host-tools bundle: 1 changed, 1 added, 0 removed, $unchanged unchanged files
    added: /usr/local/lib/zimbra-ha/fencer-check.sh" \
    "    changed: /usr/local/lib/zimbra-ha/put-file.sh" \
    "    -# an older put-file.sh" \
    "    -mynetworks = 127.0.0.0/8
    +mynetworks = 127.0.0.0/8 192.168.77.0/24" \
    "+- replace secondary-file-etc_postfix_vmailbox on secondary (root@192.168.77.202:22)" \
    "- delete primary-file-etc_postfix_header_checks" || return 1
  # The steps come in the engine's order: the bundle's change is shown on one node, the other points to it.
  grep -qE '^  stdin: the same change as (primary|secondary)-tools above' "$work/update.txt" ||
    { echo "the second node's bundle change is not a pointer to the first"; return 1; }
  # One changed script, not the bundle: the review stays short.
  [[ $(wc -l <"$work/update.txt") -lt 200 ]] || { echo "$(wc -l <"$work/update.txt") lines"; return 1; }
  ! grep -qF "boot-services.sh" "$work/update.txt" || { echo "an unchanged bundled file was shown"; return 1; }
  no_secret "$work/update.txt" "$work/update.txt.err"
}
check "2. with state: only the bundle's changed files, main.cf's diff, the replace (--replace passed on) and the delete" update_review

# 3 ---------------------------------------------------------------------------------------
show_secrets_refused() {
  local rc=0
  review "$work/secrets.txt" -- --cwd "$work/lab" --show-secrets || rc=$?
  [[ $rc -eq 2 ]] || { echo "exit code $rc"; return 1; }
  grep -qF -- "--show-secrets is not passed on" "$work/secrets.txt.err" && [[ ! -s $work/secrets.txt ]]
}
check "3. --show-secrets for pulumi is refused (exit code 2)" show_secrets_refused

# 4 ---------------------------------------------------------------------------------------
preview_fails() {
  p config set --path 'cluster.nodes[0].ssh.hostKey' "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7"
  local rc=0
  review "$work/failed.txt" -- --cwd "$work/lab" || rc=$?
  [[ $rc -ne 0 ]] || { echo "the review passed"; return 1; }
  has "$work/failed.txt.err" "review: pulumi preview failed (exit code" \
    "cluster.nodes[0].ssh.hostKey: ssh-rsa host keys cannot be pinned" || { cat "$work/failed.txt.err"; return 1; }
  no_secret "$work/failed.txt" "$work/failed.txt.err"
}
check "4. a failed preview: non-zero exit, the engine's error text passed through" preview_fails

finish
