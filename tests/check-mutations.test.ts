/**
 * The judges can fail: each test injects one deliberate defect into the rendered output or the
 * stack config and asserts that the check fails in the right judge with a message that names
 * the defect. Only the judges concerned run, to keep the suite short.
 */
import * as fs from "fs";
import * as path from "path";
import { CheckOptions, formatReport, RenderedFiles, runCheck } from "../tools/check/index";
import { placeholderFencePassword } from "../tools/check/policies";
import { StackResource } from "../policy/resources";
import { CheckResult } from "../tools/check/types";
import { variantCluster } from "./engine/stack-file";
import { LAB, ROOT, tempOut, testWithJudges } from "./fixtures/check/judges";

const judgeTest = testWithJudges();
const KOPANO = path.join(ROOT, "examples", "kopano.yaml");
const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Edits every rendered file whose build path matches; fails the test if nothing changed. */
function edit(files: RenderedFiles, which: RegExp, change: (text: string) => string): void {
  let changed = 0;
  for (const key of Object.keys(files).filter((k) => which.test(k))) {
    const next = change(files[key]);
    if (next !== files[key]) changed++;
    files[key] = next;
  }
  if (changed === 0) throw new Error(`the mutation changed nothing in files matching ${which}`);
}

async function check(stack: string, opts: CheckOptions): Promise<CheckResult> {
  const outDir = tempOut("mutation");
  made.push(outDir);
  return runCheck(stack, { ...opts, outDir });
}

/** The check failed, in this section, with a message containing every fragment. */
function expectCaught(result: CheckResult, section: string, ...fragments: string[]) {
  expect(result.ok).toBe(false);
  const failed = result.sections.find((s) => s.id === section)?.items.filter((i) => i.status === "fail") ?? [];
  const said = failed.map((i) => `${i.title}\n${i.details.join("\n")}`).join("\n");
  for (const f of fragments) expect(said).toContain(f);
}

const FRAGMENT = /^cib\/fragment\.xml$/;

/** Replaces the one-line element with this id (a constraint) by another. */
function replaceElement(xml: string, id: string, replacement: string): string {
  return xml.replace(new RegExp(`<[a-z_]+ id="${id}"[^>]*/>`), replacement);
}
const T = 120000;

describe("Pacemaker defects are caught by crm_simulate scenarios", () => {
  judgeTest(
    "a missing colocation of the group with the promoted DRBD",
    async () => {
      const r = await check(LAB, {
        judges: ["pacemaker", "scenarios"],
        mutateRendered: (f) =>
          edit(f, FRAGMENT, (s) =>
            s
              .split("\n")
              .filter((l) => !l.includes('id="col-zimbra-with-drbd-zimbradata-clone"'))
              .join("\n"),
          ),
      });
      expectCaught(
        r,
        "scenarios",
        "group zimbra runs on secondary but drbd-zimbradata-clone is promoted on primary",
        "colocation of zimbra with the Promoted role of drbd-zimbradata-clone",
      );
    },
    T,
  );

  judgeTest(
    "a reversed order: the group before the DRBD promotion",
    async () => {
      const r = await check(LAB, {
        judges: ["pacemaker", "scenarios"],
        mutateRendered: (f) =>
          edit(f, FRAGMENT, (s) =>
            replaceElement(
              s,
              "ord-drbd-zimbradata-clone-promote-then-zimbra",
              '<rsc_order id="ord-drbd-zimbradata-clone-promote-then-zimbra" first="zimbra" first-action="start" ' +
                'then="drbd-zimbradata-clone" then-action="promote" kind="Mandatory"/>',
            ),
          ),
      });
      expectCaught(
        r,
        "scenarios",
        "fs-zimbradata starts on primary without waiting for drbd-zimbradata to promote there",
      );
    },
    T,
  );

  judgeTest(
    "a reversed order between groups (Kopano: app after db)",
    async () => {
      const r = await check(KOPANO, {
        judges: ["pacemaker", "scenarios"],
        mutateRendered: (f) =>
          edit(f, FRAGMENT, (s) =>
            replaceElement(
              s,
              "ord-db-then-app",
              '<rsc_order id="ord-db-then-app" first="app" first-action="start" then="db" then-action="start" ' +
                'kind="Mandatory"/>',
            ),
          ),
      });
      expectCaught(r, "scenarios", "the stack orders group app after group db");
    },
    T,
  );

  judgeTest(
    "a group member missing from the rendered group",
    async () => {
      const r = await check(LAB, {
        judges: ["pacemaker", "scenarios"],
        mutateRendered: (f) => edit(f, FRAGMENT, (s) => s.replace(/ *<primitive id="imap"[\s\S]*?<\/primitive>\n/, "")),
      });
      expectCaught(r, "scenarios", "zimbra/imap is not running");
    },
    T,
  );

  judgeTest(
    "the SBD fence device not kept off the service's node (rendered)",
    async () => {
      const r = await check(LAB, {
        judges: ["pacemaker", "scenarios"],
        mutateRendered: (f) => edit(f, FRAGMENT, (s) => replaceElement(s, "col-fence-sbd-away-from-zimbra", "")),
      });
      expectCaught(r, "scenarios", "fence-sbd runs on primary with the service while secondary could run it");
    },
    T,
  );

  judgeTest(
    "no stickiness: the group fails back when the node returns (stack config)",
    async () => {
      const r = await check(LAB, {
        judges: ["pacemaker", "scenarios"],
        mutateConfig: (raw) => (raw.pacemaker.resourceStickiness = 0),
      });
      expectCaught(
        r,
        "scenarios",
        "group zimbra moved back from secondary to primary when primary returned: fail-back",
      );
    },
    T,
  );
});

