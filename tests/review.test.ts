/**
 * npm run review (tools/review.ts): host mapping, the review's text, the preview's failures and
 * the command line, on previews captured from the real engine (tests/fixtures/review/capture.sh).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { parseArgs, projectDir, stackFilePath } from "../tools/review/args";
import {
  changedInputs,
  clusterDiffers,
  formatReview,
  formatStep,
  reviewSteps,
  summaryLine,
} from "../tools/review/format";
import { Host, hostsByName, programHosts, Registered } from "../tools/review/hosts";
import { parsePreview, Preview, previewArgs, previewResult, UNKNOWN } from "../tools/review/preview";

const FIXTURES = path.join(__dirname, "fixtures", "review");
const fixture = (name: string): Preview => parsePreview(fs.readFileSync(path.join(FIXTURES, name), "utf8"), name);
const create = fixture("create-preview.json");
const update = fixture("update-preview.json");

const PRIMARY: Host = { node: "primary", user: "root", address: "192.168.77.201", port: 22 };
const SECONDARY: Host = { node: "secondary", user: "root", address: "192.168.77.202", port: 22 };
/** The lab's hosts by name, as the mock run maps them (checked against it below). */
function labHosts(preview: Preview): Map<string, Host> {
  const hosts = new Map<string, Host>();
  for (const s of preview.steps) {
    const name = s.urn.slice(s.urn.lastIndexOf("::") + 2);
    if ((s.newState ?? s.oldState)?.type !== "command:remote:Command" || name.includes("header_checks")) continue;
    hosts.set(name, /secondary/.test(name) ? SECONDARY : PRIMARY);
  }
  return hosts;
}

