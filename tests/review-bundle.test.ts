/** tools/review/bundle.ts: the host-tools bundle read back into its files and compared file by file. */
import * as fs from "fs";
import * as path from "path";
import { bundledFiles, renderToolsBundle } from "../components/render/bundle";
import { bundleSummary, diffBundles, parseBundle, renderBundleDiff, renderBundleListing } from "../tools/review/bundle";
import type { Preview } from "../tools/review/preview";

const fixture = (name: string): Preview =>
  JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "review", name), "utf8"));

const step = (preview: Preview, name: string) => preview.steps.find((s) => s.urn.endsWith(`::${name}`))!;

test("the bundle the program renders parses back into exactly its files, modes and contents", () => {
  const files = bundledFiles();
  const bundle = parseBundle(renderToolsBundle(files))!;
  expect(bundle).toBeDefined();
  expect(bundle.files.map(({ path, mode, content }) => ({ path, mode, content }))).toEqual(
    files.map((f) => ({ ...f, content: f.content.endsWith("\n") ? f.content : `${f.content}\n` })),
  );
  // The lines around the files: the preamble and the final report, nothing of any file.
  expect(bundle.frame.split("\n").filter((l) => l)).toEqual([
    "set -eu",
    expect.stringMatching(/^mkdir -p /),
    "changed=0",
    expect.stringMatching(/^if \[ "\$changed" -eq 0 \]; then echo "tools: \d+ files unchanged"/),
  ]);
  // Every file is installed by the same lines, its path aside.
  expect(new Set(bundle.files.filter((f) => f.mode === "0755").map((f) => f.wrapper.join("\n"))).size).toBe(1);
});

test("not a bundle: plain text, or a heredoc that never ends", () => {
  expect(parseBundle("compatibility_level = 3.6\n")).toBeUndefined();
  expect(parseBundle("cat > /x.new <<'ZIMBRA_HA_END_OF_FILE'\nbody\n")).toBeUndefined();
});

test("the real preview's bundle change: cib-apply.sh changed, fencer-check.sh added, the rest counted", () => {
  const tools = step(fixture("update-preview.json"), "primary-tools");
  const old = parseBundle(tools.oldState!.inputs!.stdin as string)!;
  const neu = parseBundle(tools.newState!.inputs!.stdin as string)!;
  const diff = diffBundles(old, neu);
  expect(diff.changes.map((c) => [c.path, !!c.old, !!c.new])).toEqual([
    ["/usr/local/lib/zimbra-ha/cib-apply.sh", true, true],
    ["/usr/local/lib/zimbra-ha/fencer-check.sh", false, true],
  ]);
  expect(diff.unchanged).toBe(2);
  expect(diff.frameChanged).toBe(true); // the file count in its last line
  expect(bundleSummary(diff)).toBe("host-tools bundle: 1 changed, 1 added, 0 removed, 2 unchanged files");

  const text = renderBundleDiff(old, neu, "primary-tools stdin");
  expect(text).toContain(
    "--- a/usr/local/lib/zimbra-ha/cib-apply.sh\n+++ b/usr/local/lib/zimbra-ha/cib-apply.sh\n@@ -22,15 +22,18 @@\n",
  );
  expect(text).toContain(
    "-  crm_attribute --type crm_config --name maintenance-mode --update true\n+  maintenance_mode --update true\n",
  );
  // The added file whole, every line of it.
  const added = (neu.files.find((f) => f.path.endsWith("/fencer-check.sh"))!.content.match(/\n/g) ?? []).length;
  expect(text).toContain(
    `--- /dev/null\n+++ b/usr/local/lib/zimbra-ha/fencer-check.sh\n@@ -0,0 +1,${added} @@\n+#!/bin/sh\n`,
  );
  // Unchanged files are not shown at all.
  expect(text).not.toContain("put-file.sh");
  expect(text).not.toContain("set-hostname.sh");
  expect(text).toContain('-if [ "$changed" -eq 0 ]; then echo "tools: 3 files unchanged"');
});

test("a removed file, a mode change and a changed installer line are each reported", () => {
  const files = [
    { path: "/usr/local/lib/zimbra-ha/a.sh", mode: "0755", content: "echo a\n" },
    { path: "/usr/local/lib/zimbra-ha/b.sh", mode: "0755", content: "echo b\n" },
    { path: "/usr/local/lib/zimbra-ha/c.xsl", mode: "0644", content: "<x/>\n" },
  ];
  const old = parseBundle(renderToolsBundle(files))!;
  const neu = parseBundle(renderToolsBundle([files[0], { ...files[2], mode: "0600" }]))!;
  const diff = diffBundles(old, neu);
  expect(bundleSummary(diff)).toBe("host-tools bundle: 1 changed, 0 added, 1 removed, 1 unchanged file");
  const text = renderBundleDiff(old, neu, "tools stdin");
  expect(text).toContain("changed: /usr/local/lib/zimbra-ha/c.xsl (1 line, 5 bytes, mode 0644 -> 0600)");
  expect(text).toContain(
    "removed: /usr/local/lib/zimbra-ha/b.sh (1 line, 7 bytes, mode 0755)\n" +
      "--- a/usr/local/lib/zimbra-ha/b.sh\n+++ /dev/null\n@@ -1 +0,0 @@\n-echo b\n",
  );

  const edited = renderToolsBundle([files[0]]).replace("cmp -s", "cmp");
  const wrapperChange = renderBundleDiff(parseBundle(renderToolsBundle([files[0]]))!, parseBundle(edited)!, "x");
  expect(wrapperChange).toContain("the lines that install it changed ({} is /usr/local/lib/zimbra-ha/a.sh):");
  expect(wrapperChange).toContain("-if cmp -s {}.new {}");
});

test("a created bundle is listed by file, path, mode and size; none of its text", () => {
  const tools = step(fixture("create-preview.json"), "primary-tools");
  const listing = renderBundleListing(parseBundle(tools.newState!.inputs!.stdin as string)!);
  expect(listing.split("\n")).toEqual([
    "host-tools bundle: 4 files, 8 KiB",
    "  0755 /usr/local/lib/zimbra-ha/cib-apply.sh (113 lines, 4977 bytes)",
    expect.stringMatching(/^ {2}0755 \/usr\/local\/lib\/zimbra-ha\/fencer-check\.sh \(\d+ lines, \d+ bytes\)$/),
    expect.stringMatching(/^ {2}0755 \/usr\/local\/lib\/zimbra-ha\/put-file\.sh /),
    expect.stringMatching(/^ {2}0755 \/usr\/local\/lib\/zimbra-ha\/set-hostname\.sh /),
    "",
  ]);
});
