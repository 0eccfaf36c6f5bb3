/**
 * npx tsx tools/config-reference.ts [--write] [FILE]
 * The field reference of the stack config (`zimbra-ha:cluster`) in docs/CONFIG.md, generated from
 * the schema (ClusterSchema, components/config.ts) so that it cannot drift from it. Every field
 * path of the schema's input gets a row: its type and default come from the schema; its meaning
 * is the one column written by hand, kept by path when the table is generated again.
 *   (no flag)  change nothing; exit 1 when a row is missing, names a field the schema does not
 *              have, differs from the schema, or has no meaning yet
 *   --write    regenerate the table in FILE (default docs/CONFIG.md), keeping each row's meaning
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { ClusterSchema } from "../components/config";

export const BEGIN =
  "<!-- config-reference: generated from components/config.ts by tools/config-reference.ts --write; " +
  "write only the meaning column -->";
export const END = "<!-- /config-reference -->";

/** One field path of the stack config, as the schema defines it. */
export interface Field {
  /** `nodes[].ssh.port`: `[]` for a list's items, `<name>` for a map's keys. */
  path: string;
  type: string;
  default: string;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Map keys, named after what they are keyed by. */
const KEY_NAMES: Record<string, string> = { "nodes[].disks": "<resource>" };
/** Names for the string patterns the schema uses more than once. */
const PATTERNS: Record<string, string> = {
  "^[a-z][a-z0-9-]{0,62}$": "name",
  "^[A-Za-z][A-Za-z0-9_.-]{0,62}$": "resource id",
  "^\\d{1,3}(\\.\\d{1,3}){3}$": "IPv4 address",
  "^\\d{1,3}(\\.\\d{1,3}){3}\\/\\d{1,2}$": "IPv4 subnet",
  "^\\/[A-Za-z0-9_.\\/-]*$": "absolute path",
};
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

const code = (v: unknown) => "`" + (typeof v === "string" ? v : JSON.stringify(v)) + "`";

function scalarType(s: Json): string {
  if (s.const !== undefined) return code(s.const);
  if (s.enum) return s.enum.map(code).join(" \\| ");
  if (s.anyOf || s.oneOf) return (s.anyOf ?? s.oneOf).map(typeOf).join(" or ");
  if (s.type === "string") {
    if (s.pattern && PATTERNS[s.pattern]) return PATTERNS[s.pattern];
    if (s.pattern) return "string (pattern)";
    return s.minLength ? "non-empty string" : "string";
  }
  if (s.type === "integer" || s.type === "number") {
    const word = s.type;
    const lo = s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : undefined;
    const min = s.minimum !== undefined && s.minimum > -MAX_SAFE ? s.minimum : undefined;
    const max = s.maximum !== undefined && s.maximum < MAX_SAFE ? s.maximum : undefined;
    if (min !== undefined && max !== undefined) return `${word} ${min}–${max}`;
    if (min !== undefined) return `${word} ≥ ${min}`;
    if (lo !== undefined) return `${word} ${lo}`;
    return word;
  }
  if (s.type === "boolean") return "boolean";
  return "any";
}

function typeOf(s: Json): string {
  if (s.type === "array") {
    const n =
      s.minItems !== undefined && s.maxItems !== undefined
        ? ` (${s.minItems}–${s.maxItems})`
        : s.minItems
          ? ` (≥ ${s.minItems})`
          : "";
    const item = s.items ?? {};
    return (isObject(item) ? "list of objects" : `list: ${typeOf(item)}`) + n;
  }
  if (s.oneOf && s.oneOf.every(isObject)) return "object, by " + discriminator(s.oneOf);
  if (isObject(s)) return "object";
  if (isMap(s)) return isObject(s.additionalProperties) ? "map of objects" : `map: ${typeOf(s.additionalProperties)}`;
  return scalarType(s);
}

const isObject = (s: Json) => s.type === "object" && s.properties !== undefined;
const isMap = (s: Json) => s.type === "object" && s.properties === undefined && s.additionalProperties !== undefined;

/** The property every variant of a union holds as a constant (zod's discriminatedUnion key). */
function discriminator(variants: Json[]): string {
  const keys = Object.keys(variants[0].properties).filter((k) =>
    variants.every((v) => v.properties[k]?.const !== undefined),
  );
  if (keys.length !== 1) throw new Error("a union of objects without one discriminator");
  return keys[0];
}

function defaultOf(s: Json, required: boolean): string {
  if (s.default !== undefined) {
    if (typeof s.default === "object" && s.default !== null && !Array.isArray(s.default))
      return Object.keys(s.default).length === 0 ? code({}) : "each field's default";
    if (Array.isArray(s.default) && s.default.length > 0) return s.default.map(code).join(", ");
    return code(s.default);
  }
  return required ? "required" : "optional";
}

/**
 * Rows of one schema node and everything below it (a list's or a map's items have no row of
 * their own: the list's row says what they are); a union's variants merge by path.
 */
function walk(s: Json, at: string, required: boolean, out: Field[], only?: string, item = false): void {
  const variant = only ? ` (${only})` : "";
  if (at && !item) out.push({ path: at, type: typeOf(s) + variant, default: defaultOf(s, required) });
  if (s.type === "array" && s.items && (isObject(s.items) || s.items.oneOf))
    walk(s.items, at + "[]", true, out, only, true);
  else if (isMap(s) && isObject(s.additionalProperties))
    walk(s.additionalProperties, `${at}.${KEY_NAMES[at] ?? "<name>"}`, true, out, only, true);
  else if (isObject(s)) {
    for (const [key, child] of Object.entries<Json>(s.properties))
      walk(child, at ? `${at}.${key}` : key, (s.required ?? []).includes(key), out, only);
  } else if (s.oneOf && s.oneOf.every(isObject)) {
    const key = discriminator(s.oneOf);
    const perVariant = s.oneOf.map((v: Json) => {
      const rows: Field[] = [];
      const { [key]: tag, ...rest } = v.properties;
      walk({ ...v, properties: rest }, at, true, rows, `${key} ${tag.const}`);
      return { tag: tag.const as string, rows: rows.slice(1) };
    });
    out.push({
      path: `${at}.${key}`,
      type: perVariant.map((v: { tag: string }) => code(v.tag)).join(" \\| "),
      default: "required",
    });
    out.push(...mergeVariants(perVariant, key));
  }
}

/** One row per path: a field all variants share once, one that differs with each variant's type or default. */
function mergeVariants(variants: Array<{ tag: string; rows: Field[] }>, key: string): Field[] {
  const strip = (f: Field, tag: string) => ({ ...f, type: f.type.replace(` (${key} ${tag})`, "") });
  const paths: string[] = [];
  for (const v of variants) for (const r of v.rows) if (!paths.includes(r.path)) paths.push(r.path);
  return paths.map((p) => {
    const hits = variants.flatMap((v) =>
      v.rows.filter((r) => r.path === p).map((r) => ({ tag: v.tag, f: strip(r, v.tag) })),
    );
    const types = new Set(hits.map((h) => h.f.type));
    const defaults = new Set(hits.map((h) => h.f.default));
    const tags = hits.length === variants.length ? "" : ` (${key} ${hits.map((h) => h.tag).join(", ")})`;
    const per = (pick: (f: Field) => string) => hits.map((h) => `${h.tag}: ${pick(h.f)}`).join("; ");
    return {
      path: p,
      type: (types.size === 1 ? [...types][0] : per((f) => f.type)) + tags,
      default: defaults.size === 1 ? [...defaults][0] : per((f) => f.default),
    };
  });
}

/** Every field path of ClusterSchema's input (what a stack file may hold), in schema order. */
export function schemaFields(schema: z.ZodType = ClusterSchema): Field[] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
  const out: Field[] = [];
  walk(json, "", true, out);
  return out;
}

