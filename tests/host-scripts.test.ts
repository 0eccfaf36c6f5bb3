/**
 * Host scripts run for real on this machine where they can: the CIB merge with Pacemaker's own tools, /etc/hosts and
 * file writes on temp files.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackFile } from "../components/stackfile";
import { parseClusterConfig } from "../components/validate";
import { cibView, renderCibFragment, renderCibStopFragment } from "../components/render/cib";

const ROOT = path.join(__dirname, "..");
const SCRIPTS = path.join(ROOT, "assets", "scripts");
const have = (bin: string) => spawnSync("sh", ["-c", `command -v ${bin}`]).status === 0;
const needed = ["cibadmin", "crm_diff", "crm_verify", "xsltproc", "xmllint"];
const missing = needed.filter((b) => !have(b));
if (missing.length && process.env.CI === "true") throw new Error(`CI needs ${missing.join(", ")}`);
if (missing.length)
  console.warn(
    `SKIPPING CIB merge tests: missing ${missing.join(", ")} (apt-get install pacemaker-cli-utils xsltproc ` +
      `libxml2-utils)`,
  );
const cibTest = missing.length ? test.skip : test;

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "zha-"));
const fragmentOf = (mutate: (raw: any) => void = () => undefined) => {
  const raw = readStackFile(path.join(ROOT, "Pulumi.lab.yaml")).cluster as any;
  mutate(raw);
  return renderCibFragment(cibView(parseClusterConfig(raw, { sshPrivateKey: true })));
};

function applyCib(cibFile: string, fragment: string, ...flags: string[]) {
  const result = spawnSync(
    "sh",
    [path.join(SCRIPTS, "cib-apply.sh"), ...flags, path.join(ROOT, "assets", "cib-merge.xsl")],
    {
      input: fragment,
      env: { ...process.env, CIB_file: cibFile },
      encoding: "utf8",
    },
  );
  return { status: result.status, out: result.stdout + result.stderr };
}
const query = (cibFile: string) =>
  execFileSync("cibadmin", ["--query"], { env: { ...process.env, CIB_file: cibFile }, encoding: "utf8" });

describe("cib-apply.sh + cib-merge.xsl", () => {
  cibTest("first apply patches, second changes nothing, result verifies", () => {
    const cib = path.join(tmp(), "cib.xml");
    fs.writeFileSync(cib, execFileSync("cibadmin", ["--empty"], { encoding: "utf8" }));
    expect(applyCib(cib, fragmentOf())).toEqual({ status: 0, out: "cib: patched\n" });
    const epoch = /epoch="(\d+)"/.exec(query(cib))![1];
    expect(applyCib(cib, fragmentOf())).toEqual({ status: 0, out: "cib: unchanged\n" });
    expect(/epoch="(\d+)"/.exec(query(cib))![1]).toBe(epoch);
    expect(spawnSync("crm_verify", ["--xml-file", cib]).status).toBe(0);
  });

  cibTest(
    "objects the stack does not own survive; owned objects no longer wanted are removed; changes replace in place",
    () => {
      const cib = path.join(tmp(), "cib.xml");
      fs.writeFileSync(cib, execFileSync("cibadmin", ["--empty"], { encoding: "utf8" }));
      applyCib(cib, fragmentOf());
      execFileSync(
        "cibadmin",
        [
          "--create",
          "-o",
          "resources",
          "--xml-text",
          '<primitive id="someone-else" class="ocf" provider="heartbeat" type="Dummy"/>',
        ],
        { env: { ...process.env, CIB_file: cib } },
      );
      execFileSync("crm_attribute", ["--type", "crm_config", "--name", "maintenance-mode", "--update", "false"], {
        env: { ...process.env, CIB_file: cib },
      });
      const result = applyCib(
        cib,
        fragmentOf((raw) => {
          raw.pacemaker.groups[0].preferredNode = undefined;
          raw.pacemaker.resourceStickiness = 200;
        }),
      );
      expect(result).toEqual({ status: 0, out: "cib: patched\n" });
      const after = query(cib);
      expect(after).toContain('id="someone-else"');
      expect(after).not.toContain("loc-zimbra-prefers-primary");
      // Replaced in place: one default, with the new value (a fence device has a stickiness of its own).
      expect(after.match(/id="[^"]*-rsc-defaults-resource-stickiness"[^>]*/g)).toEqual([
        expect.stringContaining('value="200"'),
      ]);
      expect(after).toContain('name="maintenance-mode" value="false"');
    },
  );

  cibTest("a changed parameter of a promotable clone is applied in maintenance mode, left as it was found", () => {
    const cib = path.join(tmp(), "cib.xml");
    const maintenance = () => /name="maintenance-mode" value="(\w+)"/.exec(query(cib))?.[1];
    const setting = 'name="ignore_missing_notifications" value="true"';
    fs.writeFileSync(cib, execFileSync("cibadmin", ["--empty"], { encoding: "utf8" }));
    expect(applyCib(cib, fragmentOf())).toEqual({ status: 0, out: "cib: patched\n" });
    const otherValue = fragmentOf().replace(setting, setting.replace("true", "false"));
    expect(applyCib(cib, otherValue)).toEqual({
      status: 0,
      out: "cib: patched in maintenance mode; re-probed drbd-zimbradata-clone\n",
    });
    expect(query(cib)).toContain(setting.replace("true", "false"));
    expect(maintenance()).toBeUndefined();

    execFileSync("crm_attribute", ["--type", "crm_config", "--name", "maintenance-mode", "--update", "false"], {
      env: { ...process.env, CIB_file: cib },
    });
    expect(applyCib(cib, fragmentOf()).out).toBe("cib: patched in maintenance mode; re-probed drbd-zimbradata-clone\n");
    expect(maintenance()).toBe("false");

    // The clone's meta attributes and other resources' parameters do not reload the promoted instance.
    const metaOnly = fragmentOf().replace('name="notify" value="false"', 'name="notify" value="true"');
    expect(applyCib(cib, metaOnly)).toEqual({ status: 0, out: "cib: patched\n" });
    const otherResource = fragmentOf((raw) => (raw.pacemaker.vips[0].cidrNetmask = 25));
    expect(applyCib(cib, otherResource)).toEqual({ status: 0, out: "cib: patched\n" });
  });

  cibTest("a fragment that does not verify is refused and nothing is applied", () => {
    const cib = path.join(tmp(), "cib.xml");
    fs.writeFileSync(cib, execFileSync("cibadmin", ["--empty"], { encoding: "utf8" }));
    const before = query(cib);
    const broken = fragmentOf().replace('with-rsc="drbd-zimbradata-clone"', 'with-rsc="no-such-resource"');
    const result = applyCib(cib, broken);
    expect(result.status).toBe(1);
    expect(result.out).toContain("does not verify; nothing applied");
    expect(query(cib)).toBe(before);
  });

  cibTest("destroy's first step removes resources and constraints but keeps the stack's properties", () => {
    const cib = path.join(tmp(), "cib.xml");
    fs.writeFileSync(cib, execFileSync("cibadmin", ["--empty"], { encoding: "utf8" }));
    applyCib(cib, fragmentOf());
    const raw = readStackFile(path.join(ROOT, "Pulumi.lab.yaml")).cluster as any;
    const stop = renderCibStopFragment(cibView(parseClusterConfig(raw, { sshPrivateKey: true })));
    expect(applyCib(cib, stop, "--remove").status).toBe(0);
    const after = query(cib);
    expect(after).not.toContain("drbd-zimbradata-clone");
    expect(after).not.toContain('group id="zimbra"');
    expect(after).toContain('name="stonith-enabled" value="true"');
    expect(after).toContain("zimbra-ha-zimbraha-rsc-defaults");
  });

  cibTest("the empty fragment (destroy) removes every owned object and keeps the rest", () => {
    const cib = path.join(tmp(), "cib.xml");
    fs.writeFileSync(cib, execFileSync("cibadmin", ["--empty"], { encoding: "utf8" }));
    applyCib(cib, fragmentOf());
    execFileSync(
      "cibadmin",
      [
        "--create",
        "-o",
        "resources",
        "--xml-text",
        '<primitive id="someone-else" class="ocf" provider="heartbeat" type="Dummy"/>',
      ],
      { env: { ...process.env, CIB_file: cib } },
    );
    expect(applyCib(cib, '<zimbra-ha-cib tag="zimbra-ha-zimbraha"/>', "--remove").status).toBe(0);
    const after = query(cib);
    for (const id of [
      "drbd-zimbradata-clone",
      'group id="zimbra"',
      "loc-zimbra-prefers-primary",
      "zimbra-ha-zimbraha-rsc-defaults",
      'tag id="zimbra-ha-zimbraha"',
    ])
      expect(after).not.toContain(id);
    expect(after).toContain('id="someone-else"');
  });
});

