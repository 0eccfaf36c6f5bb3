#!/bin/sh
# DRBD's split-brain handler: always logs at crit priority (journal/syslog), then mails root
# through drbd-utils' notify script when a `mail` command exists (a Zimbra host may have no
# system MTA, and installing one would fight Zimbra's own Postfix for port 25).
# DRBD sets DRBD_RESOURCE and DRBD_PEER; recovery: drbd-split-brain-recover.sh.
res=${DRBD_RESOURCE:-unknown}
logger -t zimbra-ha -p daemon.crit "DRBD split brain on resource $res (peer ${DRBD_PEER:-unknown}): replication stopped, nothing discarded. Choose the survivor, then run /usr/local/lib/zimbra-ha/drbd-split-brain-recover.sh $res SURVIVOR on both nodes."
if command -v mail >/dev/null 2>&1; then
  /usr/lib/drbd/notify-split-brain.sh root || true
fi
exit 0
