/** The resource graph under the mock runtime: which commands, on which node, in which order. */
import * as path from "path";
import { runStack, ProgramRun, plainCreate, TEST_AUTHKEY_BASE64 } from "./harness/program";
import { sha256 } from "../components/remote";
import { renderCorosyncConf, corosyncView } from "../components/render/corosync";
import { drbdView, renderDrbdRes } from "../components/render/drbd";

const ROOT = path.join(__dirname, "..");
const SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nSECRET-SSH-KEY-MATERIAL-42\n-----END OPENSSH PRIVATE KEY-----\n";
const AUTHKEY_BASE64 = Buffer.alloc(256, 7).toString("base64");

/** All transitive dependencies of a resource, by name. */
function ancestors(run: ProgramRun, name: string, seen = new Set<string>()): Set<string> {
  for (const dep of run.byName(name).dependsOn) {
    if (!seen.has(dep)) {
      seen.add(dep);
      ancestors(run, dep, seen);
    }
  }
  return seen;
}

describe("lab stack", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStack(path.join(ROOT, "Pulumi.lab.yaml"), { sshPrivateKey: SSH_KEY });
  });

  test("one Node per host, one DrbdResource, one CorosyncRing, one PacemakerGroup, one RollingMaintenance", () => {
    const count = (t: string) => run.registrations.filter((r) => r.type === t).length;
    expect(count("zimbra-ha:node:Node")).toBe(2);
    expect(count("zimbra-ha:drbd:DrbdResource")).toBe(1);
    expect(count("zimbra-ha:corosync:CorosyncRing")).toBe(1);
    expect(count("zimbra-ha:pacemaker:PacemakerGroup")).toBe(1);
    expect(count("zimbra-ha:maintenance:RollingMaintenance")).toBe(1);
    // The only commands on the machine running pulumi: the pause between a leave step that
    // scheduled a reboot and the rejoin step; every secret comes from the stack config.
    const local = run.registrations.filter((r) => r.type === "command:local:Command").map((r) => r.name);
    expect(local).toEqual(["maintenance-reboot-grace-primary", "maintenance-reboot-grace-secondary"]);
  });

  test("every host command waits for the node's readiness gate", () => {
    for (const cmd of run.commands.filter((c) => !c.name.endsWith("-ready"))) {
      const node = cmd.inputs.connection.host === "192.168.77.201" ? "primary" : "secondary";
      expect(ancestors(run, cmd.name)).toContain(`${node}-ready`);
    }
  });

  test("commands run on the node their name says", () => {
    for (const cmd of run.commands) {
      if (/(^|-)primary$|^primary-/.test(cmd.name)) expect(cmd.inputs.connection.host).toBe("192.168.77.201");
      if (/(^|-)secondary$|^secondary-/.test(cmd.name)) expect(cmd.inputs.connection.host).toBe("192.168.77.202");
    }
  });

  test("the two nodes' preparation steps are independent (they run in parallel)", () => {
    for (const step of ["tools", "distro", "hostname", "hosts", "packages", "boot-services", "drbd-module"]) {
      const deps = [...ancestors(run, `primary-${step}`)];
      expect(deps.filter((d) => d.includes("secondary"))).toEqual([]);
    }
    expect([...ancestors(run, "drbd-zimbradata-metadata-primary")].filter((d) => d.includes("secondary"))).toEqual([]);
  });

  test("corosync starts only after the authkey and the conf exist on all nodes", () => {
    for (const node of ["primary", "secondary"]) {
      const deps = run.byName(`corosync-start-${node}`).dependsOn;
      expect(deps).toEqual(
        expect.arrayContaining([
          "corosync-authkey-primary",
          "corosync-authkey-secondary",
          "corosync-conf-primary",
          "corosync-conf-secondary",
        ]),
      );
    }
    expect(run.byName("corosync-reload").dependsOn).toEqual(
      expect.arrayContaining(["corosync-start-primary", "corosync-start-secondary"]),
    );
    expect(run.byName("corosync-membership").dependsOn).toEqual(["corosync-reload"]);
  });

  test("DRBD: conf → metadata → up on each node; initialisation on the initial primary after both are up", () => {
    for (const node of ["primary", "secondary"]) {
      expect(run.byName(`drbd-zimbradata-metadata-${node}`).dependsOn).toContain(`drbd-zimbradata-conf-${node}`);
      expect(run.byName(`drbd-zimbradata-up-${node}`).dependsOn).toContain(`drbd-zimbradata-metadata-${node}`);
    }
    const init = run.byName("drbd-zimbradata-initialize");
    expect(init.inputs.connection.host).toBe("192.168.77.201");
    expect(init.dependsOn).toEqual(
      expect.arrayContaining(["drbd-zimbradata-up-primary", "drbd-zimbradata-up-secondary"]),
    );
  });

  test("Pacemaker configuration only after the ring is quorate and DRBD is initialised; converge after apply", () => {
    const deps = ancestors(run, "pacemaker-apply");
    expect(deps).toContain("corosync-membership");
    expect(deps).toContain("drbd-zimbradata-initialize");
    expect(run.byName("pacemaker-converge").dependsOn).toContain("pacemaker-apply");
  });

  test("consumers carry the content hash of the file they read, so a change re-runs them", () => {
    const cfg = run.cfg;
    const resHash = sha256(renderDrbdRes(drbdView(cfg, cfg.drbd.resources[0]))).slice(0, 16);
    const confHash = sha256(renderCorosyncConf(corosyncView(cfg))).slice(0, 16);
    expect(run.byName("drbd-zimbradata-up-primary").inputs.create).toContain(`# rerun-on ${resHash}`);
    expect(run.byName("corosync-reload").inputs.create).toContain(`# rerun-on ${confHash}`);
    expect(run.byName("corosync-start-secondary").inputs.create).not.toContain("rerun-on");
    // A new authkey re-runs the reload through its fingerprint (stdin), never the key itself.
    expect(run.byName("corosync-reload").inputs.stdin).toBe(sha256(`corosync authkey ${TEST_AUTHKEY_BASE64}`));
    expect(run.byName("drbd-zimbradata-conf-primary").inputs.stdin).toBe(
      renderDrbdRes(drbdView(cfg, cfg.drbd.resources[0])),
    );
  });

  test("every command: deleteBeforeReplace, no environment, no previous output in env", () => {
    for (const cmd of run.commands) {
      expect(cmd.deleteBeforeReplace).toBe(true);
      expect(cmd.inputs.environment).toBeUndefined();
      expect(cmd.inputs.addPreviousOutputInEnv).toBe(false);
    }
  });

  test("no secret appears in any command line; the authkey travels on secret stdin with logging off", () => {
    for (const cmd of run.commands) {
      for (const field of ["create", "delete", "update"]) {
        const text = String(cmd.inputs[field] ?? "");
        expect(text).not.toContain("SECRET-SSH-KEY-MATERIAL-42");
        expect(text).not.toContain(AUTHKEY_BASE64.slice(0, 24));
      }
      expect(cmd.secretInputs).toContain("connection");
    }
    const authkey = run.byName("corosync-authkey-primary");
    expect(authkey.inputs.stdin).toBe(AUTHKEY_BASE64);
    expect(authkey.secretInputs).toContain("stdin");
    expect(authkey.inputs.logging).toBe("none");
    expect(authkey.additionalSecretOutputs).toEqual(expect.arrayContaining(["stdout", "stderr"]));
  });

  test("DRBD is never given a wipe unless the stack allows it, and destroy never touches metadata", () => {
    for (const cmd of run.commands.filter((c) => c.name.includes("drbd"))) {
      expect(String(cmd.inputs.create)).not.toMatch(/wipefs|mkfs|dd /);
      expect(String(cmd.inputs.delete ?? "")).not.toMatch(/wipe|create-md|mkfs|dd /);
    }
    expect(plainCreate(run.byName("drbd-zimbradata-metadata-primary").inputs.create)).toMatch(
      /drbd-create-md\.sh zimbradata 0 \/dev\/vdb internal no$/,
    );
  });
});

