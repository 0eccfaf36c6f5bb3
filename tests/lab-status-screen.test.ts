/**
 * The lab's status screen (lab/status-screen.py) on node reports captured from the deployed
 * lab (tests/fixtures/lab-status/: crm_mon's XML, corosync-quorumtool, /proc/drbd, addresses,
 * mount, a mail round trip): the healthy capture reads HEALTHY, and each fault written into
 * a copy of it turns the verdict and is named. tests/fixtures/lab-status-kopano/ is the same lab
 * deployed as another shape (lab.json's "shape": two groups, two DRBD resources, a clone).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const fixtures = path.join(__dirname, "fixtures", "lab-status");
const kopanoFixtures = path.join(__dirname, "fixtures", "lab-status-kopano");
const screen = path.join(__dirname, "..", "lab", "status-screen.py");

type Edit = (files: Record<string, string>) => void;

function run(edit?: Edit, from = fixtures): { status: number | null; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lab-status-"));
  try {
    const files: Record<string, string> = {};
    for (const name of fs.readdirSync(from)) files[name] = fs.readFileSync(path.join(from, name), "utf8");
    edit?.(files);
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
    const result = spawnSync("python3", [screen, dir], { encoding: "utf8" });
    return { status: result.status, out: result.stdout + result.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Replaces FROM by TO in FILE, failing when FROM is not there (a fixture that moved). */
function replace(files: Record<string, string>, file: string, from: string | RegExp, to: string): void {
  const before = files[file];
  files[file] = before.replace(from, to);
  if (files[file] === before) throw new Error(`${file}: ${from} not found in the fixture`);
}

test("the captured healthy lab reads HEALTHY, exit 0, with every line of the screen", () => {
  const { status, out } = run();
  expect(out).toContain("HEALTHY: the group runs on primary");
  expect(out).not.toContain("NOT HEALTHY");
  for (const label of ["NODES", "QUORUM", "SERVICE", "DRBD", "FENCING", "VIP", "MAIL", "FAILURES", "Try next:"]) {
    expect(out).toContain(label);
  }
  expect(out).toMatch(/QUORUM +quorate: 2 of 2 votes \(two_node\)/);
  expect(out).toMatch(/SERVICE +group zimbra on primary: vip ✓ +fs-zimbradata ✓ +mailroot ✓ +mta ✓ +imap ✓/);
  expect(out).toMatch(/DRBD +zimbradata: primary Primary\/UpToDate +secondary Secondary\/UpToDate +Connected, in sync/);
  expect(out).toMatch(/FENCING .*stonith:fence_sbd/);
  expect(out).toContain("npm run lab:poweroff -- primary");
  expect(out).toContain("npm run test:faults -- --only 1 ");
  expect(status).toBe(0);
});