describe("Pacemaker defects are caught by the CIB build and crm_verify", () => {
  judgeTest(
    "a location preferring an unknown node (rendered)",
    async () => {
      const r = await check(LAB, {
        judges: ["pacemaker"],
        mutateRendered: (f) =>
          edit(f, FRAGMENT, (s) => s.replace('rsc="zimbra" node="primary"', 'rsc="zimbra" node="primry"')),
      });
      expectCaught(
        r,
        "pacemaker",
        "rsc_location loc-zimbra-prefers-primary (zimbra, score 50) names node 'primry', which is not a cluster " +
          "node (primary, secondary)",
      );
    },
    T,
  );

  judgeTest(
    "identical monitor intervals for the two DRBD roles (rendered): crm_verify refuses them",
    async () => {
      const r = await check(LAB, {
        judges: ["pacemaker"],
        mutateRendered: (f) =>
          edit(f, FRAGMENT, (s) =>
            s.replace(
              /(<op id="drbd-zimbradata-monitor-unpromoted-50s" name="monitor") interval="50s"/,
              '$1 interval="60s"',
            ),
          ),
      });
      expectCaught(
        r,
        "pacemaker",
        "crm_verify rejects the merged CIB",
        "Operation drbd-zimbradata-monitor-unpromoted-50s is duplicate of drbd-zimbradata-monitor-promoted-60s",
      );
    },
    T,
  );
});

describe(
  "what the stack can state that an upstream tool rejects is caught by validation first, naming " + "the field",
  () => {
    judgeTest(
      "identical DRBD monitor intervals",
      async () => {
        const r = await check(LAB, { mutateConfig: (raw) => (raw.drbd.resources[0].monitorUnpromoted = 60) });
        expectCaught(r, "validation", "cluster.drbd.resources[0].monitorUnpromoted: ", "monitorPromoted");
        expect(r.sections.map((s) => s.id)).toEqual(["validation"]);
      },
      T,
    );

    judgeTest(
      "a location preferring an unknown node",
      async () => {
        const r = await check(LAB, { mutateConfig: (raw) => (raw.pacemaker.groups[0].preferredNode = "primry") });
        expectCaught(r, "validation", "cluster.pacemaker.groups[0].preferredNode: ", "'primry'");
      },
      T,
    );

    judgeTest(
      "a group member that is not defined",
      async () => {
        const r = await check(LAB, { mutateConfig: (raw) => (raw.pacemaker.groups[0].members[4] = "imapd") });
        expectCaught(r, "validation", "cluster.pacemaker.groups[0].members[4]: ", "'imapd'");
      },
      T,
    );
  },
);

describe("Corosync defects are caught by corosync -t", () => {
  const conf = /\/etc\/corosync\/corosync\.conf$/;

  judgeTest(
    "a typo in a value (transport)",
    async () => {
      const r = await check(LAB, {
        judges: ["corosync"],
        mutateRendered: (f) => edit(f, conf, (s) => s.replace("transport: knet", "transport: kent")),
      });
      expectCaught(r, "corosync", "Invalid transport type");
    },
    T,
  );

  judgeTest(
    "a typo in a key (corosync -t ignores it; the key check does not)",
    async () => {
      const r = await check(LAB, {
        judges: ["corosync"],
        mutateRendered: (f) => edit(f, conf, (s) => s.replace("    token: 5000", "    tokne: 5000")),
      });
      expectCaught(r, "corosync", "'tokne' is not a key corosync.conf(5) knows in totem{}");
    },
    T,
  );

  judgeTest(
    "a node missing from the nodelist",
    async () => {
      const r = await check(LAB, {
        judges: ["corosync"],
        mutateRendered: (f) =>
          edit(f, conf, (s) => s.replace(/ {4}node \{\n {8}name: secondary\n[\s\S]*?\n {4}\}\n/, "")),
      });
      expectCaught(
        r,
        "corosync",
        "secondary: /etc/corosync/corosync.conf",
        "No valid name found for local host",
        "node secondary (ring addresses 10.0.66.202) is not in the nodelist",
      );
      // The node that is still listed passes: the judge runs per node.
      expect(
        r.sections.find((s) => s.id === "corosync")!.items.find((i) => i.title.startsWith("primary:"))!.status,
      ).toBe("pass");
    },
    T,
  );
});

