/**
 * LAB HARNESS, not Pulumi: runs the program under the Node SDK's mock runtime and executes
 * each `command:remote:Command` on the node its connection names, over ssh, with the command
 * provider's semantics: a command runs once it is registered, which the SDK does only after
 * all its dependencies have finished; stdin is passed, no environment; stdout/stderr become
 * its outputs (downstream commands see them); a failure fails everything that depends on it.
 * `destroy` runs each command's `delete` in reverse dependency order.
 *
 * It has no state and computes no diffs (the Pulumi engine does both): every `up` runs every
 * command, which are idempotent by design. Only the RandomBytes value is kept (in a state
 * file beside the lab) so that a re-apply sees the same authkey, as Pulumi's state would.
 *
 * Usage: tsx tests/harness/lab-apply.ts up|destroy|plan --stack FILE --key KEYFILE
 *        [--hostkeys hostkeys.json] [--state state.json] [--log log.json] [--only REGEX]
 * --only runs just the commands whose name matches (benchmarks: one node's steps alone).
 */
import { spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { installRecordingMocks, NewResource, Registration, unwrapSecrets } from "./mock-runtime";
import { readStackFile } from "../../components/stackfile";
import { parseClusterConfig } from "../../components/validate";

export interface CommandLog {
  name: string;
  host: string;
  phase: "create" | "delete";
  start: number;
  end: number;
  exitCode: number;
  stdout: string;
  stderr: string;
}

interface Args {
  mode: "up" | "destroy" | "plan";
  stack: string;
  key: string;
  hostkeys?: string;
  state: string;
  log?: string;
  only?: RegExp;
}

function parseArgs(argv: string[]): Args {
  const mode = argv[0] as Args["mode"];
  if (!["up", "destroy", "plan"].includes(mode)) throw new Error("usage: lab-apply.ts up|destroy|plan --stack FILE --key KEYFILE [...]");
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return { mode, stack: get("--stack")!, key: get("--key")!, hostkeys: get("--hostkeys"), state: get("--state") ?? path.join(os.tmpdir(), "zha-harness-state.json"), log: get("--log"), only: get("--only") ? new RegExp(get("--only")!) : undefined };
}

/** Runs one command line on a host over ssh, stdin piped, pinned host key when given. */
export function sshRun(conn: { host: string; port?: number; user?: string; hostKey?: string }, keyFile: string, commandLine: string, stdin: string | undefined): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zha-ssh-"));
  const knownHosts = path.join(dir, "known_hosts");
  const port = conn.port ?? 22;
  const hostField = port === 22 ? conn.host : `[${conn.host}]:${port}`;
  if (conn.hostKey) fs.writeFileSync(knownHosts, `${hostField} ${conn.hostKey}\n`);
  const args = [
    "-i", keyFile, "-p", String(port),
    "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "ConnectTimeout=15", "-o", "ServerAliveInterval=15",
    "-o", `UserKnownHostsFile=${knownHosts}`, "-o", `StrictHostKeyChecking=${conn.hostKey ? "yes" : "no"}`, "-o", "LogLevel=ERROR",
    `${conn.user ?? "root"}@${conn.host}`, "--", commandLine,
  ];
  return new Promise((resolve) => {
    const child = spawn("ssh", args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.stdin.on("error", () => undefined);
    child.stdin.end(stdin ?? "");
    child.on("close", (code) => {
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ code: code ?? 255, stdout, stderr });
    });
  });
}

function loadState(file: string): Record<string, string> {
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
}

function saveState(file: string, state: Record<string, string>) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(state, null, 2), { mode: 0o600 });
}

const isSecretCommand = (inputs: any) => inputs.logging === "none";
const redact = (inputs: any, text: string) => (isSecretCommand(inputs) ? "[secret]" : text);

