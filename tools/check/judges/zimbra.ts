/**
 * Zimbra and host firewall judge, for stacks that turn them on:
 *  - each node's nftables ruleset: `nft -c -f FILE` (parse and kernel check, nothing loaded),
 *    in a throwaway network namespace;
 *  - zmsetup.pl's configuration, read as zmsetup.pl's loadConfig reads it (every line split at
 *    its first `=`, the value kept verbatim: no comments, no quoting), with every key that
 *    zimbra-configure.sh reads from it present;
 *  - the cron.d file, read as Debian's cron(8) reads /etc/cron.d (its name, environment lines,
 *    five time fields or an @keyword, a user, a command, a final newline).
 */
import * as fs from "fs";
import * as path from "path";
import { ClusterConfig } from "../../../components/config";
import { FIREWALL_CONF, ZIMBRA_CRON_D } from "../../../components/host-paths";
import { judgeNotInstalled, lines } from "../exec";
import { runInNetns } from "../netns";
import { nodePath, REPO_ROOT, RenderedFiles, ZMSETUP } from "../render";
import { fail, Item, judged, Section, skip } from "../types";

const CONFIGURE_SCRIPT = path.join(REPO_ROOT, "assets", "scripts", "zimbra-configure.sh");

/** Keys zimbra-configure.sh reads from the file (`value KEY`). */
export function keysReadByConfigure(script = fs.readFileSync(CONFIGURE_SCRIPT, "utf8")): string[] {
  return [...new Set([...script.matchAll(/\bvalue ([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]))];
}

/** Calls `judge` with each line and its number (a final line break ends the last line, it opens none). */
function eachLine(text: string, judge: (line: string, number: number) => void): void {
  text
    .replace(/\n$/, "")
    .split("\n")
    .forEach((line, i) => judge(line, i + 1));
}

/** What zmsetup.pl would misread in its configuration file, one message per defect. */
export function zmsetupProblems(text: string, required: string[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  if (!text.endsWith("\n")) problems.push("the file does not end with a line break");
  eachLine(text, (line, number) => {
    const at = `line ${number}`;
    const eq = line.indexOf("=");
    if (eq < 0) return void problems.push(`${at}: '${line}' has no '=': zmsetup.pl reads it as a key without a value`);
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      problems.push(`${at}: '${key}' is not a key name (zmsetup.pl has no comments and trims nothing)`);
    if (/["'\r]/.test(value))
      problems.push(`${at}: ${key}'s value has a quote or carriage return: zmsetup.pl keeps it`);
    if (value !== value.trim())
      problems.push(`${at}: ${key}'s value starts or ends with blanks: zmsetup.pl keeps them`);
    const first = seen.get(key);
    if (first !== undefined) problems.push(`${at}: ${key} again (line ${first}): the last one wins`);
    else seen.set(key, number);
  });
  for (const key of required)
    if (!seen.has(key)) problems.push(`${key} is missing: zimbra-configure.sh reads it from this file`);
  return problems;
}

const CRON_KEYWORDS = ["@reboot", "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const TIME_FIELDS: { name: string; min: number; max: number; names: string[] }[] = [
  { name: "minute", min: 0, max: 59, names: [] },
  { name: "hour", min: 0, max: 23, names: [] },
  { name: "day of month", min: 1, max: 31, names: [] },
  { name: "month", min: 1, max: 12, names: MONTHS },
  { name: "day of week", min: 0, max: 7, names: DAYS },
];

function timeFieldProblem(text: string, field: (typeof TIME_FIELDS)[number]): string | undefined {
  // cron accepts a name only alone, not in a range or list.
  if (field.names.includes(text.toLowerCase())) return undefined;
  for (const item of text.split(",")) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
    if (!m) return `'${item}' is not *, N, N-M or a list of them, with an optional /step`;
    const numbers = [m[2], m[3]].filter((n) => n !== undefined).map(Number);
    const out = numbers.find((n) => n < field.min || n > field.max);
    if (out !== undefined) return `${out} is outside ${field.min}-${field.max}`;
    if (m[4] !== undefined && Number(m[4]) === 0) return "a step of 0";
  }
  return undefined;
}

/** What Debian's cron would ignore or misread in an /etc/cron.d file, one message per defect. */
export function cronDProblems(file: string, text: string): string[] {
  const problems: string[] = [];
  // run-parts naming: cron skips files in /etc/cron.d whose names hold anything else (a dot).
  if (!/^[A-Za-z0-9_-]+$/.test(path.basename(file)))
    problems.push(`${path.basename(file)}: cron ignores files in /etc/cron.d whose names are not [A-Za-z0-9_-]`);
  if (!text.endsWith("\n")) problems.push("the last line has no line break: cron ignores it");
  eachLine(text, (raw, number) => {
    const at = `line ${number}`;
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    if (/^[A-Za-z_][A-Za-z0-9_]*\s*=/.test(line)) return; // an environment setting
    const words = line.split(/\s+/);
    const timeWords = words[0].startsWith("@") ? 1 : 5;
    if (timeWords === 1 && !CRON_KEYWORDS.includes(words[0]))
      return void problems.push(`${at}: ${words[0]} is not one of ${CRON_KEYWORDS.join(" ")}`);
    if (words.length < timeWords + 2)
      return void problems.push(`${at}: '${line}' lacks the user or the command (cron.d lines name a user)`);
    if (timeWords === 5)
      TIME_FIELDS.forEach((field, f) => {
        const problem = timeFieldProblem(words[f], field);
        if (problem) problems.push(`${at}: ${field.name}: ${problem}`);
      });
    const user = words[timeWords];
    if (!/^[a-z_][a-z0-9_-]*\$?$/.test(user)) problems.push(`${at}: '${user}' is not a user name`);
    if (/(^|[^\\])%/.test(words.slice(timeWords + 1).join(" ")))
      problems.push(`${at}: an unescaped % in the command: cron turns it into a line break`);
  });
  return problems;
}

export async function judgeZimbra(cfg: ClusterConfig, files: RenderedFiles, outDir: string): Promise<Section> {
  const section: Section = {
    id: "zimbra",
    title: "Zimbra and firewall: nft -c, zmsetup.pl's and cron's reading of their files",
    note:
      "rulesets checked by nft -c in a throwaway network namespace; zmsetup.conf rendered with a placeholder " +
      "admin password",
    items: [],
  };
  if (!cfg.firewall?.enabled && !cfg.zimbra)
    return { ...section, items: [skip("not configured", ["the stack turns on neither zimbra nor firewall"])] };

  if (cfg.firewall?.enabled) {
    const missing = judgeNotInstalled("firewall");
    if (missing) section.items.push(missing);
    else {
      const sandbox = path.join(outDir, "judge", "nft");
      fs.mkdirSync(sandbox, { recursive: true });
      const items = await Promise.all(
        cfg.nodes.map(async (node): Promise<Item> => {
          const title = `${node.name}: ${FIREWALL_CONF}`;
          const ruleset = files[nodePath(node.name, FIREWALL_CONF)];
          if (ruleset === undefined) return fail(title, [`${FIREWALL_CONF} was not rendered for node ${node.name}`]);
          const copy = path.join(sandbox, `${node.name}.nft`);
          fs.writeFileSync(copy, ruleset);
          const r = await runInNetns([], "nft", ["-c", "-f", copy], { timeoutMs: 30000 });
          const said = lines(r.stdout + r.stderr);
          return judged(title, r.code === 0 ? [] : said.length ? said : [`nft -c exited ${r.code}`], [
            `$ ${r.command}`,
          ]);
        }),
      );
      section.items.push(...items);
    }
  }

  if (cfg.zimbra) {
    const zmsetup = files[ZMSETUP];
    section.items.push(
      zmsetup === undefined
        ? fail(ZMSETUP, ["zmsetup.pl's configuration was not rendered"])
        : judged(`${ZMSETUP} (zmsetup.pl -c, on the active node)`, zmsetupProblems(zmsetup, keysReadByConfigure())),
    );
    for (const node of cfg.nodes) {
      const cron = files[nodePath(node.name, ZIMBRA_CRON_D)];
      section.items.push(
        cron === undefined
          ? fail(`${node.name}: ${ZIMBRA_CRON_D}`, [`${ZIMBRA_CRON_D} was not rendered for node ${node.name}`])
          : judged(`${node.name}: ${ZIMBRA_CRON_D}`, cronDProblems(ZIMBRA_CRON_D, cron)),
      );
    }
  }
  return section;
}
