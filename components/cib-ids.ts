/**
 * The ids zimbra-ha gives the Pacemaker objects it generates, in one place: the renderer
 * names them, validation keeps user ids out of their prefixes, the offline check and the
 * host scripts (given the id as an argument) find them.
 */

export const cibIds = {
  ownerTag: (cluster: string) => `zimbra-ha-${cluster}`,
  property: (name: string) => `cib-bootstrap-options-${name}`,
  drbdPrimitive: (res: string) => `drbd-${res}`,
  drbdClone: (res: string) => `drbd-${res}-clone`,
  filesystem: (res: string) => `fs-${res}`,
  fenceDevice: (node: string) => `fence-${node}`,
  fenceSbd: "fence-sbd",
  fenceSbdAwayFrom: (group: string) => `col-fence-sbd-away-from-${group}`,
  fenceDeviceAvoidsItsNode: (node: string) => `loc-fence-${node}-not-on-${node}`,
  groupWithPromoted: (group: string, clone: string) => `col-${group}-with-${clone}`,
  promoteThenGroup: (clone: string, group: string) => `ord-${clone}-promote-then-${group}`,
  promotedPrefers: (clone: string, node: string) => `loc-${clone}-promoted-prefers-${node}`,
  groupPrefers: (group: string, node: string) => `loc-${group}-prefers-${node}`,
  groupAfter: (before: string, group: string) => `ord-${before}-then-${group}`,
  groupWith: (group: string, other: string) => `col-${group}-with-${other}`,
  cloneAvoids: (clone: string, node: string) => `loc-${clone}-not-on-${node}`,
};

/** Every generated id starts with one of these; no user id may. */
export const GENERATED_ID_PREFIXES = [
  "cib-bootstrap-options",
  "zimbra-ha-",
  "loc-",
  "col-",
  "ord-",
  "fence-",
  "drbd-",
  "fs-",
];

/** The ids a DRBD resource brings along. */
export const drbdResourceIds = (res: string) => [
  cibIds.drbdPrimitive(res),
  cibIds.drbdClone(res),
  cibIds.filesystem(res),
];