const faults: Array<[string, Edit, RegExp]> = [
  [
    "a member of the group stopped",
    (f) => replace(f, "primary.out", /(<resource id="imap"[^>]*role=)"Started"/, '$1"Stopped"'),
    /imap: Stopped/,
  ],
  [
    "DRBD disconnected, the peer outdated",
    (f) => {
      replace(
        f,
        "primary.out",
        /cs:Connected ro:Primary\/Secondary ds:UpToDate\/UpToDate/,
        "cs:WFConnection ro:Primary/Unknown ds:UpToDate/DUnknown",
      );
      replace(
        f,
        "secondary.out",
        /cs:Connected ro:Secondary\/Primary ds:UpToDate\/UpToDate/,
        "cs:StandAlone ro:Secondary/Unknown ds:Outdated/DUnknown",
      );
    },
    /DRBD zimbradata is not Connected and UpToDate on both nodes \(WFConnection\)/,
  ],
  [
    "the VIP on both nodes",
    (f) =>
      replace(f, "secondary.out", /(@@begin addr\n)/, "$1" + "3: br0    inet 192.168.77.203/24 scope global eth0\n"),
    /the VIP is on primary and secondary at once/,
  ],
  [
    "the filesystem mounted on the passive node",
    (f) => replace(f, "secondary.out", /@@begin mount\n@@end mount 1/, "@@begin mount\n/dev/drbd0 ext4\n@@end mount 0"),
    /\/opt\/zimbra mounted on primary, secondary, the group runs on primary/,
  ],
  [
    "the secondary does not answer over ssh",
    (f) => {
      f["secondary.out"] = "ssh: connect to host 192.168.77.202 port 22: No route to host\n";
      f["secondary.rc"] = "255\n";
    },
    /secondary: does not answer over ssh/,
  ],
  [
    "the secondary offline in the cluster",
    (f) => replace(f, "primary.out", /(<node name="secondary"[^>]*online=)"true"/, '$1"false"'),
    /secondary: offline in the cluster/,
  ],
  [
    "no quorum",
    (f) => replace(f, "primary.out", /with_quorum="true"/, 'with_quorum="false"'),
    /the cluster has no quorum/,
  ],
  [
    "fencing disabled",
    (f) => replace(f, "primary.out", /stonith-enabled="true"/, 'stonith-enabled="false"'),
    /stonith-enabled is not true/,
  ],
  [
    "the mail round trip failed",
    (f) => {
      f["mail.json"] =
        JSON.stringify({
          ok: false,
          message_id: "<x@lab.invalid>",
          smtp_s: 0.3,
          imap_s: null,
          error: "not in the mailbox after 30 s",
        }) + "\n";
    },
    /mail round trip through the VIP failed: not in the mailbox after 30 s/,
  ],
  [
    "a failed action recorded",
    (f) =>
      replace(
        f,
        "primary.out",
        /<\/resources>/,
        '</resources>\n  <failures>\n    <failure op_key="imap_monitor_60000" node="primary" exitstatus="not ' +
          'running" exitreason="" exitcode="7" call="42" status="complete" last-rc-change="2026-12-02 05:00:00 ' +
          '+00:00" queued="0" exec="0" interval="60000" task="monitor"/>\n  </failures>',
      ),
    /1 failed action\(s\) recorded/,
  ],
  [
    "a stopped emulator",
    (f) => {
      const lab = JSON.parse(f["lab.json"]);
      lab.nodes[1].emulator = "down";
      f["lab.json"] = JSON.stringify(lab);
      delete f["secondary.out"];
      delete f["secondary.rc"];
    },
    /secondary: its emulator is not running/,
  ],
];

/** crm_mon's fence history (--fence-history=3) on both nodes, newest first. */
const fenceHistory =
  (...events: string[]) =>
  (f: Record<string, string>) => {
    for (const node of ["primary.out", "secondary.out"])
      replace(f, node, '  <status code="0"', `  <fence_history>${events.join("")}</fence_history>\n  <status code="0"`);
  };
const fenceEvent = (status: string, completed: string, extra = "") =>
  `<fence_event action="reboot" target="secondary" client="pacemaker-controld.1021" origin="primary" ` +
  `status="${status}" ${extra} delegate="primary" completed="${completed}"/>`;

test("a fence that failed and has not succeeded since: NOT HEALTHY, named with its reason", () => {
  const failed = fenceEvent(
    "failed",
    "2026-12-07 04:10:00 +00:00",
    'exit-reason="Unable to obtain correct plug status"',
  );
  const { status, out } = run(fenceHistory(failed, fenceEvent("failed", "2026-12-07 04:08:00 +00:00")));
  expect(out).toMatch(/FAILED: reboot of secondary by primary, 2 time\(s\), last at 2026-12-07 04:10:00/);
  expect(out).toMatch(/NOT HEALTHY:.*fencing of secondary failed 2 time\(s\) .*Unable to obtain correct plug status/s);
  expect(status).toBe(1);
});

test("a fence that failed, then succeeded: the success is what counts", () => {
  const { status, out } = run(
    fenceHistory(
      fenceEvent("success", "2026-12-07 04:12:00 +00:00"),
      fenceEvent("failed", "2026-12-07 04:10:00 +00:00", 'exit-reason="Unable to obtain correct plug status"'),
    ),
  );
  expect(out).toContain("last fencing: reboot of secondary by primary at 2026-12-07 04:12:00");
  expect(out).not.toContain("FAILED:");
  expect(status).toBe(0);
});