describe("hosts-block.sh", () => {
  test("adds, replaces and removes only its own block; a second run changes nothing", () => {
    const hosts = path.join(tmp(), "hosts");
    const original = "127.0.0.1 localhost\n# admin's line\n10.1.1.1 other\n";
    fs.writeFileSync(hosts, original);
    const run = (input: string, ...args: string[]) =>
      spawnSync("sh", [path.join(SCRIPTS, "hosts-block.sh"), ...args], {
        input,
        env: { ...process.env, HOSTS_FILE: hosts },
        encoding: "utf8",
      }).stdout;
    expect(run("10.0.66.201 primary\n")).toContain("block updated");
    expect(run("10.0.66.201 primary\n")).toContain("unchanged");
    run("10.0.66.202 secondary\n");
    const text = fs.readFileSync(hosts, "utf8");
    expect(text.startsWith(original)).toBe(true);
    expect(text).toContain("10.0.66.202 secondary");
    expect(text).not.toContain("10.0.66.201 primary");
    run("", "--remove");
    expect(fs.readFileSync(hosts, "utf8")).toBe(original);
  });
});

describe("put-file.sh", () => {
  test("writes atomically with mode, reports unchanged on the second run, decodes base64", () => {
    const dir = tmp();
    const target = path.join(dir, "sub", "authkey");
    const put = (input: string) =>
      spawnSync("sh", [path.join(SCRIPTS, "put-file.sh"), "--base64", target, "0400", "root:root"], {
        input,
        encoding: "utf8",
      }).stdout;
    const key = Buffer.from("secret-bytes").toString("base64");
    expect(put(key)).toContain("written");
    expect(put(key)).toContain("unchanged");
    expect(fs.readFileSync(target, "utf8")).toBe("secret-bytes");
    expect((fs.statSync(target).mode & 0o777).toString(8)).toBe("400");
    expect(fs.readdirSync(path.dirname(target))).toEqual(["authkey"]);
  });
});

