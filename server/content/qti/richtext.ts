// Growthline rich-text markup ⇄ the XHTML subset QTI item bodies carry.
// Markup (see RichText in item.schema.ts): **bold**, _italic_, \( TeX \), ![alt](src), blank line = paragraph.
// Export renders XHTML other tools can show and keeps the exact markup in data-gl-src; import converts
// XHTML back to markup and uses data-gl-src only when it still renders to what the XHTML says, so an
// edit made by another tool is never overwritten by a stale copy.
import { type XElement, type XNode, attr, escapeAttr, escapeText, parseXml, textContent } from './xml.js';
import { NS } from './vocabulary.js';

type Inline =
  | { t: 'text'; s: string }
  | { t: 'strong'; c: Inline[] }
  | { t: 'em'; c: Inline[] }
  | { t: 'math'; tex: string }
  | { t: 'img'; alt: string; src: string };

const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
const isSpace = (ch: string | undefined) => ch === undefined || /\s/.test(ch);

/** Splits markup into paragraphs of inline pieces. Unmatched markers stay literal text. */
export function parseMarkup(markup: string): Inline[][] {
  return markup
    .replaceAll('\r\n', '\n')
    .split(/\n[ \t]*\n/)
    .filter((p) => p.trim() !== '')
    .map((p) => parseInline(p));
}

function parseInline(s: string): Inline[] {
  const out: Inline[] = [];
  let buf = '';
  const flush = () => {
    if (buf) out.push({ t: 'text', s: buf });
    buf = '';
  };
  let i = 0;
  while (i < s.length) {
    if (s.startsWith('\\(', i)) {
      const j = s.indexOf('\\)', i + 2);
      if (j >= 0) {
        flush();
        out.push({ t: 'math', tex: s.slice(i + 2, j) });
        i = j + 2;
        continue;
      }
    }
    if (s.startsWith('![', i)) {
      const j = s.indexOf('](', i + 2);
      const k = j >= 0 ? s.indexOf(')', j + 2) : -1;
      if (j >= 0 && k >= 0) {
        flush();
        out.push({ t: 'img', alt: s.slice(i + 2, j), src: s.slice(j + 2, k) });
        i = k + 1;
        continue;
      }
    }
    if (s.startsWith('**', i)) {
      const j = s.indexOf('**', i + 2);
      if (j > i + 2) {
        flush();
        out.push({ t: 'strong', c: parseInline(s.slice(i + 2, j)) });
        i = j + 2;
        continue;
      }
    }
    if (s[i] === '_' && !isWordChar(s[i - 1]) && !isSpace(s[i + 1])) {
      let j = i + 2;
      while (j < s.length && !(s[j] === '_' && !isSpace(s[j - 1]) && !isWordChar(s[j + 1]))) j++;
      if (j < s.length) {
        flush();
        out.push({ t: 'em', c: parseInline(s.slice(i + 1, j)) });
        i = j + 1;
        continue;
      }
    }
    buf += s[i];
    i++;
  }
  flush();
  return out;
}

function renderPieces(pieces: Inline[]): string {
  return pieces
    .map((p) => {
      switch (p.t) {
        case 'text':
          return escapeText(p.s);
        case 'strong':
          return `<strong>${renderPieces(p.c)}</strong>`;
        case 'em':
          return `<em>${renderPieces(p.c)}</em>`;
        case 'img':
          return `<img src="${escapeAttr(p.src)}" alt="${escapeAttr(p.alt)}"/>`;
        case 'math':
          // Presentation falls back to the TeX source; the annotation is what TeX-aware tools read.
          return (
            `<math xmlns="${NS.mathml}"><semantics><mtext>${escapeText(p.tex)}</mtext>` +
            `<annotation encoding="application/x-tex">${escapeText(p.tex)}</annotation></semantics></math>`
          );
      }
    })
    .join('');
}

/** Block context (item body, modal feedback): one <p> per paragraph. */
export function renderBlocks(markup: string): string {
  return parseMarkup(markup)
    .map((p) => `<p>${renderPieces(p)}</p>`)
    .join('');
}

/** Inline context (choices, inline feedback): paragraphs separated by two line breaks. */
export function renderInline(markup: string): string {
  return parseMarkup(markup).map(renderPieces).join('<br/><br/>');
}

// ---------------------------------------------------------------------------------------------
// XHTML → markup
// ---------------------------------------------------------------------------------------------

export interface ConvertOptions {
  /** Called for problems: an element Growthline markup cannot express. */
  report: (element: string, reason: string) => void;
  /**
   * Lets the caller take over an element (interactions inside an item body, say). Return undefined to
   * convert it normally, or what it stands for: paragraphs (possibly none), and whether it is a block.
   */
  takeOver?: (el: XElement) => { block: boolean; paragraphs: string[] } | undefined;
  /** Sees every image source, e.g. to refuse media files packed inside a package. */
  onImage?: (src: string) => void;
}

