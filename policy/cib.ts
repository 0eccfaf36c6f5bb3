/** What the rules read from a CIB fragment: cluster properties, primitives and their operations. */
import { descendants, parseXml, XmlElement } from "./xml";

export function clusterProperties(root: XmlElement): Record<string, string> {
  const props: Record<string, string> = {};
  for (const section of root.children.filter((c) => c.name === "crm_config")) {
    for (const nv of descendants(section, "nvpair")) props[nv.attrs.name] = nv.attrs.value;
  }
  return props;
}

export function primitives(root: XmlElement): XmlElement[] {
  return descendants(root, "primitive");
}

export function instanceAttribute(primitive: XmlElement, name: string): string | undefined {
  const sets = primitive.children.filter((c) => c.name === "instance_attributes");
  return sets.flatMap((s) => s.children).find((nv) => nv.name === "nvpair" && nv.attrs.name === name)?.attrs.value;
}

export function operation(primitive: XmlElement, name: string): XmlElement | undefined {
  return descendants(primitive, "op").find((op) => op.attrs.name === name);
}

export { parseXml };

/** stonith-timeout in seconds, Pacemaker's default (60 s) when the fragment does not set it. */
export function stonithTimeout(root: XmlElement): number | undefined {
  const value = clusterProperties(root)["stonith-timeout"];
  return value === undefined ? 60 : seconds(value);
}

/** Pacemaker's boolean spelling (crm_is_true). */
export const isTrue = (value: string) => ["true", "on", "yes", "y", "1"].includes(value.toLowerCase());

/** A Pacemaker duration ("90s", "2min", "1500ms", "90") in seconds; undefined if unreadable. */
export function seconds(value: string | undefined): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|msec|s|sec|m|min|h|hr)?\s*$/i.exec(value ?? "");
  if (!m) return undefined;
  const unit = (m[2] ?? "s").toLowerCase();
  const factor = unit.startsWith("ms") ? 0.001 : unit === "s" || unit === "sec" ? 1 : unit.startsWith("m") ? 60 : 3600;
  return Number(m[1]) * factor;
}