test.each(faults)("%s: NOT HEALTHY, named, exit 1", (_what, edit, named) => {
  const { status, out } = run(edit);
  expect(out).toContain("NOT HEALTHY:");
  expect(out).toMatch(named);
  expect(status).toBe(1);
});

/** The quorum section of a node of the sbd-qdevice stack variant, captured on the lab. */
const qdeviceQuorum = fs.readFileSync(path.join(__dirname, "fixtures", "lab-status-qdevice", "quorum.txt"), "utf8");

function withQuorumDevice(files: Record<string, string>): void {
  for (const node of ["primary.out", "secondary.out"]) {
    replace(files, node, /(@@begin quorum\n)[\s\S]*?(@@end quorum)/, `$1${qdeviceQuorum}$2`);
  }
  files["lab.json"] = JSON.stringify({ ...JSON.parse(files["lab.json"]), variant: "sbd-qdevice" });
}

test("a stack variant with a quorum device: its file named, the device's vote counted, HEALTHY", () => {
  const { status, out } = run(withQuorumDevice);
  expect(out).toContain("stack lab (Pulumi.lab.yaml + lab/variants/sbd-qdevice.yaml)");
  expect(out).toMatch(/QUORUM +quorate: 3 of 3 votes \(quorum device: 1 vote\)/);
  expect(out).toContain("HEALTHY: the group runs on primary");
  expect(status).toBe(0);
});

test("the quorum device's vote not counted: NOT HEALTHY, the arbiter named", () => {
  const { status, out } = run((f) => {
    withQuorumDevice(f);
    for (const node of ["primary.out", "secondary.out"]) {
      replace(f, node, /Total votes: +3/, "Total votes:      2");
      replace(f, node, /0 +1 +Qdevice/, "0          0            Qdevice");
    }
  });
  expect(out).toMatch(/QUORUM +quorate: 2 of 3 votes \(quorum device: 0 votes\)/);
  expect(out).toContain("the quorum device's vote is not counted (is corosync-qnetd on the arbiter up?)");
  expect(status).toBe(1);
});

/** The watchdog-qdevice variant: no STONITH resource, diskless SBD's stonith-watchdog-timeout set instead. */
function withWatchdogFencing(files: Record<string, string>, timeout: string | null): void {
  withQuorumDevice(files);
  files["lab.json"] = JSON.stringify({ ...JSON.parse(files["lab.json"]), variant: "watchdog-qdevice" });
  for (const node of ["primary.out", "secondary.out"]) {
    replace(files, node, /\n *<resource id="fence-sbd"[\s\S]*?<\/resource>/, "");
    const section = timeout
      ? `@@begin watchdog_fencing\n${timeout}\n@@end watchdog_fencing 0\n`
      : "@@begin watchdog_fencing\ncrm_attribute: Error performing operation: No such device or address\n" +
        "@@end watchdog_fencing 105\n";
    replace(files, node, /@@begin quorum\n/, `${section}@@begin quorum\n`);
  }
}

test("diskless SBD (watchdog-qdevice): no fence device, stonith-watchdog-timeout set, HEALTHY", () => {
  const { status, out } = run((f) => withWatchdogFencing(f, "70s"));
  expect(out).toMatch(/FENCING +watchdog \(diskless SBD, sbd on every node\), stonith-watchdog-timeout 70s/);
  expect(out).toContain("HEALTHY: the group runs on primary");
  expect(status).toBe(0);
});

test("no fence device and no stonith-watchdog-timeout: NOT HEALTHY, no fencing", () => {
  const { status, out } = run((f) => withWatchdogFencing(f, null));
  expect(out).toContain("no fencing device configured");
  expect(status).toBe(1);
});

test("sbd: absent where the fencing mode does not install it, not named; inactive where it does, NOT HEALTHY", () => {
  const units = (sbd: string) => (f: Record<string, string>) => {
    for (const node of ["primary.out", "secondary.out"])
      replace(f, node, "@@begin units\nactive\nactive\nactive\n", `@@begin units\nactive\nactive\n${sbd}\n`);
  };
  const absent = run(units("absent"));
  expect(absent.out).not.toMatch(/not active/);
  expect(absent.status).toBe(0);
  const inactive = run(units("inactive"));
  expect(inactive.out).toMatch(/NOT HEALTHY:.*primary: sbd not active/s);
  expect(inactive.status).toBe(1);
});

