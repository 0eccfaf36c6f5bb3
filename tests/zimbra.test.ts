/**
 * The automated Zimbra install: config validation, the rendered zmsetup.pl config (golden),
 * the install chain under Pulumi's mock runtime (order, checksum first, secrets), and the
 * host scripts run for real against a fake ZCS tarball (the real installer cannot be
 * downloaded here: its steps are covered through that double and the mocks).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackFile } from "../components/stackfile";
import { parseClusterConfig } from "../components/validate";
import { ClusterConfig } from "../components/config";
import { checkZimbra } from "../components/validate-zimbra";
import { DISTRO_PACKAGES } from "../components/packages";
import { ZimbraConfig, ZimbraSchema } from "../components/zimbra-config";
import { accountSuffix, renderZmsetupConfig, zmsetupPlainView } from "../components/render/zimbra";
import { echoInputs, installRecordingMocks, NewResource, providerOutput, Registration } from "../tools/mock-runtime";
import { TEST_AUTHKEY_BASE64, plainCreate, plainDelete } from "./harness/program";

const ROOT = path.join(__dirname, "..");
const SCRIPTS = path.join(ROOT, "assets", "scripts");
const GOLDEN = path.join(__dirname, "golden", "zimbra");
const SHA = "3f1c0d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f10";
const ADMIN_PASSWORD = "Adm1n-Secret.Value";

/** The lab stack with Zimbra as the application: a zimbra primitive after the filesystem. */
export function zimbraLabRaw(): any {
  const raw = readStackFile(path.join(ROOT, "Pulumi.lab.yaml")).cluster as any;
  raw.apt = { sources: [], extraPackages: [] };
  raw.files = [];
  raw.disableAtBoot = [];
  raw.pacemaker.primitives = [
    {
      id: "zcs",
      agent: "ocf:zimbra-ha:zimbra",
      params: { zimbra_dir: "/opt/zimbra" },
      ops: { start: { timeout: 360 }, stop: { timeout: 360 }, monitor: { interval: 120, timeout: 40 } },
    },
  ];
  raw.pacemaker.groups[0].members = ["vip", "zimbradata", "zcs"];
  return raw;
}

export function zimbraRaw(extra: Record<string, unknown> = {}): any {
  return {
    installer: { url: "https://files.example.org/zcs-10.1.0_GA.UBUNTU22_64.tgz", sha256: SHA },
    domain: "zimbraha.lan",
    ...extra,
  };
}

function problems(raw: any, zimbra: any, exists: (p: string) => boolean = () => true): string[] {
  const cfg = parseClusterConfig(raw, { sshPrivateKey: true });
  const parsed = ZimbraSchema.safeParse(zimbra);
  if (!parsed.success) return parsed.error.issues.map((i) => `cluster.zimbra.${i.path.join(".")}: ${i.message}`);
  const out: string[] = [];
  checkZimbra(cfg, parsed.data, (p, m) => out.push(`cluster.${p}: ${m}`), exists);
  return out;
}

