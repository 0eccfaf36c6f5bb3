/**
 * The values a stack holds as secrets, read from what its resources carry secretly: the stdin
 * of commands that declare it a secret output (hostCommand's `secret`), and the credentials
 * in every SSH connection. Matched by value; never printed.
 */
import { COMMAND_LINES, record, remoteCommands, remoteResources, StackResource, text } from "./resources";

/** Shorter pieces would match by chance. */
export const MIN_SECRET_LENGTH = 8;

export interface SecretValue {
  value: string;
  /** What carries it, e.g. "the secret stdin of corosync-authkey-primary"; never the value. */
  source: string;
}

const CREDENTIALS = ["privateKey", "password", "privateKeyPassword"];

/** The whole value, each line of a multi-line one (PEM armour aside), each KEY=value's value. */
function pieces(value: string): { piece: string; keyed: boolean }[] {
  const lines = value
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/^-----(BEGIN|END) /.test(l));
  const keyed = lines
    .map((l) => /^[A-Za-z_][A-Za-z0-9_.]*=(.*)$/.exec(l)?.[1])
    .filter((v): v is string => v !== undefined);
  return [
    { piece: value.trim(), keyed: false },
    ...(value.trim().includes("\n") ? lines.map((piece) => ({ piece, keyed: false })) : []),
    ...keyed.map((piece) => ({ piece: piece.trim(), keyed: true })),
  ];
}

/** Every text the stack carries in the open, other than command lines. */
function openTexts(resources: StackResource[]): string[] {
  const secretStdin = (r: StackResource) => r.opts.additionalSecretOutputs.includes("stdin");
  return remoteCommands(resources).flatMap((r) => (secretStdin(r) ? [] : [text(r.props.stdin) ?? ""]));
}

export function secretValues(resources: StackResource[]): SecretValue[] {
  const carried: SecretValue[] = [];
  for (const r of remoteCommands(resources)) {
    const stdin = text(r.props.stdin);
    if (stdin !== undefined && r.opts.additionalSecretOutputs.includes("stdin"))
      carried.push({ value: stdin, source: `the secret stdin of ${r.name}` });
  }
  for (const r of remoteResources(resources)) {
    const connection = record(r.props.connection) ?? {};
    for (const key of CREDENTIALS) {
      const value = text(connection[key]);
      if (value) carried.push({ value, source: `connection.${key} of ${r.name}` });
    }
  }
  // A KEY=value inside a secret file (zmsetup's HOSTNAME=) is public when an open input holds it too.
  const open = openTexts(resources);
  const found = new Map<string, SecretValue>();
  for (const { value, source } of carried) {
    for (const { piece, keyed } of pieces(value)) {
      if (piece.length < MIN_SECRET_LENGTH || found.has(piece)) continue;
      if (keyed && open.some((t) => t.includes(piece))) continue;
      found.set(piece, { value: piece, source });
    }
  }
  return [...found.values()];
}

/** The command lines of a remote command that hold a secret value: which line, whose secret. */
export function linesHoldingSecrets(
  resource: StackResource,
  secrets: SecretValue[],
): { line: string; source: string }[] {
  return COMMAND_LINES.flatMap((line) => {
    const value = text(resource.props[line]);
    if (value === undefined) return [];
    const hit = secrets.find((s) => value.includes(s.value));
    return hit ? [{ line, source: hit.source }] : [];
  });
}
