/**
 * readStackInput: the stack config as the engine hands it to the program. No problem it reports
 * may hold a byte of a secret, whatever shape the secret has: long random values, with quotes,
 * braces, newlines, text that looks like JSON or like a key file.
 */
import * as pulumi from "@pulumi/pulumi";
import { installRecordingMocks, echoInputs } from "../tools/mock-runtime";
import { readStackInput } from "../components/stack-input";
import { ConfigError } from "../components/validate";
import { variantCluster } from "./engine/stack-file";

/** Deterministic: a chance match of four random characters cannot make the test flaky. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (alphabet: string, length: number) =>
    Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
  return { next, pick };
}
const rnd = random(20261204);
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("") + "\n\t\"'{}[]:,\\";
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const text = (length = 300) => rnd.pick(PRINTABLE, length);
const word = (length = 8) => rnd.pick("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", length);
/** Text that looks like JSON (and some of it is): quotes, braces, colons, escapes, newlines. */
const jsonish = () =>
  [
    `{"${word()}": "${text(120).replace(/["\\]/g, "")}", "${word()}": [${rnd.pick("0123456789", 12)}, "${word(30)}"]}`,
    `{"${word()}": "${text(280)}`,
    `"${text(290).replace(/["\\]/g, "")}"`,
    `[{"${word()}":{"${word()}":"${word(200)}"}}]`,
    JSON.stringify({ [word()]: text(250), [word()]: { [word()]: word(40) } }),
  ][Math.floor(rnd.next() * 5)];

const NODES = ["primary", "secondary"];

interface Case {
  name: string;
  /** zimbra-ha:<key> → value; fencePasswords as its JSON text. */
  config: Record<string, string>;
  /** The secret values no message may show any part of (for fencePasswords by node: the passwords). */
  secrets: string[];
  /** The key each problem must name. */
  expect: RegExp[];
}

