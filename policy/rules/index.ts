/** The pack's rules: mandatory ones for production stacks, advisory ones for every stack. */
import { Rule } from "../rule";
import { corosyncCrypto } from "./corosync-crypto";
import { deleteBeforeReplace } from "./delete-before-replace";
import { drbdPromoteOutlastsFencePeer } from "./drbd-promote-outlasts-fence-peer";
import { drbdProtocolC } from "./drbd-protocol-c";
import { fencingEnabled } from "./fencing-enabled";
import { noAllowWipe } from "./no-allow-wipe";
import { noAutomaticDataDiscard } from "./no-automatic-data-discard";
import { noSecretInCommandLine } from "./no-secret-in-command-line";
import { quorumNeverIgnored } from "./quorum-never-ignored";
import { sshHostKeyPinned } from "./ssh-host-key-pinned";
import { stonithTimeoutCoversSbdMsgwait } from "./stonith-timeout-covers-sbd-msgwait";

export const RULES: Rule[] = [
  fencingEnabled,
  drbdProtocolC,
  corosyncCrypto,
  sshHostKeyPinned,
  noAllowWipe,
  noAutomaticDataDiscard,
  quorumNeverIgnored,
  noSecretInCommandLine,
  deleteBeforeReplace,
  stonithTimeoutCoversSbdMsgwait,
  drbdPromoteOutlastsFencePeer,
];
