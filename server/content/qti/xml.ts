// Small XML toolkit for the QTI exchange: a serializer that escapes everything it writes,
// and a reader that turns fast-xml-parser's ordered output into a plain element tree.
// All XML parsing goes through fast-xml-parser; nothing here picks XML apart with regular expressions.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/** A child of an element being written: an element, text (escaped on output), or markup already escaped. */
export type XmlChild = XmlElement | string | { raw: string } | null | undefined | false;

export interface XmlElement {
  name: string;
  attrs?: Record<string, string | number | boolean | null | undefined>;
  children?: XmlChild[];
}

export function el(name: string, attrs?: XmlElement['attrs'], ...children: XmlChild[]): XmlElement {
  return { name, attrs, children };
}

// XML 1.0 cannot carry these code points at all, not even as character references.
function assertXmlChars(s: string): void {
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    const ok =
      c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
    if (!ok) throw new Error(`text contains U+${c.toString(16).toUpperCase().padStart(4, '0')}, which XML 1.0 cannot carry`);
  }
}

/** Escapes text content. CR is written as a reference because parsers fold raw CRs into LF. */
export function escapeText(s: string): string {
  assertXmlChars(s);
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('\r', '&#13;');
}

/** Escapes an attribute value. Tabs and line breaks become references so attribute-value normalization keeps them. */
export function escapeAttr(s: string): string {
  assertXmlChars(s);
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll('\t', '&#9;')
    .replaceAll('\n', '&#10;')
    .replaceAll('\r', '&#13;');
}

/** Numbers as the shortest decimal that reads back to the same double (keeps −0). */
export function formatNumber(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

function attrsToString(attrs: XmlElement['attrs']): string {
  if (!attrs) return '';
  let out = '';
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    out += ` ${k}="${escapeAttr(typeof v === 'number' ? formatNumber(v) : String(v))}"`;
  }
  return out;
}

/**
 * Serializes an element. Elements holding only elements are indented for people reading the file;
 * an element with any text or raw markup is written compactly, so mixed content never gains whitespace.
 */
// Elements whose content is inline (whitespace there is visible), always written compactly.
const INLINE_CONTENT = new Set(['p', 'span', 'qti-prompt', 'qti-simple-choice', 'qti-feedback-inline', 'qti-value', 'qti-base-value']);

export function serialize(node: XmlElement, depth = 0): string {
  const pad = '  '.repeat(depth);
  if (INLINE_CONTENT.has(node.name)) return `${pad}${compact(node)}`;
  const kids = (node.children ?? []).filter((c): c is Exclude<XmlChild, null | undefined | false> => c !== null && c !== undefined && c !== false && c !== '');
  const open = `<${node.name}${attrsToString(node.attrs)}`;
  if (kids.length === 0) return `${pad}${open}/>`;
  const mixed = kids.some((c) => typeof c === 'string' || 'raw' in c);
  if (mixed) return `${pad}${open}>${kids.map((c) => compact(c)).join('')}</${node.name}>`;
  return `${pad}${open}>\n${kids.map((c) => serialize(c as XmlElement, depth + 1)).join('\n')}\n${pad}</${node.name}>`;
}

function compact(c: XmlElement | string | { raw: string }): string {
  if (typeof c === 'string') return escapeText(c);
  if ('raw' in c) return c.raw;
  const kids = (c.children ?? []).filter((k): k is Exclude<XmlChild, null | undefined | false> => k !== null && k !== undefined && k !== false && k !== '');
  const open = `<${c.name}${attrsToString(c.attrs)}`;
  return kids.length === 0 ? `${open}/>` : `${open}>${kids.map(compact).join('')}</${c.name}>`;
}

