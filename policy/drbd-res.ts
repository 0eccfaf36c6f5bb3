/** Reads a DRBD configuration file (.res): statements ending in `;` or holding a `{ }` block. */

export interface DrbdStatement {
  words: string[];
  block?: DrbdStatement[];
}

function tokens(text: string): string[] {
  const out: string[] = [];
  const re = /#[^\n]*|"((?:[^"\\]|\\.)*)"|([{};])|([^\s{};"#]+)/g;
  for (const m of text.matchAll(re)) {
    if (m[0].startsWith("#")) continue;
    out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[0]);
  }
  return out;
}

export function parseDrbdConf(text: string): DrbdStatement[] {
  const toks = tokens(text);
  let i = 0;
  const block = (nested: boolean): DrbdStatement[] => {
    const statements: DrbdStatement[] = [];
    let words: string[] = [];
    while (i < toks.length) {
      const t = toks[i++];
      if (t === ";") {
        if (words.length) statements.push({ words });
        words = [];
      } else if (t === "{") {
        statements.push({ words, block: block(true) });
        words = [];
      } else if (t === "}") {
        if (!nested) throw new Error("} closes nothing");
        if (words.length) throw new Error(`${words.join(" ")}: missing ;`);
        return statements;
      } else {
        words.push(t);
      }
    }
    if (nested) throw new Error("a { block is not closed");
    if (words.length) throw new Error(`${words.join(" ")}: missing ;`);
    return statements;
  };
  return block(false);
}

/** Every statement (at any depth) whose first word is `keyword`. */
export function statements(tree: DrbdStatement[], keyword: string): DrbdStatement[] {
  return tree.flatMap((s) => [...(s.words[0] === keyword ? [s] : []), ...statements(s.block ?? [], keyword)]);
}

/** The resources a file defines, by name. */
export function drbdResources(text: string): { name: string; body: DrbdStatement[] }[] {
  return statements(parseDrbdConf(text), "resource").map((s) => ({ name: s.words[1], body: s.block ?? [] }));
}
