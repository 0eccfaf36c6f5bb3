/** Runs the rules over a stack's resources: what `npm run check` prints and the tests assert. */
import { isProductionStack, NOT_PRODUCTION } from "./production";
import { StackResource } from "./resources";
import { Rule, Violation } from "./rule";
import { RULES } from "./rules";

export interface RuleResult {
  rule: Rule;
  /** False for a production-only rule on a stack that is not production. */
  applies: boolean;
  violations: Violation[];
}

/** Violations of one rule, as the pack finds them: resource rules per resource, stack rules once. */
export function checkRule(rule: Rule, resources: StackResource[]): Violation[] {
  return rule.scope === "resource" ? resources.flatMap((r) => rule.check(r)) : rule.check(resources);
}

export function evaluateRules(resources: StackResource[], rules: Rule[] = RULES): RuleResult[] {
  const production = isProductionStack(resources);
  return rules.map((rule) => {
    const applies = production || !rule.productionOnly;
    return { rule, applies, violations: applies ? checkRule(rule, resources) : [] };
  });
}

/**
 * What a run on a stack that is not production says of each production-only rule it skips, so
 * that a passing run does not read as every rule met: the pack prints it (the engine shows it
 * under the stack's Diagnostics).
 */
export const skippedRuleNotice = (rule: Rule) =>
  `zimbra-ha policy pack: ${rule.enforcement} policy ${rule.name} skipped: ${NOT_PRODUCTION}`;

/** "resource: message", the form the check prints. */
export const describeViolation = (v: Violation) => (v.resource ? `${v.resource.name}: ${v.message}` : v.message);
