/**
 * Values well-formed one by one that cannot work: a list naming one thing twice, an apt
 * source apt would refuse. And the legal-but-unusual combinations, which only warn.
 */
import { parseClusterConfig } from "../components/validate";
import { aptSourceProblem, listWarnings } from "../components/validate-lists";
import { labCluster, problemsOf } from "./harness/lab-config";

const refused: [string, (raw: any) => void, RegExp][] = [
  [
    "a DRBD resource held by the same node twice",
    (r) => (r.drbd.resources[0].nodes = ["primary", "primary"]),
    /^cluster\.drbd\.resources\[0\]\.nodes\[1\]: 'primary' is listed twice \(also drbd\.resources\[0\]\.nodes\[0\]\): remove one/,
  ],
  [
    "a group ordered after the same group twice",
    (r) => {
      r.pacemaker.groups[0].members = ["vip", "zimbradata", "mta"];
      r.pacemaker.groups.push({ id: "b", members: ["imap"], after: ["zimbra", "zimbra"] });
    },
    /^cluster\.pacemaker\.groups\[1\]\.after\[1\]: 'zimbra' is listed twice/,
  ],
  [
    "the same apt source twice, spaced differently",
    (r) => r.apt.sources.push("deb  [trusted=yes]  http://192.168.77.1:8080 ./"),
    /^cluster\.apt\.sources\[1\]: 'deb \[trusted=yes\] http:\/\/192\.168\.77\.1:8080 \.\/' is listed twice/,
  ],
  [
    "an extra package twice",
    (r) => r.apt.extraPackages.push("postfix"),
    /^cluster\.apt\.extraPackages\[2\]: 'postfix' is listed twice/,
  ],
  [
    "a unit disabled at boot twice",
    (r) => r.disableAtBoot.push("postfix.service"),
    /^cluster\.disableAtBoot\[1\]: 'postfix\.service' is listed twice/,
  ],
  [
    "an apt source without a component",
    (r) => (r.apt.sources = ["deb http://deb.debian.org/debian bookworm"]),
    /^cluster\.apt\.sources\[0\]: 'deb http:\/\/deb\.debian\.org\/debian bookworm' names no component after the suite 'bookworm'/,
  ],
];

test.each(refused)("refuses %s, naming the field", (_title, mutate, expected) => {
  expect(problemsOf(mutate)).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
});

test.each([
  ["deb http://deb.debian.org/debian", /names no suite/],
  ["deb deb.debian.org/debian bookworm main", /has the URI 'deb\.debian\.org\/debian', which has no scheme/],
  ["deb http://repo.lan ./ main", /has the exact path '\.\/' \(it ends in \/\) followed by components/],
  ["deb [trusted=yes http://repo.lan ./", /an options block opened with \[ must be closed/],
  ["deb [trusted] http://repo.lan ./", /has the option 'trusted', which is not OPTION=VALUE/],
])("apt refuses the source %s", (line, expected) => {
  expect(aptSourceProblem(line)).toMatch(expected);
});

test.each([
  "deb http://deb.debian.org/debian bookworm main contrib",
  "deb [signed-by=/usr/share/keyrings/zimbra.gpg arch=amd64] https://repo.zimbra.com/apt/87 bookworm zimbra",
  "deb [trusted=yes] http://192.168.77.1:8080 ./",
  "deb file:/srv/mirror ./",
  "deb-src http://deb.debian.org/debian bookworm main",
])("apt accepts the source %s", (line) => {
  expect(aptSourceProblem(line)).toBeUndefined();
});

test("two corosync links on one subnet are accepted with a warning", () => {
  const raw = labCluster();
  raw.links.push({ subnet: "10.0.66.0/24" });
  raw.nodes[0].ringAddresses.push("10.0.66.211");
  raw.nodes[1].ringAddresses.push("10.0.66.212");
  const cfg = parseClusterConfig(raw, { sshPrivateKey: true });
  expect(listWarnings(cfg)).toEqual([
    expect.stringMatching(
      /^cluster\.links\[1\]\.subnet: 10\.0\.66\.0\/24 overlaps links\[0\] \(10\.0\.66\.0\/24\): both corosync links then share one network/,
    ),
  ]);
});

test("links on separate networks warn of nothing", () => {
  const raw = labCluster();
  raw.links.push({ subnet: "10.0.67.0/24" });
  raw.nodes[0].ringAddresses.push("10.0.67.201");
  raw.nodes[1].ringAddresses.push("10.0.67.202");
  expect(listWarnings(parseClusterConfig(raw, { sshPrivateKey: true }))).toEqual([]);
});