describe("DRBD defects are caught by drbdadm", () => {
  const res = /\/etc\/drbd\.d\/zimbradata\.res$/;

  judgeTest(
    "a wrong DRBD address for a node",
    async () => {
      const r = await check(LAB, {
        judges: ["drbd"],
        mutateRendered: (f) =>
          edit(f, res, (s) => s.replace("address   10.0.66.202:7788", "address   10.0.66.212:7788")),
      });
      expectCaught(
        r,
        "drbd",
        "an address of node secondary is not one of its ring addresses (10.0.66.202)",
        "IP 10.0.66.212 not found on this host",
      );
    },
    T,
  );

  judgeTest(
    "a wrong peer address in one node's copy only",
    async () => {
      const r = await check(LAB, {
        judges: ["drbd"],
        mutateRendered: (f) =>
          edit(f, /^primary\/etc\/drbd\.d\/zimbradata\.res$/, (s) =>
            s.replace("address   10.0.66.202:7788", "address   10.0.66.212:7788"),
          ),
      });
      expectCaught(
        r,
        "drbd",
        "secondary's copy differs from primary's",
        "primary's copy gives secondary the address 10.0.66.212:7788, which is not one of secondary's ring " +
          "addresses (10.0.66.202)",
      );
    },
    T,
  );

  judgeTest(
    "a misspelt DRBD keyword",
    async () => {
      const r = await check(LAB, {
        judges: ["drbd"],
        mutateRendered: (f) => edit(f, res, (s) => s.replace("protocol C;", "protocl C;")),
      });
      expectCaught(r, "drbd", "drbdadm dump zimbradata exited", "protocl");
    },
    T,
  );

  judgeTest(
    "two DRBD resources on the same port (Kopano)",
    async () => {
      const r = await check(KOPANO, {
        judges: ["drbd"],
        mutateRendered: (f) => edit(f, /\/etc\/drbd\.d\/attachments\.res$/, (s) => s.replace(/:7789;/g, ":7788;")),
      });
      expectCaught(r, "drbd", "conflicting use of IP '10.20.0.11:7788'");
    },
    T,
  );
});

describe("shell defects are caught by shellcheck", () => {
  judgeTest(
    "an unquoted expansion in a host script",
    async () => {
      const r = await check(LAB, {
        judges: ["shell"],
        mutateRendered: (f) =>
          edit(f, /\/cib-apply\.sh$/, (s) =>
            s.replace("trap 'rm -rf \"$work\"' EXIT", "trap 'rm -rf $work' EXIT\nrm -f $work/x"),
          ),
      });
      expectCaught(r, "shell", "/usr/local/lib/zimbra-ha/cib-apply.sh (every node)", "SC2086");
    },
    T,
  );
});

const ZIMBRA_FULL = path.join(ROOT, "examples", "zimbra-full.yaml");

