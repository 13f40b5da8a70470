import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { type Item, type ItemInput, ItemSchema } from '../item.schema.js';
import { assessmentToQtiPackage, itemToQti } from './export.js';
import { type QtiProblem, importQtiPackage } from './import.js';
import { parseXml } from './xml.js';

const here = dirname(fileURLToPath(import.meta.url));
const STARTER_BANK = join(here, '..', 'bank', 'starter');

const inputs: ItemInput[] = [
  {
    id: '6rp-a1-single-001',
    version: 2,
    standards: ['6.RP.A.1'],
    difficulty: -0.75,
    stem: 'A recipe uses **3 cups** of flour for every \\( \\frac{1}{2} \\) cup of sugar.\n\nWhich ratio compares _flour_ to sugar?\n\n![A measuring cup holding 3 cups of flour](https://cdn.example.org/flour.png)',
    interaction: {
      type: 'single',
      shuffle: true,
      choices: [
        { id: '1', content: '\\( 3 : \\frac{1}{2} \\)' },
        { id: '2', content: '\\( \\frac{1}{2} : 3 \\)' },
        { id: '3', content: '**6** : 1 & "more" < 7' },
        { id: 'gl-4', content: 'none of these' },
      ],
      key: { correct: '1' },
    },
    feedback: {
      explanation: 'Flour comes first, so the ratio is \\( 3 : \\frac{1}{2} \\), which is the same as **6 : 1**.',
      choices: { '2': 'Reversed the order of the quantities.', 'gl-4': 'Did not recognise a ratio with a fraction.\n\nTry scaling both parts by 2.' },
    },
  },
  {
    id: '7ns-multiple-partial',
    framework: 'CCSS.Math',
    standards: ['7.NS.A.1', '7.NS.A.2'],
    difficulty: 1.2,
    stem: 'Select **every** expression equal to \\( -\\frac{3}{4} \\).',
    interaction: {
      type: 'multiple',
      choices: [
        { id: 'A', content: '\\( \\frac{-3}{4} \\)' },
        { id: 'B', content: '\\( \\frac{3}{-4} \\)' },
        { id: 'C', content: '\\( -\\frac{-3}{4} \\)' },
        { id: 'D', content: '\\( -0.75 \\)' },
        { id: '_e', content: '_three quarters_' },
      ],
      key: { correct: ['A', 'B', 'D'], partialCredit: true },
    },
    feedback: { explanation: 'A negative fraction can carry its sign on the numerator, the denominator or in front.', choices: { C: 'Two negatives make a positive.' } },
  },
  {
    id: '7ns-multiple-all-or-nothing',
    standards: ['7.NS.A.1'],
    difficulty: 0,
    stem: 'Which numbers are integers?',
    interaction: {
      type: 'multiple',
      choices: [
        { id: 'a', content: '-4' },
        { id: 'b', content: '0.5' },
        { id: 'c', content: '12' },
      ],
      key: { correct: ['a', 'c'] },
    },
    feedback: { explanation: 'Integers are whole numbers and their opposites.' },
  },
  {
    id: '8g-numeric-tolerance',
    version: 3,
    framework: 'TEKS.Math',
    standards: ['8.7C'],
    difficulty: -4.5,
    stem: 'A right triangle has legs of 3 cm and 5 cm. How long is the hypotenuse, to the nearest tenth?',
    interaction: { type: 'numeric', unit: 'cm', key: { value: 5.8, tolerance: 0.05, allowFractions: true } },
    feedback: { explanation: '\\( \\sqrt{3^2 + 5^2} = \\sqrt{34} \\approx 5.8 \\)', choices: { '8': 'Added the legs instead of using the Pythagorean theorem.', '4': 'Subtracted.' } },
  },
  {
    id: '6ns-numeric-exact',
    standards: ['6.NS.B.3'],
    difficulty: 0.3333333333333333,
    stem: 'Compute \\( 0.4 - 1.15 \\).',
    interaction: { type: 'numeric', key: { value: -0.75 } },
    feedback: { explanation: 'Line up the decimal points.', choices: { '0.75': 'Lost the sign.', 'about one': 'Estimated instead of computing.' } },
  },
  {
    id: '6rp-text-vocabulary',
    standards: ['6.RP.A.1'],
    difficulty: 2.5,
    stem: 'What word names a comparison of two quantities by division?',
    interaction: { type: 'text', expectedLength: 12, key: { accepted: ['ratio', 'a ratio', 'Rate '], caseSensitive: true } },
    feedback: { explanation: 'A _ratio_ compares two quantities.', choices: { fraction: 'A fraction is one way to write a ratio, but not the name of the comparison.' } },
  },
  {
    id: '6ee-order-steps',
    standards: ['6.EE.A.1'],
    difficulty: 0.9,
    stem: 'Put the steps for evaluating \\( 2 + 3 \\times 4^2 \\) in order.',
    interaction: {
      type: 'order',
      choices: [
        { id: 's1', content: 'Evaluate the exponent: \\( 4^2 = 16 \\)' },
        { id: 's2', content: 'Multiply: \\( 3 \\times 16 = 48 \\)' },
        { id: 's3', content: 'Add: \\( 2 + 48 = 50 \\)' },
      ],
      key: { correctOrder: ['s1', 's2', 's3'] },
    },
    feedback: { explanation: 'Exponents, then multiplication, then addition.', choices: { s3: 'Addition comes last.' } },
  },
  {
    id: 'gl-edge.markup_cases',
    standards: ['HSA-SSE.A.1'],
    difficulty: 5,
    stem: '  Leading spaces, x_1 and y_2, a lone ** marker, tabs\there,\r\nCRLF line, emoji 🧮, <tags> & "quotes" \'apos\'.\n\n\n\nAfter several blank lines: **_bold italic_** and ![](https://example.org/missing-alt.png) \\( a<b \\)',
    interaction: {
      type: 'single',
      choices: [
        { id: 'x', content: ' ' },
        { id: 'y', content: 'first\n\nsecond paragraph' },
      ],
      key: { correct: 'y' },
    },
    feedback: { explanation: '**unclosed bold and _unclosed italic' },
  },
];
const items: Item[] = inputs.map((i) => ItemSchema.parse(i));

