#!/bin/sh
# Arbiter: makes corosync-qnetd's certificate authority once (never again: clusters already
# trust it), starts corosync-qnetd, and prints the CA certificate, base64 on one line, for
# the nodes. Usage: qnetd-ca.sh
set -eu
db=/etc/corosync/qnetd/nssdb
if [ ! -s "$db/qnetd-cacert.crt" ]; then
  corosync-qnetd-certutil -i >&2
fi
systemctl enable corosync-qnetd.service >/dev/null 2>&1
systemctl start corosync-qnetd.service
base64 -w0 "$db/qnetd-cacert.crt"
echo
