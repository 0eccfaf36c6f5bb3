/** Runs the judge binaries: never through a shell string, always with a time limit, never throwing. */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { fail, Item } from "./types";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The command as a readable line, for the report. */
  command: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

const quote = (word: string) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

export function commandLine(cmd: string, args: string[], env: Record<string, string> = {}): string {
  const prefix = Object.entries(env).map(([k, v]) => `${k}=${quote(v)}`);
  return [...prefix, cmd, ...args].map((w, i) => (i < prefix.length ? w : quote(w))).join(" ");
}

export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const command = commandLine(cmd, args, opts.env);
  return new Promise((resolve) => {
    const child = spawn(cmd.includes("/") ? cmd : (findBinary(cmd) ?? cmd), args, {
      cwd: opts.cwd,
      env: { ...process.env, PATH: `${process.env.PATH ?? "/usr/bin:/bin"}:/usr/sbin:/sbin`, LC_ALL: "C", ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${opts.timeoutMs ?? 60000} ms)`;
      child.kill("SIGKILL");
    }, opts.timeoutMs ?? 60000);
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout, stderr: `${stderr}${err.message}`, command });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, command });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.input ?? "");
  });
}

/** The upstream tools each judge needs, with the Debian package that ships them. */
export const JUDGE_BINARIES: Record<string, { binaries: string[]; packages: string }> = {
  corosync: { binaries: ["corosync", "unshare", "ip"], packages: "corosync, util-linux, iproute2" },
  drbd: { binaries: ["drbdadm", "unshare", "ip"], packages: "drbd-utils, util-linux, iproute2" },
  pacemaker: {
    binaries: ["cibadmin", "crm_verify", "crm_diff", "crm_simulate", "crm_attribute", "xsltproc", "xmllint"],
    packages: "pacemaker-cli-utils, xsltproc, libxml2-utils",
  },
  shell: { binaries: ["shellcheck"], packages: "shellcheck" },
  firewall: { binaries: ["nft", "unshare", "ip"], packages: "nftables, util-linux, iproute2" },
};

/** Finds a binary on PATH (plus the sbin directories, where Debian puts the cluster tools). */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/sbin", "/sbin", "/usr/local/sbin"];
  for (const dir of dirs.filter(Boolean)) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Binaries a judge needs that are not installed. */
export function missingBinaries(judge: keyof typeof JUDGE_BINARIES): string[] {
  return JUDGE_BINARIES[judge].binaries.filter((b) => !findBinary(b));
}

/** The item a judge reports instead of its verdicts when a tool it needs is missing. */
export function judgeNotInstalled(judge: keyof typeof JUDGE_BINARIES): Item | undefined {
  const missing = missingBinaries(judge);
  if (!missing.length) return undefined;
  const packages = JUDGE_BINARIES[judge].packages.split(", ").join(" ");
  return fail("judge not installed", [`missing: ${missing.join(", ")} (Debian: apt-get install ${packages})`]);
}

/** Every missing judge binary, for the tests' skip-or-fail decision. */
export function missingJudges(): string[] {
  return unique(Object.keys(JUDGE_BINARIES).flatMap((j) => missingBinaries(j)));
}

/** Output lines with the judge's own noise removed. */
export function lines(text: string, noise: RegExp[] = []): string[] {
  return text
    .split("\n")
    .map((l) => l.replace(/\s+$/, ""))
    .filter((l) => l.trim() !== "" && !noise.some((re) => re.test(l)));
}

export function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