describe("zimbra config validation: every rejected input names its field", () => {
  test("the lab stack with a zimbra primitive and a URL installer is valid", () => {
    expect(problems(zimbraLabRaw(), zimbraRaw())).toEqual([]);
  });
  test.each([
    [
      "both url and localPath",
      zimbraRaw({ installer: { url: "https://x.example/zcs.tgz", localPath: "/tmp/zcs.tgz", sha256: SHA } }),
      "cluster.zimbra.installer: has both url and localPath",
    ],
    ["neither url nor localPath", zimbraRaw({ installer: { sha256: SHA } }), "cluster.zimbra.installer: needs url"],
    [
      "a short checksum",
      zimbraRaw({ installer: { url: "https://x.example/zcs.tgz", sha256: "abc" } }),
      "cluster.zimbra.installer.sha256: must be the installer's SHA-256",
    ],
    [
      "an uppercase checksum",
      zimbraRaw({ installer: { url: "https://x.example/zcs.tgz", sha256: SHA.toUpperCase() } }),
      "cluster.zimbra.installer.sha256",
    ],
    [
      "a URL with credentials",
      zimbraRaw({ installer: { url: "https://user:pw@x.example/zcs.tgz", sha256: SHA } }),
      "cluster.zimbra.installer.url: must be an http(s) URL without credentials",
    ],
    [
      "an ftp URL",
      zimbraRaw({ installer: { url: "ftp://x.example/zcs.tgz", sha256: SHA } }),
      "cluster.zimbra.installer.url",
    ],
    [
      "no zimbra-store",
      zimbraRaw({ packages: ["zimbra-core", "zimbra-ldap"] }),
      "cluster.zimbra.packages: must include zimbra-store",
    ],
    [
      "an unknown package",
      zimbraRaw({ packages: ["zimbra-core", "zimbra-ldap", "zimbra-store", "postfix"] }),
      "cluster.zimbra.packages.3",
    ],
    [
      "a package twice",
      zimbraRaw({ packages: ["zimbra-core", "zimbra-ldap", "zimbra-store", "zimbra-mta", "zimbra-mta"] }),
      "cluster.zimbra.packages: zimbra-mta is listed twice",
    ],
    ["a bad domain", zimbraRaw({ domain: "Zimbra HA" }), "cluster.zimbra.domain: must be a lowercase domain name"],
    ["an unknown key", zimbraRaw({ adminPassword: "x" }), "cluster.zimbra"],
  ])("%s", (_, zimbra, message) => {
    expect(problems(zimbraLabRaw(), zimbra).join("\n")).toContain(message);
  });
  test("a local installer that does not exist", () => {
    const zimbra = zimbraRaw({ installer: { localPath: "/nowhere/zcs.tgz", sha256: SHA } });
    expect(problems(zimbraLabRaw(), zimbra, () => false)).toEqual([
      "cluster.zimbra.installer.localPath: /nowhere/zcs.tgz does not exist on this machine",
    ]);
  });
  test("no primitive runs the Zimbra agent", () => {
    const raw = zimbraLabRaw();
    raw.pacemaker.primitives[0].agent = "systemd:zimbra";
    expect(problems(raw, zimbraRaw()).join("\n")).toMatch(
      /cluster\.pacemaker\.primitives: no primitive runs ocf:zimbra-ha:zimbra[\s\S]*cluster\.pacemaker\.primitives\[0\]\.agent: systemd:zimbra would start Zimbra's init script/,
    );
  });
  test("the Zimbra primitive before the filesystem", () => {
    const raw = zimbraLabRaw();
    raw.pacemaker.groups[0].members = ["vip", "zcs", "zimbradata"];
    expect(problems(raw, zimbraRaw())).toEqual([
      "cluster.pacemaker.groups[0].members: 'zcs' must come after the DRBD resource 'zimbradata' in the same group " +
        "(its filesystem holds /opt/zimbra)",
    ]);
  });
  test("a zimbra_dir other than /opt/zimbra", () => {
    const raw = zimbraLabRaw();
    raw.pacemaker.primitives[0].params.zimbra_dir = "/srv/zimbra";
    expect(problems(raw, zimbraRaw())).toEqual([
      "cluster.pacemaker.primitives[0].params.zimbra_dir: /srv/zimbra is not where the installer puts Zimbra " +
        "(/opt/zimbra)",
    ]);
  });
  test("no DRBD resource on /opt/zimbra", () => {
    const raw = zimbraLabRaw();
    raw.drbd.resources[0].mountPoint = "/srv/data";
    expect(problems(raw, zimbraRaw())).toContain(
      "cluster.drbd.resources: no DRBD resource is mounted on /opt/zimbra (or /opt): Zimbra's data must be on the " +
        "replicated filesystem",
    );
  });
  test("no VIP", () => {
    const raw = zimbraLabRaw();
    raw.pacemaker.vips = [];
    raw.pacemaker.groups[0].members = ["zimbradata", "zcs"];
    expect(problems(raw, zimbraRaw())).toContain(
      "cluster.pacemaker.vips: Zimbra needs a VIP: service.fqdn must resolve to an address that moves with the service",
    );
  });
  test("a domain that cannot be derived", () => {
    const raw = zimbraLabRaw();
    raw.service.fqdn = "zimbraha.lan";
    expect(problems(raw, { installer: zimbraRaw().installer })).toContain(
      "cluster.zimbra.domain: cannot be derived from service.fqdn zimbraha.lan (it would be a top-level " +
        "domain): set it",
    );
  });
});

function labConfig(): { cfg: ClusterConfig; zimbra: ZimbraConfig } {
  return {
    cfg: parseClusterConfig(zimbraLabRaw(), { sshPrivateKey: true }),
    zimbra: ZimbraSchema.parse(zimbraRaw({ timeZone: "Europe/Paris" })),
  };
}