/** What zmsetup.pl's config file can carry: no double quote, no line break. */
const adminPassword = () => text().replace(/["\r\n]/g, "");

/** Well-formed secrets: every node's fence password, a Zimbra admin password. */
function goodSecrets() {
  const config = {
    sshPrivateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${rnd.pick(BASE64, 280)}\n-----END OPENSSH PRIVATE KEY-----\n`,
    corosyncAuthkey: Buffer.from(rnd.pick(BASE64, 256)).toString("base64"),
    // IPMI (the stack's fence_ipmilan) sends at most 20 bytes.
    fencePasswords: JSON.stringify({ primary: text(20), secondary: text(20) }),
    zimbraAdminPassword: adminPassword(),
  };
  const values = [
    config.sshPrivateKey.split("\n")[1],
    config.corosyncAuthkey,
    ...Object.values(JSON.parse(config.fencePasswords) as Record<string, string>),
    config.zimbraAdminPassword,
  ];
  return { config, values };
}

function cases(): Case[] {
  const out: Case[] = [];
  const { config: good, values: goodValues } = goodSecrets();
  const add = (name: string, key: keyof typeof good, value: string, expect: RegExp[], secrets = [value]) =>
    out.push({ name, config: { ...good, [key]: value }, secrets: [...goodValues, ...secrets], expect });
  for (let i = 0; i < 5; i++) {
    add(`sshPrivateKey random ${i}`, "sshPrivateKey", text(), [/^sshPrivateKey: /]);
    add(`sshPrivateKey JSON-ish ${i}`, "sshPrivateKey", jsonish(), [/^sshPrivateKey: /]);
    // The fix names ~/.ssh/id_ed25519: what is the user's own is the file's name.
    const file = word(300);
    add(`sshPrivateKey a path ${i}`, "sshPrivateKey", `~/.ssh/${file}`, [/^sshPrivateKey: holds a file path/], [file]);
    add(`sshPrivateKey an absolute path ${i}`, "sshPrivateKey", `/${word(150)}/${word(150)}.pem`, [
      /^sshPrivateKey: holds a file path/,
    ]);
    const broken = `-----BEGIN OPENSSH PRIVATE KEY-----\n${text(260)}\n-----END OPENSSH PRIVATE KEY-----\n`;
    add(
      `sshPrivateKey armoured, not base64 ${i}`,
      "sshPrivateKey",
      broken,
      [/^sshPrivateKey: /],
      [broken.slice(36, -34)],
    );
    // A public key's type (ssh-ed25519) is no secret; its base64 is checked.
    const publicKey = rnd.pick(BASE64, 300);
    add(
      `sshPrivateKey a public key ${i}`,
      "sshPrivateKey",
      `ssh-ed25519 AAAA${publicKey}`,
      [/^sshPrivateKey: holds a public key/],
      [publicKey],
    );
    add(`corosyncAuthkey random ${i}`, "corosyncAuthkey", text(), [/^corosyncAuthkey: /]);
    add(`corosyncAuthkey JSON-ish ${i}`, "corosyncAuthkey", jsonish(), [/^corosyncAuthkey: /]);
    add(`corosyncAuthkey base64, too short ${i}`, "corosyncAuthkey", rnd.pick(BASE64, 120), [/^corosyncAuthkey: /]);
    add(`corosyncAuthkey base64, too long ${i}`, "corosyncAuthkey", rnd.pick(BASE64, 300).repeat(20), [
      /^corosyncAuthkey: /,
    ]);
    add(`fencePasswords one random value ${i}`, "fencePasswords", text(), [
      /^fencePasswords: is one value/,
      /^fencePasswords\.primary: missing/,
      /^fencePasswords\.secondary: missing/,
    ]);
    add(`fencePasswords one JSON-ish value ${i}`, "fencePasswords", jsonish(), [
      /^fencePasswords: (is one value|\d entr)/,
      /^fencePasswords\.primary: missing/,
      /^fencePasswords\.secondary: missing/,
    ]);
    const [p, q, r] = [text(20), text(), text()];
    add(
      `fencePasswords an object with a stray name and a non-text value ${i}`,
      "fencePasswords",
      JSON.stringify({ primary: p, secondary: { [word()]: q }, [word(12)]: r }),
      [/^fencePasswords\.secondary: is not a text value/, /^fencePasswords: 1 entry is not named after a node/],
      [p, q, r],
    );
    // A well-formed password, beside a problem with another secret.
    const admin = adminPassword();
    out.push({
      name: `zimbraAdminPassword random, a bad authkey beside it ${i}`,
      config: { ...good, zimbraAdminPassword: admin, corosyncAuthkey: "c2hvcnQ=" },
      secrets: [...goodValues, admin],
      expect: [/^corosyncAuthkey: must be base64 of 128 to 4096 random bytes \(it decodes to 5\)/],
    });
  }
  add("zimbraAdminPassword with a double quote", "zimbraAdminPassword", `${text(150)}"${text(150)}`, [
    /^zimbraAdminPassword: must not contain a double quote or a line break/,
  ]);
  add("zimbraAdminPassword with a line break", "zimbraAdminPassword", `${adminPassword()}\n${adminPassword()}`, [
    /^zimbraAdminPassword: must not contain a double quote or a line break/,
  ]);
  add("zimbraAdminPassword too short", "zimbraAdminPassword", word(5), [/^zimbraAdminPassword: must be at least 6/]);
  add("zimbraAdminPassword empty", "zimbraAdminPassword", "", [/^zimbraAdminPassword: is empty/], []);
  const secondary = text();
  add(
    "fencePasswords.primary empty",
    "fencePasswords",
    JSON.stringify({ primary: "", secondary }),
    [/^fencePasswords\.primary: is empty/],
    [secondary],
  );
  return out;
}

function problemsOf(config: Record<string, string>): { problems: string[]; message: string } {
  installRecordingMocks(echoInputs);
  const all: Record<string, string> = { "zimbra-ha:cluster": JSON.stringify(variantCluster("secrets")) };
  for (const [key, value] of Object.entries(config)) all[`zimbra-ha:${key}`] = value;
  pulumi.runtime.setAllConfig(
    all,
    Object.keys(all).filter((k) => k !== "zimbra-ha:cluster"),
  );
  try {
    readStackInput();
  } catch (e) {
    // A RunError: the engine prints its message, nothing else (no stack).
    if (e instanceof ConfigError) return { problems: e.problems, message: e.message };
    // Anything else the program throws reaches the user too: it is checked the same way.
    return { problems: [], message: `${e}\n${(e as Error).stack}` };
  }
  return { problems: [], message: "" };
}

/** The first run of four or more characters of `secret` found in `message`. */
function sharedRun(secret: string, message: string, min = 4): string | undefined {
  for (let i = 0; i + min <= secret.length; i++) {
    const run = secret.slice(i, i + min);
    if (message.includes(run)) return run;
  }
  return undefined;
}

test("the fence password names are the cluster's nodes", () => {
  expect(variantCluster("secrets").nodes.map((n: any) => n.name)).toEqual(NODES);
});

test("well-formed secrets read without a problem, each handed on as a secret", async () => {
  const { config } = goodSecrets();
  expect(problemsOf(config)).toEqual({ problems: [], message: "" });
  const input = readStackInput();
  for (const value of Object.values(input.secrets)) expect(await (value as any).isSecret).toBe(true);
});

test.each(cases().map((c) => [c.name, c] as const))(
  "%s: refused, naming the key, and no message holds four characters in a row of any secret",
  (_name, c) => {
    const { problems, message } = problemsOf(c.config);
    expect(problems).toEqual(c.expect.map((re) => expect.stringMatching(re)));
    for (const secret of c.secrets) expect(sharedRun(secret, message)).toBeUndefined();
  },
);

test("cluster set as one value (without --path): refused with the way to set it, never quoting it", () => {
  const { config } = goodSecrets();
  installRecordingMocks(echoInputs);
  const all: Record<string, string> = { "zimbra-ha:cluster": "tokenMs=3917" };
  for (const [key, value] of Object.entries(config)) all[`zimbra-ha:${key}`] = value;
  pulumi.runtime.setAllConfig(
    all,
    Object.keys(config).map((k) => `zimbra-ha:${k}`),
  );
  expect(() => readStackInput()).toThrow(ConfigError);
  try {
    readStackInput();
  } catch (e) {
    expect((e as ConfigError).problems).toEqual([
      expect.stringMatching(
        /^cluster: is one value, not the cluster's settings \(set without --path\): remove it with `pulumi config rm cluster`, append an example's config block .* `pulumi config set --path 'cluster\.FIELD' VALUE`$/,
      ),
    ]);
    expect((e as Error).message).not.toContain("3917");
  }
});

test("a secret set without --secret (plain text in the stack file): refused with the way to set it, unquoted", () => {
  const { config, values } = goodSecrets();
  installRecordingMocks(echoInputs);
  const all: Record<string, string> = { "zimbra-ha:cluster": JSON.stringify(variantCluster("secrets")) };
  for (const [key, value] of Object.entries(config)) all[`zimbra-ha:${key}`] = value;
  const plain = ["zimbra-ha:sshPrivateKey", "zimbra-ha:fencePasswords"];
  pulumi.runtime.setAllConfig(
    all,
    Object.keys(all).filter((k) => k !== "zimbra-ha:cluster" && !plain.includes(k)),
  );
  let error: unknown;
  try {
    readStackInput();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).problems).toEqual([
    expect.stringMatching(
      /^sshPrivateKey: is stored in plain text in the stack file \(set without --secret\): remove it with `pulumi config rm sshPrivateKey`.* `pulumi config set --secret sshPrivateKey < ~\/\.ssh\/id_ed25519`/,
    ),
    expect.stringMatching(
      /^fencePasswords: is stored in plain text .* `pulumi config set --secret --path 'fencePasswords\.NODE'`/,
    ),
  ]);
  for (const secret of values) expect(sharedRun(secret, (error as Error).message)).toBeUndefined();
});
