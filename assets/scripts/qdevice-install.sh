#!/bin/sh
# Other nodes: a new qdevice certificate database with the arbiter's CA (first stdin line,
# base64) and the cluster's certificate and key (second line, base64 PKCS#12).
# Usage: qdevice-install.sh < ca-and-p12
set -eu
db=/etc/corosync/qdevice/net/nssdb
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
read -r ca
read -r p12
printf '%s' "$ca" | base64 -d >"$tmp/qnetd-cacert.crt"
printf '%s' "$p12" | base64 -d >"$tmp/qdevice-net-node.p12"
rm -rf "$db"
corosync-qdevice-net-certutil -i -c "$tmp/qnetd-cacert.crt" >&2
corosync-qdevice-net-certutil -m -c "$tmp/qdevice-net-node.p12" >&2
echo "qdevice: certificates installed"