describe("zmsetup.pl config file", () => {
  const { cfg, zimbra } = labConfig();
  const rendered = renderZmsetupConfig({
    ...zmsetupPlainView(cfg, zimbra),
    adminPassword: "GOLDEN-ADMIN-PASSWORD",
    accountSuffix: "k3x9q2m7za",
  });

  test("matches tests/golden/zimbra/zmsetup.conf (lab stack, default packages)", () => {
    const golden = path.join(GOLDEN, "zmsetup.conf");
    if (process.env.UPDATE_GOLDEN === "1") fs.writeFileSync(golden, rendered);
    expect(rendered).toBe(fs.readFileSync(golden, "utf8"));
  });

  test(
    "one KEY=value per line, unquoted, no comment or blank line, no key twice (zmsetup.pl's " + "loadConfig format)",
    () => {
      const lines = rendered.trimEnd().split("\n");
      for (const line of lines) expect(line).toMatch(/^[A-Za-z_]+=[^"\n]*$/);
      const keys = lines.map((l) => l.split("=")[0]);
      expect(new Set(keys).size).toBe(keys.length);
    },
  );

  test("carries the reference values: server name = public FQDN, domain, admin, packages", () => {
    for (const line of [
      "HOSTNAME=public.zimbraha.lan",
      "LDAPHOST=public.zimbraha.lan",
      "CREATEDOMAIN=zimbraha.lan",
      "CREATEADMIN=admin@zimbraha.lan",
      "CREATEADMINPASS=GOLDEN-ADMIN-PASSWORD",
      "zimbraPrefTimeZoneId=Europe/Paris",
      "SPELLURL=http://public.zimbraha.lan:7780/aspell.php",
    ]) {
      expect(rendered).toContain(`${line}\n`);
    }
    expect(rendered).toContain(
      "INSTALL_PACKAGES=zimbra-core zimbra-ldap zimbra-logger zimbra-mta zimbra-snmp zimbra-store zimbra-apache " +
        "zimbra-spell zimbra-memcached zimbra-proxy\n",
    );
    expect(rendered).not.toMatch(/LDAPROOTPASS|LDAPADMINPASS/);
  });

  test("without zimbra-proxy, zimbra-spell and zimbra-mta: no proxy ports, no spell URL, no AV/SA", () => {
    const plain = zmsetupPlainView(
      cfg,
      ZimbraSchema.parse(zimbraRaw({ packages: ["zimbra-core", "zimbra-ldap", "zimbra-store"] })),
    );
    const text = renderZmsetupConfig({ ...plain, adminPassword: "secret-1", accountSuffix: "abc" });
    expect(text).not.toMatch(/PROXY|SPELLURL|TRAINSA/);
    expect(text).toContain("RUNAV=no\nRUNSA=no\nRUNDKIM=no\n");
  });

  test("a password zmsetup.pl's file cannot carry is refused without being echoed", () => {
    const plain = zmsetupPlainView(cfg, zimbra);
    for (const bad of ['quo"te-password', "line\nbreak-password", "short"]) {
      let message = "";
      try {
        renderZmsetupConfig({ ...plain, adminPassword: bad, accountSuffix: "abc" });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/^zimbraAdminPassword: must/);
      expect(message).not.toContain(bad);
    }
  });
});

describe("prerequisite packages", () => {
  test("per distro: the release's libperl and libaio names, and what the host scripts use", () => {
    expect(DISTRO_PACKAGES["debian-12"].zimbraPrerequisites).toEqual(
      expect.arrayContaining([
        "libperl5.36",
        "libaio1",
        "libidn12",
        "netcat-openbsd",
        "sudo",
        "pax",
        "sysstat",
        "sqlite3",
        "rsyslog",
        "cron",
        "logrotate",
      ]),
    );
    expect(DISTRO_PACKAGES["ubuntu-22.04"].zimbraPrerequisites).toEqual(
      expect.arrayContaining(["libperl5.34", "libaio1"]),
    );
    expect(DISTRO_PACKAGES["ubuntu-24.04"].zimbraPrerequisites).toEqual(
      expect.arrayContaining(["libperl5.38t64", "libaio1t64"]),
    );
    expect(DISTRO_PACKAGES["ubuntu-24.04"].zimbraPrerequisites).not.toContain("libaio1");
  });
});

// ---------------------------------------------------------------------------------------
// The install chain under the mock runtime.

const FOOTPRINT =
  "# zimbra-ha footprint 1 from primary\ngroup zimbra:x:998:\nuser zimbra:x:998:998::/opt/zimbra:/bin/bash\n";

const mockState: NewResource = (args) => {
  const out = echoInputs(args) as { id: string; state: Record<string, any> };
  if (args.type === "command:remote:Command" && args.name === "zimbra-footprint-primary")
    out.state.stdout = providerOutput(FOOTPRINT);
  return out;
};

interface Run {
  registrations: Registration[];
  commands: Registration[];
  byName: (name: string) => Registration;
  ancestors: (name: string) => Set<string>;
  outputs: Record<string, any>;
}

/** Builds the whole program (components/Cluster.ts) for a stack with `zimbra` (and `firewall`) set. */
export async function runZimbraCluster(
  raw: any,
  zimbraIn: any,
  opts: { firewall?: any; adminPassword: string },
): Promise<Run> {
  const { registrations, settled } = installRecordingMocks(mockState);
  const pulumi = await import("@pulumi/pulumi");
  const { Cluster } = await import("../components/Cluster");
  const cfg = parseClusterConfig({ ...raw, zimbra: zimbraIn, firewall: opts.firewall }, { sshPrivateKey: true });
  const key = pulumi.secret("-----BEGIN OPENSSH PRIVATE KEY-----\nTEST\n-----END OPENSSH PRIVATE KEY-----\n");
  const zi = new Cluster(cfg.name, {
    config: cfg,
    sshPrivateKey: key,
    corosyncAuthkey: pulumi.secret(TEST_AUTHKEY_BASE64),
    zimbraAdminPassword: pulumi.secret(opts.adminPassword),
  }).zimbra!;
  const outputs: Record<string, any> = {};
  zi.adminPassword.apply((v) => (outputs.adminPassword = v));
  (zi.adminPassword as any).isSecret.then((s: boolean) => (outputs.adminPasswordIsSecret = s));
  await settled();
  const byName = (name: string) => {
    const found = registrations.find((r) => r.name === name);
    if (!found) throw new Error(`no resource named ${name}; have: ${registrations.map((r) => r.name).join(", ")}`);
    return found;
  };
  const ancestors = (name: string, seen = new Set<string>()): Set<string> => {
    for (const dep of byName(name).dependsOn) {
      if (!seen.has(dep)) {
        seen.add(dep);
        ancestors(dep, seen);
      }
    }
    return seen;
  };
  return {
    registrations,
    commands: registrations.filter((r) => r.type === "command:remote:Command"),
    byName,
    ancestors,
    outputs,
  };
}

describe("install chain under the mock runtime (lab stack, URL installer)", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runZimbraCluster(zimbraLabRaw(), zimbraRaw(), { adminPassword: ADMIN_PASSWORD });
  });

  test(
    "order on the active node: DRBD initialised → installer verified → hold (promote, mount) → software → " +
      "configure → agent → release → Pacemaker",
    () => {
      // The download/upload and its check run while DRBD initialises; both come before the hold.
      expect([...run.ancestors("zimbra-hold-primary")]).toEqual(
        expect.arrayContaining([
          "drbd-zimbradata-initialize",
          "drbd-zimbradata-up-secondary",
          "zimbra-installer-primary",
        ]),
      );
      const chain = [
        "zimbra-hold-primary",
        "zimbra-software-primary",
        "zimbra-configure-primary",
        "zimbra-agent-primary",
        "zimbra-release-primary",
        "pacemaker-apply",
        "pacemaker-converge",
      ];
      chain.slice(1).forEach((step, i) => expect(run.ancestors(step)).toContain(chain[i]));
      // …and not the other way round.
      expect(run.ancestors("drbd-zimbradata-initialize")).not.toContain("zimbra-hold-primary");
      expect(run.ancestors("zimbra-installer-primary")).not.toContain("zimbra-hold-primary");
      expect(run.ancestors("pacemaker-converge")).toContain("zimbra-release-primary");
    },
  );

  test(
    "the checksum check precedes anything that installs: it is an ancestor of hold, software and configure, and " +
      "software verifies again before extracting",
    () => {
      const installer = run.byName("zimbra-installer-primary");
      expect(plainCreate(installer.inputs.create)).toMatch(
        new RegExp(
          `zimbra-fetch\\.sh url https://files\\.example\\.org/zcs-10\\.1\\.0_GA\\.UBUNTU22_64\\.tgz ${SHA} ` +
            `/var/lib/zimbra-ha/zimbra/installer/zcs-${SHA.slice(0, 16)}\\.tgz$`,
        ),
      );
      for (const step of ["zimbra-hold-primary", "zimbra-software-primary", "zimbra-configure-primary"])
        expect(run.ancestors(step)).toContain("zimbra-installer-primary");
      expect(run.byName("zimbra-software-primary").inputs.create).toContain(` ${SHA} `);
    },
  );

  test(
    "hold and release carry the DRBD resource, mount and VIP; the hold waits for the preflight on " + "both nodes",
    () => {
      expect(plainCreate(run.byName("zimbra-hold-primary").inputs.create)).toMatch(
        /zimbra-hold\.sh acquire zimbradata 0 \/opt\/zimbra ext4 noatime 192\.168\.77\.203 24 eth0 fs-zimbradata$/,
      );
      expect(plainCreate(run.byName("zimbra-release-primary").inputs.create)).toMatch(
        /zimbra-hold\.sh release zimbradata \/opt\/zimbra 192\.168\.77\.203 24 eth0$/,
      );
      expect(run.byName("zimbra-hold-primary").dependsOn).toEqual(
        expect.arrayContaining(["zimbra-preflight-primary", "zimbra-preflight-secondary"]),
      );
      expect(run.ancestors("zimbra-release-primary")).toContain("zimbra-footprint-primary");
    },
  );

  test("preflight: FQDN → VIP and the distro's prerequisites, after the node's hosts block and packages", () => {
    const pre = run.byName("zimbra-preflight-secondary");
    expect(plainCreate(pre.inputs.create)).toMatch(
      /zimbra-preflight\.sh public\.zimbraha\.lan 192\.168\.77\.203 .*libperl5\.36/,
    );
    expect(pre.dependsOn).toEqual(expect.arrayContaining(["secondary-hosts", "secondary-packages"]));
    for (const pkg of DISTRO_PACKAGES["debian-12"].zimbraPrerequisites)
      expect(run.byName("secondary-packages").inputs.create).toContain(` ${pkg}`);
  });

  test(
    "software: install.sh -s with the packages and package-server answer from arguments, no " + "keystrokes on stdin",
    () => {
      const sw = run.byName("zimbra-software-primary");
      expect(plainCreate(sw.inputs.create)).toMatch(
        /zimbra-software\.sh \/opt\/zimbra \S+ \S+ 'zimbra-core,zimbra-ldap,zimbra-logger,zimbra-mta,zimbra-snmp,zimbra-store,zimbra-apache,zimbra-spell,zimbra-memcached,zimbra-proxy' yes no 3600$/,
      );
      expect(sw.inputs.stdin).toBeUndefined();
    },
  );

  test(
    "the admin password never appears in a command line; it reaches the host only on the configure step's secret " +
      "stdin, logging off",
    () => {
      for (const cmd of run.commands) {
        for (const field of ["create", "delete", "update"])
          expect(String(cmd.inputs[field] ?? "")).not.toContain(ADMIN_PASSWORD);
        if (cmd.name !== "zimbra-configure-primary")
          expect(String(cmd.inputs.stdin ?? "")).not.toContain(ADMIN_PASSWORD);
      }
      const configure = run.byName("zimbra-configure-primary");
      expect(configure.inputs.stdin).toContain(`CREATEADMINPASS=${ADMIN_PASSWORD}\n`);
      expect(configure.secretInputs).toContain("stdin");
      expect(configure.inputs.logging).toBe("none");
      expect(configure.additionalSecretOutputs).toEqual(expect.arrayContaining(["stdout", "stderr"]));
      expect(plainCreate(configure.inputs.create)).toMatch(/zimbra-configure\.sh \/opt\/zimbra 3600$/);
    },
  );

  test("the configured password is the one exported (secret)", () => {
    expect(run.outputs.adminPassword).toBe(ADMIN_PASSWORD);
    expect(run.outputs.adminPasswordIsSecret).toBe(true);
  });

  test(
    "passive node: footprint from the active node's capture, then cron and boot steps; nothing " + "installs there",
    () => {
      const apply = run.byName("zimbra-footprint-secondary");
      expect(plainCreate(apply.inputs.create)).toMatch(/zimbra-footprint\.sh apply$/);
      // What the provider stored of the capture: its last newline gone (the script reads that last line too).
      expect(apply.inputs.stdin).toBe(providerOutput(FOOTPRINT));
      expect(apply.dependsOn).toContain("zimbra-footprint-primary");
      expect(plainCreate(run.byName("zimbra-footprint-primary").inputs.create)).toMatch(
        /zimbra-footprint\.sh capture$/,
      );
      expect(run.byName("zimbra-boot-secondary").dependsOn).toContain("zimbra-footprint-secondary");
      expect(
        run.commands.filter(
          (c) =>
            c.name.endsWith("-secondary") && /zimbra-(software|configure|hold|fetch)/.test(String(c.inputs.create)),
        ),
      ).toEqual([]);
    },
  );

  test("boot start disabled and the cron sync installed on both nodes, before Pacemaker", () => {
    for (const node of ["primary", "secondary"]) {
      expect(plainCreate(run.byName(`zimbra-boot-${node}`).inputs.create)).toMatch(/zimbra-boot\.sh$/);
      const cron = run.byName(`zimbra-cron-${node}`);
      expect(plainCreate(cron.inputs.create)).toMatch(/put-file\.sh \/etc\/cron\.d\/zimbra-ha-crontab 0644 root:root$/);
      expect(cron.inputs.stdin).toContain("* * * * * root /usr/local/lib/zimbra-ha/zimbra-cron-sync.sh");
      expect(plainDelete(cron.inputs.delete)).toBe("rm -f /etc/cron.d/zimbra-ha-crontab");
      expect(run.byName("pacemaker-apply").dependsOn).toEqual(
        expect.arrayContaining([`zimbra-boot-${node}`, `zimbra-cron-${node}`]),
      );
    }
    expect(run.byName("zimbra-boot-primary").dependsOn).toContain("zimbra-agent-primary");
  });

  test(
    "every zimbra command: deleteBeforeReplace, no environment, previous output not in env, runs on the node its " +
      "name says",
    () => {
      for (const cmd of run.commands.filter((c) => c.name.startsWith("zimbra-"))) {
        expect(cmd.deleteBeforeReplace).toBe(true);
        expect(cmd.inputs.environment).toBeUndefined();
        expect(cmd.inputs.addPreviousOutputInEnv).toBe(false);
        expect(cmd.inputs.connection.host).toBe(cmd.name.endsWith("-primary") ? "192.168.77.201" : "192.168.77.202");
      }
    },
  );

  test(
    "the installer cache is removed on destroy; the hold, software and configure steps never " + "delete anything",
    () => {
      expect(plainDelete(run.byName("zimbra-installer-primary").inputs.delete)).toMatch(
        /zimbra-fetch\.sh --remove \/var\/lib\/zimbra-ha\/zimbra\/installer\/zcs-\w+\.tgz$/,
      );
      for (const step of ["hold", "software", "configure", "agent", "release"])
        expect(plainDelete(run.byName(`zimbra-${step}-primary`).inputs.delete)).toBeUndefined();
    },
  );
});

