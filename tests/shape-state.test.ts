/**
 * The lab's view of a deployed shape: lab/shape-facts.ts reads it from the stack through the
 * program's parser, lab/shape_state.py answers the fault suite's questions about it (where each
 * group runs, from crm_mon's XML captured on a Kopano-shaped lab; the order between groups, from
 * per-group timelines).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { labShape } from "../lab/shape-facts";

const ROOT = path.join(__dirname, "..");
const BASE = fs.readFileSync(path.join(ROOT, "Pulumi.lab.yaml"), "utf8");
const kopano = labShape(BASE, fs.readFileSync(path.join(ROOT, "lab", "variants", "kopano.yaml"), "utf8"));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shape-state-"));
const shapeFile = path.join(dir, "shape.json");
fs.writeFileSync(shapeFile, JSON.stringify(kopano));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function ask(args: string[], input?: string): { status: number | null; out: string } {
  const r = spawnSync("python3", [path.join(ROOT, "lab", "shape_state.py"), shapeFile, ...args], {
    input,
    encoding: "utf8",
  });
  return { status: r.status, out: (r.stdout + r.stderr).trim() };
}

/** crm_mon's XML out of a captured node report (its section "crm_mon"). */
function crmMon(file: string): string {
  const text = fs.readFileSync(path.join(ROOT, "tests", "fixtures", "lab-status-kopano", file), "utf8");
  return text.split("@@begin crm_mon\n")[1].split("\n@@end crm_mon")[0];
}

test("the base lab is one group, one resource, no clone, with mail", () => {
  const base = labShape(BASE);
  expect(base.groups.map((g) => [g.id, g.members.map((m) => m.id)])).toEqual([
    ["zimbra", ["vip", "fs-zimbradata", "mailroot", "mta", "imap"]],
  ]);
  expect(base.resources.map((r) => [r.name, r.device, r.mount, r.group])).toEqual([
    ["zimbradata", "/dev/drbd0", "/opt/zimbra", "zimbra"],
  ]);
  expect(base.clones).toEqual([]);
  expect(base.mail).toBe(true);
});

test("kopano: the groups' members with their kinds, units and addresses; the clone's unit; no mail", () => {
  expect(kopano.groups.map((g) => [g.id, g.after, g.members.map((m) => m.unit ?? m.address ?? m.mount)])).toEqual([
    ["db", [], ["192.168.77.203", "/var/lib/mysql", "mariadb.service"]],
    [
      "app",
      ["db"],
      ["192.168.77.204", "/var/lib/kopano", "kopano-server.service", "kopano-spooler.service", "kopano-dagent.service"],
    ],
  ]);
  expect(kopano.clones).toEqual([{ id: "web-clone", primitive: "web", unit: "apache2.service" }]);
  expect(kopano.mail).toBe(false);
});

test("the questions about the shape itself", () => {
  expect(ask(["groups"]).out).toBe("db\napp");
  expect(ask(["after", "db"]).out).toBe("app");
  expect(ask(["after", "app"]).out).toBe("");
  expect(ask(["leaf"]).out).toBe("app");
  expect(ask(["first-service", "app"]).out).toBe("kopano-server");
  expect(ask(["unit-of", "kopano-server"]).out).toBe("kopano-server.service");
  expect(ask(["resource-of", "app"]).out).toBe("attachments");
  expect(ask(["targets"]).out).toBe(
    "database=mysql://shapeload@192.168.77.203/shapeload\nattachments=http://192.168.77.204:236",
  );
});

test("placement from crm_mon: each group's node; a group with a stopped member runs nowhere", () => {
  const xml = crmMon("primary.out");
  expect(ask(["placement"], xml).out).toBe("db=primary app=secondary");
  const stopped = xml.replace(/(<resource id="kopano-spooler"[^>]*role=)"Started"/, '$1"Stopped"');
  expect(stopped).not.toBe(xml);
  expect(ask(["placement"], stopped).out).toBe("db=primary app=");
});

test("the order between groups, from per-group timelines: held, and broken when app starts first", () => {
  const phases = (starts: Record<string, number>) => ({
    phases: Object.entries(starts).map(([m, at]) => ({ phase: `${m} started`, at, detail: "" })),
  });
  const timeline = (appFirst: number) => ({
    groups: {
      db: phases({ "vip-db": 40, "fs-database": 42, mariadb: 50 }),
      // "fence action started" is a phase of the failover, not a member's start.
      app: phases({ "fence action": 18, "vip-app": appFirst, "fs-attachments": 55, "kopano-server": 57 }),
    },
  });
  const file = path.join(dir, "timeline.json");
  fs.writeFileSync(file, JSON.stringify(timeline(52)));
  expect(ask(["order", file])).toEqual({ status: 0, out: "the order held" });
  fs.writeFileSync(file, JSON.stringify(timeline(45)));
  expect(ask(["order", file])).toEqual({ status: 1, out: "app started at 45 s, before db was up at 50 s" });
});

test("the extra disks lab/up.sh attaches: none for the base lab, vdd for kopano (lib.sh)", () => {
  const disks = (variant: string) => {
    const state = fs.mkdtempSync(path.join(dir, `state-${variant}-`));
    fs.writeFileSync(path.join(state, "variant"), `${variant}\n`);
    const r = spawnSync("bash", ["-c", `source "${ROOT}/lab/lib.sh" && shape_extra_disks`], {
      encoding: "utf8",
      env: { ...process.env, LAB_STATE: state },
    });
    expect(r.stderr).toBe("");
    return r.stdout;
  };
  expect(disks("base")).toBe("");
  expect(disks("kopano")).toBe("vdd\n");
});
