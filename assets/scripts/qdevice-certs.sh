#!/bin/sh
# The nodes' side of the quorum device's certificates (corosync-qdevice-net-certutil), fed
# and answered in base64 on one line, so that the steps can carry them between hosts.
#   qdevice-certs.sh request CLUSTER < ca    first node: a new database that trusts the
#                                            arbiter's CA; prints the cluster's request
#   qdevice-certs.sh import CLUSTER < cert   first node: imports the certificate the arbiter
#                                            signed; prints it with its key as PKCS#12
#   qdevice-certs.sh install < ca NL p12     every node: a new database with the CA and the
#                                            cluster's certificate and key
# The database holds nothing but the certificates this chain makes: it is made anew each time.
set -eu
db=/etc/corosync/qdevice/net/nssdb
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
new_database() { rm -rf "$db" && corosync-qdevice-net-certutil -i -c "$1" >&2; }

case ${1:-} in
  request)
    base64 -d >"$tmp/qnetd-cacert.crt"
    new_database "$tmp/qnetd-cacert.crt"
    corosync-qdevice-net-certutil -r -n "${2:?cluster name}" >&2
    base64 -w0 "$db/qdevice-net-node.crq"
    echo
    ;;
  import)
    base64 -d >"$tmp/cluster.crt"
    corosync-qdevice-net-certutil -M -c "$tmp/cluster.crt" >&2
    base64 -w0 "$db/qdevice-net-node.p12"
    echo
    ;;
  install)
    read -r ca
    read -r p12
    printf '%s' "$ca" | base64 -d >"$tmp/qnetd-cacert.crt"
    printf '%s' "$p12" | base64 -d >"$tmp/qdevice-net-node.p12"
    new_database "$tmp/qnetd-cacert.crt"
    corosync-qdevice-net-certutil -m -c "$tmp/qdevice-net-node.p12" >&2
    echo "qdevice: certificates installed"
    ;;
  *)
    echo "usage: qdevice-certs.sh request CLUSTER | import CLUSTER | install" >&2
    exit 2
    ;;
esac
