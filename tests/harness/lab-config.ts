/** The lab stack's cluster settings as a fresh object, and the problems validation finds in a changed copy. */
import * as path from "path";
import { readStackFile } from "../../components/stackfile";
import { ConfigError, parseClusterConfig, SecretPresence } from "../../components/validate";

const LAB = path.join(__dirname, "..", "..", "Pulumi.lab.yaml");

export function labCluster(): any {
  return JSON.parse(JSON.stringify(readStackFile(LAB).cluster));
}

/** Validation's problems after `mutate` changed the lab's settings; [] when it accepts them. */
export function problemsOf(mutate: (raw: any) => void, secrets: SecretPresence = { sshPrivateKey: true }): string[] {
  const raw = labCluster();
  mutate(raw);
  try {
    parseClusterConfig(raw, secrets);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}
