/**
 * The fault suite's report and the documentation's figure blocks, on evidence written here:
 * lab/faults-report.py counts from the rows which checks ran in which fault runs (it never
 * claims a check ran where none was recorded), and lab/readme-figures.py --check refuses a
 * document (README.md, lab/EVIDENCE.md) whose figure differs from its evidence file.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const lab = path.join(__dirname, "..", "lab");

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "lab-evidence-"));
}

const mail = { acked: 100, acked_during: 40, found: 100, lost: [], duplicated: [3], unexpected: [], error: null };
function row(fault: string, run: number, checks: Array<[string, boolean]>, extra: object = {}) {
  return JSON.stringify({
    fault,
    run,
    outcome: checks.every(([, ok]) => ok) ? "pass" : "fail",
    failover_s: fault === "1" ? 190 + run : null,
    mail,
    note: "",
    checks: checks.map(([what, ok]) => ({ what, ok })),
    invocation: 1,
    at: "2026-12-02T06:00:00Z",
    commit: "0123456789abcdef",
    dirty: false,
    ...extra,
  });
}

/** A suite run's folder with ROWS, and its report made by faults-report.py. */
function suiteRun(
  rows: string[],
  run = "20261202T060000Z",
  meta: object = {},
  invocations?: object[],
  extraFiles: Record<string, string> = {},
): { dir: string; status: number | null; stderr: string } {
  const dir = tempDir();
  fs.writeFileSync(
    path.join(dir, "meta.json"),
    JSON.stringify({
      run,
      started: "2026-12-02T06:00:00Z",
      commit: "0123456789abcdef",
      dirty: false,
      machine: { cores: 2, cpu: "test cpu", memory_gib: 24, kernel: "6.1.0", accel: "tcg" },
      ...meta,
    }),
  );
  for (const [name, text] of Object.entries(extraFiles)) fs.writeFileSync(path.join(dir, name), text);
  fs.writeFileSync(
    path.join(dir, "invocations.jsonl"),
    invocations
      ? invocations.map((i) => JSON.stringify(i)).join("\n") + "\n"
      : JSON.stringify({
          args: "--only 1",
          started: "2026-12-02T06:00:00Z",
          ended: "2026-12-02T06:30:00Z",
          faults: "1 2",
        }) +
          "\n" +
          JSON.stringify({
            args: "--run 20261202T060000Z --only 2",
            started: "2026-12-02T07:00:00Z",
            ended: "2026-12-02T07:10:00Z",
            faults: "2",
          }) +
          "\n",
  );
  fs.writeFileSync(path.join(dir, "rows.jsonl"), rows.join("\n") + "\n");
  const r = spawnSync("python3", [path.join(lab, "faults-report.py"), dir], { encoding: "utf8" });
  return { dir, status: r.status, stderr: r.stderr };
}

function report(rows: string[]): { status: number | null; table: string; results: any } {
  const { dir, status, stderr } = suiteRun(rows);
  const table = fs.existsSync(path.join(dir, "table.txt"))
    ? fs.readFileSync(path.join(dir, "table.txt"), "utf8")
    : stderr;
  const results = fs.existsSync(path.join(dir, "results.json"))
    ? JSON.parse(fs.readFileSync(path.join(dir, "results.json"), "utf8"))
    : null;
  fs.rmSync(dir, { recursive: true, force: true });
  return { status, table, results };
}

