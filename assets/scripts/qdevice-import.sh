#!/bin/sh
# First node: imports the cluster certificate the arbiter signed (base64 on stdin) and
# prints the certificate with its key as PKCS#12, base64 on one line, for the other nodes.
# Usage: qdevice-import.sh CLUSTER < certificate
set -eu
cluster=${1:?usage: qdevice-import.sh CLUSTER}
db=/etc/corosync/qdevice/net/nssdb
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
base64 -d >"$tmp/cluster-$cluster.crt"
corosync-qdevice-net-certutil -M -c "$tmp/cluster-$cluster.crt" >&2
base64 -w0 "$db/qdevice-net-node.p12"
echo
