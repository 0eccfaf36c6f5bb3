/**
 * Pacemaker judge: builds the CIB offline the way the PacemakerGroup component changes the
 * live one (the node's installed cib-apply.sh and cib-merge.xsl, fragment on stdin, CIB_file=
 * pointing at a `cibadmin --empty` CIB), then `crm_verify -V -x`. Judge-side additions:
 *  - a second apply must print "cib: unchanged" (the component re-runs it on every change);
 *  - the cluster's nodes (corosync node ids and names) are added with `cibadmin -C -o nodes`,
 *    and every node a constraint or rule names must be one of them (Pacemaker accepts any
 *    name there, for nodes that may join later, so crm_verify cannot see a misspelt one).
 */
import * as fs from "fs";
import * as path from "path";
import { ClusterConfig } from "../../../components/config";
import { lines, judgeNotInstalled, run, unique } from "../exec";
import { FRAGMENT, nodePath, RenderedFiles } from "../render";
import { fail, Item, judged, pass, Section } from "../types";
import { fencingFor } from "../../../components/fencing-modes";
import { TOOLS_DIR } from "../../../components/host-paths";

export const FACTS_XSL = path.join(__dirname, "..", "cib-facts.xsl");

export interface CibFacts {
  nodes: { id: string; uname: string }[];
  locations: { id: string; rsc: string; node: string; score: string }[];
  unameRules: { id: string; value: string }[];
  ops: { rsc: string; name: string; interval: string; role: string }[];
}

export async function cibFacts(cibFile: string): Promise<CibFacts> {
  const r = await run("xsltproc", [FACTS_XSL, cibFile]);
  const facts: CibFacts = { nodes: [], locations: [], unameRules: [], ops: [] };
  for (const line of lines(r.stdout)) {
    const [kind, ...f] = line.split("\t");
    if (kind === "NODE") facts.nodes.push({ id: f[0], uname: f[1] });
    if (kind === "LOC") facts.locations.push({ id: f[0], rsc: f[1], node: f[2], score: f[3] });
    if (kind === "UNAME") facts.unameRules.push({ id: f[0], value: f[1] });
    if (kind === "OP") facts.ops.push({ rsc: f[0], name: f[1], interval: f[2], role: f[3] ?? "" });
  }
  return facts;
}

export interface PacemakerOutcome {
  section: Section;
  /** The applied CIB with the cluster's nodes, ready for crm_simulate; absent when the build failed. */
  cibWithNodes?: string;
}

export const verifyLines = (r: { stdout: string; stderr: string }) =>
  unique(lines(r.stdout + r.stderr, [/^-V may provide more details/]).map((l) => l.replace(/\s+/g, " ")));

