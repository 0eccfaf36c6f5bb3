/** Helpers shared by the components: one remote command per host step, run with the node's connection. */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { HostFileSpot, OWNERS_DIR, TOOLS_DIR } from "./host-paths";

export type Connection = command.types.input.remote.ConnectionArgs;

export function sha256(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

/** Quotes one word for a POSIX shell. */
export function shq(word: string | number): string {
  const text = String(word);
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A command line that runs one of the installed host scripts. */
export function tool(script: string, ...args: (string | number)[]): string {
  return [`${TOOLS_DIR}/${script}`, ...args.map(shq)].join(" ");
}

/** The step command that writes FILE from stdin at its path, with its mode and owner (put-file.sh). */
export function putFile(file: HostFileSpot, ...flags: string[]): string {
  return tool("put-file.sh", ...flags, file.path, file.mode, file.owner);
}

export interface HostCommandArgs {
  connection: Connection;
  /** Whether the SSH user needs sudo (non-root user). */
  sudo: boolean;
  create: string;
  delete?: string;
  stdin?: pulumi.Input<string>;
  /**
   * Content hashes of the files this command consumes. They are written into the command
   * line, so a changed file re-runs its consumers (an update, never a delete + create) and
   * `pulumi preview --diff` shows why.
   */
  rerunOn?: string[];
  /** stdin is secret: no logging, and every output that could echo it is secret. */
  secret?: boolean;
}

function privileged(line: string, sudo: boolean): string {
  return sudo ? `sudo -n -- sh -c ${shq(line)}` : line;
}

/** One marker per distinct delete command: two commands with the same delete undo the same thing. */
function ownerMarker(deleteLine: string, dir: string): string {
  return `${dir}/${sha256(deleteLine).slice(0, 16)}`;
}

/**
 * A create line that, once the step succeeded, records `owner` as the owner of what
 * `deleteLine` would undo. After a rename (node, resource, component) the engine creates
 * the successor first and deletes the old name last, on the same host: the successor's
 * claim makes the old delete a no-op instead of undoing what the successor just did.
 */
export function claimingCreate(create: string, deleteLine: string, owner: string, dir = OWNERS_DIR): string {
  const marker = ownerMarker(deleteLine, dir);
  return `${create} && mkdir -p ${dir} && printf '%s\\n' ${shq(owner)} > ${marker}`;
}

/** A delete line that runs only while `owner` (or nobody) owns what it undoes. */
export function ownedDelete(deleteLine: string, owner: string, dir = OWNERS_DIR): string {
  const marker = ownerMarker(deleteLine, dir);
  return (
    `if [ -s ${marker} ] && [ "$(cat ${marker})" != ${shq(owner)} ]; ` +
    `then echo "kept: owned by $(cat ${marker}), not by ${owner}"; ` +
    `else ${deleteLine} && rm -f ${marker}; fi`
  );
}

export function hostCommand(
  name: string,
  args: HostCommandArgs,
  opts: pulumi.CustomResourceOptions,
): command.remote.Command {
  const rerun =
    args.rerunOn && args.rerunOn.length > 0 ? ` # rerun-on ${args.rerunOn.map((h) => h.slice(0, 16)).join(" ")}` : "";
  return new command.remote.Command(
    name,
    {
      connection: args.connection,
      create: privileged(args.delete ? claimingCreate(args.create, args.delete, name) : args.create, args.sudo) + rerun,
      delete: args.delete ? privileged(ownedDelete(args.delete, name), args.sudo) : undefined,
      stdin: args.stdin,
      addPreviousOutputInEnv: false,
      logging: args.secret ? "none" : "stdoutAndStderr",
    },
    {
      deleteBeforeReplace: true,
      ...opts,
      additionalSecretOutputs: args.secret ? ["stdout", "stderr", "stdin"] : opts.additionalSecretOutputs,
    },
  );
}

/** A host a step runs on: its name, SSH connection, and whether its user needs sudo (a Node). */
export interface StepHost {
  name: string;
  connection: Connection;
  sudo: boolean;
}

export type StepExtras = Pick<HostCommandArgs, "stdin" | "delete" | "rerunOn" | "secret">;
type Deps = pulumi.CustomResourceOptions["dependsOn"];

/** A component's host steps: each a child of the component, named after it, the step and the host. */
export class HostSteps {
  constructor(
    private readonly parent: pulumi.Resource,
    private readonly prefix: string,
  ) {}

  /** `<component>-<step>-<host>`: a step the component runs on several hosts. */
  on(host: StepHost, step: string, create: string, deps: Deps, extra: StepExtras = {}): command.remote.Command {
    return this.run(`${this.prefix}-${step}-${host.name}`, host, create, deps, extra);
  }

  /** `<component>-<step>`: a step the component runs once, on `host`. */
  once(host: StepHost, step: string, create: string, deps: Deps, extra: StepExtras = {}): command.remote.Command {
    return this.run(`${this.prefix}-${step}`, host, create, deps, extra);
  }

  private run(name: string, host: StepHost, create: string, deps: Deps, extra: StepExtras) {
    return hostCommand(
      name,
      { connection: host.connection, sudo: host.sudo, create, ...extra },
      { parent: this.parent, dependsOn: deps },
    );
  }
}
