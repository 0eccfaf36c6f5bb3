/**
 * docs/CONFIG.md's field reference against the stack config's schema: every field the schema
 * has has a row, every row names a field the schema has, each row's type and default are the
 * schema's, and each has a meaning written by hand (tools/config-reference.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { BEGIN, END, checkReference, parseRows, regenerate, schemaFields } from "../tools/config-reference";

const docPath = path.join(__dirname, "..", "docs", "CONFIG.md");
const doc = fs.readFileSync(docPath, "utf8");
const fields = schemaFields();

/** DOC with the row of PATH rewritten by EDIT (undefined removes it). */
function editRow(text: string, fieldPath: string, edit: (line: string) => string | undefined): string {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => l.startsWith("| `" + fieldPath + "` |"));
  if (i < 0) throw new Error(`no row for ${fieldPath}`);
  const next = edit(lines[i]);
  if (next === undefined) lines.splice(i, 1);
  else lines[i] = next;
  return lines.join("\n");
}

describe("docs/CONFIG.md against ClusterSchema", () => {
  test("every field of the schema has one row with the schema's type and default, and a meaning", () => {
    expect(checkReference(doc)).toEqual([]);
    expect(parseRows(doc).map((r) => r.path)).toEqual(expect.arrayContaining(fields.map((f) => f.path)));
  });

  test("the walk reaches nested objects, lists, maps and every fencing mode's fields", () => {
    const paths = fields.map((f) => f.path);
    for (const p of [
      "name",
      "fencing.mode",
      "fencing.sbd.device",
      "fencing.sbd.msgwait",
      "fencing.delayMax",
      "nodes[].ssh.hostKey",
      "nodes[].disks.<resource>.allowWipe",
      "drbd.resources[].splitBrain.after0pri",
      "pacemaker.primitives[].ops.monitor.timeout",
      "quorumDevice.tieBreaker",
      "zimbra.installer.sha256",
      "firewall.confirmTimeout",
      "maintenance.nodeTimeout",
    ])
      expect(paths).toContain(p);
    const byPath = new Map(fields.map((f) => [f.path, f]));
    expect(byPath.get("corosync.tokenMs")).toMatchObject({ type: "integer ≥ 100", default: "`5000`" });
    expect(byPath.get("fencing.sbd.device")?.type).toContain("(mode sbd)");
    expect(byPath.get("fencing.sbd.watchdogTimeout")?.default).toBe("sbd: `5`; watchdog: optional");
    expect(byPath.get("nodes")?.default).toBe("required");
  });

  test("a schema field without a row fails, naming it", () => {
    const r = checkReference(editRow(doc, "corosync.joinMs", () => undefined));
    expect(r).toContain("corosync.joinMs: in the schema, but has no row");
  });

  test("a row for a field the schema does not have fails, naming it", () => {
    const extra = "| `corosync.tokenMss` | integer ≥ 100 | `5000` | a typo |";
    const r = checkReference(editRow(doc, "corosync.tokenMs", (l) => l + "\n" + extra));
    expect(r).toContain("corosync.tokenMss: documented, but the schema has no such field");
  });

  test("a default or type typed over the schema's fails", () => {
    const r = checkReference(editRow(doc, "corosync.tokenMs", (l) => l.replace("`5000`", "`3000`")));
    expect(r).toContain('corosync.tokenMs: default "`3000`", the schema says "`5000`"');
    const t = checkReference(editRow(doc, "corosync.port", (l) => l.replace("integer 1–65535", "integer")));
    expect(t.join("\n")).toContain('corosync.port: type "integer"');
  });

  test("a row without a meaning fails", () => {
    const r = checkReference(editRow(doc, "ssh.perDialTimeout", (l) => l.replace(/\| [^|]+ \|$/, "|  |")));
    expect(r).toContain("ssh.perDialTimeout: no meaning written");
  });

  test("a field added to the schema fails until the table is generated again and its meaning written", () => {
    const schema = z.strictObject({
      name: z.string(),
      fencing: z.discriminatedUnion("mode", [
        z.strictObject({ mode: z.literal("a"), delay: z.number().int().min(0).default(5) }),
        z.strictObject({ mode: z.literal("b") }),
      ]),
      disks: z.record(z.string(), z.strictObject({ path: z.string() })).default({}),
      links: z.array(z.strictObject({ subnet: z.string() })).min(1),
    });
    const small = schemaFields(schema);
    expect(small.map((f) => f.path)).toEqual([
      "name",
      "fencing",
      "fencing.mode",
      "fencing.delay",
      "disks",
      "disks.<name>.path",
      "links",
      "links[].subnet",
    ]);
    expect(small.find((f) => f.path === "fencing.delay")).toMatchObject({
      type: "integer ≥ 0 (mode a)",
      default: "`5`",
    });

    const empty = `# x\n\n${BEGIN}\n${END}\n`;
    const generated = regenerate(empty, small);
    expect(checkReference(generated, small)).toContain("links[].subnet: no meaning written");
    const written = generated.replace(/\|  \|$/gm, "| written |");
    expect(checkReference(written, small)).toEqual([]);
    const grown = [...small, { path: "links[].cost", type: "integer", default: "optional" }];
    expect(checkReference(written, grown)).toContain("links[].cost: in the schema, but has no row");
    const again = regenerate(written, grown);
    expect(parseRows(again).find((r) => r.path === "links[].subnet")?.meaning).toBe("written");
    expect(checkReference(again, grown)).toEqual(["links[].cost: no meaning written"]);
  });

  test("the command line check passes on the repository and fails on a drifted copy", () => {
    const { spawnSync } = require("child_process");
    const tsx = path.join(__dirname, "..", "node_modules", ".bin", "tsx");
    const tool = path.join(__dirname, "..", "tools", "config-reference.ts");
    const ok = spawnSync(tsx, [tool], { encoding: "utf8" });
    expect(ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    const dir = fs.mkdtempSync(path.join(require("os").tmpdir(), "config-reference-"));
    const drifted = path.join(dir, "CONFIG.md");
    fs.writeFileSync(
      drifted,
      editRow(doc, "maintenance.nodeTimeout", () => undefined),
    );
    const bad = spawnSync(tsx, [tool, drifted], { encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("maintenance.nodeTimeout: in the schema, but has no row");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
