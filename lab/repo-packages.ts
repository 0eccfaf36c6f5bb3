// Prints, one per line, the packages the lab's local apt repository must provide: the
// project's cluster packages and fence agents for Debian 12, the quorum device's client and
// server, plus the lab's stand-in mail stack and SBD.
import { ARBITER_PACKAGES, FENCE_AGENT_PACKAGES, packagesFor, QDEVICE_PACKAGES } from "../components/packages";

const labExtra = [
  ...FENCE_AGENT_PACKAGES["debian-12"],
  ...QDEVICE_PACKAGES,
  ...ARBITER_PACKAGES,
  "postfix",
  "dovecot-core",
  "dovecot-imapd",
  "sbd",
];

for (const name of packagesFor("debian-12", labExtra)) console.log(name);
