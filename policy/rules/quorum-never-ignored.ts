import { clusterProperties, parseXml } from "../cib";
import { parseCorosyncConf, sectionsNamed } from "../corosync-conf";
import { cibFragments, corosyncConfs } from "../rendered-files";
import { StackRule, Violation } from "../rule";

/** A partition that ignores quorum runs the service on both sides. */
export const quorumNeverIgnored: StackRule = {
  name: "quorum-never-ignored",
  description:
    "Production stacks never ignore quorum: no no-quorum-policy=ignore in the CIB; corosync votequorum, with " +
    "two_node only on exactly two nodes, never with wait_for_all: 0 or a quorum device.",
  enforcement: "mandatory",
  productionOnly: true,
  scope: "stack",
  check(resources) {
    const violations: Violation[] = [];
    for (const { content, resource } of cibFragments(resources)) {
      const policy = clusterProperties(parseXml(content))["no-quorum-policy"];
      if (policy === "ignore")
        violations.push({
          resource,
          message: "the CIB fragment sets no-quorum-policy=ignore: a node without quorum would go on running resources",
        });
    }
    for (const { path, content, resource } of corosyncConfs(resources)) {
      const conf = parseCorosyncConf(content);
      const quorumSection = sectionsNamed(conf, "quorum")[0];
      const quorum = quorumSection?.values ?? {};
      const nodes = sectionsNamed(conf, "nodelist").flatMap((l) => sectionsNamed(l, "node")).length;
      if (quorum.provider !== "corosync_votequorum") {
        violations.push({
          resource,
          message:
            `${path}: quorum provider ${quorum.provider ?? "unset"}, not corosync_votequorum: Pacemaker ` +
            `would get no quorum decision`,
        });
      }
      if (quorum.two_node === "1" && nodes !== 2) {
        violations.push({
          resource,
          message: `${path}: two_node: 1 with ${nodes} nodes in the nodelist: two_node is for exactly two`,
        });
      }
      if (quorum.two_node === "1" && quorum.wait_for_all === "0") {
        violations.push({
          resource,
          message: `${path}: two_node: 1 with wait_for_all: 0: a node starting alone would be quorate on its own`,
        });
      }
      if (quorum.two_node === "1" && sectionsNamed(quorumSection, "device").length) {
        violations.push({
          resource,
          message:
            `${path}: two_node: 1 with a quorum device: each node would count as quorate alone, whatever the ` +
            `device says`,
        });
      }
    }
    return violations;
  },
};
