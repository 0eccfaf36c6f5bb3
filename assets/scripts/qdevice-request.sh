#!/bin/sh
# First node: a new qdevice certificate database that trusts the arbiter's CA (base64 on
# stdin), and the cluster's certificate request, printed base64 on one line. The database
# holds nothing but the certificates this chain makes, so it is made anew each time.
# Usage: qdevice-request.sh CLUSTER < ca
set -eu
cluster=${1:?usage: qdevice-request.sh CLUSTER}
db=/etc/corosync/qdevice/net/nssdb
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
base64 -d >"$tmp/qnetd-cacert.crt"
rm -rf "$db"
corosync-qdevice-net-certutil -i -c "$tmp/qnetd-cacert.crt" >&2
corosync-qdevice-net-certutil -r -n "$cluster" >&2
base64 -w0 "$db/qdevice-net-node.crq"
echo
