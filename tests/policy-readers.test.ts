/** The policy pack's readers of what the commands carry: shell lines, corosync.conf, DRBD .res, the CIB fragment. */
import * as fs from "fs";
import * as path from "path";
import { claimingCreate, ownedDelete, shq, tool } from "../components/remote";
import {
  clusterProperties,
  instanceAttribute,
  operation,
  parseXml,
  primitives,
  seconds,
  stonithTimeout,
} from "../policy/cib";
import { parseCorosyncConf, sectionsNamed } from "../policy/corosync-conf";
import { drbdResources, parseDrbdConf, statements } from "../policy/drbd-res";
import { scriptCalls, simpleCommands } from "../policy/shell-words";

const golden = (stack: string, file: string) => fs.readFileSync(path.join(__dirname, "golden", stack, file), "utf8");

describe("shell lines", () => {
  test("a create line with its ownership claim and rerun hashes: each simple command, the comment dropped", () => {
    const line =
      claimingCreate(
        `mkdir -p /opt/zimbra && ${tool("drbd-create-md.sh", "zimbradata", 0, "/dev/vdb", "internal", "yes")}`,
        "rm -f x",
        "drbd-zimbradata-metadata-primary",
      ) + " # rerun-on 0123456789abcdef";
    expect(simpleCommands(line)[1]).toEqual([
      "/usr/local/lib/zimbra-ha/drbd-create-md.sh",
      "zimbradata",
      "0",
      "/dev/vdb",
      "internal",
      "yes",
    ]);
    expect(scriptCalls(line, "drbd-create-md.sh")).toEqual([["zimbradata", "0", "/dev/vdb", "internal", "yes"]]);
    expect(simpleCommands(line).flat()).not.toContain("rerun-on");
  });

  test("a sudo line: the words of the line inside sh -c, quoting undone", () => {
    const inner = claimingCreate(
      tool("put-file.sh", "/etc/my file", "0644", "root:root"),
      "rm -f '/etc/my file'",
      "it's-owner",
    );
    const line = `sudo -n -- sh -c ${shq(inner)} # rerun-on 0123456789abcdef`;
    expect(scriptCalls(line, "put-file.sh")).toEqual([["/etc/my file", "0644", "root:root"]]);
    expect(simpleCommands(line)).toContainEqual(["printf", "%s\\n", "it's-owner"]);
  });

  test("a guarded delete: the commands of the if, $(...) kept whole, the redirection target dropped", () => {
    const commands = simpleCommands(ownedDelete("drbdadm down zimbradata", "drbd-zimbradata-up-primary"));
    expect(commands).toContainEqual(["drbdadm", "down", "zimbradata"]);
    expect(commands.find((c) => c[0] === "[" && c.length === 5)?.[1]).toMatch(
      /^\$\(cat \/var\/lib\/zimbra-ha\/owners\/[0-9a-f]{16}\)$/,
    );
    expect(simpleCommands("printf '%s\\n' x > /tmp/out && cat /tmp/out")).toEqual([
      ["printf", "%s\\n", "x"],
      ["cat", "/tmp/out"],
    ]);
  });

  test("an unterminated quote is an error, not a guess", () => {
    expect(() => simpleCommands("echo 'open")).toThrow(/unterminated/);
  });
});

describe("corosync.conf", () => {
  test("sections and values of the lab's file", () => {
    const conf = parseCorosyncConf(golden("lab", "corosync.conf"));
    expect(sectionsNamed(conf, "totem")[0].values).toMatchObject({
      crypto_cipher: "aes256",
      crypto_hash: "sha256",
      transport: "knet",
    });
    expect(sectionsNamed(conf, "nodelist")[0].sections.map((n) => n.values.name)).toEqual(["primary", "secondary"]);
    expect(sectionsNamed(conf, "quorum")[0].values).toEqual({ provider: "corosync_votequorum", two_node: "1" });
  });

  test("a brace that closes nothing, or a section left open, is an error", () => {
    expect(() => parseCorosyncConf("totem {\n}\n}\n")).toThrow(/closes nothing/);
    expect(() => parseCorosyncConf("totem {\n")).toThrow(/not closed/);
  });
});

describe("DRBD .res", () => {
  test("the lab's resource: protocol, fencing, the fence-peer handler, after-sb policies", () => {
    const [res] = drbdResources(golden("lab", "zimbradata.res"));
    expect(res.name).toBe("zimbradata");
    const first = (k: string) => statements(res.body, k)[0]?.words;
    expect(first("protocol")).toEqual(["protocol", "C"]);
    expect(first("fencing")).toEqual(["fencing", "resource-and-stonith"]);
    expect(first("fence-peer")).toEqual(["fence-peer", "/usr/lib/drbd/crm-fence-peer.sh --timeout=120"]);
    expect(first("after-sb-0pri")).toEqual(["after-sb-0pri", "disconnect"]);
    expect(statements(res.body, "on").map((s) => s.words[1])).toEqual(["primary", "secondary"]);
  });

  test("a missing ; or } is an error", () => {
    expect(() => parseDrbdConf("resource r { net { protocol C } }")).toThrow(/missing ;/);
    expect(() => parseDrbdConf("resource r { net { protocol C; }")).toThrow(/not closed/);
  });
});

describe("CIB fragment", () => {
  test("properties, STONITH device and the DRBD primitive's promote timeout of the lab's fragment", () => {
    const root = parseXml(golden("lab", "cib-fragment.xml"));
    expect(root.name).toBe("zimbra-ha-cib");
    expect(root.attrs).toEqual({ tag: "zimbra-ha-zimbraha" });
    expect(clusterProperties(root)).toMatchObject({ "stonith-enabled": "true", "stonith-timeout": "90s" });
    expect(stonithTimeout(root)).toBe(90);
    expect(
      primitives(root)
        .filter((p) => p.attrs.class === "stonith")
        .map((p) => p.attrs.type),
    ).toEqual(["fence_sbd"]);
    const drbd = primitives(root).find((p) => instanceAttribute(p, "drbd_resource") === "zimbradata")!;
    expect(seconds(operation(drbd, "promote")?.attrs.timeout)).toBe(150);
  });

  test("a production stack's fragment says so on its root", () => {
    expect(parseXml(golden("kopano", "cib-fragment.xml")).attrs).toEqual({
      tag: "zimbra-ha-kopano",
      production: "true",
    });
  });

  test("entities are decoded; mismatched tags are an error", () => {
    expect(parseXml(`<a x="&lt;b&gt; &amp; &quot;c&quot;"/>`).attrs.x).toBe(`<b> & "c"`);
    expect(() => parseXml("<a><b></a>")).toThrow(/closes <b>/);
  });

  test.each([
    ["90s", 90],
    ["90", 90],
    ["2min", 120],
    ["1500ms", 1.5],
    ["1h", 3600],
    ["soon", undefined],
  ])("Pacemaker duration %s is %s s", (text, value) => expect(seconds(text)).toBe(value));
});
