/**
 * DRBD judge, per node and resource: `drbdadm -c drbd.conf dump RES` and the dry run
 * `drbdadm -c drbd.conf -d up RES` (the drbdsetup/drbdmeta commands DRBD would run), with
 * __DRBD_NODE__ set to the node, in a throwaway network namespace holding that node's ring
 * addresses: drbdadm then reports an `address` that is not the node's own.
 * Judge-side adaptations:
 *  - drbd.conf in the sandbox includes every .res rendered for the node, as the host's
 *    /etc/drbd.conf does, so clashes between resources (ports, minors, disks) are seen;
 *  - no DRBD kernel module is needed: DRBD_DRIVER_VERSION_OVERRIDE tells drbdadm the module
 *    the supported distros ship in their kernels (8.4.11), so the 8.4 syntax and command set
 *    are judged, as on the hosts.
 */
import * as fs from "fs";
import * as path from "path";
import { ClusterConfig } from "../../../components/config";
import { lines, judgeNotInstalled } from "../exec";
import { runInNetns } from "../netns";
import { nodePath, RenderedFiles } from "../render";
import { fail, Item, judged, Section } from "../types";
import { drbdHolders } from "../../../components/drbd-holders";
import { drbdResPath } from "../../../components/host-paths";

/** The DRBD module in the kernels of debian-12, ubuntu-22.04 and ubuntu-24.04. */
export const KERNEL_DRBD_VERSION = "8.4.11";
const NOISE = [/found __DRBD_NODE__ in environment/, /PRETENDING that I am/, /modinfo: not found/];

export async function judgeDrbd(cfg: ClusterConfig, files: RenderedFiles, outDir: string): Promise<Section> {
  const section: Section = {
    id: "drbd",
    title: "DRBD: drbdadm dump and drbdadm -d up per node",
    note:
      `__DRBD_NODE__=<node>, DRBD_DRIVER_VERSION_OVERRIDE=${KERNEL_DRBD_VERSION} (the in-kernel module of the ` +
      `supported distros), in a network namespace holding the node's ring addresses`,
    items: [],
  };
  if (cfg.drbd.resources.length === 0)
    return { ...section, items: [{ title: "no DRBD resources in this stack", status: "skip", details: [] }] };
  const notInstalled = judgeNotInstalled("drbd");
  if (notInstalled) return { ...section, items: [notInstalled] };

  const dumps = new Map<string, Map<string, string>>(); // resource → node → drbdadm dump
  const jobs: Promise<Item>[] = [];
  for (const node of cfg.nodes) {
    const prefix = `${node.name}/etc/drbd.d/`;
    const resFiles = Object.keys(files).filter((f) => f.startsWith(prefix) && f.endsWith(".res"));
    const sandbox = path.join(outDir, "judge", "drbd", node.name);
    fs.mkdirSync(sandbox, { recursive: true });
    const conf = path.join(sandbox, "drbd.conf");
    fs.writeFileSync(
      conf,
      `# judge-side: what /etc/drbd.conf includes on ` +
        `${node.name}\n${resFiles.map((f) => `include "${path.join(outDir, f)}";`).join("\n")}\n`,
    );
    const env = { __DRBD_NODE__: node.name, DRBD_DRIVER_VERSION_OVERRIDE: KERNEL_DRBD_VERSION };
    for (const res of cfg.drbd.resources) {
      const holders = drbdHolders(cfg, res).map((n) => n.name);
      if (!holders.includes(node.name)) continue;
      jobs.push(
        (async (): Promise<Item> => {
          const title = `${node.name}: ${drbdResPath(res.name)}`;
          if (files[nodePath(node.name, drbdResPath(res.name))] === undefined)
            return fail(title, [`${drbdResPath(res.name)} was not rendered for node ${node.name}`]);
          const drbdadm = (args: string[]) =>
            runInNetns(node.ringAddresses, "drbdadm", ["-c", conf, ...args], { env, timeoutMs: 30000 });
          const dump = await drbdadm(["dump", res.name]);
          if (dump.code === 0) dumps.set(res.name, (dumps.get(res.name) ?? new Map()).set(node.name, dump.stdout));
          const up = await drbdadm(["-d", "up", res.name]);
          const problems: string[] = [];
          let previous = "";
          for (const [what, r] of [
            ["dump", dump],
            ["-d up", up],
          ] as const) {
            const said = lines(r.stderr, NOISE).map((l) => l.replace(/^\t/, "  "));
            const same = said.join("\n") === previous && said.length > 0;
            previous = said.join("\n");
            if (r.code !== 0)
              problems.push(
                `drbdadm ${what} ${res.name} exited ${r.code}${same ? " (same messages)" : said.length ? ":" : ""}`,
                ...(same ? [] : said.map((l) => `  ${l}`)),
              );
            else if (said.some((l) => /not found on this host/.test(l))) {
              problems.push(
                `drbdadm ${what}: an address of node ${node.name} is not one of its ring addresses ` +
                  `(${node.ringAddresses.join(", ")}):`,
                ...said.map((l) => `  ${l}`),
              );
            }
          }
          const uniqueProblems = [...new Set(problems)];
          const wouldRun = lines(up.stdout).map((l) => `  ${l}`);
          return judged(title, uniqueProblems, [
            `$ ${up.command}`,
            ...(wouldRun.length ? ["would run:", ...wouldRun] : []),
          ]);
        })(),
      );
    }
  }
  section.items.push(...(await Promise.all(jobs)));
  for (const res of cfg.drbd.resources) section.items.push(agreement(cfg, res.name, dumps.get(res.name) ?? new Map()));
  return section;
}

/** What drbdadm cannot see from one node: every holder's copy must agree, and each `on` address must be that node's. */
function agreement(cfg: ClusterConfig, res: string, dumps: Map<string, string>): Item {
  const title = `${res}: the holders' copies agree and each address is its node's own`;
  const holders = drbdHolders(
    cfg,
    cfg.drbd.resources.find((r) => r.name === res)!,
  ).map((n) => n.name);
  if (holders.some((h) => !dumps.has(h)))
    return { title, status: "skip", details: ["not every holder's copy could be dumped (see above)"] };
  const problems: string[] = [];
  const body = (dump: string) =>
    dump
      .split("\n")
      .filter((l) => !l.startsWith("#"))
      .join("\n");
  const ordered = holders.map((h) => [h, dumps.get(h)!] as const);
  const [first, ...rest] = ordered;
  for (const [node, dump] of rest)
    if (body(dump) !== body(first[1]))
      problems.push(`${node}'s copy differs from ${first[0]}'s: DRBD needs the same resource definition on both sides`);
  for (const [node, dump] of ordered) {
    for (const m of dump.matchAll(/on (\S+) \{[^}]*?address\s+ipv4 ([\d.]+):(\d+);/g)) {
      const owner = cfg.nodes.find((n) => n.name === m[1]);
      if (!owner) problems.push(`${node}'s copy has 'on ${m[1]}', which is not a cluster node`);
      else if (!owner.ringAddresses.includes(m[2]))
        problems.push(
          `${node}'s copy gives ${m[1]} the address ${m[2]}:${m[3]}, which is not one of ${m[1]}'s ring addresses ` +
            `(${owner.ringAddresses.join(", ")})`,
        );
    }
  }
  return judged(title, [...new Set(problems)]);
}
