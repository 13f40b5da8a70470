import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isSafeImageSrc, renderRichText, richTextProblems } from './rich-text.js';
import { texToMathML } from './math.js';

// Our tags plus MathML presentation elements (temml's output); no script, link, style or event attribute.
const ALLOWED_TAGS = new Set(['p', 'strong', 'em', 'img', 'math', 'mrow', 'mi', 'mn', 'mo', 'mtext', 'mfrac', 'msqrt', 'mroot', 'msup', 'msub', 'msubsup', 'mspace', 'mover', 'munder', 'munderover', 'mpadded', 'mstyle', 'menclose', 'mphantom', 'mtable', 'mtr', 'mtd', 'mlabeledtr', 'merror', 'semantics', 'annotation', 'ms']);
const ALLOWED_ATTRIBUTES = new Set(['alt', 'src', 'alttext', 'fence', 'stretchy', 'width', 'height', 'depth', 'accent', 'accentunder', 'form', 'class', 'mathvariant', 'lspace', 'rspace', 'largeop', 'movablelimits', 'symmetric', 'minsize', 'maxsize', 'displaystyle', 'scriptlevel', 'linethickness', 'voffset', 'notation', 'columnalign', 'rowspacing', 'columnspacing', 'rowalign', 'separator', 'encoding', 'mathcolor', 'mathbackground', 'display', 'style', 'linebreak', 'indentalign', 'indentshift', 'href-disabled']);
const TAG = /<(\/?)([a-z]+)((?:\s[a-z-]+="[^"<>]*")*)>/g;

/** Fails unless every tag is one we emit, with attributes we emit, properly nested, and no stray < or > is left. */
function expectOnlyOurMarkup(html: string) {
  const open: string[] = [];
  for (const [, closing, name, attributes] of html.matchAll(TAG)) {
    expect(ALLOWED_TAGS, `tag <${name}>`).toContain(name);
    for (const [, attr, value] of attributes!.matchAll(/\s([a-z-]+)="([^"]*)"/g)) {
      expect(ALLOWED_ATTRIBUTES, `attribute ${attr}`).toContain(attr);
      if (attr === 'style') expect(value, 'style value').not.toMatch(/url|expression|javascript/i);
      if (attr === 'src') expect(isSafeImageSrc(value!.replace(/&amp;/g, '&')), `src ${value}`).toBe(true);
    }
    if (name === 'img') continue; // void element
    if (closing) expect(open.pop(), `closing </${name}>`).toBe(name);
    else open.push(name!);
  }
  expect(open).toEqual([]);
  expect(html.replace(TAG, '')).not.toMatch(/[<>]/);
}

describe('text and emphasis', () => {
  it('shows what the author typed, with HTML special characters escaped', () => {
    expect(renderRichText('If x < 3 & y > "2", is <script>alert(1)</script> it\'s?')).toBe(
      '<p>If x &lt; 3 &amp; y &gt; &quot;2&quot;, is &lt;script&gt;alert(1)&lt;/script&gt; it&#39;s?</p>',
    );
  });

  it('turns **bold** and _italic_ into strong and em, also when combined', () => {
    expect(renderRichText('Find the **total** cost, not the _unit_ cost.')).toBe('<p>Find the <strong>total</strong> cost, not the <em>unit</em> cost.</p>');
    expect(renderRichText('**_both_**')).toBe('<p><strong><em>both</em></strong></p>');
    expect(renderRichText('_see **this**_')).toBe('<p><em>see <strong>this</strong></em></p>');
  });

  it('leaves fill-in blanks, underscores inside words and lone asterisks alone', () => {
    expect(renderRichText('3 + ___ = 5')).toBe('<p>3 + ___ = 5</p>');
    expect(renderRichText('the variable unit_price_total')).toBe('<p>the variable unit_price_total</p>');
    expect(renderRichText('2 * 3 * 4 and **unclosed')).toBe('<p>2 * 3 * 4 and **unclosed</p>');
    expect(renderRichText('_ spaced _')).toBe('<p>_ spaced _</p>');
  });

  it('makes a paragraph of each block separated by a blank line, keeping single line breaks inside a paragraph', () => {
    expect(renderRichText('First line\nsame paragraph\n\nSecond\r\n   \r\nThird')).toBe('<p>First line\nsame paragraph</p><p>Second</p><p>Third</p>');
    expect(renderRichText('\n\n  only one  \n\n\n')).toBe('<p>only one</p>');
  });

  it('drops invisible control characters', () => {
    expect(renderRichText('a\u0000b\u0007c')).toBe('<p>abc</p>');
  });
});