/** The base lab's own shape.json: one group, one DRBD resource, no clone, mail through the VIP. */
const baseShape = {
  resources: [
    {
      name: "zimbradata",
      minor: 0,
      device: "/dev/drbd0",
      mount: "/opt/zimbra",
      primitive: "drbd-zimbradata",
      clone: "drbd-zimbradata-clone",
      filesystem: "fs-zimbradata",
      group: "zimbra",
    },
  ],
  groups: [
    {
      id: "zimbra",
      after: [],
      preferredNode: "primary",
      members: [
        { id: "vip", kind: "vip", address: "192.168.77.203" },
        { id: "fs-zimbradata", kind: "filesystem", resource: "zimbradata", mount: "/opt/zimbra" },
        { id: "mailroot", kind: "service", unit: "lab-mailroot.service" },
        { id: "mta", kind: "service", unit: "postfix@-.service" },
        { id: "imap", kind: "service", unit: "dovecot.service" },
      ],
    },
  ],
  clones: [],
  mail: true,
};

/** The screen without its first line (the clock). */
const body = (out: string) => out.split("\n").slice(1).join("\n");

test("a shape of one group and one resource: the one-group screen, byte for byte", () => {
  const without = run();
  const withShape = run((f) => {
    f["lab.json"] = JSON.stringify({ ...JSON.parse(f["lab.json"]), shape: baseShape });
  });
  expect(body(withShape.out)).toBe(body(without.out));
  expect(withShape.status).toBe(0);
});

const runKopano = (edit?: Edit) => run(edit, kopanoFixtures);

