import { record, remoteResources, StackResource, text } from "../resources";
import { StackRule, Violation } from "../rule";

/** Without a pinned host key the SSH client trusts whatever answers at the address, and runs every step there. */
export const sshHostKeyPinned: StackRule = {
  name: "ssh-host-key-pinned",
  description: "Production stacks pin every node's SSH host key (connection.hostKey on every remote command).",
  enforcement: "mandatory",
  productionOnly: true,
  scope: "stack",
  check(resources) {
    const unpinned = new Map<string, StackResource[]>();
    for (const resource of remoteResources(resources)) {
      const connection = record(resource.props.connection);
      if (!connection || text(connection.hostKey)?.trim()) continue;
      const port = typeof connection.port === "number" ? connection.port : 22;
      const endpoint = `${text(connection.user) ?? "root"}@${text(connection.host) ?? "?"}:${port}`;
      unpinned.set(endpoint, [...(unpinned.get(endpoint) ?? []), resource]);
    }
    // Named by the first command in name order: the engine lists resources in no fixed order.
    return [...unpinned].map(([endpoint, commands]): Violation => {
      const [first, ...rest] = [...commands].sort((a, b) => a.name.localeCompare(b.name));
      const others = rest.length ? `, nor do the ${rest.length} other commands on that host` : "";
      return { resource: first, message: `SSH to ${endpoint} has no pinned host key (connection.hostKey)${others}` };
    });
  },
};
