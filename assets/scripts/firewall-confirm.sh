#!/bin/sh
# Confirms the rules firewall-apply.sh loaded, from a NEW SSH connection (Pulumi dials one
# per command), which proves they let the operator in: the rollback is disarmed and the
# rules are persisted to /etc/zimbra-ha/firewall.nft, loaded at boot by
# zimbra-ha-firewall.service (after nftables.service, whose ruleset it leaves alone, and
# reloaded with it). Fails loudly when the rollback already happened.
# Usage: firewall-confirm.sh SHA256     (the rendered ruleset's hash; FIREWALL_STATE/FIREWALL_CONF as in firewall-apply.sh)
set -eu
want=${1:?usage: firewall-confirm.sh SHA256}
state=${FIREWALL_STATE:-/var/lib/zimbra-ha/firewall}
conf=${FIREWALL_CONF:-/etc/zimbra-ha/firewall.nft}
unit=zimbra-ha-firewall.service
rollback_unit=zimbra-ha-firewall-rollback
have_systemd() { [ -d /run/systemd/system ]; }

if [ -f "$state/rolled-back" ]; then
  echo "firewall: the rules were ROLLED BACK ($(cat "$state/rolled-back")): no new SSH connection confirmed them in time. Check firewall.sshFrom and the SSH port, then run pulumi up again." >&2
  exit 1
fi
if [ ! -f "$state/pending.nft" ]; then
  if [ -f "$conf" ] && [ "$(sha256sum "$conf" | cut -d' ' -f1)" = "$want" ]; then
    echo "firewall: rules $want confirmed before; unchanged"
    exit 0
  fi
  echo "firewall: no rules are waiting for confirmation and $conf is not $want: run pulumi up again" >&2
  exit 1
fi
have=$(sha256sum "$state/pending.nft" | cut -d' ' -f1)
if [ "$have" != "$want" ]; then
  echo "firewall: the rules waiting for confirmation are $have, not $want: run pulumi up again" >&2
  exit 1
fi
if have_systemd; then
  systemctl stop "$rollback_unit.timer" >/dev/null 2>&1 || true
  systemctl reset-failed "$rollback_unit.timer" "$rollback_unit.service" >/dev/null 2>&1 || true
fi
if [ -f "$state/rollback.pid" ]; then
  kill "$(cat "$state/rollback.pid")" 2>/dev/null || true
  rm -f "$state/rollback.pid"
fi
if [ -f "$state/rolled-back" ]; then
  echo "firewall: the rollback fired while confirming ($(cat "$state/rolled-back")); run pulumi up again" >&2
  exit 1
fi
mkdir -p "$(dirname "$conf")"
cp "$state/pending.nft" "$conf.new"
chmod 0644 "$conf.new"
mv -f "$conf.new" "$conf"
rm -f "$state/pending.nft"
persisted="not persisted for boot (no systemd)"
if have_systemd; then
  unit_file=/etc/systemd/system/$unit
  cat > "$unit_file.new" <<UNIT
[Unit]
Description=zimbra-ha host firewall (nftables table inet zimbra_ha)
Documentation=file://$conf
DefaultDependencies=no
Wants=network-pre.target
Before=network-pre.target shutdown.target
After=nftables.service
PartOf=nftables.service
Conflicts=shutdown.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/sbin/nft -f $conf
ExecReload=/usr/sbin/nft -f $conf

[Install]
WantedBy=sysinit.target
UNIT
  if cmp -s "$unit_file.new" "$unit_file"; then rm -f "$unit_file.new"; else mv -f "$unit_file.new" "$unit_file"; systemctl daemon-reload; fi
  systemctl enable --quiet "$unit"
  persisted="loaded at boot by $unit"
fi
echo "firewall: rules $want confirmed over a new SSH connection; saved to $conf, $persisted"
