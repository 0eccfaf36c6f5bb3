/**
 * The rules as @pulumi/policy policies: resource rules as validateResource, stack rules as
 * validateStack. The engine's resources are turned into plain StackResources first.
 */
import {
  Policy,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
  UnknownValueError,
} from "@pulumi/policy";
import { isProductionStack } from "./production";
import { StackResource, UNKNOWN } from "./resources";
import { Rule } from "./rule";
import { RULES } from "./rules";

/**
 * The SDK's props throw on a value unknown before the update; a rule reading another
 * command's output would then not run at all. Copied with each unknown value marked instead.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK hands props over as an untyped proxy
function plain(value: any): unknown {
  if (value === null || typeof value !== "object") return value;
  const read = (key: string | number) => {
    try {
      return plain(value[key]);
    } catch (e) {
      if (e instanceof UnknownValueError) return UNKNOWN;
      throw e;
    }
  };
  if (Array.isArray(value)) return Array.from({ length: value.length }, (_, i) => read(i));
  return Object.fromEntries(Object.keys(value).map((key) => [key, read(key)]));
}

export function fromPolicyResource(r: PolicyResource | ResourceValidationArgs): StackResource {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: plain(r.props) as Record<string, unknown>,
    opts: {
      deleteBeforeReplace: r.opts.deleteBeforeReplace,
      additionalSecretOutputs: [...r.opts.additionalSecretOutputs],
    },
  };
}

export function packPolicy(rule: Rule): ResourceValidationPolicy | StackValidationPolicy {
  const info: Policy = { name: rule.name, description: rule.description, enforcementLevel: rule.enforcement };
  if (rule.scope === "resource") {
    return {
      ...info,
      validateResource: (args, reportViolation) => {
        for (const v of rule.check(fromPolicyResource(args))) reportViolation(v.message);
      },
    };
  }
  return {
    ...info,
    validateStack: (args, reportViolation) => {
      const resources = args.resources.map(fromPolicyResource);
      if (rule.productionOnly && !isProductionStack(resources))
        args.notApplicable("the stack does not declare production: true");
      for (const v of rule.check(resources)) reportViolation(v.message, v.resource?.urn);
    },
  };
}

export const packPolicies = (rules: Rule[] = RULES) => rules.map(packPolicy);
