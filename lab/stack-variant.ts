// A lab stack variant: lab/variants/NAME.yaml holds cluster settings merged over the
// `zimbra-ha:cluster` of Pulumi.lab.yaml. Objects merge key by key, a list or a value
// replaces, and null removes the key (the base's own value goes, the program's default applies).
// A variant with a `shape:` section first takes an example's shape (lab/shape-variant.ts): its
// DRBD resources, addresses, primitives, groups and clones, moved onto the lab's nodes and disks.
// Usage: tsx lab/stack-variant.ts Pulumi.lab.yaml lab/variants/NAME.yaml   (prints the stack file)
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PROJECT, RawSettings } from "../components/stackfile";
import { withShape } from "./shape-variant";

const CLUSTER_KEY = `${PROJECT}:cluster`;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function mergeSettings(base: RawSettings, overlay: RawSettings): RawSettings {
  if (!isObject(base) || !isObject(overlay)) return overlay;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    if (value === null) delete out[key];
    else out[key] = mergeSettings(base[key], value);
  }
  return out;
}

/**
 * The variant NAME (lab/variants/NAME.yaml) as an override of the stack's cluster settings, which it changes in place
 * (how the mock runs and the offline check take overrides).
 */
export function applyVariant(name: string): (raw: RawSettings) => void {
  const overlay: unknown = YAML.parse(fs.readFileSync(path.join(__dirname, "variants", `${name}.yaml`), "utf8"));
  return (raw) => {
    const merged = withShape(raw, overlay as RawSettings, mergeSettings);
    for (const key of Object.keys(raw)) delete raw[key];
    Object.assign(raw, merged);
  };
}

/** The stack file (without encryptionsalt) of the variant whose settings are `variantYaml`. */
export function variantStackFile(baseYaml: string, variantYaml: string): string {
  const base = YAML.parse(baseYaml);
  const overlay: unknown = YAML.parse(variantYaml);
  if (!isObject(overlay)) throw new Error("a stack variant is a mapping of cluster settings");
  const stack = {
    ...base,
    config: { ...base.config, [CLUSTER_KEY]: withShape(base.config[CLUSTER_KEY], overlay, mergeSettings) },
  };
  delete stack.encryptionsalt;
  return YAML.stringify(stack, { lineWidth: 0 });
}

if (require.main === module) {
  const [basePath, variantPath] = process.argv.slice(2);
  if (!basePath || !variantPath) {
    console.error("usage: tsx lab/stack-variant.ts Pulumi.lab.yaml lab/variants/NAME.yaml");
    process.exit(2);
  }
  const header = `# Made by lab/stack-variant.ts: ${variantPath} merged over ${basePath}.\n`;
  process.stdout.write(
    header + variantStackFile(fs.readFileSync(basePath, "utf8"), fs.readFileSync(variantPath, "utf8")),
  );
}
