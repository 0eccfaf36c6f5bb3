/**
 * The cluster properties zimbra-ha sets, all derived from the fencing settings. The CIB gets
 * them from here (render/cib.ts), in this order; validation refuses each of them in
 * pacemaker.properties. A mode can set no property that is not on this list.
 */
export const MANAGED_PROPERTIES = [
  "stonith-enabled",
  "stonith-timeout",
  "priority-fencing-delay",
  "stonith-watchdog-timeout",
] as const;

export type ManagedProperty = (typeof MANAGED_PROPERTIES)[number];
export type ManagedProperties = Partial<Record<ManagedProperty, string>>;

/** The properties a mode sets, in the list's order. */
export function orderedProperties(props: ManagedProperties): Record<string, string | undefined> {
  return Object.fromEntries(MANAGED_PROPERTIES.map((name) => [name, props[name]]));
}