test("the kopano shape (two groups, two DRBD resources, a clone): HEALTHY, a row each, VIPs too", () => {
  const { status, out } = runKopano();
  expect(out).not.toContain("NOT HEALTHY");
  expect(out).toMatch(/^SERVICE +group db on primary: vip-db ✓ +fs-database ✓ +mariadb ✓$/m);
  expect(out).toMatch(
    /^ +group app on secondary: vip-app ✓ +fs-attachments ✓ +kopano-server ✓ +kopano-spooler ✓ +kopano-dagent ✓ +\(after db\)$/m,
  );
  expect(out).toMatch(
    /^DRBD +database: primary Primary\/UpToDate +secondary Secondary\/UpToDate +Connected, in sync$/m,
  );
  expect(out).toMatch(/^ +\/var\/lib\/mysql mounted on primary \(\/dev\/drbd0 ext4\)$/m);
  expect(out).toMatch(/^ +attachments: primary Secondary\/UpToDate +secondary Primary\/UpToDate +Connected, in sync$/m);
  expect(out).toMatch(/^ +\/var\/lib\/kopano mounted on secondary \(\/dev\/drbd1 ext4\)$/m);
  expect(out).toMatch(/^CLONE +web-clone \(web\): Started on primary, secondary$/m);
  expect(out).toMatch(/^VIP +192\.168\.77\.203 \(vip-db, group db\) on primary$/m);
  expect(out).toMatch(/^ +192\.168\.77\.204 \(vip-app, group app\) on secondary$/m);
  for (const [rows, count] of [
    [/ group \w+ on \w+: /g, 2],
    [/ (database|attachments): /g, 2],
    [/ mounted on /g, 2],
    [/web-clone \(web\)/g, 1],
    [/\(vip-\w+, group /g, 2],
  ] as const) {
    expect(out.match(rows)).toHaveLength(count);
  }
  for (const label of ["NODES", "QUORUM", "FENCING", "FAILURES", "Try next:"]) expect(out).toContain(label);
  expect(out).not.toMatch(/^MAIL/m);
  expect(out).toContain(
    "HEALTHY: group db runs on primary, group app on secondary, DRBD mirrors 2 resources, " +
      "clone web-clone on both nodes, fencing is armed.",
  );
  expect(out).toContain("npm run lab:poweroff -- primary");
  expect(out).toContain("npm run test:faults -- --only 16");
  expect(status).toBe(0);
});

/** Replaces FROM by TO in both nodes' reports (crm_mon's XML is the cluster's, the same on both). */
function replaceOnBoth(files: Record<string, string>, from: string | RegExp, to: string): void {
  for (const node of ["primary.out", "secondary.out"]) replace(files, node, from, to);
}

/** crm_mon's XML for an instance that does not run: role Stopped, no node. */
const stopped = (id: string, node: string) => (f: Record<string, string>) =>
  replaceOnBoth(
    f,
    new RegExp(
      `<resource id="${id}"([^>]*)role="Started" active="true"([^>]*)nodes_running_on="1">` +
        `\\s*<node name="${node}"[^>]*/>\\s*</resource>`,
    ),
    `<resource id="${id}"$1role="Stopped" active="false"$2nodes_running_on="0"/>`,
  );

/** What a fault does to the kopano capture, the problem it must name, and one it must not (the other resource's). */
const kopanoFaults: Array<[string, Edit, RegExp, RegExp]> = [
  [
    "a member of group app stopped",
    stopped("kopano-spooler", "secondary"),
    /^ +- kopano-spooler: Stopped$/m,
    /group app (runs nowhere|spread)/,
  ],
  [
    "the Primary of attachments on primary, its group app on secondary",
    (f) => {
      replace(f, "primary.out", / 1: cs:Connected ro:Secondary\/Primary/, " 1: cs:Connected ro:Primary/Secondary");
      replace(f, "secondary.out", / 1: cs:Connected ro:Primary\/Secondary/, " 1: cs:Connected ro:Secondary/Primary");
    },
    /DRBD attachments Primary on primary, its group app runs on secondary/,
    /DRBD database Primary/,
  ],
  [
    "the clone stopped on the secondary",
    stopped("web", "secondary"),
    /^ +- clone web-clone not running on secondary$/m,
    /not running on primary/,
  ],
  [
    "vip-app on both nodes",
    (f) =>
      replace(
        f,
        "primary.out",
        /(@@begin addr\n)/,
        "$1" + "2: eth0    inet 192.168.77.204/24 brd 192.168.77.255 scope global secondary eth0\n",
      ),
    /vip-app 192\.168\.77\.204 is on primary and secondary at once/,
    /vip-db 192\.168\.77\.203 is on/,
  ],
  [
    "minor 1 disconnected",
    (f) => {
      replace(
        f,
        "primary.out",
        / 1: cs:Connected ro:Secondary\/Primary ds:UpToDate\/UpToDate/,
        " 1: cs:WFConnection ro:Secondary/Unknown ds:UpToDate/DUnknown",
      );
      replace(
        f,
        "secondary.out",
        / 1: cs:Connected ro:Primary\/Secondary ds:UpToDate\/UpToDate/,
        " 1: cs:StandAlone ro:Primary/Unknown ds:UpToDate/DUnknown",
      );
    },
    /DRBD attachments is not Connected and UpToDate on both nodes \(WFConnection\)/,
    /DRBD database is not/,
  ],
  [
    "/var/lib/kopano mounted on both nodes",
    (f) => replace(f, "primary.out", /(@@begin mounts\n)/, "$1/var/lib/kopano /dev/drbd1 ext4\n"),
    /\/var\/lib\/kopano mounted on primary, secondary, its group app runs on secondary/,
    /\/var\/lib\/mysql mounted on/,
  ],
];

/** The NOT HEALTHY list of a screen. */
const problemList = (out: string) => out.slice(out.indexOf("NOT HEALTHY:"), out.indexOf("Try next:"));

test.each(kopanoFaults)("kopano shape, %s: NOT HEALTHY, named, exit 1", (_what, edit, named, notNamed) => {
  const healthy = runKopano();
  expect(healthy.out).not.toMatch(named);
  const { status, out } = runKopano(edit);
  expect(out).toContain("NOT HEALTHY:");
  expect(problemList(out)).toMatch(named);
  expect(problemList(out)).not.toMatch(notNamed);
  expect(status).toBe(1);
});