describe("hosts", () => {
  const command = (name: string, connection: unknown): Registered => ({
    type: "command:remote:Command",
    name,
    inputs: { connection, create: "true" },
  });
  const targets = [
    { name: "alpha", ssh: { host: "127.0.0.1", port: 2201, user: "root" } },
    { name: "beta", ssh: { host: "127.0.0.1", port: 2202, user: "admin" } },
    { name: "arbiter", ssh: { host: "10.0.0.9" } },
  ];

  test("each command's node is the target with its address, port and user; defaults 22 and root", () => {
    const hosts = hostsByName(
      [
        command("a-step", { host: "127.0.0.1", port: 2201, user: "root", privateKey: "KEY" }),
        command("b-step", { host: "127.0.0.1", port: 2202, user: "admin" }),
        command("q-step", { host: "10.0.0.9" }),
        command("stranger", { host: "127.0.0.1", port: 2201, user: "admin" }),
        { type: "zimbra-ha:node:Node", name: "alpha", inputs: {} },
        { type: "command:local:Command", name: "local", inputs: { create: "true" } },
      ],
      targets,
    );
    expect(Object.fromEntries(hosts)).toEqual({
      "a-step": { node: "alpha", user: "root", address: "127.0.0.1", port: 2201 },
      "b-step": { node: "beta", user: "admin", address: "127.0.0.1", port: 2202 },
      "q-step": { node: "arbiter", user: "root", address: "10.0.0.9", port: 22 },
      stranger: { node: "127.0.0.1", user: "admin", address: "127.0.0.1", port: 2201 },
    });
    expect(JSON.stringify([...hosts.values()])).not.toContain("KEY");
  });

  test("the program run from the fixture's own settings maps the real preview's commands to their nodes", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "review-hosts-"));
    try {
      // The cluster the engine ran with is in the preview; secure values are not needed.
      const cluster = JSON.parse(create.config!["zimbra-ha:cluster"]);
      // Recorded before the Filesystem monitor wrote a status file: level 0 is what that program rendered.
      const settings = structuredClone(cluster);
      for (const r of settings.drbd.resources) r.fsMonitorCheckLevel ??= 0;
      const file = path.join(dir, "Pulumi.lab.yaml");
      fs.writeFileSync(
        file,
        YAML.stringify({ config: { "zimbra-ha:cluster": settings, "zimbra-ha:sshPrivateKey": { secure: "v1:x" } } }),
      );
      const { hosts } = await programHosts(file);
      const expected = labHosts(create);
      const mapped = [...expected.keys()].filter((name) => hosts.has(name));
      // Every command the program still registers runs where its name says; nearly all of them are mapped.
      expect(mapped.length).toBeGreaterThan(expected.size * 0.9);
      for (const name of mapped) expect([name, hosts.get(name)]).toEqual([name, expected.get(name)]);
      expect(hosts.get("primary-tools")).toEqual(PRIMARY);
      expect(hosts.get("secondary-file-etc_postfix_main.cf")).toEqual(SECONDARY);
      expect(clusterDiffers(create, cluster)).toBe(false);
      expect(clusterDiffers(create, { ...cluster, name: "other" })).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the review of a real preview with updates, a replace and a delete", () => {
  const text = formatReview(update, labHosts(update));

  test("the summary line counts per operation and per host", () => {
    expect(text.split("\n")[0]).toBe(
      "Stack lab: 4 to update, 1 to replace, 1 to delete, 62 unchanged; " +
        "per host: primary 2 (2 update), secondary 3 (2 update, 1 replace), (host unknown) 1 (1 delete)",
    );
  });

  test("each step is headed by its operation, name and host; unchanged steps are not shown", () => {
    const headers = text.split("\n").filter((l) => /^\S/.test(l) && !l.startsWith("Stack "));
    expect(headers).toEqual([
      "~ update primary-tools on primary (root@192.168.77.201:22)",
      "~ update secondary-tools on secondary (root@192.168.77.202:22)",
      "~ update primary-file-etc_postfix_main.cf on primary (root@192.168.77.201:22)",
      "~ update secondary-file-etc_postfix_main.cf on secondary (root@192.168.77.202:22)",
      "+- replace secondary-file-etc_postfix_vmailbox on secondary (root@192.168.77.202:22)",
      "- delete primary-file-etc_postfix_header_checks on the host in its saved state " +
        "(masked; the program has no command of that name now)",
    ]);
  });

  test("with --context 3, a changed file shows each change with three lines around it", () => {
    const short = formatReview(update, labHosts(update), { context: 3 });
    const section = short.slice(short.indexOf("~ update primary-file-etc_postfix_main.cf"));
    expect(section).toContain(
      [
        "  stdin:",
        "    --- primary-file-etc_postfix_main.cf stdin (old)",
        "    +++ primary-file-etc_postfix_main.cf stdin (new)",
        "    @@ -4,7 +4,7 @@",
        "     mydestination = localhost",
        "     inet_interfaces = all",
        "     inet_protocols = ipv4",
        "    -mynetworks = 127.0.0.0/8",
        "    +mynetworks = 127.0.0.0/8 192.168.77.0/24",
        "     smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination",
        "     virtual_mailbox_domains = public.zimbraha.lan",
        "     virtual_mailbox_base = /opt/zimbra/mail",
        "    @@",
      ].join("\n"),
    );
  });

  test("a changed file is shown whole: every line of it, each change marked", () => {
    const section = text.slice(text.indexOf("~ update primary-file-etc_postfix_main.cf"));
    const newLines = (
      update.steps.find((s) => s.urn.endsWith("::primary-file-etc_postfix_main.cf"))!.newState!.inputs!.stdin as string
    )
      .replace(/\n$/, "")
      .split("\n");
    expect(section).toContain(`    @@ -1,16 +1,${newLines.length} @@\n     ${newLines[0]}\n`);
    for (const line of newLines)
      expect(section).toMatch(new RegExp(`\n    [ +]${line.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\n`));
    expect(section).toContain(
      [
        "     mydestination = localhost",
        "     inet_interfaces = all",
        "     inet_protocols = ipv4",
        "    -mynetworks = 127.0.0.0/8",
        "    +mynetworks = 127.0.0.0/8 192.168.77.0/24",
      ].join("\n"),
    );
    expect(section).toContain("    +queue_directory = /opt/zimbra/postfix\n");
    // The same change on the other node points back to it instead of repeating it.
    expect(text).toContain(
      "~ update secondary-file-etc_postfix_main.cf on secondary (root@192.168.77.202:22)\n" +
        "  stdin: the same change as primary-file-etc_postfix_main.cf above\n",
    );
    expect(text).toContain(
      "+- replace secondary-file-etc_postfix_vmailbox on secondary (root@192.168.77.202:22)\n  stdin:\n" +
        "    --- secondary-file-etc_postfix_vmailbox stdin (old)\n" +
        "    +++ secondary-file-etc_postfix_vmailbox stdin (new)\n" +
        "    @@ -1,2 +1 @@\n     test@public.zimbraha.lan test/\n    -old@public.zimbraha.lan old/\n",
    );
  });

  test("the bundle shows only its changed files, and a one-line count", () => {
    expect(text).toContain(
      "~ update primary-tools on primary (root@192.168.77.201:22)\n" +
        "  stdin: host-tools bundle: 1 changed, 1 added, 0 removed, 2 unchanged files\n" +
        "    changed: /usr/local/lib/zimbra-ha/cib-apply.sh (113 lines, 4977 bytes, mode 0755)\n" +
        "    --- a/usr/local/lib/zimbra-ha/cib-apply.sh\n",
    );
    expect(text).toContain(
      "  stdin: the same change as primary-tools above " +
        "(host-tools bundle: 1 changed, 1 added, 0 removed, 2 unchanged files)",
    );
    expect(text).not.toContain("put-file.sh (");
    // Only the step's changed inputs: the commands' create lines did not change.
    expect(text.slice(0, text.indexOf("~ update secondary-tools"))).not.toContain("  create:");
  });

  test("a delete shows what it runs, whole; secrets stay as the engine masked them", () => {
    const section = text.slice(text.indexOf("- delete primary-file-etc_postfix_header_checks"));
    expect(section).toMatch(
      /\n {2}delete: if \[ -s \/var\/lib\/zimbra-ha\/owners\/[0-9a-f]{16} \].* rm -f \/etc\/postfix\/header_checks && /,
    );
    expect(section).toContain("  stdin (1 line, 20 bytes):\n    -/^X-Mailer:/ IGNORE\n");
    expect(section).toContain("  connection: [secret]\n");
  });
});