const TEX_ENCODINGS = new Set(['application/x-tex', 'application/x-latex', 'tex', 'latex']);

/** Converts flow content to Growthline markup, reporting anything it would have to drop. */
export function markupFromXhtml(nodes: XNode[], opts: ConvertOptions): string {
  return flow(nodes, opts)
    .map(cleanParagraph)
    .filter((p) => p !== '')
    .join('\n\n')
    .replace(/\n{3,}/g, '\n\n');
}

function cleanParagraph(p: string): string {
  return p.replace(/ {2,}/g, ' ').replace(/ *\n */g, '\n').replace(/^[ \n]+|[ \n]+$/g, '');
}

/** Paragraphs of raw (whitespace-collapsed, untrimmed) markup; the last one is the open run. */
function flow(nodes: XNode[], opts: ConvertOptions): string[] {
  const paragraphs: string[] = [];
  let run = '';
  const flush = () => {
    paragraphs.push(run);
    run = '';
  };
  // Inline containers (span, strong, …) may hold text, breaks or even blocks: splice their paragraphs in.
  const splice = (parts: string[]) => {
    run += parts[0] ?? '';
    if (parts.length > 1) {
      flush();
      paragraphs.push(...parts.slice(1, -1));
      run = parts[parts.length - 1] ?? '';
    }
  };
  for (const n of nodes) {
    if (n.kind === 'text') {
      run += n.text.replace(/[ \t\n\r\f]+/g, ' ');
      continue;
    }
    const taken = opts.takeOver?.(n);
    if (taken !== undefined) {
      if (taken.block) flush();
      if (taken.paragraphs.length > 0) {
        flush();
        paragraphs.push(...taken.paragraphs);
      }
      if (taken.block) flush();
      continue;
    }
    switch (n.local) {
      case 'p':
      case 'div':
        flush();
        paragraphs.push(...flow(n.children, opts));
        break;
      case 'br':
        run += '\n';
        break;
      case 'span':
        splice(flow(n.children, opts));
        break;
      case 'strong':
      case 'b':
        splice([wrap('**', flow(n.children, opts).join('\n\n'))]);
        break;
      case 'em':
      case 'i':
        splice([wrap('_', flow(n.children, opts).join('\n\n'))]);
        break;
      case 'img': {
        const src = attr(n, 'src') ?? '';
        // Missing alt text is an authoring matter (ItemSchema accepts it), so it is not an import problem.
        const alt = attr(n, 'alt') ?? '';
        opts.onImage?.(src);
        run += `![${alt}](${src})`;
        break;
      }
      case 'math': {
        const tex = texOf(n);
        if (tex === undefined) opts.report('math', 'MathML without a TeX annotation (<annotation encoding="application/x-tex">) cannot be converted');
        else run += `\\(${tex}\\)`;
        break;
      }
      default:
        opts.report(n.local, `<${n.local}> cannot be expressed in Growthline rich text`);
    }
  }
  flush();
  return paragraphs;
}

/** Wraps in a marker, keeping edge whitespace outside it ("<b> a</b>" → " **a**"). */
function wrap(marker: string, raw: string): string {
  const core = raw.replace(/^[ \n]+|[ \n]+$/g, '');
  if (core === '') return raw;
  const lead = raw.slice(0, raw.indexOf(core));
  const trail = raw.slice(raw.indexOf(core) + core.length);
  return `${lead}${marker}${core}${marker}${trail}`;
}

function texOf(math: XElement): string | undefined {
  const stack: XElement[] = [math];
  while (stack.length) {
    const e = stack.pop() as XElement;
    if (e.local === 'annotation' && TEX_ENCODINGS.has((attr(e, 'encoding') ?? '').toLowerCase())) return textContent(e);
    for (const c of e.children) if (c.kind === 'element') stack.push(c);
  }
  return undefined;
}

/** Parses rendered XHTML (our own output) back into nodes, for comparing with what a file holds. */
function parseFragment(xhtml: string): XNode[] {
  const parsed = parseXml(`<fragment xmlns="${NS.qti}">${xhtml}</fragment>`);
  return parsed.ok ? parsed.root.children : [];
}

/**
 * The markup a piece of XHTML stands for: the recorded source when it still renders to the same thing,
 * otherwise the conversion of the XHTML itself.
 */
export function preferSource(src: string | undefined, converted: string, mode: 'block' | 'inline'): string {
  if (src === undefined) return converted;
  const rendered = mode === 'block' ? renderBlocks(src) : renderInline(src);
  const expected = markupFromXhtml(parseFragment(rendered), { report: () => {} });
  return expected === converted ? src : converted;
}