export async function judgePacemaker(
  cfg: ClusterConfig,
  files: RenderedFiles,
  outDir: string,
): Promise<PacemakerOutcome> {
  const section: Section = {
    id: "pacemaker",
    title: "Pacemaker: the CIB built offline, crm_verify",
    note:
      `CIB_file=cib/cib.xml sh ${TOOLS_DIR}/cib-apply.sh ${TOOLS_DIR}/cib-merge.xsl < cib/fragment.xml, on a ` +
      `\`cibadmin --empty\` CIB; then crm_verify -V -x`,
    items: [],
  };
  const notInstalled = judgeNotInstalled("pacemaker");
  if (notInstalled) return { section: { ...section, items: [notInstalled] } };

  const cibDir = path.join(outDir, "cib");
  fs.mkdirSync(cibDir, { recursive: true });
  const first = cfg.nodes[0].name;
  // The tools as installed on the node the component runs cib-apply.sh on.
  const applyScript = path.join(outDir, nodePath(first, `${TOOLS_DIR}/cib-apply.sh`));
  const mergeXsl = path.join(outDir, nodePath(first, `${TOOLS_DIR}/cib-merge.xsl`));
  const fragment = files[FRAGMENT];
  const empty = await run("cibadmin", ["--empty"]);
  if (empty.code !== 0) return { section: { ...section, items: [fail("cibadmin --empty", verifyLines(empty))] } };
  const emptyFile = path.join(cibDir, "empty.xml");
  const cibFile = path.join(cibDir, "cib.xml");
  fs.writeFileSync(emptyFile, empty.stdout);
  if (fencingFor(cfg).sbd) {
    // As on a live node, where the controller records that sbd runs with a watchdog (disk SBD feeds one too).
    const watchdog = await run(
      "crm_attribute",
      ["--type", "crm_config", "--name", "have-watchdog", "--update", "true"],
      { env: { CIB_file: emptyFile } },
    );
    if (watchdog.code !== 0)
      return { section: { ...section, items: [fail("crm_attribute have-watchdog=true", verifyLines(watchdog))] } };
  }
  fs.copyFileSync(emptyFile, cibFile);

  const apply = () =>
    run("sh", [applyScript, mergeXsl], { env: { CIB_file: cibFile }, input: fragment, timeoutMs: 60000 });
  const first1 = await apply();
  const said = lines(first1.stdout + first1.stderr);
  if (first1.code !== 0 || !said.includes("cib: patched")) {
    // cib-apply.sh refuses a merge that does not verify: show crm_verify's reasons on the merged candidate.
    const candidate = path.join(cibDir, "candidate.xml");
    const merged = await run("xsltproc", [
      "--stringparam",
      "desired",
      path.join(outDir, FRAGMENT),
      mergeXsl,
      emptyFile,
    ]);
    fs.writeFileSync(candidate, merged.stdout);
    const verify = await run("crm_verify", ["-V", "-x", candidate]);
    const reasons = verifyLines(verify).filter((l) => /error|warning/i.test(l) && !/^crm_verify:/.test(l));
    section.items.push(
      fail("cib-apply.sh (CIB_file=cib/cib.xml)", [
        `crm_verify rejects the merged CIB, so cib-apply.sh refuses it: ${reasons[0] ?? said.join(" / ")}`,
        ...reasons.slice(1),
        `$ ${first1.command} < cib/fragment.xml (exit ${first1.code}):`,
        ...unique(said).map((l) => `  ${l}`),
        "crm_verify -V -x cib/candidate.xml (the merge it refused):",
        ...verifyLines(verify).map((l) => `  ${l}`),
      ]),
    );
    return { section };
  }
  section.items.push(pass("cib-apply.sh (CIB_file=cib/cib.xml)", [`$ ${first1.command} < cib/fragment.xml`, ...said]));

  const again = await apply();
  section.items.push(
    judged(
      "cib-apply.sh again: idempotent",
      lines(again.stdout).includes("cib: unchanged")
        ? []
        : [`a second apply did not report "cib: unchanged": ${lines(again.stdout + again.stderr).join(" / ")}`],
    ),
  );

  const verify = await run("crm_verify", ["-V", "-x", cibFile]);
  section.items.push(
    judged(
      "crm_verify -V -x cib/cib.xml",
      verify.code === 0 ? [] : [`crm_verify exited ${verify.code}:`, ...verifyLines(verify).map((l) => `  ${l}`)],
      verify.code === 0 ? verifyLines(verify) : [],
    ),
  );

  // The cluster's nodes, as the controller records them: corosync node id and name.
  const withNodes = path.join(cibDir, "cib-with-nodes.xml");
  fs.copyFileSync(cibFile, withNodes);
  for (const node of cfg.nodes) {
    const r = await run("cibadmin", ["-C", "-o", "nodes", "-X", `<node id="${node.nodeId}" uname="${node.name}"/>`], {
      env: { CIB_file: withNodes },
    });
    if (r.code !== 0) {
      section.items.push(fail(`cibadmin -C -o nodes (${node.name})`, verifyLines(r)));
      return { section };
    }
  }
  const facts = await cibFacts(withNodes);
  const names = facts.nodes.map((n) => n.uname);
  const problems = [
    ...facts.locations
      .filter((l) => !names.includes(l.node))
      .map(
        (l) =>
          `rsc_location ${l.id} (${l.rsc}, score ${l.score}) names node '${l.node}', which is not a cluster node ` +
          `(${names.join(", ")})`,
      ),
    ...facts.unameRules
      .filter((u) => !names.includes(u.value))
      .map(
        (u) => `rule expression ${u.id} matches #uname '${u.value}', which is not a cluster node (${names.join(", ")})`,
      ),
  ];
  const item: Item = judged("nodes named by constraints and rules exist (cib/cib-with-nodes.xml)", problems, [
    `nodes: ${facts.nodes.map((n) => `${n.uname} (id ${n.id})`).join(", ")}`,
  ]);
  section.items.push(item);
  // The scenarios run even when names are wrong: they show what the scheduler makes of it.
  return { section, cibWithNodes: withNodes };
}