describe("faults-report.py", () => {
  test("figures and asserted checks come from the rows of every invocation", () => {
    const { status, table, results } = report([
      row("1", 1, [
        ["IMAP answers", true],
        ["fault 6: healthy after rejoin", true],
        ["fault 11: same configuration", true],
      ]),
      row("1", 2, [
        ["IMAP answers", true],
        ["fault 6: healthy after rejoin", true],
        ["fault 11: same configuration", true],
      ]),
      row(
        "2",
        1,
        [
          ["restarted in place", true],
          ["fault 11: same configuration", true],
        ],
        { invocation: 2 },
      ),
    ]);
    expect(status).toBe(0);
    expect(table).toContain("2 invocation(s), 2400 s in all");
    expect(table).toContain("(stack variant base)");
    expect(table).toMatch(/1\. power-off of the active node +2 +pass +191\/192\/192 +200 +80 +0 +2 +0/);
    expect(table).toContain("fault 6 (the failed node returns) asserted in runs 1#1, 1#2: all passed");
    expect(table).toContain(
      "fault 11 (configuration consistent after a fault) asserted in runs 1#1, 1#2, 2#1: all passed",
    );
    expect(table).toContain("fault 5 (the fenced node reboots isolated) asserted in no run");
    expect(results.inner["6"].runs).toEqual(["1#1", "1#2"]);
  });

  test("a failed inner check and a failed run are reported, not summed away", () => {
    const { table } = report([
      row(
        "4",
        1,
        [
          ["exactly one node fenced", true],
          ["fault 6: resynced only the changed blocks", false],
        ],
        { note: "resync 256 MiB" },
      ),
    ]);
    expect(table).toContain("fault 6 (the failed node returns) asserted in runs 4#1: 1 check(s) FAILED");
    expect(table).toMatch(/4\. partition \(all links\) +1 +0\/1/);
    expect(table).toContain("fault 4 run 1 FAILED: resync 256 MiB");
  });

  test(
    "failover timelines give each phase's median over the runs that reached it, and how often the DC was " +
      "the victim",
    () => {
      const timeline = (dcBefore: string, phases: Array<[string, number]>) => ({
        timeline: {
          survivor: "secondary",
          victim: "primary",
          dc_before: dcBefore,
          phases: phases.map(([phase, at]) => ({ phase, at, detail: "" })),
        },
      });
      const { table, results } = report([
        row(
          "1",
          1,
          [["IMAP answers", true]],
          timeline("primary", [
            ["token lost", 5],
            ["DC elected", 14],
            ["fencing confirmed", 40],
            ["first IMAP login", 100],
          ]),
        ),
        row(
          "1",
          2,
          [["IMAP answers", true]],
          timeline("secondary", [
            ["token lost", 6],
            ["fencing confirmed", 50],
            ["first IMAP login", 110],
          ]),
        ),
        row(
          "1",
          3,
          [["IMAP answers", true]],
          timeline("primary", [
            ["token lost", 7],
            ["DC elected", 16],
            ["fencing confirmed", 44],
            ["first IMAP login", 90],
          ]),
        ),
        row("2", 1, [["restarted in place", true]]),
      ]);
      expect(table).toContain("fault 1 timeline, median s after the fault over 3 run(s) (the DC was the victim in 2):");
      expect(table).toMatch(
        / {2}token lost +6\.0\n {2}DC elected +15\.0 {2}\(2 runs\)\n {2}fencing confirmed +44\.0\n {2}first IMAP login +100\.0\n/,
      );
      expect(results.timeline_medians["1"].phases[0]).toEqual({ phase: "token lost", median_s: 6, runs: 3 });
      expect(results.timeline_medians["2"]).toBeUndefined();
    },
  );
});

