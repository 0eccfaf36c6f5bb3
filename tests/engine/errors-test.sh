#!/usr/bin/env bash
# Checks are functions called through check().
# shellcheck disable=SC2317
# Errors a user can act on, under the real Pulumi engine, without the lab (npm run engine first).
# Each preview's output goes to a file, as in a CI log (`pulumi preview >log 2>&1`):
#   1. a refused stack: the problems are one list (error: invalid stack configuration), no
#      Node stack trace, no colour codes;
#   2. no sshPrivateKey: the program, not the engine, reports it, in that list beside a bad
#      field, with the command that sets it; a stack made as the examples say (stack init, then
#      the example appended) lists every missing secret at once, and previews once they are set;
#   3. a zimbra-ha key set without --path (a key of its own, which nothing reads) is refused,
#      named, with the --path command, its value never shown; the printed fixes make the
#      stack preview;
#   4. every secret set with the wrong shape (long random values: quotes, braces, newlines,
#      text that looks like JSON; fencePasswords as one value, then with an entry not named
#      after a node): each refused naming its key and the fix, and the error text holds no
#      four characters in a row of any secret, the whole output and the event log no longer run;
#   5. an sshPrivateKey that is a path, not the key file's content: refused with
#      `pulumi config set --secret sshPrivateKey < ~/.ssh/id_ed25519`, the path never shown.
#   6. a secret set without --secret (plain text in the stack file): refused with the way to
#      set it, its value never shown.
# Nothing leaves the machine: no preview dials a host.
# Usage: bash tests/engine/errors-test.sh
set -euo pipefail
# shellcheck source=tests/engine/lib.sh
source "$(dirname "$0")/lib.sh"
suite_work errors-test
suite_engine errors-test

# new_stack NAME [VARIANT]: a stack in its own project folder; its config from a variant of
# tests/engine/stack-file.ts, or none.
new_stack() {
  engine_project "$work/$1" "$repo"
  (cd "$work/$1" && pulumi stack init "$1" --non-interactive >"$work/$1.init" 2>&1) || { cat "$work/$1.init"; return 1; }
  [[ -z ${2:-} ]] || (cd "$repo" && npx --no-install tsx tests/engine/stack-file.ts "$2" "$work/$1/Pulumi.$1.yaml")
}
p() { local name=$1; shift; (cd "$work/$name" && pulumi --non-interactive "$@" --stack "$name"); }
# preview NAME: `pulumi preview` as a user runs it, its output redirected to $work/NAME.out (a
# second call appends); with an event log. Succeeds when the preview does.
preview() {
  (cd "$work/$1" && pulumi preview --stack "$1" --event-log "$work/$1.events.jsonl" >>"$work/$1.out" 2>&1)
}
# refused NAME: the preview fails; its output (this run's only) in $work/NAME.out.
refused() {
  : >"$work/$1.out"
  if preview "$1"; then echo "$1: the preview passed"; return 1; fi
}
# passes NAME: the preview succeeds and plans the cluster.
passes() {
  : >"$work/$1.out"
  preview "$1" || { tail -n 25 "$work/$1.out"; return 1; }
  grep -qE '[0-9]+ to create' "$work/$1.out" || { tail -n 5 "$work/$1.out"; return 1; }
}
# has NAME TEXT...: each TEXT is a line of the refusal's problem list (fixed strings, the line's start).
has() {
  local name=$1 text missing=0; shift
  for text in "$@"; do
    grep -qF -- "      - $text" "$work/$name.out" || { echo "$name: not listed: $text"; missing=1; }
  done
  ((missing == 0)) || sed -n '/^Diagnostics:/,/^Resources:/p' "$work/$name.out"
  ((missing == 0))
}
# errors NAME: the error text the engine printed (its Diagnostics section).
errors() { sed -n '/^Diagnostics:/,/^Resources:/p' "$work/$1.out"; }

ssh-keygen -q -t ed25519 -N '' -C errors-test -f "$work/id_ed25519"
authkey=$(openssl rand -base64 256 | tr -d '\n')

# 1, 2, 3: a lab stack without sshPrivateKey, a bad field, a key set without --path ----------
new_stack refused lab
printf '%s' "$authkey" | p refused config set --secret corosyncAuthkey
p refused config set --path cluster.corosync.joinMs 99999
p refused config set cluster.corosync.tokenMs 3917 # without --path: a key of its own
refused refused || true

one_list() {
  local out=$work/refused.out
  grep -qE '^    error: invalid stack configuration \(3 problems\):$' "$out" || { cat "$out"; return 1; }
  local diag_errors
  diag_errors=$(errors refused | grep -c 'error:')
  [[ $diag_errors -eq 1 ]] || { echo "$diag_errors errors in Diagnostics, one expected"; errors refused; return 1; }
  if grep -qE '^ +at ' "$out"; then echo "stack trace lines:"; grep -E '^ +at ' "$out" | head -n 5; return 1; fi
  if grep -qE 'Running program|unhandled exception|ConfigError' "$out"; then echo "reported as an uncaught exception"; return 1; fi
  if grep -q $'\e' "$out"; then echo "ESC bytes (colour codes) in the redirected output"; return 1; fi
}
check "1. a refused stack: one list of problems, no stack trace, no colour codes in a redirected log" one_list