describe("a config change reaches exactly the commands that consume it", () => {
  test("resync rate: the .res writers and the DRBD up steps change, nothing else", async () => {
    const before = await runStack(path.join(ROOT, "Pulumi.lab.yaml"));
    const after = await runStack(path.join(ROOT, "Pulumi.lab.yaml"), {
      overrides: (raw) => (raw.drbd.resources[0].resyncRate = "40M"),
    });
    const changed = before.commands
      .filter((c) => {
        const other = after.byName(c.name);
        return other.inputs.create !== c.inputs.create || other.inputs.stdin !== c.inputs.stdin;
      })
      .map((c) => c.name)
      .sort();
    expect(changed).toEqual([
      "drbd-zimbradata-conf-primary",
      "drbd-zimbradata-conf-secondary",
      "drbd-zimbradata-up-primary",
      "drbd-zimbradata-up-secondary",
    ]);
  });

  test("files[]: removing the first entry removes its two steps and leaves every other command as it was", async () => {
    const before = await runStack(path.join(ROOT, "Pulumi.lab.yaml"));
    const after = await runStack(path.join(ROOT, "Pulumi.lab.yaml"), { overrides: (raw) => raw.files.shift() });
    const names = (run: ProgramRun) => run.commands.map((c) => c.name).sort();
    expect(names(before).filter((n) => !names(after).includes(n))).toEqual([
      "primary-file-etc_postfix_main.cf",
      "secondary-file-etc_postfix_main.cf",
    ]);
    expect(names(after).filter((n) => !names(before).includes(n))).toEqual([]);
    for (const cmd of after.commands) {
      const old = before.byName(cmd.name);
      expect([cmd.name, cmd.inputs.create, cmd.inputs.stdin, cmd.inputs.delete]).toEqual([
        cmd.name,
        old.inputs.create,
        old.inputs.stdin,
        old.inputs.delete,
      ]);
    }
  });
});

