/**
 * Runs a judge inside a throwaway network namespace that holds only loopback plus the given
 * node's addresses (on lo, /32), so tools that look for "the local node" by its interface
 * addresses (corosync -t, drbdadm) see the host as that node. The namespace has no route to
 * anything outside it and disappears with the process: nothing is added to real interfaces.
 */
import { findBinary, run, RunOptions, RunResult } from "./exec";

const SETUP = [
  "set -e",
  "ip link set lo up",
  'n=$1; shift; while [ "$n" -gt 0 ]; do ip addr add "$1/32" dev lo; shift; n=$((n - 1)); done',
  'exec "$@"',
].join("\n");

let mode: Promise<string[] | string> | undefined;

/**
 * unshare -n needs CAP_SYS_ADMIN; an unprivileged user gets one through a user namespace (-r).
 * Returns the flags, or why no namespace can be made here.
 */
function unshareFlags(): Promise<string[] | string> {
  mode ??= (async () => {
    const root = await run("unshare", ["-n", "true"], { timeoutMs: 10000 });
    if (root.code === 0) return ["-n"];
    const user = await run("unshare", ["-r", "-n", "true"], { timeoutMs: 10000 });
    if (user.code === 0) return ["-r", "-n"];
    return (
      `cannot create a network namespace here (unshare -n: ${root.stderr.trim() || root.code}; unshare -rn: ` +
      `${user.stderr.trim() || user.code}); the judge needs one to make the node's ring addresses local. Run as ` +
      `root, or allow user namespaces.`
    );
  })();
  return mode;
}

export async function runInNetns(
  addresses: string[],
  cmd: string,
  args: string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  const flags = await unshareFlags();
  const command = `[netns ${addresses.join(",")}] ${
    opts.env
      ? Object.entries(opts.env)
          .map(([k, v]) => `${k}=${v} `)
          .join("")
      : ""
  }${[cmd, ...args].join(" ")}`;
  if (typeof flags === "string") return { code: 125, stdout: "", stderr: flags, command };
  const result = await run(
    "unshare",
    [
      ...flags,
      "--",
      "sh",
      "-c",
      SETUP,
      "netns-judge",
      String(addresses.length),
      ...addresses,
      findBinary(cmd) ?? cmd,
      ...args,
    ],
    opts,
  );
  return { ...result, command };
}
