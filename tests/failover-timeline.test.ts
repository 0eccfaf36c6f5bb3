/**
 * lab/failover-timeline.py on a survivor's journal captured in the lab (a partition: the
 * passive node fenced, the service kept) and on lines of a power-off's start chain.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const script = path.join(__dirname, "..", "lab", "failover-timeline.py");
const partition = path.join(__dirname, "fixtures", "failover-timeline", "partition-survivor.journal");
const common = ["--drbd", "zimbradata", "--members", "vip fs-zimbradata mailroot mta imap"];
const primarySurvives = ["--survivor", "primary", "--victim", "secondary"];
const secondarySurvives = ["--survivor", "secondary", "--victim", "primary"];

function timeline(
  journal: string,
  extra: string[],
): { phases: { phase: string; at: number; detail: string }[]; dc_before: string } {
  const result = spawnSync("python3", [script, journal, ...common, ...extra, "--json"], { encoding: "utf8" });
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout);
}

test(
  "a partition: link, token, membership, fencing with its delay, DRBD resuming, each at its time after " + "the fault",
  () => {
    const t = timeline(partition, [
      ...primarySurvives,
      "--t0",
      "1796200494",
      "--dc-before",
      "primary",
      "--first-ack",
      "1796200589.5",
    ]);
    expect(t.phases.map((p) => [p.phase, p.at, p.detail])).toEqual([
      ["ring link down", 1.8, ""],
      ["token lost", 4.7, ""],
      ["new membership", 12.2, ""],
      ["fencing requested", 20.5, ""],
      ["fence action started", 44.2, ""],
      ["fence delay", 44.3, "3 s"],
      ["fencing confirmed", 81.7, ""],
      ["DRBD I/O resumed", 93.3, ""],
      ["first SMTP 250 after the outage", 95.5, "mail client"],
    ]);
    expect(t.dc_before).toBe("primary");
  },
);

test("nothing before the fault counts, and the node clock's offset is taken off", () => {
  const t = timeline(partition, [...primarySurvives, "--t0", "1796200490", "--clock-offset", "4"]);
  expect(t.phases[0]).toEqual({ phase: "ring link down", at: 1.8, detail: "" });
  expect(timeline(partition, [...primarySurvives, "--t0", "1796200600"]).phases).toEqual([]);
});

test("a power-off's election, promotion and start chain on the survivor (diskless SBD: the watchdog wait)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "timeline-"));
  const journal = path.join(dir, "poweroff.journal");
  const line = (t: number, ident: string, msg: string) => `${1000 + t}.000000 secondary ${ident}: ${msg}`;
  fs.writeFileSync(
    journal,
    [
      line(
        5,
        "corosync[1]",
        "  [TOTEM ] A processor failed, forming new configuration: token timed out (5000ms), waiting 7500ms for " +
          "consensus.",
      ),
      line(13, "corosync[1]", "  [TOTEM ] A new membership (2.40) was formed. Members left: 1"),
      line(14, "pacemaker-controld[2]", " notice: State transition S_ELECTION -> S_INTEGRATION"),
      line(20, "pacemaker-controld[2]", " notice: Requesting fencing (reboot) of node primary"),
      line(
        21,
        "pacemaker-fenced[3]",
        "  notice: Waiting 24s for primary to self-fence (reboot) for client pacemaker-controld.2",
      ),
      line(
        45,
        "pacemaker-fenced[3]",
        " notice: Operation 'reboot' targeting primary by secondary for pacemaker-controld.2@secondary: OK (complete)",
      ),
      line(
        50,
        "pacemaker-controld[2]",
        " notice: Initiating promote operation drbd-zimbradata_promote_0 locally on secondary",
      ),
      line(58, "pacemaker-controld[2]", " notice: Result of promote operation for drbd-zimbradata on secondary: ok"),
      line(60, "pacemaker-controld[2]", " notice: Result of start operation for vip on secondary: ok"),
      line(66, "pacemaker-controld[2]", " notice: Result of start operation for fs-zimbradata on secondary: ok"),
      line(90, "pacemaker-controld[2]", " notice: Result of start operation for imap on secondary: ok"),
    ].join("\n") + "\n",
  );
  const t = timeline(journal, [...secondarySurvives, "--t0", "1000", "--imap-login", "1095"]);
  fs.rmSync(dir, { recursive: true });
  expect(
    t.phases.map((p) => `${p.phase} ${p.at}` + (p.detail && p.detail !== "mail client" ? ` (${p.detail})` : "")),
  ).toEqual([
    "token lost 5",
    "new membership 13",
    "DC elected 14",
    "fencing requested 20",
    "watchdog wait 21 (24 s)",
    "fencing confirmed 45",
    "promote started 50",
    "promote done 58",
    "vip started 60",
    "fs-zimbradata started 66",
    "imap started 90",
    "first IMAP login 95",
  ]);
});

test(
  "a planned move: the stop chain and demotion from the old node's journal, the promotion and start chain from " +
    "the new one's, each clock's offset taken off",
  () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "timeline-"));
    const ok = (op: string, rsc: string, node: string) =>
      ` notice: Result of ${op} operation for ${rsc} on ${node}: ok`;
    const write = (name: string, node: string, clock: number, lines: [number, string][]) => {
      const file = path.join(dir, name);
      const text = lines
        .map(([t, msg]) => `${1000 + clock + t}.000000 ${node} pacemaker-controld[2]: ${msg}`)
        .join("\n");
      fs.writeFileSync(file, text + "\n");
      return file;
    };
    const old = write("primary.journal", "primary", 100, [
      [-5, ok("stop", "imap", "primary")],
      [4, ok("stop", "imap", "primary")],
      [9, ok("stop", "mta", "primary")],
      [12, ok("stop", "mailroot", "primary")],
      [14, ok("stop", "fs-zimbradata", "primary")],
      [15, ok("stop", "vip", "primary")],
      [20, ok("demote", "drbd-zimbradata", "primary")],
    ]);
    const next = write("secondary.journal", "secondary", -3, [
      [16, ok("stop", "imap", "secondary")],
      [26, ok("promote", "drbd-zimbradata", "secondary")],
      [28, ok("start", "vip", "secondary")],
      [33, ok("start", "fs-zimbradata", "secondary")],
      [50, ok("start", "imap", "secondary")],
    ]);
    const t = timeline(next, [
      ...secondarySurvives,
      "--t0",
      "1000",
      "--clock-offset",
      "-3",
      "--planned",
      old,
      "--victim-clock-offset",
      "100",
      "--imap-login",
      "1052",
    ]);
    fs.rmSync(dir, { recursive: true });
    expect(t.phases.map((p) => `${p.phase} ${p.at}`)).toEqual([
      "imap stopped 4",
      "mta stopped 9",
      "mailroot stopped 12",
      "fs-zimbradata stopped 14",
      "vip stopped 15",
      "demote done 20",
      "promote done 26",
      "vip started 28",
      "fs-zimbradata started 33",
      "imap started 50",
      "first IMAP login 52",
    ]);
  },
);

test("a BMC's power log: off and on after the fence started; a node already off is only powered on", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "timeline-"));
  const power = path.join(dir, "power.log");
  // A partition: the victim runs until its BMC powers it off, then on again.
  fs.writeFileSync(power, "1796199000.10 on\n1796200560.40 off\n1796200563.90 on\n");
  const partitionPhases = timeline(partition, [...primarySurvives, "--t0", "1796200494", "--power-log", power]).phases;
  expect(partitionPhases.map((p) => [p.phase, p.at])).toEqual(
    expect.arrayContaining([
      ["fence action started", 44.2],
      ["BMC: powered off", 66.4],
      ["BMC: powered on", 69.9],
      ["fencing confirmed", 81.7],
    ]),
  );
  // A power cut at the fault: the emulator ended before the fence; the BMC only powers it on.
  fs.writeFileSync(power, "1796199000.10 on\n1796200494.30 off\n1796200570.00 on\n");
  const cut = timeline(partition, [...primarySurvives, "--t0", "1796200494", "--power-log", power]).phases;
  fs.rmSync(dir, { recursive: true });
  expect(cut.filter((p) => p.phase.startsWith("BMC")).map((p) => [p.phase, p.at])).toEqual([["BMC: powered on", 76]]);
});