export function xmlDocument(root: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${serialize(root)}\n`;
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

export interface XElement {
  kind: 'element';
  /** The name as written, prefix included (e.g. "csm:label"). */
  name: string;
  /** The name without its namespace prefix. */
  local: string;
  /** Attributes as written (prefixed names kept); a null-prototype record. */
  attrs: Record<string, string>;
  children: XNode[];
}
export interface XText {
  kind: 'text';
  text: string;
}
export type XNode = XElement | XText;

export type ParsedXml = { ok: true; root: XElement } | { ok: false; reason: string };

const MAX_DEPTH = 256;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: true, // also decodes numeric character references such as &#10;
  cdataPropName: '#cdata',
  commentPropName: '#comment',
});

export function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

/** Parses one XML document into an element tree, or says precisely why it cannot. */
export function parseXml(text: string): ParsedXml {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return { ok: false, reason: 'file is empty' };
  // A document type declaration can define entities that expand without bound; QTI never needs one.
  if (body.includes('<!DOCTYPE') || body.includes('<!ENTITY')) return { ok: false, reason: 'document type declarations (<!DOCTYPE>) are not allowed' };
  const valid = XMLValidator.validate(body);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    return { ok: false, reason: `malformed XML at line ${line}${col ? `, column ${col}` : ''}: ${msg}` };
  }
  let ordered: unknown;
  try {
    ordered = parser.parse(body);
  } catch (e) {
    return { ok: false, reason: `malformed XML: ${e instanceof Error ? e.message : String(e)}` };
  }
  let nodes: XNode[];
  try {
    nodes = convert(ordered, 0);
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
  const roots = nodes.filter((n): n is XElement => n.kind === 'element');
  const strayText = nodes.some((n) => n.kind === 'text' && n.text.trim() !== '');
  if (roots.length !== 1 || strayText) return { ok: false, reason: `malformed XML: a document needs exactly one root element (found ${roots.length})` };
  return { ok: true, root: roots[0] as XElement };
}

function convert(ordered: unknown, depth: number): XNode[] {
  if (depth > MAX_DEPTH) throw new Error(`elements are nested more than ${MAX_DEPTH} deep`);
  if (!Array.isArray(ordered)) return [];
  const out: XNode[] = [];
  for (const entry of ordered as Record<string, unknown>[]) {
    for (const key of Object.keys(entry)) {
      if (key === ':@') continue;
      const value = entry[key];
      if (key === '#text') {
        out.push({ kind: 'text', text: String(value) });
      } else if (key === '#cdata') {
        for (const t of Array.isArray(value) ? (value as Record<string, unknown>[]) : []) {
          if (typeof t['#text'] === 'string') out.push({ kind: 'text', text: t['#text'] });
        }
      } else if (key === '#comment' || key.startsWith('?')) {
        continue;
      } else {
        const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
        const rawAttrs = entry[':@'];
        if (rawAttrs && typeof rawAttrs === 'object') {
          for (const [k, v] of Object.entries(rawAttrs as Record<string, unknown>)) attrs[k] = String(v);
        }
        out.push({ kind: 'element', name: key, local: localName(key), attrs, children: convert(value, depth + 1) });
      }
    }
  }
  // Adjacent text pieces (text, CDATA, text) read as one run.
  const merged: XNode[] = [];
  for (const n of out) {
    const last = merged[merged.length - 1];
    if (n.kind === 'text' && last?.kind === 'text') last.text += n.text;
    else merged.push(n);
  }
  return merged;
}

// ---------------------------------------------------------------------------------------------
// Tree helpers
// ---------------------------------------------------------------------------------------------

export function elements(node: XElement, local?: string): XElement[] {
  return node.children.filter((c): c is XElement => c.kind === 'element' && (local === undefined || c.local === local));
}

export function firstElement(node: XElement | undefined, local: string): XElement | undefined {
  return node ? elements(node, local)[0] : undefined;
}

/** All descendants (depth-first, document order) with the given local name. */
export function descendants(node: XElement, local: string): XElement[] {
  const out: XElement[] = [];
  const walk = (n: XElement) => {
    for (const c of n.children) {
      if (c.kind !== 'element') continue;
      if (c.local === local) out.push(c);
      walk(c);
    }
  };
  walk(node);
  return out;
}

/** An attribute by local name (so both `href` and `xlink:href` style names are found). */
export function attr(node: XElement, local: string): string | undefined {
  if (local in node.attrs) return node.attrs[local];
  for (const [k, v] of Object.entries(node.attrs)) if (localName(k) === local && !k.startsWith('xmlns')) return v;
  return undefined;
}

export function textContent(node: XNode): string {
  return node.kind === 'text' ? node.text : node.children.map(textContent).join('');
}

export function hasClass(node: XElement, cls: string): boolean {
  return (attr(node, 'class') ?? '').split(/\s+/).includes(cls);
}
