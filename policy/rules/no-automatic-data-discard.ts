import { drbdResources, statements } from "../drbd-res";
import { drbdResFiles } from "../rendered-files";
import { StackRule } from "../rule";

/** The after-split-brain policies with which DRBD itself throws away one side's writes. */
const discards = (policy: string) => policy.startsWith("discard") || policy === "consensus";

export const noAutomaticDataDiscard: StackRule = {
  name: "no-automatic-data-discard",
  description:
    "Production stacks never let DRBD discard one side's writes after a split brain (allowAutomaticDataDiscard: " +
    "after-sb-* discard-* or consensus).",
  enforcement: "mandatory",
  productionOnly: true,
  scope: "stack",
  check(resources) {
    return drbdResFiles(resources).flatMap(({ path, content, resource }) =>
      drbdResources(content).flatMap((res) =>
        ["after-sb-0pri", "after-sb-1pri", "after-sb-2pri"]
          .flatMap((keyword) => statements(res.body, keyword))
          .filter((s) => discards(s.words[1] ?? ""))
          .map((s) => ({
            resource,
            message:
              `${path}: resource ${res.name} has ${s.words.join(" ")}: after a split brain DRBD would throw ` +
              `away one node's acknowledged writes`,
          })),
      ),
    );
  },
};