describe('images', () => {
  it('renders an image with its alt text from a relative path, an https URL or a data:image URL', () => {
    expect(renderRichText('![A number line from 0 to 10](media/numberline.png)')).toBe('<p><img alt="A number line from 0 to 10" src="media/numberline.png"></p>');
    expect(renderRichText('![chart](https://cdn.example.org/a.svg?w=200&h=100)')).toBe('<p><img alt="chart" src="https://cdn.example.org/a.svg?w=200&amp;h=100"></p>');
    expect(renderRichText('![dot](data:image/png;base64,iVBORw0KGgo=)')).toBe('<p><img alt="dot" src="data:image/png;base64,iVBORw0KGgo="></p>');
    expect(renderRichText('![icon](data:image/svg+xml;utf8,%3Csvg%3E%3C/svg%3E)')).toContain('<img alt="icon"');
  });

  it('shows an image without alt text as plain text, so it is never silently inaccessible', () => {
    expect(renderRichText('![](media/a.png)')).toBe('<p>![](media/a.png)</p>');
    expect(renderRichText('![   ](media/a.png)')).toBe('<p>![   ](media/a.png)</p>');
  });

  it('refuses script and other unsafe sources, showing the markup as text instead', () => {
    for (const src of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'vbscript:x', 'http://example.org/a.png', '//evil.example/a.png', 'data:text/html;base64,PHNjcmlwdD4=', 'data:image/png;base64,"onerror=x', 'file:///etc/passwd']) {
      const html = renderRichText(`![pic](${src})`);
      expect(html, src).not.toContain('<img');
      expect(html).not.toMatch(/src=/);
    }
    // Browsers strip NUL from URLs; we do too, before checking, so it cannot hide a scheme.
    expect(renderRichText('![pic](java\u0000script:alert(1))')).not.toContain('<img');
  });

  it('escapes alt text and never reads emphasis or math inside it', () => {
    expect(renderRichText('![x" onerror="alert(1)](a.png)')).toBe('<p><img alt="x&quot; onerror=&quot;alert(1)" src="a.png"></p>');
    expect(renderRichText('![my_alt_text with **stars** and \\(x\\)](a.png)')).toBe('<p><img alt="my_alt_text with **stars** and \\(x\\)" src="a.png"></p>');
  });

  it('lists images an author must fix', () => {
    expect(richTextProblems('![](a.png) and ![ok](javascript:x) and ![fine](b.png)')).toEqual([
      'image a.png needs alt text describing it for students who cannot see it: ![](a.png)',
      'image source "javascript:x" must be a relative path, an https URL or a data:image URL',
    ]);
    expect(richTextProblems('No images, just \\(x^2\\).')).toEqual([]);
  });
});

