/**
 * The rules as @pulumi/policy policies: resource rules as validateResource, stack rules as
 * validateStack. The engine's resources are turned into plain StackResources first.
 *
 * A production-only rule on a stack that is not production is not applicable, and the pack
 * says so: the engine lists a pack whose policies pass or do not apply alike as ✅, and shows
 * neither a not-applicable policy nor its reason, but it shows what the pack prints, under the
 * stack's Diagnostics. So each skipped rule prints one line (skippedRuleNotice), and the run
 * still passes.
 */
import {
  Policy,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
  UnknownValueError,
} from "@pulumi/policy";
import { skippedRuleNotice } from "./evaluate";
import { isProductionStack, NOT_PRODUCTION } from "./production";
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

/** Where the pack says what it skipped: its standard output, which the engine shows as info. */
export type Notice = (line: string) => void;
const printNotice: Notice = (line) => console.log(line);

export function packPolicy(rule: Rule, notice: Notice = printNotice): ResourceValidationPolicy | StackValidationPolicy {
  const info: Policy = { name: rule.name, description: rule.description, enforcementLevel: rule.enforcement };
  if (rule.scope === "resource") {
    if (rule.productionOnly)
      throw new Error(
        `${rule.name}: a production-only rule must be a stack rule (one resource does not tell the stack)`,
      );
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
      if (rule.productionOnly && !isProductionStack(resources)) {
        notice(skippedRuleNotice(rule));
        args.notApplicable(NOT_PRODUCTION);
      }
      for (const v of rule.check(resources)) reportViolation(v.message, v.resource?.urn);
    },
  };
}

export const packPolicies = (rules: Rule[] = RULES, notice: Notice = printNotice) =>
  rules.map((rule) => packPolicy(rule, notice));
