/** A rule of the pack: pure, over the resources the program registers. */
import { StackResource } from "./resources";

export type Enforcement = "mandatory" | "advisory";

export interface Violation {
  /** The resource at fault; none when the stack as a whole is. */
  resource?: StackResource;
  message: string;
}

interface RuleInfo {
  name: string;
  description: string;
  enforcement: Enforcement;
  /**
   * Checked only on stacks that declare `production: true` (production.ts); on any other stack
   * the pack prints that it skipped it. A stack rule: one resource does not tell the stack.
   */
  productionOnly: boolean;
}

/** Judges one resource at a time (the pack's validateResource). */
export interface ResourceRule extends RuleInfo {
  scope: "resource";
  check(resource: StackResource): Violation[];
}

/** Judges the stack's resources together (the pack's validateStack). */
export interface StackRule extends RuleInfo {
  scope: "stack";
  check(resources: StackResource[]): Violation[];
}

export type Rule = ResourceRule | StackRule;