describe("Zimbra and firewall defects are caught by nft -c, zmsetup.pl's and cron's reading", () => {
  judgeTest(
    "a ruleset with a misspelt statement: nft -c refuses it, on that node",
    async () => {
      const r = await check(ZIMBRA_FULL, {
        judges: ["zimbra"],
        mutateRendered: (f) =>
          edit(f, /^zcs2\/etc\/zimbra-ha\/firewall\.nft$/, (s) => s.replace(/\baccept\b/, "acept")),
      });
      expectCaught(r, "zimbra", "zcs2: /etc/zimbra-ha/firewall.nft", "acept");
      const zcs1 = r.sections.find((s) => s.id === "zimbra")!.items.find((i) => i.title.startsWith("zcs1:"));
      expect(zcs1?.status).toBe("pass");
    },
    T,
  );
  judgeTest(
    "a comment line and a repeated key in zmsetup.conf: zmsetup.pl has no comments, the last key wins",
    async () => {
      const r = await check(ZIMBRA_FULL, {
        judges: ["zimbra"],
        mutateRendered: (f) =>
          edit(f, /^zimbra\/zmsetup\.conf$/, (s) => `# managed by Pulumi\n${s}HOSTNAME=other.example.org\n`),
      });
      expectCaught(r, "zimbra", "line 1: '# managed by Pulumi' has no '='", "HOSTNAME again (line 2)");
    },
    T,
  );
  judgeTest(
    "the admin password key gone from zmsetup.conf: zimbra-configure.sh reads it",
    async () => {
      const r = await check(ZIMBRA_FULL, {
        judges: ["zimbra"],
        mutateRendered: (f) => edit(f, /^zimbra\/zmsetup\.conf$/, (s) => s.replace(/^CREATEADMINPASS=.*\n/m, "")),
      });
      expectCaught(r, "zimbra", "CREATEADMINPASS is missing: zimbra-configure.sh reads it");
    },
    T,
  );
  judgeTest(
    "a cron line without its user (the script would be read as the user) and one with minute 60",
    async () => {
      const r = await check(ZIMBRA_FULL, {
        judges: ["zimbra"],
        mutateRendered: (f) =>
          edit(f, /\/etc\/cron\.d\/zimbra-ha-crontab$/, (s) =>
            s.replace(/^\* \* \* \* \* root /m, "* * * * * ").concat("60 * * * * root true\n"),
          ),
      });
      expectCaught(
        r,
        "zimbra",
        "'/usr/local/lib/zimbra-ha/zimbra-cron-sync.sh' is not a user name",
        "minute: 60 is outside 0-59",
      );
    },
    T,
  );
});

describe("policy breaches are caught by the policy pack's rules", () => {
  // The policies need no judge binary: these run everywhere. Validation keeps a stack's
  // config from breaching a mandatory rule, so those breaches are made in what the program registers.
  const named = (name: RegExp, change: (r: StackResource) => void) => (rs: StackResource[]) => {
    const hits = rs.filter((r) => name.test(r.name));
    if (!hits.length) throw new Error(`no registered resource matches ${name}`);
    hits.forEach(change);
  };
  test(
    "a production stack whose DRBD resource is sent with protocol A",
    async () => {
      const toA = (r: StackResource) => (r.props.stdin = String(r.props.stdin).replace("protocol C;", "protocol A;"));
      const r = await check(KOPANO, { judges: ["policies"], mutateResources: named(/^drbd-attachments-conf-/, toA) });
      expectCaught(
        r,
        "policies",
        "mandatory drbd-protocol-c",
        "drbd-attachments-conf-kopano1: /etc/drbd.d/attachments.res: resource attachments uses protocol A",
      );
    },
    T,
  );
  test(
    "a production stack whose commands to one node carry no host key",
    async () => {
      const unpin = (r: StackResource) =>
        (r.props.connection = { ...(r.props.connection as object), hostKey: undefined });
      const r = await check(KOPANO, { judges: ["policies"], mutateResources: named(/kopano2/, unpin) });
      expectCaught(
        r,
        "policies",
        "mandatory ssh-host-key-pinned",
        "SSH to admin@172.16.5.12:22 has no pinned host key",
      );
    },
    T,
  );
  test(
    "an advisory breach warns, and the check still passes: a value the check carries as a BMC password in the " +
      "installer URL",
    async () => {
      const leak = (raw: any) => {
        Object.assign(raw, variantCluster("secrets"));
        raw.zimbra.installer.url = `https://files.example.org/${placeholderFencePassword("primary")}/zcs.tgz`;
      };
      const r = await check(LAB, { judges: ["policies"], mutateConfig: leak });
      expect(r.ok).toBe(true);
      const items = r.sections.find((s) => s.id === "policies")!.items;
      expect(items.filter((i) => i.status !== "pass").map((i) => [i.status, i.title, i.details])).toEqual([
        [
          "skip",
          expect.stringMatching(/^mandatory fencing-enabled, drbd-protocol-c, .*, quorum-never-ignored$/),
          ["production stacks only: this stack does not declare production: true"],
        ],
        [
          "warn",
          "advisory  no-secret-in-command-line",
          [
            expect.stringMatching(
              /^zimbra-installer-primary: its create line holds a secret value \(the secret stdin of fencing-password-primary-on-\w+\)$/,
            ),
          ],
        ],
      ]);
      expect(formatReport(r)).toMatch(
        /WARN {2}advisory {2}no-secret-in-command-line[\s\S]*PASS: \d+ passed, 0 failed, 1 skipped, 1 warned in/,
      );
    },
    T,
  );
});
