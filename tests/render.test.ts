/** Rendered files: golden files reviewed against the reference values, plus property tests of invariants. */
import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import { readStackFile } from "../components/stackfile";
import { parseClusterConfig } from "../components/validate";
import { ClusterConfig } from "../components/config";
import { corosyncView, renderCorosyncConf } from "../components/render/corosync";
import { drbdView, renderDrbdRes } from "../components/render/drbd";
import { cibView, renderCibFragment } from "../components/render/cib";
import { renderToolsBundle, bundledFiles } from "../components/render/bundle";
import { planCluster } from "../components/plan";
import { renderStack, ZMSETUP } from "../tools/check/render";

const ROOT = path.join(__dirname, "..");
const GOLDEN = path.join(__dirname, "golden");
const load = (file: string) => {
  const raw = readStackFile(path.join(ROOT, file)).cluster as any;
  return parseClusterConfig(raw, { sshPrivateKey: true, fencePasswords: raw.nodes.map((n: any) => n.name) });
};

/** The golden files: read from the plan the program builds its components from. */
function renderAll(cfg: ClusterConfig): Record<string, string> {
  const plan = planCluster(cfg);
  const files: Record<string, string> = {
    "corosync.conf": plan.corosync.conf.content,
    "hosts-block": plan.nodes[0].hostsBlock,
    "cib-fragment.xml": plan.pacemaker.fragment,
  };
  for (const res of plan.drbd) files[`${res.name}.res`] = res.resFile.content;
  if (plan.fencing?.sbd) files["sbd"] = plan.fencing.sbd.defaults.content;
  for (const [node, ruleset] of Object.entries(plan.firewall?.rulesets ?? {})) files[`firewall-${node}.nft`] = ruleset;
  if (plan.zimbra) {
    files["zmsetup.conf"] = renderStack(cfg)[ZMSETUP]; // with the check's placeholder admin password
    files["zimbra-ha-crontab"] = plan.zimbra.cronD.content;
  }
  return files;
}

describe.each([
  ["lab", "Pulumi.lab.yaml"],
  ["kopano", "examples/kopano.yaml"],
  ["open-xchange", "examples/open-xchange.yaml"],
  ["zimbra-full", "examples/zimbra-full.yaml"],
])("golden files for %s", (stack, file) => {
  const rendered = renderAll(load(file));
  test.each(Object.keys(rendered))("%s matches tests/golden", (name) => {
    const goldenPath = path.join(GOLDEN, stack, name);
    if (process.env.UPDATE_GOLDEN === "1") {
      fs.mkdirSync(path.dirname(goldenPath), { recursive: true });
      fs.writeFileSync(goldenPath, rendered[name]);
    }
    expect(rendered[name]).toBe(fs.readFileSync(goldenPath, "utf8"));
  });
});

