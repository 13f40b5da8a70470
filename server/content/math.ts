// TeX → MathML for stems and choices, rendered on the server so the student bundle carries no
// math library; browsers render MathML natively and screen readers read it as maths.
// temml does the conversion; untrusted commands (\href, \url, …) stay disabled.
import temml from 'temml';

/** Escapes text for HTML/XML content and double- or single-quoted attributes. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Inline `<math>`; the TeX rides along in `alttext` for tools that cannot read MathML. Never throws. */
export function texToMathML(tex: string): string {
  try {
    const mathml = temml.renderToString(tex, { throwOnError: true, trust: false, displayMode: false, annotate: false, maxSize: 20, maxExpand: 200 });
    return mathml.replace(/^<math\b/, () => `<math alttext="${escapeMarkup(tex)}"`);
  } catch {
    // Invalid TeX is shown as the author wrote it, so it can be fixed, rather than half-rendered.
    return `<math alttext="${escapeMarkup(tex)}"><mtext>${escapeMarkup(tex)}</mtext></math>`;
  }
}
