import { parseCorosyncConf, sectionsNamed } from "../corosync-conf";
import { corosyncConfs } from "../rendered-files";
import { StackRule } from "../rule";

/** corosync's default is no crypto: anyone on the ring's network could join or forge membership. */
export const corosyncCrypto: StackRule = {
  name: "corosync-crypto",
  description:
    "Production stacks encrypt and authenticate corosync traffic (totem crypto_cipher and crypto_hash set, not none).",
  enforcement: "mandatory",
  productionOnly: true,
  scope: "stack",
  check(resources) {
    return corosyncConfs(resources).flatMap(({ path, content, resource }) => {
      const totem = sectionsNamed(parseCorosyncConf(content), "totem")[0]?.values ?? {};
      const off = ["crypto_cipher", "crypto_hash"].filter((key) => (totem[key] ?? "none") === "none");
      if (!off.length) return [];
      return [
        {
          resource,
          message:
            `${path}: ${off.map((key) => `${key} ${totem[key] ?? "unset (none)"}`).join(", ")}: ring traffic ` +
            `is neither encrypted nor authenticated`,
        },
      ];
    });
  },
};
