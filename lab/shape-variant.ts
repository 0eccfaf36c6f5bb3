// A lab variant that runs an example's shape: the `shape:` section of lab/variants/NAME.yaml
// names an example (examples/NAME.yaml) and how its hosts map onto the lab's. The example's DRBD
// resources, service addresses, primitives, groups, clones and files become the lab stack's, so
// what the lab proves is what users copy; the rest of the variant then merges over the result.
//   shape:
//     example: kopano                       examples/kopano.yaml
//     nodes: { kopano1: primary }           the example's node names -> the lab's
//     disks: { /dev/sdb1: /dev/vdb }        the example's DRBD disks -> the lab's (lab/up.sh attaches them)
//     addresses: { 172.16.5.20: 192.168.77.203 }   the example's service addresses -> the lab's
//     eachResource / eachPrimitive / eachVip: settings merged into each of the example's (the lab's
//                                           emulated timing: longer timeouts, the intervals stay)
//     files: [{ path, from, mode }]         files of the lab's own (stand-ins), content read from `from`
import * as fs from "fs";
import * as path from "path";
import { RawSettings, readStackFile } from "../components/stackfile";

type Merge = (base: RawSettings, overlay: RawSettings) => RawSettings;

const ROOT = path.join(__dirname, "..");

function mapped(map: Record<string, string> | undefined, value: string, what: string): string {
  const to = map?.[value];
  if (to === undefined) throw new Error(`shape: the example's ${what} ${value} has no lab counterpart`);
  return to;
}

/** The cluster settings an example's shape brings onto the lab (before the variant's own settings). */
export function shapeSettings(base: RawSettings, shape: RawSettings, merge: Merge): RawSettings {
  if (typeof shape?.example !== "string" || !/^[a-z0-9-]+$/.test(shape.example)) {
    throw new Error("shape.example: the name of an example (examples/NAME.yaml)");
  }
  const example: RawSettings = readStackFile(path.join(ROOT, "examples", `${shape.example}.yaml`)).cluster;
  const node = (name: string) => mapped(shape.nodes, name, "node");
  // A copy per use: the stack file is written without YAML aliases.
  const each = (key: string): RawSettings => structuredClone(shape[key] ?? {});
  const resources = example.drbd.resources.map((r: RawSettings) =>
    merge(
      {
        ...r,
        disk: mapped(shape.disks, r.disk, "disk"),
        initialPrimary: node(r.initialPrimary),
        ...(r.nodes ? { nodes: r.nodes.map(node) } : {}),
      },
      each("eachResource"),
    ),
  );
  const pm = example.pacemaker;
  const files = [
    ...(example.files ?? []),
    ...(shape.files ?? []).map((f: RawSettings) => {
      const { from, ...rest } = f;
      return { ...rest, content: fs.readFileSync(path.join(ROOT, from), "utf8") };
    }),
  ];
  return {
    ...base,
    drbd: { resources },
    files,
    pacemaker: {
      ...base.pacemaker,
      ...(pm.resourceStickiness !== undefined ? { resourceStickiness: pm.resourceStickiness } : {}),
      ...(pm.migrationThreshold !== undefined ? { migrationThreshold: pm.migrationThreshold } : {}),
      vips: (pm.vips ?? []).map((v: RawSettings) =>
        merge({ ...v, address: mapped(shape.addresses, v.address, "address") }, each("eachVip")),
      ),
      primitives: (pm.primitives ?? []).map((p: RawSettings) => merge(p, each("eachPrimitive"))),
      groups: (pm.groups ?? []).map((g: RawSettings) => ({
        ...g,
        ...(g.preferredNode ? { preferredNode: node(g.preferredNode) } : {}),
      })),
      clones: pm.clones ?? [],
    },
  };
}

/** The variant OVERLAY merged over BASE, through the example's shape first when it has one. */
export function withShape(base: RawSettings, overlay: RawSettings, merge: Merge): RawSettings {
  if (typeof overlay !== "object" || overlay === null || !("shape" in overlay)) return merge(base, overlay);
  const { shape, ...rest } = overlay;
  return merge(shapeSettings(base, shape, merge), rest);
}
