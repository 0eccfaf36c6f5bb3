/** The zimbra-ha policy pack: `pulumi preview --policy-pack policy` (rules in rules/, README "Policies"). */
import { PolicyPack } from "@pulumi/policy";
import { packPolicies } from "./pack-policies";

new PolicyPack("zimbra-ha", { policies: packPolicies() });