describe("lab files carry the reference values", () => {
  const files = renderAll(load("Pulumi.lab.yaml"));
  test("corosync timers, transport, crypto, two-node quorum", () => {
    const conf = files["corosync.conf"];
    for (const line of [
      "token: 5000",
      "token_retransmits_before_loss_const: 20",
      "join: 1000",
      "consensus: 7500",
      "max_messages: 20",
      "transport: knet",
      "crypto_cipher: aes256",
      "crypto_hash: sha256",
      "two_node: 1",
      "provider: corosync_votequorum",
      "ring0_addr: 10.0.66.201",
      "ring0_addr: 10.0.66.202",
    ]) {
      expect(conf).toContain(line);
    }
  });
  test("DRBD resource zimbradata", () => {
    const res = files["zimbradata.res"];
    for (const line of [
      "resource zimbradata {",
      "protocol C;",
      "on-io-error detach;",
      "resync-rate 10M;",
      "degr-wfc-timeout 120;",
      "device    /dev/drbd0;",
      "address   10.0.66.201:7788;",
      "address   10.0.66.202:7788;",
    ]) {
      expect(res).toContain(line);
    }
  });
  test("Pacemaker: stickiness, location 50, monitors and timeouts", () => {
    const cib = files["cib-fragment.xml"];
    expect(cib).toContain('name="resource-stickiness" value="100"');
    expect(cib).toContain('<rsc_location id="loc-zimbra-prefers-primary" rsc="zimbra" node="primary" score="50"/>');
    expect(cib).toMatch(/name="monitor" interval="60s" timeout="60s" role="Promoted"/);
    expect(cib).toMatch(/name="monitor" interval="50s" timeout="60s" role="Unpromoted"/);
    expect(cib).toMatch(/<op id="vip-monitor-30s" name="monitor" interval="30s"/);
    expect(cib).toMatch(/drbd-zimbradata-start-0s" name="start" interval="0s" timeout="240s"/);
    expect(cib).toMatch(/drbd-zimbradata-stop-0s" name="stop" interval="0s" timeout="100s"/);
    expect(cib).toMatch(/fs-zimbradata-start-0s" name="start" interval="0s" timeout="60s"/);
    expect(cib).toContain('name="ip" value="192.168.77.203"');
    // The lab fences with SBD on its shared disk.
    expect(cib).toContain('name="stonith-enabled" value="true"');
    expect(cib).toContain('type="fence_sbd"');
    expect(
      files["drbd/zimbradata.res"] ?? Object.entries(files).find(([k]) => k.endsWith("zimbradata.res"))?.[1],
    ).toContain("verify-alg sha1;");
  });
  test("hosts block maps the VIP to the public FQDN and ring addresses to node names", () => {
    expect(files["hosts-block"]).toBe(
      "192.168.77.203 public.zimbraha.lan public\n10.0.66.201 primary\n10.0.66.202 secondary\n",
    );
  });
});

/** Random valid clusters: 2-5 nodes, 1-2 links, 0-4 DRBD resources all in one group. */
const clusterArb = fc
  .record({
    nodes: fc.integer({ min: 2, max: 5 }),
    links: fc.integer({ min: 1, max: 2 }),
    resources: fc.integer({ min: 0, max: 4 }),
    base: fc.integer({ min: 1, max: 200 }),
  })
  .map(({ nodes, links, resources, base }) => {
    const names = Array.from({ length: nodes }, (_, i) => `node-${i + 1}`);
    const res = Array.from({ length: resources }, (_, i) => ({
      name: `data${i}`,
      minor: i,
      port: 7788 + i,
      disk: `/dev/vd${"bcde"[i]}`,
      mountPoint: `/srv/data${i}`,
      initialPrimary: names[0],
      nodes: nodes > 2 ? names.slice(0, 2) : undefined,
    }));
    return parseClusterConfig(
      {
        name: "prop",
        distro: "debian-12",
        fencing: { mode: "disabled-unsafe" },
        links: Array.from({ length: links }, (_, l) => ({ subnet: `10.${l}.0.0/16` })),
        service: { subnet: "192.168.0.0/16", fqdn: "mail.example.org" },
        nodes: names.map((name, i) => ({
          name,
          nodeId: base + i,
          ringAddresses: Array.from({ length: links }, (_, l) => `10.${l}.1.${i + 1}`),
          serviceAddress: `192.168.1.${i + 1}`,
          ssh: { host: `192.168.1.${i + 1}` },
        })),
        drbd: { resources: res },
        pacemaker: {
          vips: [{ id: "vip", address: "192.168.2.1" }],
          groups: [{ id: "g", members: ["vip", ...res.map((r) => r.name)], preferredNode: names[0] }],
        },
      },
      { sshPrivateKey: true },
    );
  });

describe("renderer invariants", () => {
  test("corosync nodelist: every node once, with one address per link and its own id", () => {
    fc.assert(
      fc.property(clusterArb, (cfg) => {
        const conf = renderCorosyncConf(corosyncView(cfg));
        for (const node of cfg.nodes) {
          expect(conf.split(`name: ${node.name}\n`)).toHaveLength(2);
          for (const addr of node.ringAddresses) expect(conf.split(`_addr: ${addr}\n`)).toHaveLength(2);
        }
        expect(conf.match(/nodeid: \d+/g)).toHaveLength(cfg.nodes.length);
        expect(conf.match(/linknumber: \d+/g)).toHaveLength(cfg.links.length);
        expect(conf.includes("two_node: 1")).toBe(cfg.nodes.length === 2);
      }),
      { numRuns: 60 },
    );
  });
  test("DRBD: one `on` section per node, on its link-0 address, distinct ports and minors across resources", () => {
    fc.assert(
      fc.property(clusterArb, (cfg) => {
        const ports = new Set<string>();
        for (const res of cfg.drbd.resources) {
          const text = renderDrbdRes(drbdView(cfg, res));
          for (const node of cfg.nodes.slice(0, 2)) {
            expect(text.split(`on ${node.name} {`)).toHaveLength(2);
            expect(text).toContain(`address   ${node.ringAddresses[0]}:${res.port};`);
          }
          expect(text.match(/ on [a-z0-9-]+ \{/g)).toHaveLength(2);
          ports.add(`${res.port}`);
          ports.add(`minor${res.minor}`);
        }
        expect(ports.size).toBe(cfg.drbd.resources.length * 2);
      }),
      { numRuns: 60 },
    );
  });
  test("CIB fragment: ids unique, every owned id listed by the tag exists", () => {
    fc.assert(
      fc.property(clusterArb, (cfg) => {
        const view = cibView(cfg);
        const xml = renderCibFragment(view);
        const definitions = xml.split("\n").filter((line) => !line.includes("<obj_ref") && !line.includes("<tag "));
        const defined = definitions.flatMap((line) => [...line.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
        const refs = [...xml.matchAll(/<obj_ref id="([^"]+)"/g)].map((m) => m[1]);
        expect(new Set(defined).size).toBe(defined.length);
        expect(new Set(refs).size).toBe(refs.length);
        for (const ref of refs) expect(defined).toContain(ref);
      }),
      { numRuns: 60 },
    );
  });
});

describe("tools bundle", () => {
  test("installs every host script, the merge stylesheet and the OCF agent", () => {
    const paths = bundledFiles().map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/usr/local/lib/zimbra-ha/cib-apply.sh",
        "/usr/local/lib/zimbra-ha/cib-merge.xsl",
        "/usr/local/lib/zimbra-ha/drbd-create-md.sh",
        "/usr/lib/ocf/resource.d/zimbra-ha/zimbra",
      ]),
    );
  });
  test("refuses a file that contains its delimiter", () => {
    expect(() => renderToolsBundle([{ path: "/x", mode: "0644", content: "a\nZIMBRA_HA_END_OF_FILE\nb" }])).toThrow(
      /delimiter/,
    );
  });
});
