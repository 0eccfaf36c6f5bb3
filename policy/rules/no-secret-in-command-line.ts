import { remoteCommands } from "../resources";
import { StackRule } from "../rule";
import { linesHoldingSecrets, secretValues } from "../secret-values";

/** A command line is stored, diffed and printed in the open, and on the host any process can read it. */
export const noSecretInCommandLine: StackRule = {
  name: "no-secret-in-command-line",
  description:
    "No create, update or delete line of a remote command holds a value the stack carries as a secret (secret " +
    "stdin, SSH credentials); secrets go on secret stdin.",
  enforcement: "advisory",
  productionOnly: false,
  scope: "stack",
  check(resources) {
    const secrets = secretValues(resources);
    return remoteCommands(resources).flatMap((resource) =>
      linesHoldingSecrets(resource, secrets).map(({ line, source }) => ({
        resource,
        message: `its ${line} line holds a secret value (${source})`,
      })),
    );
  },
};