describe("install chain variants", () => {
  test(
    "local installer: uploaded with CopyToRemote into a 0700 directory whose delete removes it, " + "then verified",
    async () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "zha-zcs-")), "zcs.tgz");
      fs.writeFileSync(file, "not really a tarball");
      const run = await runZimbraCluster(zimbraLabRaw(), zimbraRaw({ installer: { localPath: file, sha256: SHA } }), {
        adminPassword: ADMIN_PASSWORD,
      });
      const dir = run.byName("zimbra-upload-dir-primary");
      expect(plainCreate(dir.inputs.create)).toBe(
        'install -d -m 0700 -o "${SUDO_USER:-root}" /var/tmp/zimbra-ha-upload',
      );
      expect(plainDelete(dir.inputs.delete)).toBe("rm -rf /var/tmp/zimbra-ha-upload");
      const upload = run.byName("zimbra-upload-primary");
      expect(upload.type).toBe("command:remote:CopyToRemote");
      expect(upload.inputs.remotePath).toBe(`/var/tmp/zimbra-ha-upload/zcs-${SHA.slice(0, 16)}.tgz`);
      expect(upload.inputs.triggers).toEqual([SHA]);
      expect(upload.dependsOn).toContain("zimbra-upload-dir-primary");
      const installer = run.byName("zimbra-installer-primary");
      expect(plainCreate(installer.inputs.create)).toMatch(
        new RegExp(
          `zimbra-fetch\\.sh file /var/tmp/zimbra-ha-upload/zcs-\\w+\\.tgz ${SHA} ` +
            `/var/lib/zimbra-ha/zimbra/installer/zcs-\\w+\\.tgz$`,
        ),
      );
      expect(installer.dependsOn).toContain("zimbra-upload-primary");
      expect(run.ancestors("zimbra-hold-primary")).toContain("zimbra-installer-primary");
    },
  );

  test("no configured password: refused before any resource, naming the config key", () => {
    expect(() =>
      parseClusterConfig(
        { ...zimbraLabRaw(), zimbra: zimbraRaw() },
        { sshPrivateKey: true, zimbraAdminPassword: false },
      ),
    ).toThrow(
      /zimbraAdminPassword: missing \(cluster\.zimbra is set\): set it with `pulumi config set --secret zimbraAdminPassword`/,
    );
  });

  test("the spam/ham/quarantine account suffix is stable per cluster and no secret", async () => {
    const run = await runZimbraCluster(zimbraLabRaw(), zimbraRaw(), { adminPassword: ADMIN_PASSWORD });
    const suffix = accountSuffix("public.zimbraha.lan");
    expect(suffix).toMatch(/^[0-9a-f]{10}$/);
    expect(run.byName("zimbra-configure-primary").inputs.stdin).toContain(`TRAINSASPAM=spam.${suffix}@zimbraha.lan\n`);
  });

  test(
    "the DRBD resource's initialPrimary installs (here the secondary); the other node gets the " + "footprint",
    async () => {
      const raw = zimbraLabRaw();
      raw.drbd.resources[0].initialPrimary = "secondary";
      const run = await runZimbraCluster(raw, zimbraRaw(), { adminPassword: ADMIN_PASSWORD });
      expect(run.byName("zimbra-software-secondary").inputs.connection.host).toBe("192.168.77.202");
      expect(plainCreate(run.byName("zimbra-footprint-primary").inputs.create)).toMatch(/apply$/);
      expect(run.ancestors("zimbra-hold-secondary")).toContain("drbd-zimbradata-initialize");
    },
  );
});