describe('math', () => {
  const math = (tex: string) => renderRichText(`\\(${tex}\\)`);

  it('renders fractions, roots, powers and subscripts as MathML with the TeX kept as alt text', () => {
    const html = math('\\frac{3}{4} + x_1^2 \\le \\sqrt{16}');
    expect(html.startsWith('<p><math alttext="\\frac{3}{4} + x_1^2 \\le \\sqrt{16}">')).toBe(true);
    for (const el of ['<mfrac><mn>3</mn><mn>4</mn></mfrac>', '<msubsup><mi>x</mi><mn>1</mn>', '<mo>≤</mo>', '<msqrt><mn>16</mn></msqrt>']) expect(html).toContain(el);
    expect(math('2^{10}')).toMatch(/<msup><mn>2<\/mn><mn[^>]*>10<\/mn><\/msup>/);
    expect(math('a_{n+1}')).toMatch(/<msub><mi>a<\/mi><mrow><mi>n<\/mi><mo>\+<\/mo><mn>1<\/mn><\/mrow><\/msub>/);
    expect(math('\\sqrt[3]{27}')).toMatch(/<mroot><mn>27<\/mn><mn>3<\/mn><\/mroot>/);
    expect(math('\\frac12')).toContain('<mfrac><mn>1</mn><mn>2</mn></mfrac>');
  });

  it('renders the operators and symbols our bank uses', () => {
    const html = math('3 \\times 4 \\div 2 \\cdot 1 - 5 = 2 \\ne 3 < 4 > 1 \\ge 0 \\le \\pi');
    for (const op of ['×', '÷', '⋅', '−', '=', '≠', '&lt;', '&gt;', '≥', '≤']) expect(html).toContain(`<mo>${op}</mo>`);
    expect(html).toContain('<mi>π</mi>');
    expect(html).toContain('<mn>3</mn>');
  });

  it('renders parentheses, \\left( \\right) groups and \\text units', () => {
    expect(math('(a+b)^2')).toMatch(/<mo[^>]*>\(<\/mo><mi>a<\/mi><mo>\+<\/mo><mi>b<\/mi><mo[^>]*>\)<\/mo>/);
    expect(math('\\left( \\frac{1}{2} \\right)^2')).toMatch(/<msup><mrow><mo[^>]*>\(<\/mo><mfrac><mn>1<\/mn><mn>2<\/mn><\/mfrac><mo[^>]*>\)<\/mo><\/mrow><mn>2<\/mn><\/msup>/);
    expect(math('12\\text{ cm}')).toMatch(/<mn>12<\/mn><mtext>\s?cm<\/mtext>/);
  });

  it('shows TeX it cannot render as the author wrote it, instead of failing', () => {
    const html = math('\\frac{1}{2} + \\unknown x');
    expect(html).toContain('<mtext>\\frac{1}{2} + \\unknown x</mtext>');
    expectOnlyOurMarkup(html);
  });

  it('cannot be used to inject HTML through TeX, \\text or the alt text', () => {
    const html = math('x<script>alert(1)</script> \\text{<img src=x onerror=alert(1)>} "\'&');
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain('alttext="x&lt;script&gt;alert(1)&lt;/script&gt; \\text{&lt;img src=x onerror=alert(1)&gt;} &quot;&#39;&amp;"');
    expectOnlyOurMarkup(html);
  });

  it('does not read underscores or stars inside math as emphasis', () => {
    const html = renderRichText('_Compute_ \\(a_1 * b_2\\) **now**');
    expect(html).toContain('<em>Compute</em>');
    expect(html).toMatch(/<msub><mi>a<\/mi><mn>1<\/mn><\/msub><mo>∗<\/mo><msub><mi>b<\/mi><mn>2<\/mn><\/msub>/);
    expect(html).toContain('<strong>now</strong>');
  });

  it('leaves an unclosed \\( as text and survives absurd nesting', () => {
    expect(renderRichText('costs \\(5 dollars')).toBe('<p>costs \\(5 dollars</p>');
    const deep = math('{'.repeat(500) + 'x' + '}'.repeat(500));
    expect(deep).toContain('<math alttext=');
    expectOnlyOurMarkup(deep);
    expectOnlyOurMarkup(math('\\frac{\\frac{1}{2}}{\\sqrt{\\left( x^{2}_{3} \\right.}} } ] ^ _'));
  });

  it('texToMathML always returns one well-formed <math> element', () => {
    expect(texToMathML('')).toMatch(/^<math alttext="">.*<\/math>$/);
    expect(texToMathML('x')).toBe('<math alttext="x"><mi>x</mi></math>');
  });
});

describe('any text an author or importer might send', () => {
  const fragments = fc.constantFrom(
    '**', '_', '![', '](', ')', '\\(', '\\)', '<', '>', '"', "'", '&', '&amp;', 'javascript:', 'https://x.org/', 'data:image/png;base64,AA',
    '//', '\\frac', '\\text', '\\sqrt', '\\left', '\\right', '\\foo', '{', '}', '[', ']', '^', '\\', 'a', '1', ' ', '\n', '\n\n', '<script>', 'onerror=', '\u0000', 'π',
  );
  const textArb = fc.oneof(fc.array(fragments, { maxLength: 40 }).map((xs) => xs.join('')), fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 }));

  it('renders to our own tags and attributes only, properly nested, without ever failing', () => {
    fc.assert(
      fc.property(textArb, (src) => {
        expectOnlyOurMarkup(renderRichText(src));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps every TeX input, however broken, inside one well-formed <math> element', () => {
    fc.assert(
      fc.property(textArb, (tex) => {
        const html = texToMathML(tex);
        expect(html.startsWith('<math alttext="')).toBe(true);
        expect(html.endsWith('</math>')).toBe(true);
        expectOnlyOurMarkup(html);
      }),
      { numRuns: 3000 },
    );
  });
});
