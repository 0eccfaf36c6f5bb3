/**
 * The host tools bundle: a shell program (sent on stdin) that installs the project's host
 * scripts, the CIB merge stylesheet and the OCF agent on a node.
 */
import * as fs from "fs";
import * as path from "path";
import { OCF_DIR, TOOLS_DIR } from "../host-paths";
import { ASSETS_DIR, readAsset } from "./template";

const DELIMITER = "ZIMBRA_HA_END_OF_FILE";

export interface BundledFile {
  path: string;
  mode: string;
  content: string;
}

export function bundledFiles(): BundledFile[] {
  const scripts = fs
    .readdirSync(path.join(ASSETS_DIR, "scripts"))
    .filter((f) => f.endsWith(".sh"))
    .sort()
    .map((f) => ({ path: `${TOOLS_DIR}/${f}`, mode: "0755", content: readAsset(`scripts/${f}`) }));
  const ocfDir = path.join(ASSETS_DIR, "ocf");
  const agents = (fs.existsSync(ocfDir) ? fs.readdirSync(ocfDir) : [])
    .sort()
    .map((f) => ({ path: `${OCF_DIR}/${f}`, mode: "0755", content: readAsset(`ocf/${f}`) }));
  return [
    ...scripts,
    { path: `${TOOLS_DIR}/cib-merge.xsl`, mode: "0644", content: readAsset("cib-merge.xsl") },
    ...agents,
  ];
}

export function renderToolsBundle(files: BundledFile[] = bundledFiles()): string {
  const lines = ["set -eu", `mkdir -p ${TOOLS_DIR} ${OCF_DIR}`, "changed=0"];
  for (const file of files) {
    if (file.content.split("\n").includes(DELIMITER))
      throw new Error(`${file.path} contains the bundle delimiter line`);
    const body = file.content.endsWith("\n") ? file.content : `${file.content}\n`;
    lines.push(
      `cat > ${file.path}.new <<'${DELIMITER}'`,
      body + DELIMITER,
      `chmod ${file.mode} ${file.path}.new`,
      `if cmp -s ${file.path}.new ${file.path} && [ "$(stat -c %a ${file.path})" = "${file.mode.replace(/^0/, "")}" ` +
        `]; then rm -f ${file.path}.new; else mv -f ${file.path}.new ${file.path}; changed=$((changed + 1)); fi`,
    );
  }
  lines.push(
    `if [ "$changed" -eq 0 ]; then echo "tools: ${files.length} files unchanged"; else echo "tools: $changed of ` +
      `${files.length} files written to ${TOOLS_DIR} and ${OCF_DIR}"; fi`,
  );
  return lines.join("\n") + "\n";
}