ssh_key_listed() {
  has refused \
    "sshPrivateKey: missing: set it with \`pulumi config set --secret sshPrivateKey < ~/.ssh/id_ed25519\`" \
    'cluster.corosync.joinMs: 99999 ms must be shorter than tokenMs' || return 1
  if grep -qF "missing configuration value" "$work/refused.out"; then echo "the engine refused first"; return 1; fi
}
check "2. no sshPrivateKey: listed beside a bad field with the command that sets it, not refused by the engine alone" ssh_key_listed

# The examples' own instructions: stack init, append the example, the secrets.
example_flow() {
  new_stack kopano
  cat "$repo/examples/kopano.yaml" >>"$work/kopano/Pulumi.kopano.yaml"
  refused kopano || return 1
  has kopano \
    "sshPrivateKey: missing: set it with \`pulumi config set --secret sshPrivateKey < ~/.ssh/id_ed25519\`" \
    "corosyncAuthkey: missing: make one with \`openssl rand -base64 256 | tr -d '\\n' | pulumi config set --secret corosyncAuthkey\`" \
    "fencePasswords.kopano1: missing: set it with \`pulumi config set --secret --path 'fencePasswords.kopano1'\` (it prompts" \
    "fencePasswords.kopano2: missing: set it with \`pulumi config set --secret --path 'fencePasswords.kopano2'\` (it prompts" || return 1
  grep -qF 'invalid stack configuration (4 problems)' "$work/kopano.out" || { errors kopano; return 1; }
  p kopano config set --secret sshPrivateKey <"$work/id_ed25519"
  printf '%s' "$authkey" | p kopano config set --secret corosyncAuthkey
  local node
  for node in kopano1 kopano2; do
    openssl rand -hex 10 | tr -d '\n' | p kopano config set --secret --path "fencePasswords.$node" # IPMI: <= 20 bytes
  done
  passes kopano
}
check "2. a stack made as the examples say (stack init, example appended): every missing secret in one list; set, it previews" example_flow

key_without_path() {
  has refused "zimbra-ha:cluster.corosync.tokenMs: is not a key zimbra-ha reads: set without --path" || return 1
  grep -qF "remove it with \`pulumi config rm 'cluster.corosync.tokenMs'\` and set the field with \`pulumi config set --path 'cluster.corosync.tokenMs' VALUE\`" "$work/refused.out" || { errors refused; return 1; }
  if grep -qF 3917 "$work/refused.out"; then echo "the key's value was printed"; return 1; fi
}
check "3. a zimbra-ha key set without --path: refused, named, with the --path command, its value not shown" key_without_path

fixes_work() {
  p refused config set --secret sshPrivateKey <"$work/id_ed25519"
  p refused config rm 'cluster.corosync.tokenMs'
  p refused config set --path 'cluster.corosync.tokenMs' 3917
  p refused config set --path 'cluster.corosync.joinMs' 1000
  passes refused
}
check "2, 3. the printed commands mend the stack: it previews" fixes_work

# 4, 5: every secret with the wrong shape ----------------------------------------------------
new_stack shapes secrets
mkdir -p "$work/secrets"
# Random text, from a fixed seed: the error text is the same on every run, so a chance match of
# four random characters with the messages could not make the check flaky.
python3 - "$work/secrets" <<'PY'
import json, random, sys
rng = random.Random(20261204)
alphabet = [chr(c) for c in range(33, 127)] + list('\n\t "\'{}[]:,\\')
text = lambda n=300: "".join(rng.choice(alphabet) for _ in range(n))
word = lambda n=8: "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(n))
values = {
    # Keys of a value set whole may be secret bytes too: random, never node names.
    "fence-whole": '{"%s": "%s", "%s": [%s' % (word(), text(120), word(), text(150)),
    "ssh-key": json.dumps({word(): text(140), word(): [text(100)]}),
    "authkey": text(),
    # Set per node on an IPMI stack: at most 20 bytes each (longer ones are refused by length).
    "fence-primary": '{"a": %s}' % text(12),
    "fence-secondary": text(20),
    "fence-spare": text(),
    "admin": text(),
}
for name, value in values.items():
    open(f"{sys.argv[1]}/{name}", "w").write(value)
PY
p shapes config set --secret sshPrivateKey <"$work/secrets/ssh-key"
p shapes config set --secret corosyncAuthkey <"$work/secrets/authkey"
p shapes config set --secret fencePasswords <"$work/secrets/fence-whole" # without --path: one value
p shapes config set --secret zimbraAdminPassword <"$work/secrets/admin"