describe("shellcheck", () => {
  const shellTest = have("shellcheck") ? test : process.env.CI === "true" ? test : test.skip;
  if (!have("shellcheck") && process.env.CI !== "true")
    console.warn("SKIPPING shellcheck: not installed (apt-get install shellcheck)");
  shellTest("every host script is clean under shellcheck -s sh", () => {
    const scripts = fs
      .readdirSync(SCRIPTS)
      .filter((f) => f.endsWith(".sh"))
      .map((f) => path.join(SCRIPTS, f));
    const result = spawnSync("shellcheck", ["-s", "sh", ...scripts], { encoding: "utf8" });
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });
  shellTest("every lab, engine and engine-test script is clean under shellcheck (bash, sourced files followed)", () => {
    const root = path.join(__dirname, "..");
    const scripts = ["lab", "lab/faults", "tools/engine", "tests/engine"].flatMap((dir) =>
      fs
        .readdirSync(path.join(root, dir))
        .filter((f) => f.endsWith(".sh"))
        .map((f) => path.join(dir, f)),
    );
    expect(scripts).toEqual(
      expect.arrayContaining([
        "lab/pulumi.sh",
        "tools/engine/build.sh",
        "tools/engine/env.sh",
        "tests/engine/engine-test.sh",
      ]),
    );
    const result = spawnSync("shellcheck", ["-x", ...scripts], { encoding: "utf8", cwd: path.join(__dirname, "..") });
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });
});

describe("qdevice-holds-service.sh (corosync-qdevice's heuristics)", () => {
  /** Runs the script with a stand-in drbdadm that answers `role RES` from ROLES (absent: an error). */
  function holds(roles: Record<string, string>, ...resources: string[]): number | null {
    const bin = tmp();
    const cases = Object.entries(roles)
      .map(([res, role]) => `  ${res}) echo '${role}' ;;`)
      .join("\n");
    const drbdadm =
      `#!/bin/sh\n[ "$1" = role ] || exit 20\ncase $2 in\n${cases}\n` +
      `  *) echo "no resource $2" >&2; exit 10 ;;\nesac\n`;
    fs.writeFileSync(path.join(bin, "drbdadm"), drbdadm, { mode: 0o755 });
    const script = path.join(SCRIPTS, "qdevice-holds-service.sh");
    return spawnSync("sh", [script, ...resources], { env: { PATH: `${bin}:/usr/bin:/bin` } }).status;
  }

  test("passes on the Primary (DRBD 8.4's Primary/Secondary, 9's Primary), fails elsewhere", () => {
    expect(holds({ zimbradata: "Primary/Secondary" }, "zimbradata")).toBe(0);
    expect(holds({ zimbradata: "Primary/Unknown" }, "zimbradata")).toBe(0); // a partition: the peer gone
    expect(holds({ zimbradata: "Primary" }, "zimbradata")).toBe(0);
    expect(holds({ zimbradata: "Secondary/Primary" }, "zimbradata")).toBe(1);
    expect(holds({ zimbradata: "Secondary/Unknown" }, "zimbradata")).toBe(1);
  });

  test("any one of several resources held passes; a resource DRBD does not know fails", () => {
    expect(holds({ a: "Secondary/Primary", b: "Primary/Secondary" }, "a", "b")).toBe(0);
    expect(holds({}, "zimbradata")).toBe(1);
    expect(holds({ a: "Primary/Secondary" })).toBe(1); // no resource named: nothing held
  });
});

