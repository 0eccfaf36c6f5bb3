# name: configuration consistent after a fault
# inside: 1, 2, 3, 4, 7, 8, 9, 10, 12, 13, 16, 17, 18, 19
# After every fault: the same cluster configuration on both nodes, nothing orphaned, no
# leftover fence constraint, the stack's resource set unchanged, crm_verify clean.
# shellcheck shell=bash disable=SC2154  # baseline_resources is set by faults.sh

config_fingerprint() {
  local out
  out=$(on "$1" 'set -o pipefail; cibadmin -Q --local -o configuration | grep -v "epoch\|num_updates" | md5sum') || return 1
  echo "${out%% *}"
}
same_configuration() {
  local a b
  a=$(config_fingerprint primary) && b=$(config_fingerprint secondary) && [[ -n $a && $a == "$b" ]]
}
resource_ids() {
  local out
  out=$(on_cluster 'cibadmin -Q -o resources') || return 1
  grep -o '<primitive id="[^"]*"' <<<"$out" | sort | tr '\n' ' '
}
same_resources() { local ids; ids=$(resource_ids) && [[ -n $ids && $ids == "$baseline_resources" ]]; }
no_orphans() { local out; out=$(on_cluster 'crm_mon -1 -r') && [[ $out == *"Node List"* || $out == *"Online:"* ]] && ! grep -qi orphan <<<"$out"; }
check_fault_11() {
  expect "fault 11: identical cluster configuration on both nodes" same_configuration
  expect "fault 11: no orphaned resources" no_orphans
  expect "fault 11: no fence-peer constraint left" no_fence_constraint
  expect "fault 11: resource set unchanged" same_resources
  expect "fault 11: crm_verify -L clean" on_cluster 'crm_verify -L'
}
