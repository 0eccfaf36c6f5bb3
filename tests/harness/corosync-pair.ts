/**
 * Two real corosync processes on this machine, each in a network namespace of its own joined
 * by veth pairs (one per knet link), each with its own /etc/corosync, /var/lib/corosync,
 * /var/log/corosync, /run and /dev/shm mounted over the host's in a private mount namespace.
 * Commands run "on" a node see that node's corosync, as they would on a cluster node.
 * Needs root, iproute2, unshare and corosync.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CorosyncView } from "../../components/render/corosync";

const have = (bin: string) => spawnSync("sh", ["-c", `command -v ${bin}`]).status === 0;

/** Whether this machine can run the pair; `why` says what is missing. */
export function corosyncPairSupport(): { ok: boolean; why: string } {
  if (process.getuid?.() !== 0) return { ok: false, why: "it needs root (network and mount namespaces)" };
  for (const bin of ["ip", "unshare", "corosync", "corosync-cfgtool", "corosync-cmapctl"])
    if (!have(bin)) return { ok: false, why: `${bin} is not installed` };
  return { ok: true, why: "" };
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The address of node `node` (0 or 1) on link `link`. */
export function pairAddress(node: number, link: number): string {
  return `10.213.${link}.${node + 1}`;
}

/** The corosync view of the pair: node0 and node1 on LINKS knet links, short timers; CHANGE overrides. */
export function pairView(clusterName: string, links: number, change: Partial<CorosyncView> = {}): CorosyncView {
  return {
    clusterName,
    transport: "knet",
    tokenMs: 3000,
    tokenRetransmitsBeforeLoss: 4,
    joinMs: 60,
    consensusMs: 3600,
    maxMessages: 20,
    cryptoCipher: "aes256",
    cryptoHash: "sha256",
    links: Array.from({ length: links }, (_, number) => ({ number, knet: true, port: 5405 + number })),
    nodes: [0, 1].map((node) => ({
      name: `node${node}`,
      nodeId: node + 1,
      addresses: Array.from({ length: links }, (_, number) => ({ number, address: pairAddress(node, number) })),
    })),
    twoNode: true,
    ...change,
  };
}

export class CorosyncPair {
  readonly dir: string;
  private readonly tag = `zhc${process.pid % 100000}`;
  private readonly links = new Set<number>();
  /** Process groups of the daemons `background` started: `destroy` ends them. */
  private readonly daemons: number[] = [];

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "corosync-pair-"));
    for (const node of [0, 1]) {
      for (const sub of ["etc", "lib", "log", "run", "shm"]) fs.mkdirSync(this.nodeDir(node, sub), { recursive: true });
      this.must(`ip netns add ${this.ns(node)} && ip -n ${this.ns(node)} link set lo up`);
    }
    // A stand-in for systemd, which this machine does not run: "corosync is active" when its pid is alive.
    const bin = path.join(this.dir, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(
      path.join(bin, "systemctl"),
      '#!/bin/sh\n[ "$1" = is-active ] && [ -s /run/corosync.pid ] && kill -0 "$(cat /run/corosync.pid)" 2>/dev/null\n',
      { mode: 0o755 },
    );
    this.addLink(0);
  }

  /** Connects the two namespaces with one more veth pair: knet link `link`. */
  addLink(link: number): void {
    if (this.links.has(link)) return;
    const [a, b] = [`${this.tag}a${link}`, `${this.tag}b${link}`];
    this.must(
      `ip link add ${a} type veth peer name ${b} && ip link set ${a} netns ${this.ns(0)} && ip link set ${b} netns ` +
        `${this.ns(1)}`,
    );
    [a, b].forEach((dev, node) =>
      this.must(
        `ip -n ${this.ns(node)} addr add ${pairAddress(node, link)}/24 dev ${dev} && ip -n ${this.ns(node)} link ` +
          `set ${dev} up`,
      ),
    );
    this.links.add(link);
  }

  /** Writes /etc/corosync/<name> on `node`. */
  write(node: number, name: string, content: string | Buffer, mode = 0o644): void {
    const file = path.join(this.nodeDir(node, "etc"), name);
    fs.writeFileSync(file, content, { mode });
    fs.chmodSync(file, mode);
  }

  /** Puts a command in front of the real one for every script run on the nodes. */
  writeTool(name: string, script: string): void {
    fs.writeFileSync(path.join(this.dir, "bin", name), script, { mode: 0o755 });
  }

  removeTool(name: string): void {
    fs.rmSync(path.join(this.dir, "bin", name), { force: true });
  }

  /** Runs a shell script on `node`. */
  sh(node: number, script: string, timeoutMs = 120000): RunResult {
    const r = spawnSync("ip", this.onNode(node, script), {
      encoding: "utf8",
      timeout: timeoutMs,
      env: { ...process.env, PATH: `${path.join(this.dir, "bin")}:${process.env.PATH}` },
    });
    return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
  }

  /**
   * Starts corosync on `node` in the foreground of a detached process and waits until it
   * answers on its IPC, as `systemctl start corosync` does (Type=notify).
   */
  start(node: number): void {
    const child = spawn("ip", this.onNode(node, "exec corosync -f"), {
      detached: true,
      stdio: ["ignore", fs.openSync(path.join(this.dir, `corosync-${node}.out`), "a"), "ignore"],
    });
    child.unref();
    this.sh(
      node,
      "for i in $(seq 100); do corosync-cmapctl -g totem.cluster_name >/dev/null 2>&1 && exit 0; sleep 0.1; done",
    );
  }

  /** Runs a long-lived daemon on `node` (`exec DAEMON -f ...`), its output in `<dir>/<name>.out`. */
  background(node: number, script: string, name: string): void {
    const out = fs.openSync(path.join(this.dir, `${name}.out`), "a");
    const child = spawn("ip", this.onNode(node, script), {
      detached: true,
      stdio: ["ignore", out, out],
      env: { ...process.env, PATH: `${path.join(this.dir, "bin")}:${process.env.PATH}` },
    });
    child.unref();
    if (child.pid) this.daemons.push(child.pid);
  }

  /** Stops corosync on `node` and waits until it is gone. */
  stop(node: number): void {
    this.sh(
      node,
      "[ -s /run/corosync.pid ] && kill $(cat /run/corosync.pid); for i in $(seq 50); do [ -e /run/corosync.pid ] " +
        "&& kill -0 $(cat /run/corosync.pid) 2>/dev/null || exit 0; sleep 0.2; done; exit 1",
    );
  }

  /** How many nodes `node`'s corosync sees as joined members. */
  members(node: number): number {
    const out = this.sh(node, "corosync-cmapctl -b runtime.members 2>/dev/null").stdout;
    return (out.match(/\.status \(str\) = joined/g) ?? []).length;
  }

  /** Waits until `node` sees `count` members; false after `timeoutMs`. */
  waitMembers(node: number, count: number, timeoutMs: number): boolean {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (this.members(node) === count) return true;
      spawnSync("sleep", ["0.5"]);
    }
    return false;
  }

  /** The ring id `node` reports (changes with every membership change). */
  ringId(node: number): string {
    return /Ring ID:\s*(\S+)/.exec(this.sh(node, "corosync-quorumtool -s").stdout)?.[1] ?? "";
  }

  /** `node`'s corosync log. */
  log(node: number): string {
    const file = path.join(this.nodeDir(node, "log"), "corosync.log");
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  }

  /** `node`'s corosync log once it holds `text`, or as it is after `timeoutMs` (corosync writes it asynchronously). */
  logWith(node: number, text: string, timeoutMs = 10000): string {
    const until = Date.now() + timeoutMs;
    let log = this.log(node);
    while (!log.includes(text) && Date.now() < until) {
      spawnSync("sleep", ["0.2"]);
      log = this.log(node);
    }
    return log;
  }

  destroy(): void {
    for (const group of this.daemons.splice(0)) {
      try {
        process.kill(-group, "SIGTERM");
      } catch {
        // already gone
      }
    }
    for (const node of [0, 1]) {
      this.stop(node);
      spawnSync("ip", ["netns", "del", this.ns(node)]);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private ns(node: number): string {
    return `${this.tag}-${node}`;
  }

  /** `ip` arguments that run `script` in `node`'s network namespace with its own folders mounted. */
  private onNode(node: number, script: string): string[] {
    return [
      "netns",
      "exec",
      this.ns(node),
      "unshare",
      "-m",
      "--propagation",
      "private",
      "sh",
      "-c",
      this.enter(node) + script,
    ];
  }

  private nodeDir(node: number, sub: string): string {
    return path.join(this.dir, `node${node}`, sub);
  }

  private enter(node: number): string {
    const mounts: [string, string][] = [
      ["etc", "/etc/corosync"],
      ["lib", "/var/lib/corosync"],
      ["log", "/var/log/corosync"],
      ["shm", "/dev/shm"],
      ["run", "/run"],
    ];
    return mounts.map(([sub, at]) => `mount --bind ${this.nodeDir(node, sub)} ${at} && `).join("") + "cd / && ";
  }

  private must(script: string): void {
    const r = spawnSync("sh", ["-c", script], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${script}: ${r.stderr}`);
  }
}