describe("faults-report.py: plans, names and the soak", () => {
  const invocation = (planned: string[], ran: number, args = "--only 1") => ({
    args,
    started: "2026-12-07T06:00:00Z",
    ended: "2026-12-07T06:30:00Z",
    planned,
    ran,
  });
  function reportOf(rows: string[], invocations: object[], files: Record<string, string> = {}) {
    const { dir, status, stderr } = suiteRun(rows, "20261207T060000Z", {}, invocations, files);
    const table = fs.existsSync(path.join(dir, "table.txt"))
      ? fs.readFileSync(path.join(dir, "table.txt"), "utf8")
      : "";
    fs.rmSync(dir, { recursive: true, force: true });
    return { status, table, stderr };
  }

  test("an invocation that ran all it planned says so; one stopped early says what it never ran", () => {
    const { table } = reportOf(
      [row("1", 1, [["IMAP answers", true]]), row("1", 2, [["IMAP answers", true]], { invocation: 2 })],
      [invocation(["1"], 1), invocation(["1", "1", "4", "4"], 1, "--only '1 4'")],
    );
    expect(table).toContain("invocation 1 (--only 1): planned 1 fault run(s), ran 1: all ran");
    expect(table).toContain(
      "invocation 2 (--only '1 4'): planned 4 fault run(s), ran 1: STOPPED EARLY: not run 1 x1, 4 x2",
    );
  });

  test("the names are the rows' own, with those of the faults checked inside", () => {
    const { table } = reportOf(
      [
        row("1", 1, [["fault 6: healthy", true]], {
          name: "a renamed power-off",
          inner: { "6": "a renamed return" },
        }),
      ],
      [invocation(["1"], 1)],
    );
    expect(table).toMatch(/1\. a renamed power-off +1 +pass/);
    expect(table).toContain("fault 6 (a renamed return) asserted in runs 1#1: all passed");
  });

  test("a soak adds its draw, the login percentiles and the end's checks", () => {
    const drawn = [100, 90, 120, 80, 110].map((login, i) =>
      row("1", i + 1, [["IMAP answers", true]], { soak: i + 1, failover_s: login }),
    );
    drawn.push(row("4", 1, [["one fenced", false]], { soak: 6, failover_s: null, note: "not fenced" }));
    const soak = {
      count: 6,
      seed: "7",
      planned: ["1", "1", "1", "1", "1", "4"],
      drawn: 6,
      stopped: null,
      mail: { acked: 1500, lost: 0, draws_unreadable: 0 },
      verify_oos_kib: 0,
      status_healthy: true,
    };
    const { table } = reportOf(drawn, [invocation(soak.planned, 6, "--soak 6 --seed 7")], {
      "soak.json": JSON.stringify(soak),
    });
    expect(table).toContain("soak: 6 faults drawn with seed 7: 1 1 1 1 1 4");
    expect(table).toContain("ran 6 back to back, 5 passed, none needed a human");
    expect(table).toContain("(5 faults): p50 100 s, p90 120 s, max 120 s");
    expect(table).toContain("    1. power-off of the active node (5): p50 100 s, p90 120 s, max 120 s");
    expect(table).toContain("every draw's mails read back again: 1500 acknowledged, 0 lost, 0 draw(s) unreadable");
    expect(table).toContain("drbdadm verify at the end: 0 KiB out of sync; status screen: HEALTHY");
    const stopped = reportOf(drawn.slice(0, 2), [invocation(soak.planned, 2, "--soak 6 --seed 7")], {
      "soak.json": JSON.stringify({ ...soak, drawn: 2, stopped: "the cluster did not heal", status_healthy: false }),
    }).table;
    expect(stopped).toContain("ran 2 back to back, 2 passed; STOPPED: the cluster did not heal");
    expect(stopped).toContain("STOPPED EARLY: not run 1 x3, 4 x1");
    expect(stopped).toContain("status screen: NOT HEALTHY");
  });
});

