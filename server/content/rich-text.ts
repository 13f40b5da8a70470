// Renders item rich text (see RichText in item.schema.ts) to HTML that is safe to put straight into a page.
// Everything the author typed is escaped first; only the markup below produces tags, and only tags we write:
// **bold**, _italic_, ![alt](src) images, \( TeX \) inline math (as MathML), blank line = new paragraph.
import { escapeMarkup, texToMathML } from './math.js';

// Images and math are matched in one left-to-right pass so that whichever starts first wins.
const IMAGE_OR_MATH = /!\[([^\]\n]*)\]\(([^)\s]*)\)|\\\(([\s\S]*?)\\\)/g;
const BOLD = /\*\*(?=\S)([\s\S]*?\S)\*\*/g;
// Underscores inside words (snake_case) and fill-in blanks ("3 + ___ = 5") must stay underscores.
const ITALIC = /(^|[^\p{L}\p{N}_])_(?=[^\s_])([^_]*?[^\s_])_(?![\p{L}\p{N}_])/gu;
// C0 controls other than tab/newline: never meaningful in item text, and NUL is our placeholder marker.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

export function renderRichText(src: string): string {
  return paragraphs(src)
    .map((p) => `<p>${renderInline(p)}</p>`)
    .join('');
}

/** Authoring check: what in this text will not render as the author intended. Empty when all is well. */
export function richTextProblems(src: string): string[] {
  const problems: string[] = [];
  for (const m of clean(src).matchAll(IMAGE_OR_MATH)) {
    const [whole, alt, url] = m;
    if (url === undefined) continue; // math
    if (alt!.trim() === '') problems.push(`image ${url} needs alt text describing it for students who cannot see it: ${whole}`);
    if (!isSafeImageSrc(url)) problems.push(`image source "${url}" must be a relative path, an https URL or a data:image URL`);
  }
  return problems;
}

/**
 * Image sources we allow: relative paths (our media store), https URLs, and inline data:image URLs.
 * Anything with another scheme (javascript:, http:, file:) or a protocol-relative "//host" is refused.
 */
export function isSafeImageSrc(src: string): boolean {
  if (/[\s"'<>\\`]/.test(src) || src === '') return false;
  if (/^https:\/\/[^/]/i.test(src)) return true;
  if (/^data:image\/(?:png|jpeg|gif|webp|svg\+xml)(?:;[a-z0-9=._+-]+)*,[a-z0-9+/=%._~!$&*,;:@-]*$/i.test(src)) return true;
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(src);
  return !hasScheme && !src.startsWith('//');
}

function clean(src: string): string {
  return src.replace(/\r\n?/g, '\n').replace(CONTROL, '');
}

function paragraphs(src: string): string[] {
  return clean(src)
    .split(/\n[ \t]*\n\s*/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** One paragraph; single newlines stay soft line breaks (whitespace), as in Markdown. */
function renderInline(text: string): string {
  // Images and math become placeholders before escaping so their own escaping is not done twice,
  // and so "_" and "*" inside TeX or alt text are never read as emphasis.
  const held: string[] = [];
  const hold = (html: string) => `\u0000${held.push(html) - 1}\u0000`;
  const withPlaceholders = text.replace(IMAGE_OR_MATH, (whole, alt?: string, url?: string, tex?: string) => {
    if (tex !== undefined) return hold(texToMathML(tex.trim()));
    const altText = alt!.trim();
    // Without alt text, or from a source we refuse, the markup is shown as typed so the author sees the problem.
    if (altText === '' || !isSafeImageSrc(url!)) return hold(escapeMarkup(whole));
    return hold(`<img alt="${escapeMarkup(altText)}" src="${escapeMarkup(url!)}">`);
  });
  return escapeMarkup(withPlaceholders)
    .replace(BOLD, '<strong>$1</strong>')
    .replace(ITALIC, '$1<em>$2</em>')
    .replace(/\u0000(\d+)\u0000/g, (_, n: string) => held[Number(n)]!);
}