/** Builds the program; `execute` decides what a command registration does. */
async function buildProgram(args: Args, execute: (r: { name: string; inputs: any }) => Promise<{ stdout: string; stderr: string }>) {
  const raw = readStackFile(path.resolve(args.stack)).cluster as any;
  if (args.hostkeys && fs.existsSync(args.hostkeys)) {
    const keys = JSON.parse(fs.readFileSync(args.hostkeys, "utf8"));
    for (const node of raw.nodes) if (keys[node.name]) node.ssh = { ...node.ssh, hostKey: keys[node.name] };
  }
  const cfg = parseClusterConfig(raw, { sshPrivateKey: true });
  const state = loadState(args.state);
  const newResource: NewResource = async (res) => {
    if (res.type === "random:index/randomBytes:RandomBytes") {
      const key = `random:${res.name}`;
      state[key] ??= crypto.randomBytes(res.inputs.length).toString("base64");
      saveState(args.state, state);
      return { id: res.name, state: { ...res.inputs, base64: state[key], hex: Buffer.from(state[key], "base64").toString("hex") } };
    }
    if (res.type === "command:remote:Command") {
      const out = await execute({ name: res.name, inputs: unwrapSecrets(res.inputs) });
      return { id: res.name, state: { ...res.inputs, ...out } };
    }
    return { id: res.name, state: res.inputs };
  };
  const recorder = installRecordingMocks(newResource);
  const pulumi = await import("@pulumi/pulumi");
  const { buildCluster } = await import("../../components/cluster");
  buildCluster(cfg, pulumi.secret(fs.readFileSync(args.key, "utf8")));
  return recorder;
}

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const logs: CommandLog[] = [];
  const t0 = Date.now();
  const failures: string[] = [];
  const say = (line: string) => process.stdout.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${line}\n`);

  const runOne = async (name: string, inputs: any, phase: "create" | "delete") => {
    const line = phase === "create" ? inputs.create : inputs.delete;
    const start = Date.now();
    say(`${phase} ${name} ...`);
    const result = await sshRun(inputs.connection, args.key, line, phase === "create" ? inputs.stdin : undefined);
    const entry: CommandLog = { name, host: inputs.connection.host, phase, start, end: Date.now(), exitCode: result.code, stdout: redact(inputs, result.stdout), stderr: redact(inputs, result.stderr) };
    logs.push(entry);
    const shown = entry.stdout.trim().split("\n").filter(Boolean).slice(-3).join(" | ");
    say(`${phase} ${name}: exit ${result.code} in ${((entry.end - start) / 1000).toFixed(1)}s${shown ? `: ${shown}` : ""}`);
    if (result.code !== 0) {
      failures.push(`${name} (${inputs.connection.host}) exited ${result.code}: ${entry.stderr.trim() || entry.stdout.trim()}`);
      throw new Error(`${name} failed on ${inputs.connection.host} (exit ${result.code}): ${entry.stderr.trim()}`);
    }
    return { stdout: result.stdout, stderr: result.stderr };
  };

  let exitCode = 0;
  if (args.mode === "up") {
    const recorder = await buildProgram(args, async ({ name, inputs }) => (args.only && !args.only.test(name) ? { stdout: "", stderr: "" } : runOne(name, inputs, "create")));
    const onUnhandled = (e: unknown) => {
      if (!failures.length) failures.push(String(e));
    };
    process.on("unhandledRejection", onUnhandled);
    await recorder.settled(3000);
    process.off("unhandledRejection", onUnhandled);
    exitCode = failures.length ? 1 : 0;
  } else {
    const recorder = await buildProgram(args, async () => ({ stdout: "", stderr: "" }));
    await recorder.settled();
    const commands = recorder.registrations.filter((r) => r.type === "command:remote:Command");
    if (args.mode === "plan") {
      for (const c of commands) say(`${c.name} <- [${c.dependsOn.join(", ")}] ${c.inputs.create}`);
    } else {
      exitCode = (await destroyInReverse(commands, (c) => runOne(c.name, c.inputs, "delete").then(() => undefined))) ? 0 : 1;
    }
  }
  if (args.log) {
    fs.mkdirSync(path.dirname(args.log), { recursive: true });
    fs.writeFileSync(args.log, JSON.stringify({ mode: args.mode, seconds: (Date.now() - t0) / 1000, commands: logs, failures }, null, 2));
  }
  say(failures.length ? `FAILED:\n  ${failures.join("\n  ")}` : `${args.mode}: done in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return exitCode;
}

/** Deletes run once every command that depends on them has been deleted; independent ones in parallel. */
async function destroyInReverse(commands: Registration[], remove: (c: Registration) => Promise<void>): Promise<boolean> {
  const names = new Set(commands.map((c) => c.name));
  const dependents = new Map<string, Set<string>>(commands.map((c) => [c.name, new Set<string>()]));
  for (const c of commands) for (const d of c.dependsOn) if (names.has(d)) dependents.get(d)!.add(c.name);
  const done = new Set<string>();
  let ok = true;
  while (done.size < commands.length && ok) {
    const wave = commands.filter((c) => !done.has(c.name) && [...dependents.get(c.name)!].every((d) => done.has(d)));
    const results = await Promise.allSettled(wave.map((c) => (c.inputs.delete ? remove(c) : Promise.resolve())));
    results.forEach((r, i) => (r.status === "fulfilled" ? done.add(wave[i].name) : (ok = false)));
  }
  return ok;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