const byId = (list: Item[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
const reasons = (problems: QtiProblem[]) => problems.map((p) => `${p.file} ${p.element ?? ''}: ${p.reason}`);

describe('QTI export → import round trip', () => {
  it('gives back every item exactly, for every interaction type', () => {
    const pkg = assessmentToQtiPackage({ id: 'grade-6-pre', title: 'Grade 6 pre-test', items });
    const result = importQtiPackage(pkg);
    expect(reasons(result.problems)).toEqual([]);
    expect(byId(result.items)).toEqual(byId(items));
    expect(result.tests).toEqual([
      { id: 'grade-6-pre', title: 'Grade 6 pre-test', itemIds: items.map((i) => i.id), sections: [{ title: 'Grade 6 pre-test', itemIds: items.map((i) => i.id) }] },
    ]);
  });

  it('keeps sections and reads the package from a folder as well as a zip', () => {
    const sections = [
      { title: 'Ratios', itemIds: ['6rp-a1-single-001', '6rp-text-vocabulary'] },
      { title: 'Number system', itemIds: ['7ns-multiple-partial', '6ns-numeric-exact'] },
    ];
    const pkg = assessmentToQtiPackage({ id: '65f0c0ffee', title: 'Sections', items, sections });
    const dir = mkdtempSync(join(tmpdir(), 'gl-qti-'));
    try {
      for (const [name, data] of Object.entries(unzipSync(pkg))) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), data);
      }
      const result = importQtiPackage({ dir });
      expect(reasons(result.problems)).toEqual([]);
      expect(byId(result.items)).toEqual(byId(items));
      expect(result.tests[0]?.id).toBe('65f0c0ffee');
      expect(result.tests[0]?.sections).toEqual(sections);
      expect(result.tests[0]?.itemIds).toEqual(sections.flatMap((s) => s.itemIds));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes standard QTI 3.0 that other tools can read without Growthline extensions', () => {
    const item = items[0] as Item;
    const xml = itemToQti(item);
    const parsed = parseXml(xml);
    expect(parsed.ok).toBe(true);
    expect(xml).toContain('xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0"');
    expect(xml).toContain('<qti-choice-interaction response-identifier="RESPONSE" shuffle="true" max-choices="1">');
    expect(xml).toContain('<qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">');
    expect(xml).toContain('<strong>3 cups</strong>');
    expect(xml).toContain('<img src="https://cdn.example.org/flour.png" alt="A measuring cup holding 3 cups of flour"/>');
    expect(xml).toContain('<annotation encoding="application/x-tex"> \\frac{1}{2} </annotation>');
    expect(xml).toContain('<qti-feedback-inline outcome-identifier="FEEDBACK" identifier="gl-2" show-hide="show"');

    const numeric = itemToQti(items[3] as Item);
    expect(numeric).toContain('<qti-equal tolerance-mode="absolute" tolerance="0.05">');
    expect(numeric).toContain('data-gl-allow-fractions="true"');
    const partial = itemToQti(items[1] as Item);
    expect(partial).toContain('<qti-mapping lower-bound="0" upper-bound="1" default-value="-0.3333333333333333">');
    const text = itemToQti(items[5] as Item);
    expect(text).toContain('<qti-map-entry map-key="Rate " mapped-value="1" case-sensitive="true"/>');
    expect(itemToQti(items[6] as Item)).toContain('<qti-response-declaration identifier="RESPONSE" cardinality="ordered" base-type="identifier">');
  });

  it('puts standards, version and difficulty in the manifest as curriculum-standards and LOM metadata', () => {
    const pkg = assessmentToQtiPackage(
      { id: 't', title: 'T', items: [items[0] as Item] },
      { standards: [{ framework: 'CCSS.Math', code: '6.RP.A.1', grade: '6', description: 'Ratios', kind: 'standard', caseId: 'https://case.example.org/uri/6b9bce7e-d7cc-11e8-824f-0242ac160002' }] },
    );
    const manifest = strFromU8(unzipSync(pkg)['imsmanifest.xml'] as Uint8Array);
    expect(manifest).toContain('<csm:setOfGUIDs region="CCSS.Math">');
    expect(manifest).toContain('<csm:label>6.RP.A.1</csm:label>');
    expect(manifest).toContain('<csm:GUID>6b9bce7e-d7cc-11e8-824f-0242ac160002</csm:GUID>');
    expect(manifest).toContain('<lom:value>easy</lom:value>');
    expect(manifest).toContain('<gl:raschDifficulty>-0.75</gl:raschDifficulty>');
    expect(manifest).toContain('type="imsqti_test_xmlv3p0"');
    expect(importQtiPackage(pkg).items).toEqual([items[0]]);
  });

  it('reads ordinary markup back from the XHTML alone when another tool dropped the data-gl-src copies', () => {
    const ordinary = items.filter((i) => i.id !== 'gl-edge.markup_cases');
    const files = unzipSync(assessmentToQtiPackage({ id: 't', title: 'T', items: ordinary }));
    for (const name of Object.keys(files)) {
      // A plain string edit of our own output, standing in for a tool that strips data-* attributes.
      if (name.startsWith('items/')) files[name] = strToU8(strFromU8(files[name] as Uint8Array).replace(/ data-gl-src="[^"]*"/g, ''));
    }
    const result = importQtiPackage(zipSync(files));
    expect(reasons(result.problems)).toEqual([]);
    expect(byId(result.items)).toEqual(byId(ordinary));
  });

  it('takes the edited text when another tool changed the XHTML but left the stale data-gl-src', () => {
    const item = items[2] as Item;
    const xml = itemToQti(item).replace('<p>Which numbers are integers?</p>', '<p>Which numbers are <strong>whole</strong> integers?</p>');
    const pkg = zipSync({ 'imsmanifest.xml': strToU8(manifestFor([{ href: 'q.xml', standards: ['7.NS.A.1'] }])), 'q.xml': strToU8(xml) });
    const result = importQtiPackage(pkg);
    expect(reasons(result.problems)).toEqual([]);
    expect(result.items[0]?.stem).toBe('Which numbers are **whole** integers?');
  });

  it('round-trips any text and numbers an author can type (property test)', () => {
    // Markup characters, XML specials, whitespace of every kind and astral characters, mixed freely.
    const ch = fc.constantFrom('a', 'Z', '7', ' ', ' ', '\n', '\r', '\t', '*', '_', '\\', '(', ')', '!', '[', ']', '<', '>', '&', '"', "'", '#', ';', '=', '/', 'é', '🧮', '\u00a0');
    const text = (max: number) => fc.string({ unit: ch, minLength: 1, maxLength: max });
    const num = fc.double({ noNaN: true, noDefaultInfinity: true });
    const item = fc.record({
      stem: text(60),
      explanation: text(40),
      a: text(20),
      b: text(20),
      rationale: text(20),
      accepted: fc.array(text(15), { minLength: 1, maxLength: 3 }),
      caseSensitive: fc.boolean(),
      unit: fc.option(fc.string({ unit: ch, maxLength: 8 }), { nil: undefined }),
      value: num,
      tolerance: fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }),
      difficulty: fc.double({ min: -5, max: 5, noNaN: true }),
      key: text(10),
      // Codes and framework names sit in a one-line metadata field (xs:normalizedString).
      standards: fc.array(fc.string({ unit: fc.constantFrom('6', '.', 'R', 'P', '-', ' ', '&', '<', '"', 'é'), minLength: 1, maxLength: 40 }).filter((c) => c.trim() !== ''), { minLength: 1, maxLength: 3 }),
      framework: fc.string({ unit: fc.constantFrom('C', 'S', '.', ' ', '&', '>'), minLength: 1, maxLength: 20 }).filter((c) => c.trim() !== ''),
      version: fc.integer({ min: 1, max: 1_000_000 }),
    });
    fc.assert(
      fc.property(item, (g) => {
        const base = { standards: g.standards, framework: g.framework, version: g.version, difficulty: g.difficulty, stem: g.stem };
        const generated = [
          { ...base, id: 'prop-single', interaction: { type: 'single', choices: [{ id: '1', content: g.a }, { id: 'b', content: g.b }], key: { correct: 'b' } },
            feedback: { explanation: g.explanation, choices: { '1': g.rationale } } },
          { ...base, id: 'prop-numeric', interaction: { type: 'numeric', unit: g.unit, key: { value: g.value, tolerance: g.tolerance } },
            feedback: { explanation: g.explanation, choices: { [g.key]: g.rationale } } },
          { ...base, id: 'prop-text', interaction: { type: 'text', key: { accepted: g.accepted, caseSensitive: g.caseSensitive } },
            feedback: { explanation: g.explanation, choices: { [g.key]: g.rationale } } },
        ].map((i) => ItemSchema.parse(i));
        const result = importQtiPackage(assessmentToQtiPackage({ id: 'prop', title: 'Property', items: generated }));
        expect(reasons(result.problems)).toEqual([]);
        expect(byId(result.items)).toEqual(byId(generated));
      }),
      { numRuns: 150 },
    );
  });

  it('round-trips every item in the starter bank', () => {
    const files = existsSync(STARTER_BANK)
      ? (readdirSync(STARTER_BANK, { recursive: true }) as string[]).filter((f) => f.endsWith('.json')).sort()
      : [];
    const bank: Item[] = [];
    const invalid: string[] = [];
    for (const f of files) {
      const data: unknown = JSON.parse(readFileSync(join(STARTER_BANK, f), 'utf8'));
      const list = Array.isArray(data) ? data : [];
      if (!Array.isArray(data)) invalid.push(`${f}: not a JSON array of items`);
      list.forEach((raw, n) => {
        const parsed = ItemSchema.safeParse(raw);
        if (parsed.success) bank.push(parsed.data);
        else invalid.push(`${f}[${n}]: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      });
    }
    expect(invalid, 'starter bank files hold items that ItemSchema rejects').toEqual([]);
    expect(bank.length, `no starter items found in ${STARTER_BANK} (expected *.json files holding arrays of items)`).toBeGreaterThan(0);
    const result = importQtiPackage(assessmentToQtiPackage({ id: 'starter-bank', title: 'Starter bank', items: bank }));
    expect(reasons(result.problems)).toEqual([]);
    expect(byId(result.items)).toEqual(byId(bank));
  });
});

// ---------------------------------------------------------------------------------------------
// Packages written by hand, as other tools (or broken tools) would
// ---------------------------------------------------------------------------------------------

function manifestFor(resources: { href: string; standards?: string[]; type?: string; files?: string[] }[]): string {
  const res = resources
    .map((r, n) => {
      const csm = r.standards
        ? `<metadata><csm:curriculumStandardsMetadataSet><csm:curriculumStandardsMetadata providerId="AB"><csm:setOfGUIDs region="CCSS.Math">${r.standards
            .map((s) => `<csm:labelledGUID><csm:label>${s}</csm:label><csm:GUID>guid-${s}</csm:GUID></csm:labelledGUID>`)
            .join('')}</csm:setOfGUIDs></csm:curriculumStandardsMetadata></csm:curriculumStandardsMetadataSet></metadata>`
        : '';
      const files = (r.files ?? [r.href]).map((f) => `<file href="${f}"/>`).join('');
      return `<resource identifier="res${n}" type="${r.type ?? 'imsqti_item_xmlv3p0'}" href="${r.href}">${csm}${files}</resource>`;
    })
    .join('\n    ');
  return `<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1" xmlns:csm="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscsmd_v1p1" identifier="m1">
  <metadata><schema>QTI Package</schema><schemaversion>3.0.0</schemaversion></metadata>
  <organizations/>
  <resources>
    ${res}
  </resources>
</manifest>`;
}

const foreignChoiceItem = (opts: { identifier?: string; correct?: string; interaction?: string } = {}) => `<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="${opts.identifier ?? 'Item_Choice_01'}" title="Unit rates" adaptive="false" time-dependent="false" xml:lang="en">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">
    <qti-correct-response><qti-value>${opts.correct ?? 'ChoiceB'}</qti-value></qti-correct-response>
  </qti-response-declaration>
  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>
  <qti-outcome-declaration identifier="FEEDBACK" cardinality="single" base-type="identifier"/>
  <qti-item-body>
    <p>A car travels 150 miles in 3 hours.</p>
    ${
      opts.interaction ??
      `<qti-choice-interaction response-identifier="RESPONSE" shuffle="false" max-choices="1">
      <qti-prompt>What is its <em>unit rate</em>?</qti-prompt>
      <qti-simple-choice identifier="ChoiceA">450 miles per hour</qti-simple-choice>
      <qti-simple-choice identifier="ChoiceB">50 miles per hour</qti-simple-choice>
      <qti-simple-choice identifier="ChoiceC">
        3 hours per mile
      </qti-simple-choice>
    </qti-choice-interaction>`
    }
  </qti-item-body>
  <qti-response-processing template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml"/>
  <qti-modal-feedback outcome-identifier="FEEDBACK" identifier="correct" show-hide="show"><qti-content-body>Divide the distance by the time.</qti-content-body></qti-modal-feedback>
</qti-assessment-item>`;

const zip = (files: Record<string, string>) => zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)])));

describe('importing packages from other tools', () => {
  it('imports an item whose standards are only in the manifest', () => {
    const result = importQtiPackage(zip({ 'imsmanifest.xml': manifestFor([{ href: 'items/rate.xml', standards: ['6.RP.A.2'] }]), 'items/rate.xml': foreignChoiceItem() }));
    expect(reasons(result.problems)).toEqual([]);
    expect(result.items).toEqual([
      ItemSchema.parse({
        id: 'item_choice_01',
        standards: ['6.RP.A.2'],
        difficulty: 0,
        stem: 'A car travels 150 miles in 3 hours.\n\nWhat is its _unit rate_?',
        interaction: {
          type: 'single',
          choices: [
            { id: 'ChoiceA', content: '450 miles per hour' },
            { id: 'ChoiceB', content: '50 miles per hour' },
            { id: 'ChoiceC', content: '3 hours per mile' },
          ],
          key: { correct: 'ChoiceB' },
        },
        feedback: { explanation: 'Divide the distance by the time.' },
      }),
    ]);
  });

  it('finds the manifest when the zip holds one folder', () => {
    const result = importQtiPackage(zip({ 'pkg/imsmanifest.xml': manifestFor([{ href: 'rate.xml', standards: ['6.RP.A.2'] }]), 'pkg/rate.xml': foreignChoiceItem() }));
    expect(reasons(result.problems)).toEqual([]);
    expect(result.items).toHaveLength(1);
  });
});

describe('broken packages are refused with a precise problem', () => {
  const good = { 'imsmanifest.xml': manifestFor([{ href: 'items/rate.xml', standards: ['6.RP.A.2'] }]), 'items/rate.xml': foreignChoiceItem() };

  it('reports malformed XML with its file, line and column', () => {
    const result = importQtiPackage(zip({ ...good, 'items/rate.xml': '<qti-assessment-item identifier="x">\n  <qti-item-body>\n</qti-assessment-item>' }));
    expect(result.items).toEqual([]);
    expect(result.problems).toEqual([{ file: 'items/rate.xml', reason: expect.stringMatching(/^malformed XML at line 3, column \d+: .*qti-item-body/) }]);
  });

  it('reports a missing manifest', () => {
    const result = importQtiPackage(zip({ 'items/rate.xml': foreignChoiceItem() }));
    expect(result.problems).toEqual([{ file: 'imsmanifest.xml', reason: 'missing: a QTI content package needs imsmanifest.xml at its root' }]);
  });

  it('reports a manifest that refers to a file the package does not hold', () => {
    const result = importQtiPackage(zip({ 'imsmanifest.xml': manifestFor([{ href: 'items/rate.xml', standards: ['6.RP.A.2'] }, { href: 'items/gone.xml', standards: ['6.RP.A.3'] }]), 'items/rate.xml': foreignChoiceItem() }));
    expect(result.problems).toContainEqual({ file: 'imsmanifest.xml', element: 'file', reason: 'resource "res1" refers to "items/gone.xml", which is not in the package' });
    expect(result.problems).toContainEqual({ file: 'imsmanifest.xml', element: 'resource', reason: 'resource "res1" refers to "items/gone.xml", which is not in the package' });
  });

  it('lists every unsupported interaction by file and element instead of dropping it', () => {
    const hotspot = foreignChoiceItem({
      interaction: '<qti-hotspot-interaction response-identifier="RESPONSE" max-choices="1"><img src="map.png" alt="map"/></qti-hotspot-interaction>',
    });
    const essay = foreignChoiceItem({ identifier: 'essay', interaction: '<qti-extended-text-interaction response-identifier="RESPONSE"/>' });
    const result = importQtiPackage(
      zip({
        'imsmanifest.xml': manifestFor([{ href: 'items/hotspot.xml', standards: ['6.G.A.1'] }, { href: 'items/essay.xml', standards: ['6.G.A.1'] }]),
        'items/hotspot.xml': hotspot,
        'items/essay.xml': essay,
      }),
    );
    expect(result.items).toEqual([]);
    expect(result.problems).toEqual([
      { file: 'items/hotspot.xml', element: 'qti-hotspot-interaction', reason: expect.stringContaining('unsupported interaction <qti-hotspot-interaction>') },
      { file: 'items/essay.xml', element: 'qti-extended-text-interaction', reason: expect.stringContaining('unsupported interaction <qti-extended-text-interaction>') },
    ]);
  });

  it('reports a correct response that names a choice the item does not have', () => {
    const result = importQtiPackage(zip({ ...good, 'items/rate.xml': foreignChoiceItem({ correct: 'ChoiceE' }) }));
    expect(result.problems).toEqual([{ file: 'items/rate.xml', element: 'qti-correct-response', reason: 'correct response "ChoiceE" is not one of the choices (ChoiceA, ChoiceB, ChoiceC)' }]);
  });

  it('refuses zip entries that climb out of the package', () => {
    const result = importQtiPackage(zip({ ...good, '../../etc/cron.d/evil.xml': '<x/>' }));
    expect(result.items).toEqual([]);
    expect(result.problems).toContainEqual({ file: '../../etc/cron.d/evil.xml', reason: 'entry name climbs out of the package ("../"); nothing from this package is imported' });
  });

  it('refuses packages with too many entries before extracting anything', () => {
    const files: Record<string, string> = { ...good };
    for (let n = 0; n < 2000; n++) files[`junk/${n}.txt`] = '';
    const result = importQtiPackage(zip(files));
    expect(result.items).toEqual([]);
    expect(result.problems).toEqual([{ file: '(package)', reason: 'package has more than 2000 entries; nothing was extracted' }]);
  });

  it('refuses packages that inflate beyond the size cap (zip bombs)', () => {
    const bomb = zipSync({ ...Object.fromEntries(Object.entries(good).map(([k, v]) => [k, strToU8(v)])), 'zeros.bin': new Uint8Array(3 * 1024 * 1024) });
    expect(bomb.length).toBeLessThan(64 * 1024);
    const result = importQtiPackage(bomb, { maxTotalBytes: 2 * 1024 * 1024 });
    expect(result.problems).toEqual([{ file: '(package)', reason: 'package inflates to more than 2 MB; nothing was extracted' }]);
  });

  it('reports an item without a standard', () => {
    const result = importQtiPackage(zip({ 'imsmanifest.xml': manifestFor([{ href: 'items/rate.xml' }]), 'items/rate.xml': foreignChoiceItem() }));
    expect(result.problems).toEqual([{ file: 'items/rate.xml', element: 'qti-assessment-item', reason: expect.stringContaining('no curriculum standard') }]);
  });

  it('reports two items with the same identifier', () => {
    const result = importQtiPackage(
      zip({
        'imsmanifest.xml': manifestFor([{ href: 'a.xml', standards: ['6.RP.A.2'] }, { href: 'b.xml', standards: ['6.RP.A.2'] }]),
        'a.xml': foreignChoiceItem(),
        'b.xml': foreignChoiceItem(),
      }),
    );
    expect(result.problems).toEqual([{ file: 'b.xml', element: 'qti-assessment-item', reason: 'item id "item_choice_01" is also used by a.xml' }]);
  });

  it('collects problems from every file instead of stopping at the first', () => {
    const result = importQtiPackage(
      zip({
        'imsmanifest.xml': manifestFor([
          { href: 'a.xml', standards: ['6.RP.A.2'] },
          { href: 'b.xml', standards: ['6.RP.A.2'] },
          { href: 'c.xml', type: 'imsqti_item_xmlv2p1' },
        ]),
        'a.xml': '<not-closed>',
        'b.xml': foreignChoiceItem({ correct: 'Nope' }),
        'c.xml': '<assessmentItem/>',
      }),
    );
    expect(result.problems.map((p) => p.file)).toEqual(['imsmanifest.xml', 'a.xml', 'b.xml']);
    expect(result.problems[0]?.reason).toContain('only QTI 3.0 packages');
  });

  it('reports bytes that are not a zip archive, and document type declarations', () => {
    expect(importQtiPackage(strToU8('hello')).problems).toEqual([{ file: '(package)', reason: expect.stringContaining('not a readable zip archive') }]);
    const result = importQtiPackage(zip({ ...good, 'items/rate.xml': '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>' }));
    expect(result.problems).toEqual([{ file: 'items/rate.xml', reason: 'document type declarations (<!DOCTYPE>) are not allowed' }]);
  });
});
