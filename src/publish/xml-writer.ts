import { publishableText } from './sanitize.js';

// A small escaping XML writer for RSS and Atom. Not the `feed` package: its xml-js backend escapes
// only the first `]]>` in CDATA, writes `&` and `<` raw into attributes, un-escapes `&amp;` in text,
// passes XML-illegal characters, and offers no way to declare the dc/dcterms namespaces or add
// per-entry Atom elements; post-processing its output would mean parsing and re-escaping it anyway.
// Here there is no CDATA at all: every character of text goes through one escaping function.

export interface XmlElement {
  name: string;
  attributes: ReadonlyArray<readonly [string, string]>;
  children: ReadonlyArray<XmlElement | string>;
}

type Attributes = Record<string, string | undefined>;

/** An element; attributes whose value is undefined are left out, the rest keep their order. */
export function el(name: string, attributes: Attributes = {}, ...children: Array<XmlElement | string | undefined>): XmlElement {
  return {
    name,
    attributes: Object.entries(attributes).filter((a): a is [string, string] => a[1] !== undefined),
    children: children.filter((c): c is XmlElement | string => c !== undefined),
  };
}

export function xmlDocument(root: XmlElement): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${serialize(root, 0)}\n`;
}

function serialize(element: XmlElement, depth: number): string {
  const pad = '  '.repeat(depth);
  const attrs = element.attributes.map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`).join('');
  const open = `${pad}<${element.name}${attrs}`;
  if (element.children.length === 0) return `${open}/>`;
  if (element.children.every((c) => typeof c === 'string')) {
    return `${open}>${element.children.map((c) => escapeText(c as string)).join('')}</${element.name}>`;
  }
  const inner = element.children.map((c) => (typeof c === 'string' ? `${pad}  ${escapeText(c)}` : serialize(c, depth + 1)));
  return `${open}>\n${inner.join('\n')}\n${pad}</${element.name}>`;
}

// `>` is escaped too so that `]]>` can never appear in character data (XML 1.0 §2.4); a CR is kept
// as a reference because a parser would otherwise normalise it away (§2.11).
export function escapeText(text: string): string {
  return publishableText(text).replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]!);
}

// Tab, LF and CR are references in attributes, else attribute-value normalisation turns them into spaces (§3.3.3).
export function escapeAttribute(value: string): string {
  return publishableText(value).replace(/[&<>"\t\n\r]/g, (c) => ATTRIBUTE_ESCAPES[c]!);
}

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };
const ATTRIBUTE_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;' };
