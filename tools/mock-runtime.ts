/**
 * Runs the program under the Node SDK's mock runtime and records every resource
 * registration with its inputs, dependencies and options: what the engine would be asked to
 * create, without an engine. Used by the unit tests and by `npm run check`'s policies.
 */
import * as pulumi from "@pulumi/pulumi";

export interface Registration {
  type: string;
  name: string;
  urn: string;
  parent: string;
  inputs: Record<string, any>;
  /** Names of the resources this one depends on (dependsOn plus data flow). */
  dependsOn: string[];
  deleteBeforeReplace: boolean;
  additionalSecretOutputs: string[];
  /** Input property names the SDK sent as secrets. */
  secretInputs: string[];
}

export type NewResource = (
  args: pulumi.runtime.MockResourceArgs,
) => Promise<{ id: string; state: Record<string, any> }> | { id: string; state: Record<string, any> };

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";
const isSecret = (v: any) => v && typeof v === "object" && v[SECRET_SIG] === SECRET_VALUE;

function secretKeys(obj: any): string[] {
  return Object.entries(obj.toJavaScript() ?? {})
    .filter(([, v]) => isSecret(v))
    .map(([k]) => k);
}

/** Plain values of the serialized inputs (secrets unwrapped; secretInputs says which were). */
export function unwrapSecrets(value: any): any {
  if (isSecret(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  return value;
}

/**
 * Installs mocks whose `newResource` is given, and returns the list that fills as the
 * program registers resources plus a function that resolves once registration is quiet.
 */
export function installRecordingMocks(
  newResource: NewResource,
  stack = "lab",
): { registrations: Registration[]; settled: (quietMs?: number) => Promise<void> } {
  const registrations: Registration[] = [];
  const byUrn = new Map<string, string>();
  let inFlight = 0;
  let lastActivity = Date.now();
  pulumi.runtime.setMocks(
    {
      newResource: async (args) => newResource(args),
      call: (args) => args.inputs,
    },
    "zimbra-ha",
    stack,
    false,
  );
  const monitor: any = (pulumi.runtime as any).getMonitor();
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: any) => {
    inFlight++;
    lastActivity = Date.now();
    original(req, (err: any, response: any) => {
      if (response) {
        const urn = response.getUrn();
        byUrn.set(urn, req.getName());
        registrations.push({
          type: req.getType(),
          name: req.getName(),
          urn,
          parent: req.getParent(),
          inputs: unwrapSecrets(req.getObject().toJavaScript()),
          dependsOn: req.getDependenciesList().map((u: string) => byUrn.get(u) ?? u),
          deleteBeforeReplace: req.getDeletebeforereplace(),
          additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
          secretInputs: secretKeys(req.getObject()),
        });
      }
      inFlight--;
      lastActivity = Date.now();
      callback(err, response);
    });
  };
  // The SDK registers asynchronously: wait until nothing is in flight and nothing new came for a while.
  const settled = async (quietMs = 1000) => {
    lastActivity = Date.now();
    while (inFlight > 0 || Date.now() - lastActivity < quietMs) await new Promise((r) => setTimeout(r, 50));
  };
  return { registrations, settled };
}

/** What the command provider stores of a command's output: all of it but one trailing newline. */
export function providerOutput(printed: string): string {
  return printed.endsWith("\n") ? printed.slice(0, -1) : printed;
}

/** Mock state: echo inputs; commands print nothing. */
export const echoInputs: NewResource = (args) => {
  const state: Record<string, any> = { ...args.inputs };
  if (args.type === "command:remote:Command") {
    state.stdout = "";
    state.stderr = "";
  }
  return { id: `${args.name}-id`, state };
};
