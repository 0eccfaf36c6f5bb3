/** What the engine test's `policy-violations` stack breaks: per failing policy, the resources named (sorted). */
export const POLICY_VIOLATIONS_FINDINGS: Record<string, string[]> = {
  "fencing-enabled": ["pacemaker-apply"],
  "drbd-protocol-c": ["drbd-zimbradata-conf-primary", "drbd-zimbradata-conf-secondary"],
  "corosync-crypto": ["corosync-conf-primary", "corosync-conf-secondary"],
  "ssh-host-key-pinned": ["corosync-authkey-secondary"],
  "no-allow-wipe": ["drbd-zimbradata-metadata-secondary", "fencing-sbd-header"],
  "no-automatic-data-discard": ["drbd-zimbradata-conf-primary", "drbd-zimbradata-conf-secondary"],
  "quorum-never-ignored": ["pacemaker-apply"],
  "stonith-timeout-covers-sbd-msgwait": ["pacemaker-apply"],
};
