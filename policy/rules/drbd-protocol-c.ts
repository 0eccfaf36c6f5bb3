import { drbdResources, statements } from "../drbd-res";
import { drbdResFiles } from "../rendered-files";
import { StackRule } from "../rule";

/** Only protocol C acknowledges a write once the peer has it on disk: a failover loses nothing acknowledged. */
export const drbdProtocolC: StackRule = {
  name: "drbd-protocol-c",
  description: "Production stacks replicate every DRBD resource with protocol C (synchronous).",
  enforcement: "mandatory",
  productionOnly: true,
  scope: "stack",
  check(resources) {
    return drbdResFiles(resources).flatMap(({ path, content, resource }) =>
      drbdResources(content).flatMap((res) =>
        // No protocol statement means DRBD's default, C.
        statements(res.body, "protocol")
          .map((s) => s.words[1])
          .filter((protocol) => protocol !== "C")
          .map((protocol) => ({
            resource,
            message:
              `${path}: resource ${res.name} uses protocol ${protocol}: a write is acknowledged before the ` +
              `peer has it, and a failover can lose it`,
          })),
      ),
    );
  },
};