// ---------------------------------------------------------------------------------------
// Host scripts run for real against a fake ZCS tarball, in a private mount namespace where
// a tmpfs stands in for the DRBD filesystem on /opt/zimbra.

const have = (bin: string) => spawnSync("sh", ["-c", `command -v ${bin}`]).status === 0;
const canMount = process.getuid?.() === 0 && have("unshare") && spawnSync("unshare", ["-m", "true"]).status === 0;
if (!canMount && process.env.CI === "true")
  throw new Error("CI needs root and unshare -m for the Zimbra host-script tests");
if (!canMount)
  console.warn("SKIPPING Zimbra host-script tests: they need root and unshare -m (a private mount namespace)");
const mountTest = canMount ? test : test.skip;

/** A tarball whose zcs-fake/install.sh and zmsetup.pl record how they were called. */
function fakeInstaller(dir: string): { tarball: string; sha: string } {
  const zcs = path.join(dir, "src", "zcs-fake");
  fs.mkdirSync(zcs, { recursive: true });
  fs.writeFileSync(
    path.join(zcs, "install.sh"),
    `#!/bin/sh
set -eu
[ "$1" = -s ] || { echo "expected -s" >&2; exit 2; }
defaults=$2
. "$defaults"
z=$ZIMBRA_HA_ZDIR
mkdir -p "$z/libexec" "$z/bin"
echo "$(date +%s): INSTALL SESSION START" >> "$z/.install_history"
echo "$(date +%s): INSTALLED zimbra-core-10.1.0_GA_1.fake" >> "$z/.install_history"
echo "$INSTALL_PACKAGES|$USE_ZIMBRA_PACKAGE_SERVER|$(umask)" > "$z/installed-with"
cat > "$z/libexec/zmsetup.pl" <<'ZMSETUP'
#!/bin/sh
set -eu
[ "$1" = -c ] || exit 2
cp "$2" "$ZIMBRA_HA_ZDIR/received-config"
stat -c %a "$2" > "$ZIMBRA_HA_ZDIR/received-config-mode"
echo "$(date +%s): CONFIG SESSION COMPLETE" >> "$ZIMBRA_HA_ZDIR/.install_history"
ZMSETUP
chmod 0755 "$z/libexec/zmsetup.pl"
printf '#!/bin/sh\\n' > "$z/bin/zmcontrol"
chmod 0755 "$z/bin/zmcontrol"
echo "$(date +%s): INSTALL SESSION COMPLETE" >> "$z/.install_history"
`,
    { mode: 0o755 },
  );
  const tarball = path.join(dir, "zcs-fake.tgz");
  spawnSync("tar", ["-czf", tarball, "-C", path.join(dir, "src"), "zcs-fake"]);
  const sha = spawnSync("sha256sum", [tarball], { encoding: "utf8" }).stdout.split(" ")[0];
  return { tarball, sha };
}

