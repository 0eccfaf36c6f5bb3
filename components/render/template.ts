/** Loads a mustache template from assets/ and renders it with a plain view. */
import * as fs from "fs";
import * as path from "path";
import Mustache from "mustache";

export const ASSETS_DIR = path.join(__dirname, "..", "..", "assets");

export function readAsset(relativePath: string): string {
  return fs.readFileSync(path.join(ASSETS_DIR, relativePath), "utf8");
}

const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** Config files are not HTML: values are inserted as they are, except in XML where markup characters are escaped. */
export function renderTemplate(
  name: string,
  view: object,
  syntax: "text" | "xml" = "text",
  partialNames: string[] = [],
): string {
  const escape =
    syntax === "xml"
      ? (value: string) => String(value).replace(/[&<>"']/g, (c) => XML_ESCAPES[c])
      : (value: string) => String(value);
  const partials = Object.fromEntries(partialNames.map((p) => [p, readAsset(`${p}.mustache`)]));
  return Mustache.render(readAsset(name), view, partials, { escape });
}