describe("the review of a real create-only preview", () => {
  const hosts = labHosts(create);
  const text = formatReview(create, hosts);

  test("summary, components on one line each, local commands marked", () => {
    expect(text.split("\n")[0]).toBe(
      "Stack lab: 67 to create, 0 unchanged; per host: primary 31 (31 create), secondary 25 (25 create), " +
        "(local) 2 (2 create), (no host) 9 (9 create)",
    );
    expect(text).toContain("+ create zimbraha (component zimbra-ha:index:Cluster)\n+ create pacemaker (component ");
    expect(text).toContain(
      "+ create maintenance-reboot-grace-primary locally (on the machine that runs pulumi)\n" +
        "  create: [unknown until the update: computed from another step's output]\n",
    );
  });

  test("a created file is shown whole, every line", () => {
    const mainCf: string = JSON.parse(create.config!["zimbra-ha:cluster"]).files[0].content;
    expect(mainCf.split("\n").length).toBeGreaterThan(15);
    const lines = mainCf.replace(/\n$/, "").split("\n");
    expect(text).toContain(
      "+ create primary-file-etc_postfix_main.cf on primary (root@192.168.77.201:22)\n" +
        "  create: /usr/local/lib/zimbra-ha/put-file.sh /etc/postfix/main.cf 0644 root:root && ",
    );
    expect(text).toContain(
      `  stdin (${lines.length} lines, ${Buffer.byteLength(mainCf)} bytes):\n` +
        `${lines.map((l) => `    +${l}`).join("\n")}\n`,
    );
  });

  test("a created bundle is listed, not printed, unless --full; the connection is the host line", () => {
    const tools = create.steps.find((s) => s.urn.endsWith("::primary-tools"))!;
    const brief = formatStep(tools, hosts);
    expect(brief).toContain(
      "  stdin: host-tools bundle: 4 files, 8 KiB\n" +
        "    0755 /usr/local/lib/zimbra-ha/cib-apply.sh (113 lines, 4977 bytes)\n",
    );
    expect(brief).not.toContain("crm_attribute");
    expect(brief).not.toContain("connection");
    const full = formatStep(tools, hosts, { full: true });
    expect(full).toContain("    /usr/local/lib/zimbra-ha/fencer-check.sh:\n      +#!/bin/sh\n");
    expect(full).toContain("      +  maintenance_mode --update true\n");
    expect(text).toContain("  stdin: the same text as primary-tools above\n");
  });

  test("a secret input is printed as the engine gives it: [secret]", () => {
    expect(text).toContain(
      "+ create corosync-authkey-primary on primary (root@192.168.77.201:22)\n" +
        "  create: /usr/local/lib/zimbra-ha/put-file.sh --base64 /etc/corosync/authkey 0400 root:root\n" +
        "  stdin: [secret]\n",
    );
  });
});

