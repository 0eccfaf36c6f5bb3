/** Helpers shared by the components: one remote command per host step, run with the node's connection. */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";

export type Connection = command.types.input.remote.ConnectionArgs;

import { TOOLS_DIR } from "./render/bundle";

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

export function hostCommand(name: string, args: HostCommandArgs, opts: pulumi.CustomResourceOptions): command.remote.Command {
  const rerun = args.rerunOn && args.rerunOn.length > 0 ? ` # rerun-on ${args.rerunOn.map((h) => h.slice(0, 16)).join(" ")}` : "";
  return new command.remote.Command(
    name,
    {
      connection: args.connection,
      create: privileged(args.create, args.sudo) + rerun,
      delete: args.delete ? privileged(args.delete, args.sudo) : undefined,
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