const cell = (text: string) => text.replace(/\n/g, " ").trim();

/** Splits a table row at its unescaped pipes. */
function cells(line: string): string[] {
  const parts = line
    .trim()
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split(/(?<!\\)\|/);
  return parts.map((p) => p.trim());
}

/** The generated block (between BEGIN and END) of a document, or undefined. */
export function generatedBlock(doc: string): string | undefined {
  const from = doc.indexOf(BEGIN);
  const to = doc.indexOf(END);
  return from < 0 || to < from ? undefined : doc.slice(from + BEGIN.length, to);
}

export interface Row extends Field {
  meaning: string;
}

/** The rows a block holds, in order. */
export function parseRows(block: string): Row[] {
  return block
    .split("\n")
    .filter((l) => l.startsWith("| `"))
    .map((l) => {
      const [p, type, dflt, ...meaning] = cells(l);
      return { path: p.replace(/^`|`$/g, ""), type, default: dflt, meaning: meaning.join(" | ") };
    });
}

/** Top-level sections: scalar keys first, then one table per key that holds fields. */
export function renderBlock(fields: Field[], meanings: Map<string, string>): string {
  const top = (p: string) => p.split(/[.[]/)[0];
  const sections: Array<{ title: string; rows: Field[] }> = [];
  for (const f of fields) {
    const key = top(f.path);
    const container = fields.some((g) => g !== f && top(g.path) === key);
    const title = container ? key : "";
    let s = sections.find((x) => x.title === title);
    if (!s) sections.push((s = { title, rows: [] }));
    s.rows.push(f);
  }
  sections.sort((a, b) => (a.title === "" ? -1 : b.title === "" ? 1 : 0));
  const lines: string[] = [""];
  for (const s of sections) {
    lines.push(`### ${s.title ? "`" + s.title + "`" : "Top level"}`, "");
    lines.push("| field | type | default | meaning |", "|---|---|---|---|");
    for (const f of s.rows)
      lines.push(`| \`${f.path}\` | ${cell(f.type)} | ${cell(f.default)} | ${meanings.get(f.path) ?? ""} |`);
    lines.push("");
  }
  return lines.join("\n");
}

/** Problems of DOC's reference against the schema; none when it is in step. */
export function checkReference(doc: string, fields: Field[] = schemaFields()): string[] {
  const block = generatedBlock(doc);
  if (block === undefined) return [`no generated block (${BEGIN} … ${END})`];
  const rows = parseRows(block);
  const problems: string[] = [];
  const want = new Map(fields.map((f) => [f.path, f]));
  const seen = new Set<string>();
  for (const r of rows) {
    const f = want.get(r.path);
    if (!f) problems.push(`${r.path}: documented, but the schema has no such field`);
    else {
      if (r.type !== cell(f.type)) problems.push(`${r.path}: type "${r.type}", the schema says "${cell(f.type)}"`);
      if (r.default !== cell(f.default))
        problems.push(`${r.path}: default "${r.default}", the schema says "${cell(f.default)}"`);
    }
    if (seen.has(r.path)) problems.push(`${r.path}: documented twice`);
    seen.add(r.path);
    if (f && !r.meaning) problems.push(`${r.path}: no meaning written`);
  }
  for (const f of fields) if (!seen.has(f.path)) problems.push(`${f.path}: in the schema, but has no row`);
  if (problems.length === 0) {
    const meanings = new Map(rows.map((r) => [r.path, r.meaning]));
    if (block !== renderBlock(fields, meanings))
      problems.push("the block is not in the generated layout (run npx tsx tools/config-reference.ts --write)");
  }
  return problems;
}

/** DOC with its block generated again from FIELDS, each row's meaning kept by path. */
export function regenerate(doc: string, fields: Field[] = schemaFields()): string {
  const block = generatedBlock(doc);
  if (block === undefined) throw new Error(`no generated block (${BEGIN} … ${END})`);
  const meanings = new Map(parseRows(block).map((r) => [r.path, r.meaning]));
  return doc.replace(BEGIN + block + END, BEGIN + renderBlock(fields, meanings) + END);
}

function main(argv: string[]): number {
  const write = argv.includes("--write");
  const file = argv.find((a) => !a.startsWith("--")) ?? path.join(__dirname, "..", "docs", "CONFIG.md");
  const doc = fs.readFileSync(file, "utf8");
  if (write) {
    const next = regenerate(doc);
    if (next !== doc) fs.writeFileSync(file, next);
  }
  const problems = checkReference(write ? fs.readFileSync(file, "utf8") : doc);
  for (const p of problems) console.error(`${file}: ${p}`);
  if (problems.length === 0) console.log(`${file}: ${schemaFields().length} fields, in step with the schema`);
  return problems.length ? 1 : 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
