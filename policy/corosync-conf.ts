/** Reads corosync.conf: nested `name {` sections holding `key: value` lines. */

export interface CorosyncSection {
  name: string;
  values: Record<string, string>;
  sections: CorosyncSection[];
}

export function parseCorosyncConf(text: string): CorosyncSection {
  const root: CorosyncSection = { name: "", values: {}, sections: [] };
  const open = [root];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const current = open[open.length - 1];
    const section = /^([\w.-]+)\s*\{$/.exec(line);
    if (section) {
      const child = { name: section[1], values: {}, sections: [] };
      current.sections.push(child);
      open.push(child);
    } else if (line === "}") {
      if (open.length === 1) throw new Error(`line ${i + 1}: } closes nothing`);
      open.pop();
    } else {
      const kv = /^([\w.-]+)\s*:\s*(.*)$/.exec(line);
      if (!kv) throw new Error(`line ${i + 1}: not a section, a } or key: value`);
      current.values[kv[1]] = kv[2].trim();
    }
  });
  if (open.length > 1) throw new Error(`section ${open[open.length - 1].name} is not closed`);
  return root;
}

export function sectionsNamed(section: CorosyncSection, name: string): CorosyncSection[] {
  return section.sections.filter((s) => s.name === name);
}
