/**
 * Checks that pass on silence: a lab check that negates a node query (`! on …`) passes when the node cannot be
 * asked. Every function that does must be in lab/negated-checks.txt, whose checks the fault suite's self-test runs
 * with no node reachable (each must fail there). The rule, as the list's header states it: a negation counts when
 * `! ` starts a command (not inside [[ ]] or (( )), not the condition of if/elif/while/until) whose text, quoted text
 * left out but command substitutions kept, calls a node query: on, on_cluster, lab_ssh, ns, or a function of the
 * lab's scripts that calls one of them.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const LIST = "lab/negated-checks.txt";
const BASE_QUERIES = ["on", "on_cluster", "lab_ssh", "ns"];

/**
 * The script with comments, quoted text and here-documents blanked (lines kept), except the command substitutions
 * inside double quotes (`"$(on …)"`), which stay code.
 */
export function codeOf(src: string): string {
  const out = src.split("");
  const blank = (from: number, to: number) => {
    for (let k = from; k < Math.min(to, src.length); k++) if (out[k] !== "\n") out[k] = " ";
  };
  const frames: Array<{ quoted: boolean; parens: number }> = [{ quoted: false, parens: 0 }];
  let heredocs: Array<{ tag: string; tabs: boolean }> = [];
  let i = 0;
  while (i < src.length) {
    const top = frames[frames.length - 1];
    const c = src[i];
    if (top.quoted) {
      if (c === "\\") {
        blank(i, i + 2);
        i += 2;
      } else if (c === '"') {
        frames.pop();
        i++;
      } else if (src.startsWith("$(", i)) {
        frames.push({ quoted: false, parens: 0 });
        i += 2;
      } else {
        blank(i, i + 1);
        i++;
      }
      continue;
    }
    const heredoc = /^<<(-?)[ \t]*(['"]?)([A-Za-z_]\w*)\2/.exec(src.slice(i, i + 80));
    if (c === "\\") {
      i += 2;
    } else if (c === "'") {
      const ansi = src[i - 1] === "$";
      let j = i + 1;
      while (j < src.length && src[j] !== "'") j += ansi && src[j] === "\\" ? 2 : 1;
      blank(i + 1, j);
      i = j + 1;
    } else if (c === '"') {
      frames.push({ quoted: true, parens: 0 });
      i++;
    } else if (c === "#" && (i === 0 || /[\s;&|()]/.test(src[i - 1]))) {
      const end = src.indexOf("\n", i);
      blank(i, end < 0 ? src.length : end);
      i = end < 0 ? src.length : end;
    } else if (c === "(") {
      top.parens++;
      i++;
    } else if (c === ")") {
      if (top.parens === 0 && frames.length > 1) frames.pop();
      else top.parens = Math.max(0, top.parens - 1);
      i++;
    } else if (heredoc && src[i + 2] !== "<") {
      heredocs.push({ tag: heredoc[3], tabs: heredoc[1] === "-" });
      i += heredoc[0].length;
    } else if (c === "\n" && heredocs.length) {
      let at = i + 1;
      for (const { tag, tabs } of heredocs) {
        while (at < src.length) {
          const end = src.indexOf("\n", at) < 0 ? src.length : src.indexOf("\n", at);
          const line = src.slice(at, end);
          blank(at, end);
          at = end + 1;
          if ((tabs ? line.replace(/^\t+/, "") : line) === tag) break;
        }
      }
      heredocs = [];
      i = at;
    } else {
      i++;
    }
  }
  return out.join("");
}

interface Fn {
  name: string;
  file: string;
  line: number;
  open: number;
  close: number;
  body: string;
}

const lineAt = (text: string, index: number) => text.slice(0, index).split("\n").length;

/** Every function a script defines, nested ones included, with the extent of its body in the code. */
export function functionsOf(file: string, code: string): Fn[] {
  const fns: Fn[] = [];
  for (const m of code.matchAll(/(^|[\s;&|({])(?:function\s+)?([A-Za-z_]\w*)\s*\(\)\s*\{/g)) {
    const open = m.index + m[0].length - 1;
    let depth = 0;
    let close = code.length;
    for (let k = open; k < code.length; k++) {
      if (code[k] === "{") depth++;
      else if (code[k] === "}" && --depth === 0) {
        close = k;
        break;
      }
    }
    const at = m.index + m[1].length;
    fns.push({ name: m[2], file, line: lineAt(code, at), open, close, body: code.slice(open, close + 1) });
  }
  return fns;
}

const calls = (text: string, names: Set<string>) =>
  [...text.matchAll(/(?<![\w$./=-])([A-Za-z_]\w*)(?![\w=./-])/g)].some((m) => names.has(m[1]));

/** The node queries: the base ones and every function that calls one, in any of the scripts. */
export function nodeQueries(fns: Fn[]): Set<string> {
  const queries = new Set(BASE_QUERIES);
  for (let grew = true; grew;) {
    grew = false;
    for (const fn of fns) {
      if (!queries.has(fn.name) && calls(fn.body, queries)) {
        queries.add(fn.name);
        grew = true;
      }
    }
  }
  return queries;
}

export interface Negation {
  file: string;
  line: number;
  fn: string;
  text: string;
}

/** The end of the command a `!` negates: its pipeline, up to &&, ||, ;, a line's end or an unmatched ) or }. */
function commandEnd(code: string, from: number): number {
  let depth = 0;
  for (let k = from; k < code.length; k++) {
    const c = code[k];
    if (c === "(" || c === "{") depth++;
    else if (c === ")" || c === "}") {
      if (depth === 0) return k;
      depth--;
    } else if (depth === 0 && (c === ";" || (c === "\n" && code[k - 1] !== "\\"))) return k;
    else if (depth === 0 && (code.startsWith("&&", k) || code.startsWith("||", k))) return k;
  }
  return code.length;
}

/** The negated node queries of the scripts (path -> text), each with the innermost function it is in. */
export function negatedQueries(scripts: Record<string, string>): Negation[] {
  const codes = Object.fromEntries(Object.entries(scripts).map(([file, src]) => [file, codeOf(src)]));
  const fns = Object.entries(codes).flatMap(([file, code]) => functionsOf(file, code));
  const queries = nodeQueries(fns);
  const found: Negation[] = [];
  for (const [file, code] of Object.entries(codes)) {
    // `!` inside [[ ]] and (( )) is an operator, not a negated command.
    const masked = code.replace(/\[\[[\s\S]*?\]\]|\(\([\s\S]*?\)\)/g, (m) => m.replace(/[^\n]/g, " "));
    const pattern = /(^|&&|\|\||[;{(]|\b(?:then|do|else|if|elif|while|until))[ \t]*!(?=[ \t])/gm;
    for (const m of masked.matchAll(pattern)) {
      if (["if", "elif", "while", "until"].includes(m[1])) continue;
      const bang = m.index + m[0].length - 1;
      if (!calls(masked.slice(bang + 1, commandEnd(masked, bang + 1)), queries)) continue;
      const around = fns.filter((f) => f.file === file && f.open < bang && bang < f.close);
      const fn = around.sort((a, b) => b.open - a.open)[0];
      if (!fn) continue;
      const line = lineAt(code, bang);
      if (found.some((n) => n.file === file && n.line === line)) continue; // one report a line
      found.push({ file, line, fn: fn.name, text: scripts[file].split("\n")[line - 1].trim() });
    }
  }
  return found;
}

/** The lab's shell scripts under ROOT: lab/*.sh and lab/faults/*.sh. */
function labScripts(root: string): Record<string, string> {
  const scripts: Record<string, string> = {};
  for (const dir of ["lab", "lab/faults"]) {
    if (!fs.existsSync(path.join(root, dir))) continue;
    for (const f of fs
      .readdirSync(path.join(root, dir))
      .filter((f) => f.endsWith(".sh"))
      .sort())
      scripts[`${dir}/${f}`] = fs.readFileSync(path.join(root, dir, f), "utf8");
  }
  return scripts;
}

/** What is wrong with ROOT's list: negated checks missing from it, entries naming a function that is gone. */
export function violations(root: string): string[] {
  const scripts = labScripts(root);
  const entries = fs
    .readFileSync(path.join(root, LIST), "utf8")
    .split("\n")
    .map((text, i) => ({ line: i + 1, words: text.trim().split(/\s+/) }))
    .filter(({ words }) => words[0] !== "" && !words[0].startsWith("#"));
  const listed = new Set(entries.map(({ words }) => `${words[0]} ${words[1]}`));
  const problems = negatedQueries(scripts)
    .filter((n) => !listed.has(`${n.file} ${n.fn}`))
    .map((n) => `${n.file}:${n.line}: ${n.fn} negates a node query (${n.text}) and is not in ${LIST}`);
  for (const { line, words } of entries) {
    const [file, fn] = words;
    const defined = file in scripts && functionsOf(file, codeOf(scripts[file])).some((f) => f.name === fn);
    if (!defined) problems.push(`${LIST}:${line}: ${file} defines no function ${fn ?? "(none named)"}`);
  }
  return problems;
}

const scan = (src: string, others: Record<string, string> = {}) =>
  negatedQueries({ "lab/x.sh": src, ...others }).map((n) => `${n.line} ${n.fn}`);

describe("the scanner", () => {
  test("finds negated node queries, direct, through a function, or in a command substitution", () => {
    const src = [
      "a() { ! on primary 'findmnt -n /opt/zimbra' >/dev/null; }",
      "b() { local x; x=$(date) && ! on_cluster 'crm_mon -1' | grep -q y; }",
      'c() { ! ns timeout 5 bash -c "exec 3<>/dev/tcp/$LAB_VIP/143"; }',
      'count() { local out; out=$(on "$1" \'grep -c x f\') && echo "$out"; }',
      'none() { [[ $(count "$1") == 0 ]]; }',
      "d() { ! none primary && true; }",
      "e() { ! grep -q orphan <<<\"$(on_cluster 'crm_mon -1 -r')\"; }",
      "f() {",
      "  inner() { [[ -n $x ]] && ! lab_ssh primary true; }",
      "  wait_for 10 inner",
      "}",
    ].join("\n");
    expect(scan(src)).toEqual(["1 a", "2 b", "3 c", "6 d", "7 e", "9 inner"]);
  });

  test("leaves out what cannot pass on silence: a computed string, a node's own command, a branch, an operator", () => {
    const src = [
      "a() { local out; out=$(on_cluster 'crm_mon -1 -r') && ! grep -qi orphan <<<\"$out\"; }",
      "b() { on primary '! test -e /root/x'; on primary \"! test -e $f\"; }",
      "c() { if ! on primary true; then return 1; fi; while ! ns true; do sleep 1; done; }",
      "d() { [[ ! -f $x ]] && [[ -n $y && ! -e $y ]] && find . ! -name x; (( ! n )); }",
      'e() { ! variant_has_arbiter "$(lab_variant)" || true; } # ! on primary true',
      "variant_has_arbiter() { grep -q '^quorumDevice:' \"$1\"; }",
      "f() { python3 - <<'PY'",
      "! on primary",
      "PY",
      "}",
      "! on primary true",
    ].join("\n");
    expect(scan(src)).toEqual([]);
  });

  test("a function of another script counts as a node query", () => {
    expect(scan("a() { ! fence_seen primary; }", { "lab/y.sh": "fence_seen() { on \"$1\" 'grep -q x f'; }" })).toEqual([
      "1 a",
    ]);
  });
});

describe(LIST, () => {
  test("holds every negated check of lab/*.sh and lab/faults/*.sh, and only functions that exist", () => {
    expect(violations(ROOT)).toEqual([]);
  });

  test("a new negated check, or a listed check that is gone, is named with its file and line", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "negated-checks-"));
    fs.mkdirSync(path.join(root, "lab", "faults"), { recursive: true });
    for (const [file, src] of Object.entries(labScripts(ROOT))) fs.writeFileSync(path.join(root, file), src);
    fs.copyFileSync(path.join(ROOT, LIST), path.join(root, LIST));
    fs.writeFileSync(
      path.join(root, "lab/faults/99-new.sh"),
      "# a fault\nfault_99() {\n  gone() { ! on \"$a\" 'pgrep x'; }\n  expect 'gone' gone\n}\n",
    );
    fs.appendFileSync(path.join(root, LIST), "lab/checks.sh  no_such_check\n");
    const listLines = fs.readFileSync(path.join(root, LIST), "utf8").split("\n").length - 1;
    expect(violations(root)).toEqual([
      `lab/faults/99-new.sh:3: gone negates a node query (gone() { ! on "$a" 'pgrep x'; }) and is not in ${LIST}`,
      `${LIST}:${listLines}: lab/checks.sh defines no function no_such_check`,
    ]);
  });
});