describe("steps the fixtures do not have", () => {
  const urn = "urn:pulumi:prod::zimbra-ha::zimbra-ha:index:Cluster$command:remote:Command::primary-ready";
  const state = (inputs: Record<string, unknown>) => ({ urn, type: "command:remote:Command", custom: true, inputs });

  test("a changed secret (the SSH key) is reported as changed, without a value", () => {
    const step = {
      op: "update",
      urn,
      oldState: state({ connection: "[secret]", create: "true" }),
      newState: state({ connection: "[secret]", create: "true" }),
      diffReasons: ["connection"],
      detailedDiff: { connection: { kind: "update", inputDiff: false } },
    };
    expect(changedInputs(step)).toEqual(["connection"]);
    expect(formatStep(step, new Map([["primary-ready", PRIMARY]]))).toBe(
      "~ update primary-ready on primary (root@192.168.77.201:22)\n" +
        "  connection: changed (a secret: the engine shows neither value)\n",
    );
  });

  test("structured values are diffed as JSON; an unknown value is named", () => {
    const step = {
      op: "replace",
      urn,
      oldState: state({ triggers: ["aaa"], create: "x" }),
      newState: state({ triggers: ["bbb", UNKNOWN], create: "x" }),
      replaceReasons: ["triggers"],
    };
    expect(formatStep(step, new Map())).toContain(
      [
        "    @@ -1,3 +1,4 @@",
        "     [",
        '    -  "aaa"',
        '    +  "bbb",',
        '    +  "[unknown until the update: computed from another step\'s output]"',
        "     ]",
      ].join("\n"),
    );
  });

  test("a replacement's separate create and delete steps fold into its replace", () => {
    const preview: Preview = {
      steps: [
        { op: "same", urn: "urn:pulumi:prod::p::pulumi:pulumi:Stack::p-prod" },
        { op: "create-replacement", urn },
        { op: "replace", urn, oldState: state({ create: "a" }), newState: state({ create: "b" }) },
        { op: "delete-replaced", urn },
      ],
    };
    expect(reviewSteps(preview).map((s) => s.op)).toEqual(["replace"]);
    expect(summaryLine(preview, new Map([["primary-ready", PRIMARY]]))).toBe(
      "Stack prod: 1 to replace, 1 unchanged; per host: primary 1 (1 replace)",
    );
    expect(formatReview({ steps: [preview.steps[0]] }, new Map())).toBe("Stack prod: 1 unchanged\n\nNo changes.\n");
  });
});