describe("fencing", () => {
  test("SBD (Open-Xchange-like): header once, config on every node, all before corosync starts", async () => {
    const run = await runStack(path.join(ROOT, "examples", "open-xchange.yaml"));
    expect(plainCreate(run.byName("fencing-sbd-header").inputs.create)).toMatch(
      /sbd-init\.sh \/dev\/disk\/by-id\/scsi-shared-sbd 5 10 no$/,
    );
    for (const node of ["ox-a", "ox-b"]) {
      expect(run.byName(`fencing-sbd-config-${node}`).dependsOn).toEqual(
        expect.arrayContaining([`fencing-watchdog-${node}`, "fencing-sbd-header"]),
      );
      expect(run.byName(`corosync-start-${node}`).dependsOn).toEqual(
        expect.arrayContaining(["fencing-sbd-config-ox-a", "fencing-sbd-config-ox-b"]),
      );
      expect(run.byName(`${node}-packages`).inputs.create).toContain(" sbd ");
    }
    expect(run.byName("pacemaker-apply").inputs.stdin).toContain(
      '<primitive id="fence-sbd" class="stonith" type="fence_sbd">',
    );
  });

  test("every fencing mode: a fencer check on every node, installed before corosync starts", async () => {
    for (const [example, nodes] of [
      ["open-xchange.yaml", ["ox-a", "ox-b"]],
      ["kopano.yaml", ["kopano1", "kopano2"]],
    ] as const) {
      const run = await runStack(path.join(ROOT, "examples", example));
      for (const node of nodes) {
        const check = run.byName(`fencing-fencer-check-${node}`);
        const create = plainCreate(check.inputs.create);
        expect(create).toContain("put-file.sh /etc/systemd/system/zimbra-ha-fencer-check.service 0644 root:root");
        expect(create).toContain("systemctl daemon-reload && systemctl enable zimbra-ha-fencer-check.service");
        // A running cluster's fencer is checked at once, not only at pacemaker's next start.
        expect(create).toMatch(
          /\{ ! systemctl is-active --quiet pacemaker\.service \|\| systemctl start --no-block zimbra-ha-fencer-check\.service; \}/,
        );
        expect(check.inputs.stdin).toContain("ExecStart=/usr/local/lib/zimbra-ha/fencer-check.sh 300");
        expect(check.inputs.stdin).toContain("WantedBy=pacemaker.service");
        expect(check.inputs.delete).toContain("systemctl disable zimbra-ha-fencer-check.service");
        expect(run.byName(`corosync-start-${node}`).dependsOn).toEqual(
          expect.arrayContaining(nodes.map((n) => `fencing-fencer-check-${n}`)),
        );
      }
    }
  });

  test("BMC devices (Kopano-like): passwords only on secret stdin, every node can fence every other", async () => {
    const run = await runStack(path.join(ROOT, "examples", "kopano.yaml"));
    const passwords = run.commands.filter((c) => c.name.startsWith("fencing-password-"));
    expect(passwords.map((c) => c.name).sort()).toEqual([
      "fencing-password-kopano1-on-kopano1",
      "fencing-password-kopano1-on-kopano2",
      "fencing-password-kopano2-on-kopano1",
      "fencing-password-kopano2-on-kopano2",
    ]);
    for (const c of passwords) {
      expect(c.secretInputs).toContain("stdin");
      expect(c.inputs.logging).toBe("none");
    }
    expect(run.byName("fencing-password-kopano2-on-kopano1").inputs.stdin).toBe("FENCE-PASSWORD-OF-kopano2");
    for (const c of run.commands) {
      for (const field of ["create", "delete"])
        expect(String(c.inputs[field] ?? "")).not.toContain("FENCE-PASSWORD-OF");
      if (!c.secretInputs.includes("stdin")) expect(String(c.inputs.stdin ?? "")).not.toContain("FENCE-PASSWORD-OF");
    }
    expect(run.byName("corosync-start-kopano1").dependsOn).toEqual(
      expect.arrayContaining(passwords.map((c) => c.name)),
    );
  });
});

