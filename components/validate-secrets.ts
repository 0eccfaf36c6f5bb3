/**
 * The stack config outside the `cluster` object: which keys are set, and the shape of each
 * secret. No message ever holds a byte of a secret's value: each names the key and the command
 * that fixes it. A secret that has to be parsed (fencePasswords) is parsed without letting the
 * parser's error through, as JSON.parse's quotes its input.
 */
import type { SecretPresence } from "./validate";

/** The keys zimbra-ha reads, in its project's namespace (`zimbra-ha:<key>`). */
export const STACK_CONFIG_KEYS = [
  "cluster",
  "sshPrivateKey",
  "corosyncAuthkey",
  "fencePasswords",
  "zimbraAdminPassword",
] as const;

/** The secrets as the engine hands them to the program: plaintext strings, undefined when unset. */
export interface RawSecrets {
  sshPrivateKey?: string;
  corosyncAuthkey?: string;
  /** JSON text of the object `pulumi config set --secret --path 'fencePasswords.<node>'` builds. */
  fencePasswords?: string;
  zimbraAdminPassword?: string;
}

export interface CheckedSecrets {
  /** What validation needs to know of the secrets (components/validate.ts). */
  presence: SecretPresence;
  /** Problems with the secrets' shapes, each starting with the key it concerns. */
  problems: string[];
  /** fencePasswords, when it is an object. */
  fencePasswords?: Record<string, unknown>;
}

/** A word for the shell: single-quoted. */
export const shellWord = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

const SET_SSH_KEY = "`pulumi config set --secret sshPrivateKey < ~/.ssh/id_ed25519`";
const PROMPTED = "it prompts for the value; or pipe it on stdin, never on the command line";
/** The command that sets one node's fence password, the password never on its command line. */
export const setFencePassword = (node: string) =>
  `\`pulumi config set --secret --path ${shellWord(`fencePasswords.${node}`)}\` (${PROMPTED})`;