describe("fencer-check.sh (a fencer that started without the CIB is restarted)", () => {
  /**
   * A stand-in fencer: a sleeping process whose pid `pidof` reports; when it is gone, `pidof` starts another (as
   * pacemakerd respawns the fencer). `journalctl _PID=N` prints the fencer's give-up line for the first GAVE_UP
   * fencers started; `stonith_admin` answers unless SILENT is set.
   */
  function runCheck(gaveUp: number, opts: { silent?: boolean; wait?: number; maxRestarts?: number } = {}) {
    const bin = tmp();
    const state = tmp();
    const stub = (name: string, body: string) =>
      fs.writeFileSync(path.join(bin, name), `#!/bin/sh\nstate=${state}\n${body}`, { mode: 0o755 });
    stub(
      "pidof",
      `[ "$1" = pacemaker-fenced ] || exit 1
pid=$(cat "$state/pid" 2>/dev/null || true)
if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
  setsid sleep 60 </dev/null >/dev/null 2>&1 &
  pid=$!
  echo "$pid" > "$state/pid"
  echo "$pid" >> "$state/started"
fi
echo "$pid"
`,
    );
    stub(
      "stonith_admin",
      opts.silent ? "exit 107\n" : `[ "$1" = --list-registered ] && echo "0 fence devices found"\n`,
    );
    stub(
      "journalctl",
      `for a in "$@"; do case $a in _PID=*) pid=\${a#_PID=} ;; esac; done
n=$(grep -n "^$pid\\$" "$state/started" | cut -d: -f1)
if [ "$n" -le ${gaveUp} ]; then
  echo "error: Could not connect to the CIB manager: Transport endpoint is not connected (-107)"
fi
echo "notice: Pacemaker fencer successfully started and accepting connections"
`,
    );
    const args = [String(opts.wait ?? 10), ...(opts.maxRestarts === undefined ? [] : [String(opts.maxRestarts)])];
    const result = spawnSync("sh", [path.join(SCRIPTS, "fencer-check.sh"), ...args], {
      env: { PATH: `${bin}:/usr/bin:/bin`, FENCER_CHECK_INTERVAL: "0.1" },
      encoding: "utf8",
    });
    const started = fs.existsSync(path.join(state, "started"))
      ? fs.readFileSync(path.join(state, "started"), "utf8").trim().split("\n")
      : [];
    const alive = started.filter((pid) => spawnSync("kill", ["-0", pid]).status === 0);
    for (const pid of alive) spawnSync("kill", [pid]);
    return { status: result.status, out: result.stdout + result.stderr, started, alive };
  }

  test("a fencer that gave up on the CIB is ended; the one started after it is kept", () => {
    const r = runCheck(1);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/pacemaker-fenced\[\d+\] runs without the cluster configuration/);
    expect(r.out).toMatch(/has the cluster configuration \(1 restart\(s\)\)/);
    expect(r.started).toHaveLength(2);
    expect(r.alive).toEqual([r.started[1]]);
  });

  test("a fencer that has the CIB is left alone", () => {
    const r = runCheck(0);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/has the cluster configuration \(0 restart\(s\)\)/);
    expect(r.alive).toEqual(r.started);
    expect(r.started).toHaveLength(1);
  });

  test("a fencer that keeps giving up fails the check after the restarts allowed, naming what to do", () => {
    const r = runCheck(10, { maxRestarts: 2 });
    expect(r.status).toBe(1);
    expect(r.started).toHaveLength(3);
    expect(r.out).toContain("still runs without the cluster configuration after 2 restart(s)");
    expect(r.out).toContain("restart pacemaker.service");
  });

  test("a fencer that never answers is not ended, and the check fails when its wait is over", () => {
    const r = runCheck(1, { silent: true, wait: 1 });
    expect(r.status).toBe(1);
    expect(r.out).toContain("did not answer within 1s");
    expect(r.alive).toEqual(r.started);
  });
});