describe("examples", () => {
  test("Kopano-like: two DRBD resources, a sudo user, Pacemaker after both initialisations", async () => {
    const run = await runStack(path.join(ROOT, "examples", "kopano.yaml"));
    expect(run.registrations.filter((r) => r.type === "zimbra-ha:drbd:DrbdResource")).toHaveLength(2);
    expect(run.byName("drbd-attachments-initialize").inputs.connection.host).toBe("172.16.5.12");
    expect(plainCreate(run.byName("kopano2-packages").inputs.create)).toMatch(/^sudo -n -- sh -c /);
    expect(run.byName("drbd-attachments-metadata-kopano2").inputs.create).toContain("/dev/sdc1");
    expect(run.byName("drbd-attachments-metadata-kopano1").inputs.create).toContain("/dev/sdb2");
    const deps = ancestors(run, "pacemaker-apply");
    expect(deps).toContain("drbd-database-initialize");
    expect(deps).toContain("drbd-attachments-initialize");
    expect(run.byName("pacemaker-apply").inputs.stdin).toContain('<rsc_order id="ord-db-then-app" first="db"');
  });

  test("Open-Xchange-like: four DRBD resources, external metadata passed to the metadata step", async () => {
    const run = await runStack(path.join(ROOT, "examples", "open-xchange.yaml"));
    expect(run.registrations.filter((r) => r.type === "zimbra-ha:drbd:DrbdResource")).toHaveLength(4);
    expect(plainCreate(run.byName("drbd-imapdata-metadata-ox-b").inputs.create)).toMatch(
      /drbd-create-md\.sh imapdata 3 \/dev\/vdc \/dev\/vdb4 no/,
    );
    const fragment: string = run.byName("pacemaker-apply").inputs.stdin;
    const order = [
      "vip",
      "fs-ldap",
      "slapd",
      "fs-pgsql",
      "postgresql",
      "fs-spool",
      "fs-imapdata",
      "imap",
      "mta",
      "groupware",
    ].map((id) => fragment.indexOf(`<primitive id="${id}"`));
    expect(order.every((pos, i) => pos > 0 && (i === 0 || pos > order[i - 1]))).toBe(true);
  });
});
