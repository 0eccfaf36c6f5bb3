import { ResourceRule } from "../rule";

/**
 * Replaced without deleteBeforeReplace, a step's new create runs first and the old delete after
 * it, undoing on the host what the new create just did.
 */
export const deleteBeforeReplace: ResourceRule = {
  name: "delete-before-replace",
  description: "Every remote command and copy is registered with deleteBeforeReplace.",
  enforcement: "advisory",
  productionOnly: false,
  scope: "resource",
  check(resource) {
    if (!resource.type.startsWith("command:remote:") || resource.opts.deleteBeforeReplace === true) return [];
    return [
      {
        resource,
        message:
          "registered without deleteBeforeReplace: on a replacement the old delete would run after the new create " +
          "and undo it",
      },
    ];
  },
};
