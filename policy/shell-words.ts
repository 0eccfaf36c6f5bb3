/**
 * Reads the POSIX shell lines the program builds (components/remote.ts): words with their
 * quoting removed, split into simple commands at `&&`, `||`, `;`, `|`, `&`, newlines and
 * `if/then/else/fi`; redirections dropped; `sh -c LINE` (how sudo runs a line) read inside.
 */

const OPERATORS = ["&&", "||", ";;", ";", "|", "&", "\n", "(", ")"];
const REDIRECTIONS = [">>", ">", "<"];
const KEYWORDS = new Set(["if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}"]);

type Token = { word: string } | { op: string };

/** The line as words and operators; `$(...)` and `${...}` stay part of their word, unexpanded. */
export function shellTokens(line: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let word: string | undefined;
  const flush = () => {
    if (word !== undefined) tokens.push({ word });
    word = undefined;
  };
  const append = (s: string) => (word = (word ?? "") + s);
  while (i < line.length) {
    const c = line[i];
    if (c === " " || c === "\t") {
      flush();
      i++;
    } else if (c === "#" && word === undefined) {
      while (i < line.length && line[i] !== "\n") i++;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error("unterminated single quote");
      append(line.slice(i + 1, end));
      i = end + 1;
    } else if (c === '"') {
      i++;
      let s = "";
      while (i < line.length && line[i] !== '"') {
        if (line[i] === "\\" && '"\\$`\n'.includes(line[i + 1] ?? "")) i++;
        s += line[i++];
      }
      if (i >= line.length) throw new Error("unterminated double quote");
      append(s);
      i++;
    } else if (c === "\\") {
      append(line[i + 1] ?? "");
      i += 2;
    } else if (c === "$" && (line[i + 1] === "(" || line[i + 1] === "{")) {
      const end = matching(line, i + 1);
      append(line.slice(i, end + 1));
      i = end + 1;
    } else {
      const op = [...REDIRECTIONS, ...OPERATORS].find((o) => line.startsWith(o, i));
      if (op) {
        flush();
        tokens.push({ op });
        i += op.length;
      } else {
        append(c);
        i++;
      }
    }
  }
  flush();
  return tokens;
}

/** Index of the bracket closing the one at `open`. */
function matching(line: string, open: number): number {
  const close = line[open] === "(" ? ")" : "}";
  let depth = 0;
  for (let i = open; i < line.length; i++) {
    if (line[i] === line[open]) depth++;
    else if (line[i] === close && --depth === 0) return i;
  }
  throw new Error(`unterminated ${line[open]}`);
}

/** The simple commands of a line, each as its words; the line inside `sh -c LINE` is read too. */
export function simpleCommands(line: string): string[][] {
  const commands: string[][] = [];
  let current: string[] = [];
  const tokens = shellTokens(line);
  const end = () => {
    if (current.length) commands.push(current);
    current = [];
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if ("op" in t) {
      if (REDIRECTIONS.includes(t.op)) i++;
      else end();
    } else if (current.length === 0 && KEYWORDS.has(t.word)) {
      continue;
    } else {
      current.push(t.word);
    }
  }
  end();
  return commands.flatMap((words) => {
    const sh = words.findIndex(
      (w, k) => (w === "sh" || w.endsWith("/sh")) && words[k + 1] === "-c" && words[k + 2] !== undefined,
    );
    return sh < 0 ? [words] : [words, ...simpleCommands(words[sh + 2])];
  });
}

/** The arguments of every call of a host script (matched by its file name) in a line. */
export function scriptCalls(line: string, script: string): string[][] {
  return simpleCommands(line)
    .filter((words) => words[0] === script || words[0].endsWith(`/${script}`))
    .map((words) => words.slice(1));
}
