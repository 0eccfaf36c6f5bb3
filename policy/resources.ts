/** The resources a stack registers, as the rules read them: type, name, URN, plain inputs, options. */

/** A value the engine does not know before the update (a preview of another command's output). */
export const UNKNOWN = Symbol("unknown until the update");

export interface StackResource {
  type: string;
  name: string;
  urn: string;
  /** Inputs as the program registered them, secrets unwrapped, unknown values UNKNOWN. */
  props: Record<string, unknown>;
  opts: { deleteBeforeReplace?: boolean; additionalSecretOutputs: string[] };
}

export const REMOTE_COMMAND = "command:remote:Command";

/** Every resource that runs over SSH (remote commands, copies). */
export function remoteResources(resources: StackResource[]): StackResource[] {
  return resources.filter((r) => r.type.startsWith("command:remote:"));
}

export function remoteCommands(resources: StackResource[]): StackResource[] {
  return resources.filter((r) => r.type === REMOTE_COMMAND);
}

/** A known string, else undefined (absent, unknown or another type). */
export function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A known plain object, else undefined. */
export function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The command lines a remote command carries. */
export const COMMAND_LINES = ["create", "update", "delete"] as const;
