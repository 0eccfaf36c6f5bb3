#!/bin/sh
# The arbiter's side of the quorum device's certificates (corosync-qnetd-certutil), answered
# in base64 on one line, so that the steps can carry them to the nodes.
#   qnetd-certs.sh ca                  makes corosync-qnetd's CA once (never again: clusters
#                                      already trust it), starts corosync-qnetd, prints the CA
#   qnetd-certs.sh sign CLUSTER < req  signs a cluster's request, prints the certificate
set -eu
db=/etc/corosync/qnetd/nssdb

case ${1:-} in
  ca)
    [ -s "$db/qnetd-cacert.crt" ] || corosync-qnetd-certutil -i >&2
    systemctl enable corosync-qnetd.service >/dev/null 2>&1
    systemctl start corosync-qnetd.service
    base64 -w0 "$db/qnetd-cacert.crt"
    echo
    ;;
  sign)
    cluster=${2:?cluster name}
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    base64 -d >"$tmp/qdevice-net-node.crq"
    corosync-qnetd-certutil -s -c "$tmp/qdevice-net-node.crq" -n "$cluster" >&2
    base64 -w0 "$db/cluster-$cluster.crt"
    echo
    ;;
  *)
    echo "usage: qnetd-certs.sh ca | sign CLUSTER" >&2
    exit 2
    ;;
esac