describe("switchover-report.py (npm run bench:switchover)", () => {
  const standby = (run: number, login: number, phases: Array<[string, number]>) =>
    row("7", run, [["IMAP answers on the VIP after the move", true]], {
      failover_s: login,
      timeline: {
        survivor: "secondary",
        victim: "primary",
        dc_before: "primary",
        planned: true,
        phases: phases.map(([phase, at]) => ({ phase, at, detail: "" })),
      },
    });

  test("each phase's median before and after, side by side, with the change", () => {
    const before = suiteRun(
      [
        standby(1, 160, [
          ["imap stopped", 10],
          ["promote done", 60],
          ["first IMAP login", 160],
        ]),
        standby(2, 180, [
          ["imap stopped", 12],
          ["promote done", 70],
          ["first IMAP login", 180],
        ]),
      ],
      "20261203T080000Z",
    );
    const after = suiteRun(
      [
        standby(1, 120, [
          ["imap stopped", 9],
          ["promote done", 50],
          ["first IMAP login", 120],
        ]),
      ],
      "20261203T090000Z",
    );
    const r = spawnSync(
      "python3",
      [path.join(lab, "switchover-report.py"), "--before-rev", "abc123", before.dir, after.dir],
      { encoding: "utf8" },
    );
    for (const d of [before.dir, after.dir]) fs.rmSync(d, { recursive: true, force: true });
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("before: suite run 20261203T080000Z, Pulumi.lab.yaml of abc123");
    expect(r.stdout).toMatch(/runs \(passed\) +2 \(2\) +1 \(1\)/);
    expect(r.stdout).toMatch(/first IMAP login s min\/med\/max +160\.0\/170\.0\/180\.0 +120\.0\/120\.0\/120\.0/);
    expect(r.stdout).toMatch(/imap stopped +11\.0 +9\.0 +-2\.0/);
    expect(r.stdout).toMatch(/promote done +65\.0 +50\.0 +-15\.0/);
  });

  test("a run without fault 7 is refused, naming the folder", () => {
    const other = suiteRun([row("2", 1, [["restarted in place", true]])]);
    const r = spawnSync("python3", [path.join(lab, "switchover-report.py"), other.dir, other.dir], {
      encoding: "utf8",
    });
    fs.rmSync(other.dir, { recursive: true, force: true });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${other.dir}: no fault 7 in its results`);
  });
});

describe("variants-report.py (stack variants side by side)", () => {
  const powerOff = (run: number, login: number, fenced: number, extra: object = {}) =>
    row("1", run, [["IMAP answers", true]], {
      failover_s: login,
      timeline: {
        survivor: "secondary",
        victim: "primary",
        dc_before: run % 2 ? "primary" : "secondary",
        phases: [
          { phase: "fencing confirmed", at: fenced, detail: "" },
          { phase: "first IMAP login", at: login, detail: "" },
        ],
      },
      ...extra,
    });
  const sideBySide = (runs: Array<{ dir: string }>) => {
    const r = spawnSync("python3", [path.join(lab, "variants-report.py"), ...runs.map((x) => x.dir)], {
      encoding: "utf8",
    });
    for (const x of runs) fs.rmSync(x.dir, { recursive: true, force: true });
    return r;
  };

  test("one column per variant: runs passed, median / max, lost mails, each phase's median", () => {
    const base = suiteRun([powerOff(1, 200, 80), powerOff(2, 260, 90)], "20261203T080000Z");
    const qdevice = suiteRun(
      [powerOff(1, 100, 40), powerOff(2, 96, 38), row("12", 1, [["no fence", true]])],
      "20261203T090000Z",
      { variant: "sbd-qdevice" },
    );
    const r = sideBySide([base, qdevice]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("one machine, one day: 2 cores (test cpu)");
    expect(r.stdout).toMatch(/ +base +sbd-qdevice\n/);
    expect(r.stdout).toMatch(/1\. power-off of the active node: passed +2\/2 +2\/2/);
    expect(r.stdout).toMatch(/first IMAP login s, median \/ max +230 \/ 260 +98 \/ 100/);
    expect(r.stdout).toMatch(/12\. the arbiter down: passed +- +1\/1/);
    expect(r.stdout).toMatch(/runs with a timeline \(DC killed\) +2 \(1\) +2 \(1\)/);
    expect(r.stdout).toMatch(/fencing confirmed +85\.0 +39\.0/);
  });

  test("a variant's name longer than a column widens its column, and the values stay under it", () => {
    const base = suiteRun([powerOff(1, 200, 80)], "20261203T080000Z");
    const long = suiteRun([powerOff(1, 86, 44)], "20261203T090000Z", { variant: "watchdog-qdevice-sync10" });
    const lines = sideBySide([base, long]).stdout.split("\n");
    const header = lines.find((l) => l.trim() === "base  watchdog-qdevice-sync10") ?? "";
    const passed = lines.find((l) => l.startsWith("1. power-off of the active node: passed")) ?? "";
    expect(header).not.toBe("");
    expect(passed.length).toBe(header.length);
    expect(passed).toMatch(/ 1\/1 +1\/1$/);
  });

  test("runs from different days or machines are flagged as not comparable", () => {
    const today = suiteRun([powerOff(1, 200, 80)], "20261203T080000Z");
    const yesterday = suiteRun([powerOff(1, 100, 40, { at: "2026-12-01T06:00:00Z" })], "20261201T060000Z", {
      variant: "sbd-qdevice",
      machine: { cores: 2, cpu: "other cpu", memory_gib: 24, kernel: "6.1.0", accel: "tcg" },
    });
    const r = sideBySide([today, yesterday]);
    expect(r.stdout).toContain("NOT one machine and one day");
    expect(r.stdout).toContain("2026-12-01, 2026-12-02");
  });

  test("the same day on another provisioning of the same machine kind (another host kernel) is flagged too", () => {
    const first = suiteRun([powerOff(1, 200, 80)], "20261203T080000Z");
    const reprovisioned = suiteRun([powerOff(1, 100, 40)], "20261203T090000Z", {
      variant: "sbd-qdevice",
      machine: { cores: 2, cpu: "test cpu", memory_gib: 24, kernel: "6.1.1", accel: "tcg" },
    });
    const r = sideBySide([first, reprovisioned]);
    expect(r.stdout).toContain("NOT one machine and one day");
    expect(r.stdout).toContain("host kernel 6.1.0");
    expect(r.stdout).toContain("host kernel 6.1.1");
  });
});

describe("readme-figures.py", () => {
  function readme(body: string): { dir: string; file: string } {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, "lab", "evidence", "faults", "R"), { recursive: true });
    fs.writeFileSync(path.join(dir, "lab", "evidence", "faults", "R", "table.txt"), "fault 1: 190/192/193 s, lost 0\n");
    fs.writeFileSync(path.join(dir, "README.md"), body);
    return { dir, file: path.join(dir, "README.md") };
  }
  const block = (content: string) =>
    "# x\n<!-- figures: lab/evidence/faults/R/table.txt -->\n```\n" + content + "\n```\n<!-- /figures -->\ntail\n";
  const check = (file: string) =>
    spawnSync("python3", [path.join(lab, "readme-figures.py"), "--check", file], { encoding: "utf8" });

  test("a block equal to its evidence file passes --check; a figure typed over it fails", () => {
    const good = readme(block("fault 1: 190/192/193 s, lost 0"));
    expect(check(good.file).status).toBe(0);
    const edited = readme(block("fault 1: 150/152/153 s, lost 0"));
    const r = check(edited.file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("differs from its evidence file");
    for (const d of [good.dir, edited.dir]) fs.rmSync(d, { recursive: true, force: true });
  });

  test("without --check it rewrites the block from the file; a block naming a missing file fails", () => {
    const stale = readme(block("old"));
    expect(spawnSync("python3", [path.join(lab, "readme-figures.py"), stale.file]).status).toBe(0);
    expect(fs.readFileSync(stale.file, "utf8")).toBe(block("fault 1: 190/192/193 s, lost 0"));
    const missing = readme("<!-- figures: lab/evidence/faults/NOPE/table.txt -->\n```\nx\n```\n<!-- /figures -->\n");
    const r = check(missing.file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("no such evidence file");
    for (const d of [stale.dir, missing.dir]) fs.rmSync(d, { recursive: true, force: true });
  });

  test("a document in a folder names its evidence relative to itself; an excerpt keeps the lines it names", () => {
    const { dir } = readme("");
    const doc = path.join(dir, "lab", "EVIDENCE.md");
    fs.writeFileSync(path.join(dir, "lab", "evidence", "faults", "R", "long.txt"), "one\ntwo\nthree\nfour\n");
    const body = (p: string, spec = "") => `<!-- figures: ${p}${spec} -->\n\`\`\`\nBODY\n\`\`\`\n<!-- /figures -->\n`;
    fs.writeFileSync(doc, body("evidence/faults/R/table.txt") + body("evidence/faults/R/long.txt", " lines 1,3-4"));
    expect(spawnSync("python3", [path.join(lab, "readme-figures.py"), doc]).status).toBe(0);
    expect(fs.readFileSync(doc, "utf8")).toBe(
      body("evidence/faults/R/table.txt").replace("BODY", "fault 1: 190/192/193 s, lost 0") +
        body("evidence/faults/R/long.txt", " lines 1,3-4").replace("BODY", "one\nthree\nfour"),
    );
    expect(check(doc).status).toBe(0);
    fs.writeFileSync(doc, body("lab/evidence/faults/R/table.txt") + body("evidence/faults/R/long.txt", " lines 4-9"));
    const r = check(doc);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("lab/evidence/faults/R/table.txt: no such evidence file");
    expect(r.stderr).toContain("evidence/faults/R/long.txt: has no lines 4-9");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("the repository's README and lab/EVIDENCE.md pass --check", () => {
    const r = spawnSync("python3", [path.join(lab, "readme-figures.py"), "--check"], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(lab, "EVIDENCE.md"), "utf8")).toContain("<!-- figures: evidence/faults/");
  });
});

describe("rolling operations' evidence (lab/test-rolling.sh)", () => {
  const run = (args: string[]) =>
    spawnSync("python3", [path.join(lab, ...args.slice(0, 1)), ...args.slice(1)], { encoding: "utf8" });

  test("a probe's longest outage is measured from the first unanswered probe to the next answered one", () => {
    const dir = tempDir();
    const probes = path.join(dir, "probe");
    fs.writeFileSync(
      probes,
      ["100.0 1 1", "101.0 0 1", "102.0 0 0", "103.5 1 0", "104.0 1 1", "105.0 0 1", "106.0 1 1"].join("\n"),
    );
    const r = run(["mailload.py", "outages", probes]);
    expect(JSON.parse(r.stdout)).toEqual({ samples: 7, smtp_longest_s: 2.5, imap_longest_s: 2.0 });
  });

  test("the table shows a lost mail and a fence instead of hiding them", () => {
    const dir = tempDir();
    const rows = path.join(dir, "rows.jsonl");
    const verify = path.join(dir, "verify.json");
    const checks = (fenced: boolean) =>
      JSON.stringify([
        { what: "no node fenced", ok: !fenced },
        { what: "no split brain", ok: true },
      ]);
    const outages = JSON.stringify({ samples: 300, smtp_longest_s: 12.3, imap_longest_s: 40.6 });
    fs.writeFileSync(
      verify,
      JSON.stringify({ acked: 50, acked_since: 20, found: 50, lost: [], duplicated: [], unexpected: [], error: null }),
    );
    expect(
      run(["evidence.py", "rolling-row", rows, "restart", "pass", "412.4", "1", outages, verify, checks(false), ""])
        .status,
    ).toBe(0);
    fs.writeFileSync(
      verify,
      JSON.stringify({
        acked: 50,
        acked_since: 20,
        found: 49,
        lost: [17],
        duplicated: [],
        unexpected: [],
        error: null,
      }),
    );
    expect(
      run(["evidence.py", "rolling-row", rows, "reboot", "fail", "655", "2", outages, verify, checks(true), "lost"])
        .status,
    ).toBe(0);
    const table = run(["evidence.py", "rolling-table", rows]).stdout.split("\n");
    expect(table[1].split(/\s{2,}/)).toEqual(["restart", "pass", "412", "1", "12", "41", "50", "0", "none"]);
    expect(table[2].split(/\s{2,}/)).toEqual(["reboot", "fail", "655", "2", "12", "41", "50", "1", "SEE CHECKS"]);

    // The same operation again in a later invocation (--run): both rows stay, named by their order.
    expect(
      run(["evidence.py", "rolling-row", rows, "restart", "pass", "300", "1", outages, verify, checks(false), "", "3"])
        .status,
    ).toBe(0);
    const again = run(["evidence.py", "rolling-table", rows]).stdout.trimEnd().split("\n");
    expect(again.map((l) => l.split(/\s{2,}/)[0])).toEqual(["operation", "restart #1", "reboot", "restart #2"]);
  });
});
