/**
 * Cross-field rules about values that are well-formed one by one but cannot work: a list
 * naming one thing twice, an apt source line apt cannot use. Each message names the field.
 */
import { ClusterConfig } from "./config";
import { parseSubnet, Subnet } from "./net";

type At = (path: string, message: string) => void;

export function checkLists(cfg: ClusterConfig, at: At): void {
  const lists: [string, readonly (string | number)[]][] = [
    ...cfg.drbd.resources.map((r, i): [string, string[]] => [`drbd.resources[${i}].nodes`, r.nodes ?? []]),
    ...cfg.pacemaker.groups.flatMap((g, i): [string, string[]][] => [
      [`pacemaker.groups[${i}].after`, g.after],
      [`pacemaker.groups[${i}].with`, g.with],
    ]),
    ["apt.sources", cfg.apt.sources.map(normaliseSource)],
    ["apt.extraPackages", cfg.apt.extraPackages],
    ["disableAtBoot", cfg.disableAtBoot],
    ["firewall.internalFrom", cfg.firewall?.internalFrom ?? []],
    ["firewall.sshFrom", cfg.firewall?.sshFrom ?? []],
  ];
  for (const [path, values] of lists) {
    values.forEach((value, k) => {
      const first = values.indexOf(value);
      if (first !== k) at(`${path}[${k}]`, `'${value}' is listed twice (also ${path}[${first}]): remove one`);
    });
  }
  cfg.apt.sources.forEach((line, i) => {
    const problem = aptSourceProblem(line);
    if (problem) at(`apt.sources[${i}]`, `'${line}' ${problem}`);
  });
}

function normaliseSource(line: string): string {
  return line.trim().replace(/\s+/g, " ");
}

/**
 * What apt would refuse in a one-line source (sources.list(5)):
 * `deb [option=value ...] URI SUITE [COMPONENT ...]`, where a SUITE ending in `/` is an exact
 * path (a flat repository) and takes no component, and any other SUITE needs at least one.
 */
export function aptSourceProblem(line: string): string | undefined {
  const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)(?:\s+(\S+))?((?:\s+\S+)*)\s*$/.exec(line);
  if (!m || m[3].startsWith("["))
    return (
      "is not 'deb [OPTIONS] URI SUITE COMPONENT...': an options block opened with [ must be closed with ] " +
      "before the URI"
    );
  const [, , options, uri, suite, rest] = m;
  const bad = (options ?? "")
    .trim()
    .split(/\s+/)
    .filter((o) => o && !/^[a-zA-Z][a-zA-Z-]*[+-]?=\S+$/.test(o));
  if (bad.length)
    return (
      `has the option '${bad[0]}', which is not OPTION=VALUE (e.g. [trusted=yes] or ` +
      `[signed-by=/usr/share/keyrings/x.gpg])`
    );
  if (!/^[a-z][a-z0-9+.-]*:/.test(uri))
    return `has the URI '${uri}', which has no scheme: apt needs http://, https://, file:/ or the like`;
  if (!suite)
    return (
      "names no suite: apt needs 'deb URI SUITE COMPONENT...' (e.g. bookworm main), or a suite ending in / " +
      "(e.g. ./) for a flat repository"
    );
  const components = rest.trim().split(/\s+/).filter(Boolean);
  if (suite.endsWith("/") && components.length)
    return (
      `has the exact path '${suite}' (it ends in /) followed by components: a flat repository takes none; ` +
      `remove '${components.join(" ")}' or the trailing /`
    );
  if (!suite.endsWith("/") && !components.length)
    return (
      `names no component after the suite '${suite}': apt needs at least one (e.g. main), or a suite ending in ` +
      `/ (e.g. ./) for a flat repository`
    );
  return undefined;
}

/** Legal but unusual: said at preview (pulumi.log.warn), never refused. */
export function listWarnings(cfg: ClusterConfig): string[] {
  const warnings: string[] = [];
  const subnets = cfg.links.map((l) => parseSubnet(l.subnet));
  subnets.forEach((a, i) =>
    subnets.slice(0, i).forEach((b, k) => {
      if (a && b && overlap(a, b)) {
        warnings.push(
          `cluster.links[${i}].subnet: ${cfg.links[i].subnet} overlaps links[${k}] (${cfg.links[k].subnet}): both ` +
            `corosync links then share one network, and a fault of that network takes both down; a second link ` +
            `protects membership only on a separate network`,
        );
      }
    }),
  );
  return warnings;
}

function overlap(a: Subnet, b: Subnet): boolean {
  const end = (s: Subnet) => s.network + 2 ** (32 - s.prefix);
  return a.network < end(b) && b.network < end(a);
}
