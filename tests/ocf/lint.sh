#!/bin/sh
# Lints the Zimbra OCF agent like resource-agents CI: shellcheck -s sh on the agent, the
# test double and these scripts; the agent's meta-data through xmllint against the OCF
# RelaxNG schema and the ra-api-1.dtd that ocf-tester uses; and checks on the advertised
# actions, timeouts and parameters.
# Exit status 3 with "MISSING: ..." when a tool or schema is missing.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

RNG=${OCF_RNG:-/usr/share/resource-agents/metadata.rng}
DTD=${OCF_DTD:-/usr/share/resource-agents/ra-api-1.dtd}
require_tools shellcheck xmllint
[ -r "$RNG" ] || missing "OCF RelaxNG schema $RNG (package resource-agents)"
[ -r "$DTD" ] || missing "OCF DTD $DTD (package resource-agents)"
errors=0
bad() {
	echo "LINT: $*"
	errors=$((errors + 1))
}

echo "shellcheck $(shellcheck --version | sed -n 's/^version: //p') -s sh"
shellcheck -s sh -x "$AGENT" "$DOUBLE/bin/zmcontrol" "$OCF_TEST_DIR"/*.sh || bad "shellcheck"
for f in "$AGENT" "$DOUBLE/bin/zmcontrol"; do
	sh -n "$f" || bad "sh -n $f"
	[ -x "$f" ] || bad "$f is not executable"
done

md=$(mktemp)
trap 'rm -f "$md"' EXIT
env -i PATH="$PATH" OCF_ROOT="$OCF_ROOT" "$AGENT" meta-data >"$md" || bad "meta-data exited $?"
echo "xmllint --relaxng $RNG"
(cd "$(dirname "$DTD")" && xmllint --noout --relaxng "$RNG" - <"$md") || bad "meta-data does not match $RNG"
echo "xmllint --valid against $DTD"
(cd "$(dirname "$DTD")" && xmllint --noout --dtdvalid "$(basename "$DTD")" - <"$md") || bad "meta-data does not match $DTD"

actions=$(xmllint --xpath '//actions/action' "$md" 2>/dev/null |
	sed 's/ *\/>/\n/g' | sed -n 's/.*name="\([^"]*\)".*/&/p' | tr -s ' ' | sed 's/^ //' || true)
expected='<action name="start" timeout="360s"
<action name="stop" timeout="360s"
<action name="monitor" timeout="40s" interval="120s" depth="0"
<action name="reload" timeout="30s"
<action name="validate-all" timeout="30s"
<action name="meta-data" timeout="5s"'
if [ "$actions" != "$expected" ]; then
	bad "advertised actions differ from the design (timeouts with the s suffix):"
	printf '%s\n' "--- expected" "$expected" "--- meta-data" "$actions"
fi

params_md=$(xmllint --xpath '//parameters/parameter/@name' "$md" 2>/dev/null | sed 's/ name="\([^"]*\)"/\1\n/g' | sed '/^$/d' | sort)
params_code=$(sed -n 's/^OCF_RESKEY_\([a-z_]*\)_default=.*/\1/p' "$AGENT" | sort)
if [ "$params_md" != "$params_code" ]; then
	bad "parameters in meta-data ($(printf '%s' "$params_md" | tr '\n' ' ')) differ from the defaults in the code ($(printf '%s' "$params_code" | tr '\n' ' '))"
fi

if [ "$errors" -gt 0 ]; then
	echo "lint: $errors problem(s)"
	exit 1
fi
printf '%s\n' "$actions"
echo "lint: OK ($(echo "$params_md" | wc -l) parameters, $(echo "$actions" | wc -l) actions)"
