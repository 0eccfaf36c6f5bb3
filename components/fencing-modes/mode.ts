/** What every fencing mode provides; components/fencing-modes/index.ts picks the stack's. */
import type { ColocationView, LocationView, PrimitiveView } from "../cib-model";
import type { ClusterConfig } from "../config";
import type { Distro } from "../packages";
import type { ManagedProperties } from "./properties";

export type FencingConfig = ClusterConfig["fencing"];
export type FencingOf<M extends FencingConfig["mode"]> = Extract<FencingConfig, { mode: M }>;
export type At = (path: string, message: string) => void;

/** What validation knows of the fence passwords: which are set, and each one's length in bytes. */
export interface FenceSecrets {
  fencePasswords?: string[];
  fencePasswordBytes?: Record<string, number>;
}

/** SBD on the hosts: the watchdog it feeds, /etc/default/sbd, and the header of its shared disk (disk SBD only). */
export interface SbdHost {
  watchdogModule: string;
  watchdogDevice: string;
  watchdogTimeout: number;
  /** SBD_DEVICE: the shared disk, or empty for diskless SBD. */
  device: string;
  disk?: { device: string; msgwait: number; allowWipe: boolean };
}

export interface StonithResources {
  primitives: PrimitiveView[];
  locations: LocationView[];
  colocations: ColocationView[];
  /** The one device that stays off the service's node while another node can run it. */
  keptOffService?: string;
}

export interface FencingMode {
  /** False only when fencing is disabled: then DRBD does not fence its peer and resources get no priority. */
  fences: boolean;
  /** Packages on top of the cluster's. */
  packages(distro: Distro): string[];
  properties(): ManagedProperties;
  stonith(): StonithResources;
  /** Set for the SBD modes. */
  sbd?: SbdHost;
  /** Nodes whose BMC password every node keeps (the secret fencePasswords.<node>). */
  passwordNodes: string[];
  /** Block devices the mode uses, per node, for validation's checks of the disks. */
  disks: { node: string; device: string; path: string }[];
  /** The watchdog device SBD feeds: no disk may be it. */
  watchdogDevice?: string;
  /** The mode's own cross-field rules. */
  check(at: At): void;
  /** Secrets the mode needs that are not set, or whose length its devices refuse (never their values). */
  secretProblems(secrets: FenceSecrets): string[];
  /** Said at preview, never refused. */
  warnings(): string[];
}