describe("the preview", () => {
  test("a failed preview's error is the engine's own text, from its JSON diagnostics and stderr", () => {
    const stdout = fs.readFileSync(path.join(FIXTURES, "failed-preview.json"), "utf8");
    const result = previewResult({ code: 1, stdout, stderr: "" });
    expect(result).toEqual({
      error: expect.stringContaining("pulumi preview failed (exit code 1):\nerror: invalid stack configuration"),
    });
    expect("error" in result && result.error).toContain(
      "cluster.nodes[0].ssh.hostKey: ssh-rsa host keys cannot be pinned",
    );
    expect(previewResult({ code: 6, stdout: "", stderr: "error: no stack named 'nosuch' found\n" })).toEqual({
      error: "pulumi preview failed (exit code 6):\nerror: no stack named 'nosuch' found",
    });
    expect(previewResult({ code: 0, stdout: JSON.stringify(update), stderr: "" })).toEqual({ preview: update });
    // Stopped before any step: diagnostics and no steps; the JSON itself is not printed.
    const early = {
      config: { "zimbra-ha:cluster": "{}" },
      diagnostics: [{ message: "error: Target '' not found\n", severity: "error" }],
    };
    expect(previewResult({ code: 255, stdout: JSON.stringify(early), stderr: "" })).toEqual({
      error: "pulumi preview failed (exit code 255):\nerror: Target '' not found",
    });
    expect(previewResult({ code: 1, stdout: "not json", stderr: "" })).toEqual({
      error: "pulumi preview failed (exit code 1):\nnot json",
    });
  });

  test("pulumi preview runs with --json --diff and the caller's arguments, never --show-secrets", () => {
    expect(previewArgs("lab", ["--cwd", "/x", "--target", "urn"])).toEqual([
      "preview",
      "--json",
      "--diff",
      "--non-interactive",
      "--stack",
      "lab",
      "--cwd",
      "/x",
      "--target",
      "urn",
    ]);
    expect(() => previewArgs("lab", ["--show-secrets"])).toThrow(/--show-secrets is not passed on/);
    expect(() => previewArgs("lab", ["--show-secrets=true"])).toThrow(/not passed on/);
    expect(() => parsePreview("{}", "x.json")).toThrow("x.json is not the JSON of pulumi preview --json (no steps)");
  });
});

describe("the command line", () => {
  test("options, then pulumi's arguments after --", () => {
    expect(parseArgs(["--stack", "lab", "--full", "--", "--cwd", "/p", "--stack-file", "x"])).toEqual({
      stack: "lab",
      full: true,
      pulumiArgs: ["--cwd", "/p", "--stack-file", "x"],
    });
    expect(parseArgs(["--stack=prod", "--stack-file", "s.yaml", "--preview-json", "p.json"])).toEqual({
      stack: "prod",
      stackFile: "s.yaml",
      previewJson: "p.json",
      full: false,
      pulumiArgs: [],
    });
    expect(parseArgs([])).toMatch(/^--stack is required\nusage:/);
    expect(parseArgs(["--stack"])).toMatch(/^--stack needs a value/);
    expect(parseArgs(["--stack", "lab", "--target", "x"])).toMatch(
      /^unknown argument: --target \(arguments for pulumi go after --\)/,
    );
  });

  test("the stack file: --stack-file, else Pulumi.NAME.yaml in the folder pulumi runs in", () => {
    expect(projectDir(["--cwd", "sub"], "/repo")).toBe("/repo/sub");
    expect(projectDir(["-C", "/abs"], "/repo")).toBe("/abs");
    expect(projectDir(["--cwd=/abs"], "/repo")).toBe("/abs");
    expect(stackFilePath({ stack: "org/zimbra-ha/prod" }, "/repo", "/typed")).toBe("/repo/Pulumi.prod.yaml");
    expect(stackFilePath({ stack: "prod", stackFile: "s/prod.yaml" }, "/repo", "/typed")).toBe("/typed/s/prod.yaml");
  });
});