# no_secret_shown NAME: no 4 characters in a row of a secret in the error text; no 16 in the
# whole output or the event log (which also holds the engine's own messages).
no_secret_shown() {
  errors "$1" >"$work/$1.errors"
  python3 - "$work/secrets" "$work/$1.errors" "$work/$1.out" "$work/$1.events.jsonl" <<'PY'
import os, sys
folder, errors, out, events = sys.argv[1:]
secrets = {n: open(os.path.join(folder, n)).read() for n in sorted(os.listdir(folder))}
found = 0
for path, run in ((errors, 4), (out, 16), (events, 16)):
    text = open(path).read()
    for name, value in secrets.items():
        hits = [i for i in range(len(value) - run + 1) if value[i : i + run] in text]
        if hits:
            found += 1
            print(f"{os.path.basename(path)}: {len(hits)} run(s) of {run} characters of secret {name}, from offset {hits[0]}")
sys.exit(1 if found else 0)
PY
}

shapes_refused() {
  refused shapes || return 1
  has shapes \
    "sshPrivateKey: is not a private key in OpenSSH or PEM form, the whole content of a key file: set it with \`pulumi config set --secret sshPrivateKey < ~/.ssh/id_ed25519\`" \
    "fencePasswords: is one value, not a password per node (set without --path): remove it with \`pulumi config rm fencePasswords\` and set each node's with \`pulumi config set --secret --path 'fencePasswords.<node>'\` (it prompts for the value; or pipe it on stdin, never on the command line)" \
    "fencePasswords.primary: missing: " \
    "fencePasswords.secondary: missing: " \
    "corosyncAuthkey: must be base64 of 128 to 4096 random bytes (it is not base64); make one with" \
    "zimbraAdminPassword: must not contain a double quote or a line break (zmsetup.pl's config file cannot carry them): set another with \`pulumi config set --secret zimbraAdminPassword\` (it prompts" || return 1
  no_secret_shown shapes
}
check "4. secrets of the wrong shape (fencePasswords as one value): each refused naming the key and the fix, no secret shown" shapes_refused

per_node_refused() {
  p shapes config rm fencePasswords
  p shapes config set --secret --path 'fencePasswords.primary' <"$work/secrets/fence-primary"
  p shapes config set --secret --path 'fencePasswords.secondary' <"$work/secrets/fence-secondary"
  p shapes config set --secret --path 'fencePasswords.spare' <"$work/secrets/fence-spare"
  refused shapes || return 1
  has shapes \
    "fencePasswords: 1 entry is not named after a node (primary, secondary): " \
    "sshPrivateKey: is not a private key in OpenSSH or PEM form" \
    "corosyncAuthkey: must be base64 of 128 to 4096 random bytes (it is not base64)" || return 1
  if grep -qF "fencePasswords.primary" "$work/shapes.out"; then echo "a well-formed password was refused"; return 1; fi
  no_secret_shown shapes
}
check "4. fence passwords by node, one entry not named after a node: refused without its name or any secret" per_node_refused

ssh_key_path() {
  p shapes config rm --path 'fencePasswords.spare'
  printf '%s' "$authkey" | p shapes config set --secret corosyncAuthkey
  openssl rand -hex 12 | p shapes config set --secret zimbraAdminPassword
  # The mistake: the path as the value (the shell expands ~ before pulumi sees it).
  p shapes config set --secret sshPrivateKey "$work/id_ed25519"
  refused shapes || return 1
  has shapes "sshPrivateKey: holds a file path, not the key: the stack logs in with the key file's content, which \`<\` reads: \`pulumi config set --secret sshPrivateKey < ~/.ssh/id_ed25519\`" || return 1
  grep -qF 'invalid stack configuration (1 problem)' "$work/shapes.out" || { errors shapes; return 1; }
  if grep -qF "$work" "$work/shapes.out"; then echo "the path was printed"; return 1; fi
  p shapes config set --secret sshPrivateKey <"$work/id_ed25519"
  passes shapes
}
check "5. an sshPrivateKey that is a path: refused with the command that reads the file, the path not shown; then it previews" ssh_key_path

plain_secret_refused() {
  # The mistake: --secret forgotten; the stack file now holds the key in plain text.
  p shapes config set sshPrivateKey <"$work/id_ed25519"
  refused shapes || return 1
  has shapes "sshPrivateKey: is stored in plain text in the stack file (set without --secret): remove it with \`pulumi config rm sshPrivateKey\`" || return 1
  if grep -qF "$(sed -n 2p "$work/id_ed25519")" "$work/shapes.out"; then echo "the key was printed"; return 1; fi
  p shapes config rm sshPrivateKey
  p shapes config set --secret sshPrivateKey <"$work/id_ed25519"
  passes shapes
}
check "6. a secret set without --secret (plain text in the stack file): refused with the way to set it, the value not shown" plain_secret_refused

finish
