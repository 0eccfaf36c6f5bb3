#!/bin/sh
# Arbiter: signs a cluster's certificate request (base64 on stdin) with corosync-qnetd's CA
# and prints the certificate, base64 on one line. Usage: qnetd-sign.sh CLUSTER < request
set -eu
cluster=${1:?usage: qnetd-sign.sh CLUSTER}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
base64 -d >"$tmp/qdevice-net-node.crq"
corosync-qnetd-certutil -s -c "$tmp/qdevice-net-node.crq" -n "$cluster" >&2
base64 -w0 "/etc/corosync/qnetd/nssdb/cluster-$cluster.crt"
echo
