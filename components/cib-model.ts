/**
 * The shapes of the Pacemaker objects the stack generates, and the helpers that build them,
 * as plain data: the fencing modes and the CIB renderer (render/cib.ts) both use them, and
 * nothing here loads a template.
 */

export interface NameValue {
  name: string;
  value: string;
}

export interface OpView {
  id: string;
  name: string;
  interval: number;
  timeout?: number;
  role?: string;
  /** OCF_CHECK_LEVEL of a monitor: how deep the agent looks (the Filesystem agent: 20 writes and reads a file). */
  checkLevel?: number;
}

export interface PrimitiveView {
  id: string;
  class: string;
  provider?: string;
  type: string;
  params: NameValue[];
  hasParams: boolean;
  /** Parameters that differ per node, applied by a #uname rule. */
  nodeParams: { node: string; params: NameValue[] }[];
  meta: NameValue[];
  hasMeta: boolean;
  ops: OpView[];
}

export interface LocationView {
  id: string;
  rsc: string;
  node: string;
  score: number | string;
  role?: string;
}

export interface ColocationView {
  id: string;
  rsc: string;
  withRsc: string;
  withRole?: string;
  score: number | "INFINITY";
}

/** Name-value pairs in the record's order; undefined values are left out. */
export function nv(record: Record<string, string | number | undefined>): NameValue[] {
  return Object.entries(record)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ({ name, value: String(value) }));
}

export function primitive(
  id: string,
  agent: string,
  params: NameValue[],
  meta: NameValue[],
  ops: Omit<OpView, "id">[],
  perNode: { node: string; params: NameValue[] }[] = [],
): PrimitiveView {
  const [cls, ...rest] = agent.split(":");
  const [provider, type] = cls === "ocf" ? [rest[0], rest[1]] : [undefined, rest.join(":")];
  return {
    id,
    class: cls,
    provider,
    type,
    params,
    hasParams: params.length > 0,
    nodeParams: perNode,
    meta,
    hasMeta: meta.length > 0,
    ops: ops.map((op) => ({
      ...op,
      id: `${id}-${op.name}${op.role ? `-${op.role.toLowerCase()}` : ""}-${op.interval}s`,
    })),
  };
}