/**
 * A fake installer in DIR and a state that says the active node holds DRBD, mount and VIP (as zimbra-hold.sh leaves
 * it).
 */
function heldInstaller(dir: string): { tarball: string; sha: string } {
  const installer = fakeInstaller(dir);
  fs.mkdirSync(path.join(dir, "state"), { recursive: true });
  fs.writeFileSync(path.join(dir, "state", "hold"), "promoted=yes\nmounted=yes\nvip=yes\n");
  return installer;
}

/** Runs a shell snippet in a private mount namespace with a tmpfs on ZDIR. */
function inNamespace(dir: string, script: string, input = "") {
  const zdir = path.join(dir, "opt-zimbra");
  fs.mkdirSync(zdir, { recursive: true });
  const env = {
    ...process.env,
    ZIMBRA_HA_ZDIR: zdir,
    ZIMBRA_HA_STATE: path.join(dir, "state"),
    ZIMBRA_HA_LOG: path.join(dir, "install.log"),
    S: SCRIPTS,
    Z: zdir,
    D: dir,
  };
  const r = spawnSync("unshare", ["-m", "sh", "-c", `mount -t tmpfs tmpfs "$Z" && ${script}`], {
    env,
    input,
    encoding: "utf8",
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe("zimbra host scripts for real (fake ZCS tarball)", () => {
  mountTest("software: a checksum mismatch aborts before extraction; nothing is installed", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zha-zsw-"));
    const { tarball } = fakeInstaller(dir);
    const r = inNamespace(
      dir,
      `sh $S/zimbra-software.sh "$Z" ${tarball} ${SHA} zimbra-core yes no 60; echo "rc=$?"; ls -A "$Z"`,
    );
    expect(r.out).toContain("CHECKSUM MISMATCH");
    expect(r.out).toContain("Nothing was extracted or installed");
    expect(r.out.startsWith("rc=1\n")).toBe(true); // and `ls -A` of the Zimbra directory printed nothing
    expect(fs.existsSync(path.join(dir, "state", "work"))).toBe(false);
  });

  mountTest(
    "software then configure: install.sh -s from a defaults file, zmsetup.pl -c from stdin in a 0600 file that is " +
      "removed; re-runs skip",
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zha-zsw-"));
      const { tarball, sha } = heldInstaller(dir);
      fs.writeFileSync(path.join(dir, "config"), "HOSTNAME=public.zimbraha.lan\nCREATEADMINPASS=Secret-From-Stdin\n");
      const r2 = inNamespace(
        dir,
        [
          `sh $S/zimbra-software.sh "$Z" ${tarball} ${sha} zimbra-core,zimbra-ldap,zimbra-store yes no 60`,
          `sh $S/zimbra-software.sh "$Z" ${tarball} ${sha} zimbra-core,zimbra-ldap,zimbra-store yes no 60`,
          `sh $S/zimbra-configure.sh "$Z" 60 < "$D/config"`,
          `sh $S/zimbra-configure.sh "$Z" 60 < "$D/config"`,
          `cat "$Z/installed-with" "$Z/received-config-mode"`,
          `cmp "$Z/received-config" "$D/config" && echo same-config`,
          `ls "$D/state"`,
        ].join(" && "),
      );
      expect(r2.out).toMatch(/software: ZCS installed into .*\(zimbra-core zimbra-ldap zimbra-store\)/);
      expect(r2.out).toContain("software: installed in");
      expect(r2.out).toContain("configure: ");
      expect(r2.out).toMatch(/configure: .* configured \(zimbra-core-10\.1\.0_GA_1\.fake\); config file removed/);
      expect(r2.out).toContain("was configured before; zmsetup.pl not run");
      expect(r2.out).toContain("zimbra-core zimbra-ldap zimbra-store|yes|0022\n600\nsame-config\n");
      expect(r2.out).not.toMatch(/zmsetup\.\w{6}/);
      expect(fs.readFileSync(path.join(dir, "state", "installed"), "utf8")).toMatch(
        / zimbra-core-10\.1\.0_GA_1\.fake\n$/,
      );
      expect(r2.status).toBe(0);
    },
  );

  mountTest(
    "once installed (marker, nothing held), software and configure never run the installer again, even unmounted",
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zha-zsw-"));
      fs.mkdirSync(path.join(dir, "state"), { recursive: true });
      fs.writeFileSync(path.join(dir, "state", "installed"), "2026-01-01T00:00:00Z zimbra-core-10.1.0\n");
      const env = {
        ...process.env,
        ZIMBRA_HA_STATE: path.join(dir, "state"),
        ZIMBRA_HA_ZDIR: path.join(dir, "nowhere"),
      };
      const sw = spawnSync(
        "sh",
        [
          path.join(SCRIPTS, "zimbra-software.sh"),
          "/nonexistent",
          "/nonexistent.tgz",
          SHA,
          "zimbra-core",
          "yes",
          "no",
          "60",
        ],
        { env, encoding: "utf8" },
      );
      expect(sw.status).toBe(0);
      expect(sw.stdout).toContain("installer not run (upgrades are manual)");
      const cf = spawnSync("sh", [path.join(SCRIPTS, "zimbra-configure.sh"), "/nonexistent", "60"], {
        env,
        input: "CREATEADMINPASS=x\n",
        encoding: "utf8",
      });
      expect(cf.status).toBe(0);
      expect(cf.stdout).toContain("zmsetup.pl not run");
      expect(fs.readdirSync(path.join(dir, "state")).sort()).toEqual(["admin-password.sha256", "installed"]);
    },
  );

  mountTest(
    "a changed admin password is set with zmprov (on stdin) where Zimbra runs, and refused where it does not; no " +
      "output shows it",
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zha-zpw-"));
      const { tarball, sha } = heldInstaller(dir);
      fs.writeFileSync(path.join(dir, "old"), "CREATEADMIN=admin@zimbraha.lan\nCREATEADMINPASS=Old-Secret-1\n");
      fs.writeFileSync(path.join(dir, "new"), "CREATEADMIN=admin@zimbraha.lan\nCREATEADMINPASS=New-Secret-2\n");
      const fakeZmprov =
        `printf '#!/bin/sh\\ncat > "$D/zmprov-stdin"; ps -o args= -p $$ > "$D/zmprov-args"\\n' > "$Z/bin/zmprov" && ` +
        `chmod 0755 "$Z/bin/zmprov"`;
      const r = inNamespace(
        dir,
        [
          `sh $S/zimbra-software.sh "$Z" ${tarball} ${sha} zimbra-core yes no 60 >/dev/null`,
          `sh $S/zimbra-configure.sh "$Z" 60 < "$D/old"`,
          `rm "$D/state/hold"`,
          fakeZmprov,
          `ZIMBRA_HA_ZMPROV="$Z/bin/zmprov" sh $S/zimbra-configure.sh "$Z" 60 < "$D/old"`,
          `ZIMBRA_HA_ZMPROV="$Z/bin/zmprov" sh $S/zimbra-configure.sh "$Z" 60 < "$D/new"`,
          `cat "$D/zmprov-stdin"`,
          `umount "$Z" && { sh $S/zimbra-configure.sh "$Z" 60 < "$D/old"; echo "unmounted rc=$?"; }`,
        ].join(" && "),
      );
      expect(r.out).toContain("zmsetup.pl not run");
      expect(r.out).toContain("configure: admin password of admin@zimbraha.lan changed");
      expect(r.out).toContain('sp admin@zimbraha.lan "New-Secret-2"\n');
      expect(fs.readFileSync(path.join(dir, "zmprov-args"), "utf8")).not.toContain("Secret");
      expect(r.out).toMatch(/the admin password in the stack changed, but Zimbra does not run on /);
      expect(r.out).toContain("unmounted rc=1");
      expect(r.out.replace('sp admin@zimbraha.lan "New-Secret-2"', "")).not.toMatch(/Old-Secret-1|New-Secret-2/);
    },
  );

  mountTest(
    "a failed zmsetup.pl: the error names its log but prints none of it (the log may hold the password)",
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zha-zfail-"));
      const { tarball, sha } = heldInstaller(dir);
      fs.writeFileSync(path.join(dir, "config"), "CREATEADMIN=admin@zimbraha.lan\nCREATEADMINPASS=Leaky-Secret-3\n");
      const failing =
        `printf '#!/bin/sh\\ncat "$2"; echo "ERROR: setting password Leaky-Secret-3 failed"; exit 1\\n' ` +
        `> "$Z/libexec/zmsetup.pl"`;
      const r = inNamespace(
        dir,
        [
          `sh $S/zimbra-software.sh "$Z" ${tarball} ${sha} zimbra-core yes no 60 >/dev/null`,
          failing,
          `sh $S/zimbra-configure.sh "$Z" 60 < "$D/config"; echo "rc=$?"`,
        ].join(" && "),
      );
      expect(r.out).toMatch(/configure: zmsetup\.pl -c failed or ran over 60 s; its log is .*install\.log/);
      expect(r.out).toContain("rc=1");
      expect(r.out).not.toContain("Leaky-Secret-3");
      expect(fs.readFileSync(path.join(dir, "install.log"), "utf8")).toContain("Leaky-Secret-3"); // the log did hold it
    },
  );

  test(
    "fetch: a mismatching file is deleted and refused; a matching one is moved into place; a second run " +
      "verifies only",
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zha-fetch-"));
      const upload = path.join(dir, "upload.tgz");
      const dest = path.join(dir, "cache", "zcs.tgz");
      fs.writeFileSync(upload, "tarball bytes");
      const sha = spawnSync("sha256sum", [upload], { encoding: "utf8" }).stdout.split(" ")[0];
      const fetch = (...args: string[]) =>
        spawnSync("sh", [path.join(SCRIPTS, "zimbra-fetch.sh"), ...args], { encoding: "utf8" });
      const bad = fetch("file", upload, SHA, dest);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain(
        `CHECKSUM MISMATCH for ${upload}: expected ${SHA}, got ${sha}. The file was deleted; nothing was installed.`,
      );
      expect(fs.existsSync(dest)).toBe(false);
      fs.writeFileSync(upload, "tarball bytes");
      expect(fetch("file", upload, sha, dest).stdout).toContain("written, sha256");
      expect(fs.existsSync(upload)).toBe(false);
      expect((fs.statSync(dest).mode & 0o777).toString(8)).toBe("600");
      expect(fetch("file", upload, sha, dest).stdout).toContain("present, sha256");
    },
  );

  test(
    "footprint apply: matching ids are left alone; a different gid, a foreign path and an unknown entry " +
      "are refused",
    () => {
      const apply = (input: string) =>
        spawnSync("sh", [path.join(SCRIPTS, "zimbra-footprint.sh"), "apply"], { input, encoding: "utf8" });
      const rootGroup = spawnSync("getent", ["group", "root"], { encoding: "utf8" }).stdout.trim();
      const rootUser = spawnSync("getent", ["passwd", "root"], { encoding: "utf8" }).stdout.trim();
      const ok = apply(`# zimbra-ha footprint 1 from test\ngroup ${rootGroup}\nuser ${rootUser}\n`);
      expect(ok.stdout).toContain("already matches the active node");
      expect(ok.status).toBe(0);
      const gid = apply("group root:x:4242:\n");
      expect(gid.status).toBe(1);
      expect(gid.stderr).toContain("group root has gid 0 here but 4242 on the active node");
      const foreign = apply(`file /etc/passwd 0644 root:root ${Buffer.from("x").toString("base64")}\n`);
      expect(foreign.status).toBe(1);
      expect(foreign.stderr).toContain("refusing to write /etc/passwd: not a footprint location");
      expect(apply("rm -rf /\n").stderr).toContain("unknown footprint entry: rm");
      // The capture reaches the passive node as the provider stores it: without its last newline.
      const lastLine = apply(
        providerOutput(`# zimbra-ha footprint 1 from test\ngroup ${rootGroup}\nbogus-last-entry\n`),
      );
      expect(lastLine.status).not.toBe(0);
      expect(lastLine.stderr).toContain("unknown footprint entry: bogus-last-entry");
    },
  );

  test("preflight: an FQDN that does not resolve to the VIP is refused, naming both", () => {
    const hosts = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "zha-pre-")), "hosts");
    fs.writeFileSync(hosts, "127.0.0.1 localhost\n");
    const r = spawnSync(
      "sh",
      [path.join(SCRIPTS, "zimbra-preflight.sh"), "no-such-host.zimbraha.invalid", "192.168.77.203"],
      { env: { ...process.env, HOSTS_FILE: hosts }, encoding: "utf8" },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("no-such-host.zimbraha.invalid resolves to 'nothing'");
    expect(r.stderr).toContain("not to the VIP 192.168.77.203");
    expect(r.stderr).toContain("nothing was installed");
  });
});