/** Problems with config keys of the project's namespace that zimbra-ha does not read: key names only, never values. */
export function unknownKeyProblems(namespace: string, keys: readonly string[]): string[] {
  const prefix = `${namespace}:`;
  const known: readonly string[] = STACK_CONFIG_KEYS;
  return keys
    .filter((key) => key.startsWith(prefix) && !known.includes(key.slice(prefix.length)))
    .sort()
    .map((full) => {
      const key = full.slice(prefix.length);
      const head = /^[^.[]*/.exec(key)![0];
      const unread = `${full}: is not a key zimbra-ha reads`;
      const remove = `remove it with \`pulumi config rm ${shellWord(key)}\``;
      if (key !== head && known.includes(head)) {
        const set =
          head === "cluster"
            ? `\`pulumi config set --path ${shellWord(key)} VALUE\``
            : head === "fencePasswords" && key[head.length] === "."
              ? setFencePassword(key.slice(head.length + 1))
              : undefined;
        return (
          `${unread}: set without --path, it is a key of its own named '${key}', not a field of ${head}, so ` +
          `nothing uses it: ${remove}` +
          (set ? ` and set the field with ${set}` : "")
        );
      }
      const near = known.find((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2);
      return (
        `${unread} (it reads ${STACK_CONFIG_KEYS.join(", ")})` + (near ? `; did you mean ${near}?` : "") + `: ${remove}`
      );
    });
}

/** The keys that hold secrets, each with the command that sets it (its value never on the command line). */
const SECRET_SETTERS: Record<string, string> = {
  sshPrivateKey: SET_SSH_KEY,
  corosyncAuthkey: "`openssl rand -base64 256 | tr -d '\\n' | pulumi config set --secret corosyncAuthkey`",
  fencePasswords: setFencePassword("NODE") + " for each node",
  zimbraAdminPassword: `\`pulumi config set --secret zimbraAdminPassword\` (${PROMPTED})`,
};

/**
 * Secrets set without --secret: the stack file then holds them in plain text. isSecret: whether the engine sent a
 * key (`<namespace>:<key>`) as a secret.
 */
export function plainSecretProblems(
  namespace: string,
  keys: readonly string[],
  isSecret: (key: string) => boolean,
): string[] {
  return Object.entries(SECRET_SETTERS)
    .filter(([key]) => keys.includes(`${namespace}:${key}`) && !isSecret(`${namespace}:${key}`))
    .map(
      ([key, set]) =>
        `${key}: is stored in plain text in the stack file (set without --secret): remove it with ` +
        `\`pulumi config rm ${key}\`, take it out of the file's history if it was committed, and set it with ${set}`,
    );
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/** An OpenSSH or PEM private key block: the armour lines and base64 (PEM headers allowed) between them. */
const PRIVATE_KEY =
  /^-----BEGIN ((?:OPENSSH|RSA|EC|DSA|ENCRYPTED) )?PRIVATE KEY-----\r?\n[A-Za-z0-9+/=:,\s-]+?\r?\n-----END \1?PRIVATE KEY-----$/;
const PUBLIC_KEY = /^(ssh-[a-z0-9]+|ecdsa-sha2-[a-z0-9]+|sk-[a-z0-9@.-]+) AAAA/;
/**
 * The look of a path: one line that starts like one (~, /, ./, ../, C:\) and holds no character that is rare in
 * paths and common in keys and JSON, or a key file's usual name alone.
 */
const looksLikePath = (value: string) =>
  /^(~|\.{0,2}\/|[A-Za-z]:\\)[^"'{}[\]<>|*?\r\n]*$/.test(value) || /^(id_\w+|[\w.-]+\.(pem|key))$/.test(value);

function sshKeyProblem(value: string): string | undefined {
  if (PRIVATE_KEY.test(value)) return undefined;
  if (PUBLIC_KEY.test(value)) {
    return (
      "sshPrivateKey: holds a public key: the stack needs the private one (the key file without .pub): " + SET_SSH_KEY
    );
  }
  if (looksLikePath(value)) {
    return (
      "sshPrivateKey: holds a file path, not the key: the stack logs in with the key file's content, which `<` " +
      `reads: ${SET_SSH_KEY} (with your key file's path after <)`
    );
  }
  return (
    "sshPrivateKey: is not a private key in OpenSSH or PEM form, the whole content of a key file: set it with " +
    `${SET_SSH_KEY} (with your key file's path after <)`
  );
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** What zmsetup.pl's config file can carry (components/render/zimbra.ts checks the same when it renders it). */
const ZIMBRA_PASSWORD_MIN = 6;

/**
 * Checks the shape of each secret that is set. nodeNames: the cluster's node names, as far as they are known (the
 * names fencePasswords may hold).
 */
export function checkSecrets(raw: RawSecrets, nodeNames: readonly string[]): CheckedSecrets {
  const problems: string[] = [];

  const sshKey = raw.sshPrivateKey?.trim();
  if (sshKey) {
    const problem = sshKeyProblem(sshKey);
    if (problem) problems.push(problem);
  }

  const authkey = raw.corosyncAuthkey?.trim();
  const corosyncAuthkey = !authkey
    ? ("missing" as const)
    : BASE64.test(authkey)
      ? Buffer.from(authkey, "base64").length
      : -1;

  const admin = raw.zimbraAdminPassword;
  if (admin !== undefined) {
    const setAdmin = `set another with \`pulumi config set --secret zimbraAdminPassword\` (${PROMPTED})`;
    if (admin.trim() === "") problems.push(`zimbraAdminPassword: is empty: ${setAdmin}`);
    else if (/["\r\n]/.test(admin))
      problems.push(
        "zimbraAdminPassword: must not contain a double quote or a line break (zmsetup.pl's config file cannot carry " +
          `them): ${setAdmin}`,
      );
    else if (admin.length < ZIMBRA_PASSWORD_MIN)
      problems.push(
        `zimbraAdminPassword: must be at least ${ZIMBRA_PASSWORD_MIN} characters (Zimbra's default ` +
          `zimbraPasswordMinLength): ${setAdmin}`,
      );
  }

  const fence = checkFencePasswords(raw.fencePasswords, nodeNames);
  problems.push(...fence.problems);

  return {
    presence: {
      sshPrivateKey: !!sshKey,
      fencePasswords: fence.names,
      fencePasswordBytes: fence.bytes,
      corosyncAuthkey,
      zimbraAdminPassword: raw.zimbraAdminPassword !== undefined,
    },
    problems,
    fencePasswords: fence.value,
  };
}

function checkFencePasswords(
  text: string | undefined,
  nodeNames: readonly string[],
): { names: string[]; bytes?: Record<string, number>; problems: string[]; value?: Record<string, unknown> } {
  if (text === undefined) return { names: [], problems: [] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text it could not parse: the password itself.
    value = undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      names: [],
      problems: [
        "fencePasswords: is one value, not a password per node (set without --path): remove it with " +
          `\`pulumi config rm fencePasswords\` and set each node's with ${setFencePassword("<node>")}`,
      ],
    };
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const problems: string[] = [];
  const names = entries.map(([name]) => name).filter((name) => nodeNames.includes(name));
  for (const [name, password] of entries) {
    if (!nodeNames.includes(name)) continue;
    if (typeof password !== "string")
      problems.push(`fencePasswords.${name}: is not a text value: set it with ${setFencePassword(name)}`);
    else if (password === "") problems.push(`fencePasswords.${name}: is empty: set it with ${setFencePassword(name)}`);
  }
  const strays = entries.length - names.length;
  // Without node names (the cluster object is not readable), which entries stray is not known.
  if (strays > 0 && nodeNames.length > 0) {
    // Their names are not shown: a value set whole, without --path, may look like an object, names and all.
    problems.push(
      `fencePasswords: ${strays} entr${strays === 1 ? "y is" : "ies are"} not named after a node ` +
        `(${nodeNames.join(", ")}): Pulumi.<stack>.yaml shows the names (not the passwords) ` +
        "under zimbra-ha:fencePasswords; remove each with `pulumi config rm --path 'fencePasswords.NAME'`",
    );
  }
  const bytes = Object.fromEntries(
    entries.filter(([, p]) => typeof p === "string").map(([name, p]) => [name, Buffer.byteLength(p as string)]),
  );
  return { names, bytes, problems, value: value as Record<string, unknown> };
}
