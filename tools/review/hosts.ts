/**
 * Which host each command runs on. The engine masks every command's connection (the command
 * provider's schema makes it secret as a whole, for the private key in it), so the program is
 * run under the mock runtime from the stack settings file and each command's
 * connection.host/port/user is read by resource name. Nothing secret is needed or read: the
 * mock run gets placeholder secrets, and host, port and user are plain config.
 */

export interface Host {
  /** The cluster node (or quorum device) whose SSH settings these are; the address when none matches. */
  node: string;
  user: string;
  address: string;
  port: number;
}

export interface SshTarget {
  name: string;
  ssh: { host: string; port?: number; user?: string };
}

/** What the mock runtime recorded of a resource (tools/mock-runtime.ts Registration). */
export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export const COMMAND_TYPE = "command:remote:Command";

/** The command provider's defaults for a connection without port or user. */
const DEFAULT_PORT = 22;
const DEFAULT_USER = "root";

export function formatHost(host: Host): string {
  return `${host.node} (${host.user}@${host.address}:${host.port})`;
}

/** Each command's host by resource name, its node found among `targets` (nodes, quorum device). */
export function hostsByName(registrations: Registered[], targets: SshTarget[]): Map<string, Host> {
  const hosts = new Map<string, Host>();
  for (const r of registrations) {
    if (r.type !== COMMAND_TYPE) continue;
    const connection = r.inputs.connection as { host?: unknown; port?: unknown; user?: unknown } | undefined;
    if (!connection || typeof connection.host !== "string") continue;
    const address = connection.host;
    const port = typeof connection.port === "number" ? connection.port : DEFAULT_PORT;
    const user = typeof connection.user === "string" ? connection.user : DEFAULT_USER;
    const target = targets.find(
      (t) => t.ssh.host === address && (t.ssh.port ?? DEFAULT_PORT) === port && (t.ssh.user ?? DEFAULT_USER) === user,
    );
    hosts.set(r.name, { node: target?.name ?? address, user, address, port });
  }
  return hosts;
}

/** A step's resource name: the last segment of its URN. */
export function urnName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** The host a step runs on: by resource name (names are unique in a stack). */
export function hostOf(hosts: Map<string, Host>, urn: string): Host | undefined {
  return hosts.get(urnName(urn));
}

export interface ProgramHosts {
  hosts: Map<string, Host>;
  /** The `zimbra-ha:cluster` object of the stack file, as read (to compare with the preview's). */
  cluster: unknown;
}

/**
 * Runs the program from a stack settings file under the mock runtime (placeholder secrets;
 * the file's secure values are never decrypted) and maps every command to its host.
 */
export async function programHosts(stackFile: string): Promise<ProgramHosts> {
  const { runStack } = await import("../../tests/harness/program");
  const { readStackFile } = await import("../../components/stackfile");
  const cluster = readStackFile(stackFile).cluster;
  if (cluster === undefined) throw new Error(`${stackFile} has no zimbra-ha:cluster setting`);
  const run = await runStack(stackFile);
  const targets: SshTarget[] = [...run.cfg.nodes, ...(run.cfg.quorumDevice ? [run.cfg.quorumDevice] : [])];
  return { hosts: hostsByName(run.registrations, targets), cluster };
}
