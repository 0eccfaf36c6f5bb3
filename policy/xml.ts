/** Reads the elements and attributes of an XML document (the CIB fragment); text content is ignored. */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const unescape = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e]);

const TAG =
  /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
const ATTR = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export function parseXml(text: string): XmlElement {
  const root: XmlElement = { name: "", attrs: {}, children: [] };
  const open: XmlElement[] = [root];
  for (const m of text.matchAll(TAG)) {
    const [, closing, name, attrText, selfClosing] = m;
    if (!name) continue;
    const parent = open[open.length - 1];
    if (closing) {
      if (parent.name !== name) throw new Error(`</${name}> closes <${parent.name || "nothing"}>`);
      open.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText.matchAll(ATTR)) attrs[a[1]] = unescape(a[2] ?? a[3]);
    const element = { name, attrs, children: [] };
    parent.children.push(element);
    if (!selfClosing) open.push(element);
  }
  if (open.length > 1) throw new Error(`<${open[open.length - 1].name}> is not closed`);
  if (root.children.length !== 1) throw new Error(`expected one root element, found ${root.children.length}`);
  return root.children[0];
}

/** Every element below `el` (depth first) with this name. */
export function descendants(el: XmlElement, name: string): XmlElement[] {
  return el.children.flatMap((c) => [...(c.name === name ? [c] : []), ...descendants(c, name)]);
}
