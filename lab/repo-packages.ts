// Prints, one per line, the packages the lab's local apt repository must provide: the
// project's cluster packages, fence agents and SBD for Debian 12, the quorum device's client
// and server, plus the lab's stand-in mail stack and the services of the example shapes' variants
// (lab/variants/kopano.yaml, open-xchange.yaml).
import { ARBITER_PACKAGES, DISTRO_PACKAGES, packagesFor, QDEVICE_PACKAGES, SBD_PACKAGES } from "../components/packages";

const labExtra = [
  ...DISTRO_PACKAGES["debian-12"].fenceAgents,
  ...SBD_PACKAGES,
  "ipmitool", // fence_ipmilan's (the ipmi variant)
  ...QDEVICE_PACKAGES,
  ...ARBITER_PACKAGES,
  "postfix",
  "dovecot-core",
  "dovecot-imapd",
  "mariadb-server",
  "apache2",
  "slapd",
  "ldap-utils",
  "postgresql",
];

for (const name of packagesFor("debian-12", labExtra)) console.log(name);
