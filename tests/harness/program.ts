/** Loads a stack file, validates it and builds the program under recording mocks. */
import { installRecordingMocks, NewResource, echoInputs, Registration } from "./mock-runtime";
import { readStackFile } from "../../components/stackfile";
import { parseClusterConfig } from "../../components/validate";
import { ClusterConfig } from "../../components/config";

export interface ProgramRun {
  cfg: ClusterConfig;
  registrations: Registration[];
  commands: Registration[];
  byName: (name: string) => Registration;
}

export async function runStack(stackFile: string, opts: { sshPrivateKey?: string; newResource?: NewResource; overrides?: (raw: any) => void } = {}): Promise<ProgramRun> {
  const raw = readStackFile(stackFile).cluster as any;
  opts.overrides?.(raw);
  const cfg = parseClusterConfig(raw, { sshPrivateKey: true, fencePasswords: raw.nodes.map((n: any) => n.name) });
  const { registrations, settled } = installRecordingMocks(opts.newResource ?? echoInputs);
  // Imported after setMocks, as the SDK requires.
  const { buildCluster } = await import("../../components/cluster");
  const pulumi = await import("@pulumi/pulumi");
  const fencePasswords = Object.fromEntries(cfg.nodes.map((n) => [n.name, `FENCE-PASSWORD-OF-${n.name}`]));
  buildCluster(cfg, pulumi.secret(opts.sshPrivateKey ?? "-----BEGIN OPENSSH PRIVATE KEY-----\nTEST-KEY-MATERIAL\n-----END OPENSSH PRIVATE KEY-----\n"), pulumi.secret(fencePasswords));
  await settled();
  const commands = registrations.filter((r) => r.type === "command:remote:Command");
  const byName = (name: string) => {
    const found = registrations.find((r) => r.name === name);
    if (!found) throw new Error(`no resource named ${name}; have: ${registrations.map((r) => r.name).join(", ")}`);
    return found;
  };
  return { cfg, registrations, commands, byName };
}
