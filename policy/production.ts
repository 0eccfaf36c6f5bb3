/**
 * Whether the stack is a production stack. Component resources carry no inputs to the engine,
 * so the program states `production: true` where a command already carries the cluster-wide
 * description: the CIB fragment's root (`<zimbra-ha-cib production="true">`, render/cib.ts),
 * which the merge into the live CIB ignores.
 */
import { parseXml } from "./xml";
import { cibFragments } from "./rendered-files";
import { StackResource } from "./resources";

export function productionMarker(resources: StackResource[]): StackResource | undefined {
  return cibFragments(resources).find((f) => parseXml(f.content).attrs.production === "true")?.resource;
}

export const isProductionStack = (resources: StackResource[]) => productionMarker(resources) !== undefined;

/** Why a production-only rule is skipped on any other stack. */
export const NOT_PRODUCTION = "this stack does not declare production: true";
