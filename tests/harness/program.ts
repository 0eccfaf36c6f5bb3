/** Loads a stack file, validates it and builds the program under recording mocks. */
import { installRecordingMocks, NewResource, echoInputs, Registration } from "../../tools/mock-runtime";
import { readStackFile } from "../../components/stackfile";
import { parseClusterConfig } from "../../components/validate";
import { ClusterConfig, ClusterSchema } from "../../components/config";
import { OWNERS_DIR } from "../../components/host-paths";

/** The corosync authkey the mock runs use (a config secret in real stacks). */
export const TEST_AUTHKEY_BASE64 = Buffer.alloc(256, 7).toString("base64");

export interface ProgramRun {
  cfg: ClusterConfig;
  registrations: Registration[];
  commands: Registration[];
  byName: (name: string) => Registration;
}

/** The Zimbra admin password the mock runs use (a config secret in real stacks). */
export const TEST_ADMIN_PASSWORD = "TEST-ZIMBRA-ADMIN-PASSWORD";

export interface RunOptions {
  sshPrivateKey?: string;
  newResource?: NewResource;
  overrides?: (raw: any) => void;
  /**
   * Only the schema's shape and defaults, no cross-field checks: what the components would do if validation let a
   * config through.
   */
  unvalidated?: boolean;
  /** How long nothing must happen before the run counts as settled (ms; a loaded machine registers late). */
  quietMs?: number;
}

export async function runStack(stackFile: string, opts: RunOptions = {}): Promise<ProgramRun> {
  const raw = readStackFile(stackFile).cluster as any;
  opts.overrides?.(raw);
  const cfg = opts.unvalidated
    ? ClusterSchema.parse(raw)
    : parseClusterConfig(raw, { sshPrivateKey: true, fencePasswords: raw.nodes.map((n: any) => n.name) });
  const { registrations, settled } = installRecordingMocks(opts.newResource ?? echoInputs);
  // Imported after setMocks, as the SDK requires.
  const { Cluster } = await import("../../components/Cluster");
  const pulumi = await import("@pulumi/pulumi");
  const fencePasswords = Object.fromEntries(cfg.nodes.map((n) => [n.name, `FENCE-PASSWORD-OF-${n.name}`]));
  new Cluster(cfg.name, {
    config: cfg,
    sshPrivateKey: pulumi.secret(
      opts.sshPrivateKey ??
        "-----BEGIN OPENSSH PRIVATE KEY-----\nTEST-KEY-MATERIAL\n-----END OPENSSH PRIVATE KEY-----\n",
    ),
    corosyncAuthkey: pulumi.secret(TEST_AUTHKEY_BASE64),
    fencePasswords: pulumi.secret(fencePasswords),
    zimbraAdminPassword: cfg.zimbra ? pulumi.secret(TEST_ADMIN_PASSWORD) : undefined,
  });
  await settled(opts.quietMs);
  const commands = registrations.filter((r) => r.type === "command:remote:Command");
  const byName = (name: string) => {
    const found = registrations.find((r) => r.name === name);
    if (!found) throw new Error(`no resource named ${name}; have: ${registrations.map((r) => r.name).join(", ")}`);
    return found;
  };
  return { cfg, registrations, commands, byName };
}

const owners = OWNERS_DIR.replace(/\//g, "\\/");
/** A create line without the ownership claim hostCommand appends (remote.ts claimingCreate). */
export function plainCreate(create: string): string {
  return create.replace(
    new RegExp(` && mkdir -p ${owners} && printf (?:'%s\\\\n'|'\\\\''%s\\\\n'\\\\'') \\S+ > ${owners}\\/[0-9a-f]{16}`),
    "",
  );
}
/** The delete line inside hostCommand's ownership check (remote.ts ownedDelete). */
export function plainDelete(line: string): string {
  const m = new RegExp(`; else (.*) && rm -f ${owners}\\/[0-9a-f]{16}; fi$`, "s").exec(line);
  return m ? m[1] : line;
}
