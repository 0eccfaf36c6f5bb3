/** Reads the `zimbra-ha:cluster` object out of a Pulumi stack settings file (Pulumi.<stack>.yaml). */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

export const PROJECT = "zimbra-ha";

/** The cluster settings as read from YAML, before validation gives them a type: what a mutation test edits. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any shape may come out of a stack file
export type RawSettings = any;

export interface StackFile {
  path: string;
  cluster: unknown;
  /** Config keys present in the file (secure values are counted as present, never decrypted). */
  keys: string[];
}

/** `lab` → ./Pulumi.lab.yaml; anything with a slash or .yaml suffix is taken as a path. */
export function resolveStackFile(stackOrPath: string, root = path.join(__dirname, "..")): string {
  if (stackOrPath.includes("/") || stackOrPath.endsWith(".yaml")) return path.resolve(stackOrPath);
  return path.join(root, `Pulumi.${stackOrPath}.yaml`);
}

export function readStackFile(file: string): StackFile {
  const doc = YAML.parse(fs.readFileSync(file, "utf8")) ?? {};
  const config: Record<string, unknown> = doc.config ?? {};
  return {
    path: file,
    cluster: config[`${PROJECT}:cluster`],
    keys: Object.keys(config).map((k) => k.replace(`${PROJECT}:`, "")),
  };
}
