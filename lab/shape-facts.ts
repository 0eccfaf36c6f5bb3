// The shape the lab deploys, as the lab's scripts need it (lab/status.sh, the fault suite, up.sh's
// disks): each group's members in start order (service address, DRBD filesystem, service unit),
// the DRBD resources and the clones, read from the lab's stack file through the program's own
// parser and CIB ids, so the lab checks what the program deploys.
// Usage: tsx lab/shape-facts.ts Pulumi.lab.yaml [lab/variants/NAME.yaml]   (prints JSON)
import * as fs from "fs";
import * as YAML from "yaml";
import { cibIds } from "../components/cib-ids";
import { ClusterConfig } from "../components/config";
import { PROJECT, RawSettings } from "../components/stackfile";
import { parseClusterConfig } from "../components/validate";
import { variantStackFile } from "./stack-variant";

export interface ShapeMember {
  id: string;
  kind: "vip" | "filesystem" | "service";
  address?: string;
  resource?: string;
  mount?: string;
  /** The systemd unit of a systemd: primitive, else null. */
  unit?: string | null;
}

export interface Shape {
  resources: Array<{
    name: string;
    minor: number;
    device: string;
    disk: string | null;
    mount: string;
    primitive: string;
    clone: string;
    filesystem: string;
    group: string | null;
  }>;
  groups: Array<{ id: string; after: string[]; preferredNode: string | null; members: ShapeMember[] }>;
  clones: Array<{ id: string; primitive: string; unit: string | null }>;
  /** A group holds LAB_VIP and runs the lab's stand-in mail service (Postfix): a mail round trip makes sense. */
  mail: boolean;
}

const LAB_VIP = "192.168.77.203";

function unitOf(agent: string): string | null {
  const m = /^systemd:(.+)$/.exec(agent);
  if (!m) return null;
  return /\.(service|socket|timer)$/.test(m[1]) ? m[1] : `${m[1]}.service`;
}

export function shapeOf(cfg: ClusterConfig): Shape {
  const pm = cfg.pacemaker;
  const vips = new Map(pm.vips.map((v) => [v.id, v.address]));
  const primitives = new Map(pm.primitives.map((p) => [p.id, p]));
  const resources = new Map(cfg.drbd.resources.map((r) => [r.name, r]));
  const groupOf = (res: string) => pm.groups.find((g) => g.members.includes(res))?.id ?? null;
  const member = (id: string): ShapeMember => {
    if (vips.has(id)) return { id, kind: "vip", address: vips.get(id) };
    const r = resources.get(id);
    if (r) return { id: cibIds.filesystem(id), kind: "filesystem", resource: id, mount: r.mountPoint };
    return { id, kind: "service", unit: unitOf(primitives.get(id)?.agent ?? "") };
  };
  const groups = pm.groups.map((g) => ({
    id: g.id,
    after: g.after,
    preferredNode: g.preferredNode ?? null,
    members: g.members.map(member),
  }));
  return {
    resources: cfg.drbd.resources.map((r) => ({
      name: r.name,
      minor: r.minor,
      device: `/dev/drbd${r.minor}`,
      disk: r.disk ?? null,
      mount: r.mountPoint,
      primitive: cibIds.drbdPrimitive(r.name),
      clone: cibIds.drbdClone(r.name),
      filesystem: cibIds.filesystem(r.name),
      group: groupOf(r.name),
    })),
    groups,
    clones: pm.clones.map((c) => ({
      id: c.id,
      primitive: c.primitive,
      unit: unitOf(primitives.get(c.primitive)?.agent ?? ""),
    })),
    mail: groups.some(
      (g) =>
        g.members.some((m) => m.address === LAB_VIP) && g.members.some((m) => m.unit?.startsWith("postfix") ?? false),
    ),
  };
}

/** The shape of the lab stack made from BASE (the stack file's text) and, for a variant, its settings' text. */
export function labShape(baseYaml: string, variantYaml?: string): Shape {
  const text = variantYaml === undefined ? baseYaml : variantStackFile(baseYaml, variantYaml);
  const raw: RawSettings = YAML.parse(text).config[`${PROJECT}:cluster`];
  const nodes = (raw.nodes ?? []).map((n: { name: string }) => n.name);
  return shapeOf(parseClusterConfig(raw, { sshPrivateKey: true, fencePasswords: nodes }));
}

if (require.main === module) {
  const [basePath, variantPath] = process.argv.slice(2);
  if (!basePath) {
    console.error("usage: tsx lab/shape-facts.ts Pulumi.lab.yaml [lab/variants/NAME.yaml]");
    process.exit(2);
  }
  const variant = variantPath ? fs.readFileSync(variantPath, "utf8") : undefined;
  console.log(JSON.stringify(labShape(fs.readFileSync(basePath, "utf8"), variant), null, 1));
}
