// Writes Growthline items and assessments as QTI 3.0 (item XML and zipped content packages).
// Pure functions: items in, XML text or zip bytes out. import.ts reads everything written here back
// to deep-equal items; the mapping below is the contract between the two.
//
// Mapping (Growthline → QTI 3.0)
// - Item → qti-assessment-item; identifier = item id ("gl-" prefix when the id is not an XML name, see
//   vocabulary.ts), title = item id. One response variable RESPONSE; SCORE 0..1, MAXSCORE 1.
// - single   → qti-choice-interaction max-choices=1; RESPONSE single/identifier + qti-correct-response.
// - multiple → qti-choice-interaction max-choices=0; RESPONSE multiple/identifier. partialCredit is a
//              qti-mapping that is exactly our rule: each correct choice +1/n, any other choice −1/n
//              (default-value), lower-bound 0, upper-bound 1, scored with qti-map-response. No mapping =
//              all-or-nothing (qti-match against qti-correct).
// - numeric  → qti-text-entry-interaction, RESPONSE single/float + qti-correct-response. Tolerance is the
//              standard qti-equal in response processing: tolerance-mode="absolute" tolerance="t", or
//              tolerance-mode="exact" when t = 0. allowFractions has no QTI equivalent: it is
//              data-gl-allow-fractions="true" on the interaction (QTI 3 allows data-* on body elements).
//              unit → data-gl-unit on the interaction plus a visible <span class="gl-unit">.
// - text     → qti-text-entry-interaction expected-length=…, RESPONSE single/string; correct response =
//              first accepted answer; qti-mapping with one qti-map-entry (mapped-value 1, case-sensitive)
//              per accepted answer, scored with qti-map-response.
// - order    → qti-order-interaction shuffle=false, RESPONSE ordered/identifier, correct order.
// - Rich text (stem, choices, feedback) → XHTML (<p>, <strong>, <em>, <img alt>, MathML with a TeX
//   annotation); the exact markup rides along in data-gl-src (see richtext.ts). Stem: <div class="gl-stem">.
// - feedback.explanation → qti-modal-feedback outcome EXPLANATION (always set by response processing).
//   feedback.choices[choiceId] → qti-feedback-inline in that choice, shown when FEEDBACK (= RESPONSE)
//   holds the choice. Keys that are not choice ids (numeric/text items keyed by a typical wrong answer)
//   → qti-modal-feedback on FEEDBACK with <div class="gl-response-feedback" data-gl-key="…">, set by
//   response processing when the response equals the key.
// - Manifest resource metadata (per item): standards → curriculumStandardsMetadataSet (csm v1p1), one
//   setOfGUIDs with region = framework, labelledGUID label = standard code, GUID = CASE id when known
//   (else the code); version → LOM lifeCycle/version; difficulty → LOM educational/difficulty (5-step
//   vocabulary, for other tools) plus the exact logits as <gl:raschDifficulty> inside LOM educational (LOM
//   admits elements from other namespaces). Item files carry no Growthline metadata of their own.
import { zipSync, strToU8 } from 'fflate';
import { type Item, ItemSchema, type Standard } from '../item.schema.js';
import { renderBlocks, renderInline } from './richtext.js';
import { type XmlElement, type XmlChild, el, formatNumber, serialize, xmlDocument } from './xml.js';
import {
  GL,
  GROWTHLINE_TOOL,
  NS,
  OUTCOME,
  RESOURCE_TYPE,
  RESPONSE_ID,
  SCHEMA_LOCATION,
  encodeIdentifier,
  lomDifficulty,
} from './vocabulary.js';

export interface QtiAssessment {
  id: string;
  title: string;
  items: Item[];
  sections?: { title: string; itemIds: string[] }[];
}

export interface QtiExportOptions {
  /** Standards by code, so labelledGUIDs can carry CASE identifiers; codes alone are used otherwise. */
  standards?: Standard[];
}

const PACKAGE_MTIME = new Date('2000-01-01T00:00:00Z'); // fixed, so the same input gives the same bytes

const raw = (markup: string) => ({ raw: markup });
const variable = (id: string) => el('qti-variable', { identifier: id });
const baseValue = (type: string, value: string) => el('qti-base-value', { 'base-type': type }, value);
const setOutcome = (id: string, expr: XmlElement) => el('qti-set-outcome-value', { identifier: id }, expr);
const condition = (test: XmlElement, then: XmlChild[], otherwise?: XmlChild[]) =>
  el('qti-response-condition', {}, el('qti-response-if', {}, test, ...then), otherwise && el('qti-response-else', {}, ...otherwise));

type Interaction = Item['interaction'];
type Feedback = Item['feedback'];

function choiceIdsOf(i: Interaction): Set<string> {
  return new Set('choices' in i ? i.choices.map((c) => c.id) : []);
}

/** Feedback keyed to something other than a choice (numeric/text items), in a stable order. */
function keyedFeedback(item: Item): [key: string, text: string][] {
  const ids = choiceIdsOf(item.interaction);
  return Object.entries(item.feedback.choices).filter(([k]) => !ids.has(k));
}

function hasInlineFeedback(item: Item): boolean {
  const ids = choiceIdsOf(item.interaction);
  return Object.keys(item.feedback.choices).some((k) => ids.has(k));
}

function responseDeclaration(i: Interaction): XmlElement {
  const values = (vs: string[]) => el('qti-correct-response', {}, ...vs.map((v) => el('qti-value', {}, v)));
  const decl = (cardinality: string, baseType: string, ...children: XmlChild[]) =>
    el('qti-response-declaration', { identifier: RESPONSE_ID, cardinality, 'base-type': baseType }, ...children);
  switch (i.type) {
    case 'single':
      return decl('single', 'identifier', values([encodeIdentifier(i.key.correct)]));
    case 'multiple': {
      const n = i.key.correct.length;
      const mapping =
        i.key.partialCredit &&
        el(
          'qti-mapping',
          { 'lower-bound': 0, 'upper-bound': 1, 'default-value': -1 / n },
          ...i.key.correct.map((id) => el('qti-map-entry', { 'map-key': encodeIdentifier(id), 'mapped-value': 1 / n, 'case-sensitive': 'true' })),
        );
      return decl('multiple', 'identifier', values(i.key.correct.map(encodeIdentifier)), mapping);
    }
    case 'numeric':
      return decl('single', 'float', values([formatNumber(i.key.value)]));
    case 'text':
      return decl(
        'single',
        'string',
        values([i.key.accepted[0] as string]),
        el(
          'qti-mapping',
          { 'default-value': 0, 'upper-bound': 1 },
          ...i.key.accepted.map((a) => el('qti-map-entry', { 'map-key': a, 'mapped-value': 1, 'case-sensitive': String(i.key.caseSensitive) })),
        ),
      );
    case 'order':
      return decl('ordered', 'identifier', values(i.key.correctOrder.map(encodeIdentifier)));
  }
}

function outcomeDeclarations(item: Item): XmlElement[] {
  const i = item.interaction;
  const out = [
    el('qti-outcome-declaration', { identifier: OUTCOME.score, cardinality: 'single', 'base-type': 'float', 'normal-maximum': 1 },
      el('qti-default-value', {}, el('qti-value', {}, '0'))),
    el('qti-outcome-declaration', { identifier: OUTCOME.maxScore, cardinality: 'single', 'base-type': 'float' },
      el('qti-default-value', {}, el('qti-value', {}, '1'))),
  ];
  if (hasInlineFeedback(item) || keyedFeedback(item).length > 0) {
    const cardinality = i.type === 'multiple' || i.type === 'order' ? 'multiple' : 'single';
    out.push(el('qti-outcome-declaration', { identifier: OUTCOME.feedback, cardinality, 'base-type': 'identifier' }));
  }
  out.push(el('qti-outcome-declaration', { identifier: OUTCOME.explanation, cardinality: 'single', 'base-type': 'identifier' }));
  return out;
}

function simpleChoice(choice: { id: string; content: string }, feedback: Feedback): XmlElement {
  const rationale = feedback.choices[choice.id];
  return el(
    'qti-simple-choice',
    { identifier: encodeIdentifier(choice.id), [GL.src]: choice.content },
    raw(renderInline(choice.content)),
    rationale !== undefined &&
      el(
        'qti-feedback-inline',
        { 'outcome-identifier': OUTCOME.feedback, identifier: encodeIdentifier(choice.id), 'show-hide': 'show', [GL.src]: rationale },
        raw(renderInline(rationale)),
      ),
  );
}

function interactionElement(item: Item): XmlElement {
  const i = item.interaction;
  switch (i.type) {
    case 'single':
    case 'multiple':
      return el(
        'qti-choice-interaction',
        { 'response-identifier': RESPONSE_ID, shuffle: String(i.shuffle), 'max-choices': i.type === 'single' ? 1 : 0 },
        ...i.choices.map((c) => simpleChoice(c, item.feedback)),
      );
    case 'order':
      return el(
        'qti-order-interaction',
        { 'response-identifier': RESPONSE_ID, shuffle: 'false' },
        ...i.choices.map((c) => simpleChoice(c, item.feedback)),
      );
    case 'numeric':
      return el(
        'p',
        { class: GL.responseClass },
        el('qti-text-entry-interaction', {
          'response-identifier': RESPONSE_ID,
          [GL.allowFractions]: i.key.allowFractions ? 'true' : undefined,
          [GL.unit]: i.unit,
        }),
        i.unit !== undefined && el('span', { class: GL.unitClass }, ` ${i.unit}`),
      );
    case 'text':
      return el('p', { class: GL.responseClass }, el('qti-text-entry-interaction', { 'response-identifier': RESPONSE_ID, 'expected-length': i.expectedLength }));
  }
}

function responseProcessing(item: Item): XmlElement {
  const i = item.interaction;
  const score = (v: string) => setOutcome(OUTCOME.score, baseValue('float', v));
  const rules: XmlChild[] = [];
  switch (i.type) {
    case 'single':
    case 'order':
      rules.push(condition(el('qti-match', {}, variable(RESPONSE_ID), el('qti-correct', { identifier: RESPONSE_ID })), [score('1')], [score('0')]));
      break;
    case 'multiple':
      if (i.key.partialCredit) rules.push(setOutcome(OUTCOME.score, el('qti-map-response', { identifier: RESPONSE_ID })));
      else rules.push(condition(el('qti-match', {}, variable(RESPONSE_ID), el('qti-correct', { identifier: RESPONSE_ID })), [score('1')], [score('0')]));
      break;
    case 'numeric': {
      const tolerance = i.key.tolerance > 0 ? { 'tolerance-mode': 'absolute', tolerance: formatNumber(i.key.tolerance) } : { 'tolerance-mode': 'exact' };
      rules.push(condition(el('qti-equal', tolerance, variable(RESPONSE_ID), el('qti-correct', { identifier: RESPONSE_ID })), [score('1')], [score('0')]));
      break;
    }
    case 'text':
      rules.push(setOutcome(OUTCOME.score, el('qti-map-response', { identifier: RESPONSE_ID })));
      break;
  }
  if ((i.type === 'single' || i.type === 'multiple') && hasInlineFeedback(item)) rules.push(setOutcome(OUTCOME.feedback, variable(RESPONSE_ID)));
  keyedFeedback(item).forEach(([key], n) => {
    const show = [setOutcome(OUTCOME.feedback, baseValue('identifier', `gl-fb-${n + 1}`))];
    if (i.type === 'numeric' && key.trim() !== '' && Number.isFinite(Number(key))) {
      rules.push(condition(el('qti-equal', { 'tolerance-mode': 'exact' }, variable(RESPONSE_ID), baseValue('float', key.trim())), show));
    } else if (i.type === 'text') {
      rules.push(condition(el('qti-string-match', { 'case-sensitive': String(i.key.caseSensitive) }, variable(RESPONSE_ID), baseValue('string', key)), show));
    }
  });
  rules.push(setOutcome(OUTCOME.explanation, baseValue('identifier', GL.explanationId)));
  return el('qti-response-processing', {}, ...rules);
}

function modalFeedback(item: Item): XmlElement[] {
  const explanation = el(
    'qti-modal-feedback',
    { 'outcome-identifier': OUTCOME.explanation, identifier: GL.explanationId, 'show-hide': 'show', title: 'Explanation' },
    el('qti-content-body', {}, el('div', { class: GL.explanationClass, [GL.src]: item.feedback.explanation }, raw(renderBlocks(item.feedback.explanation)))),
  );
  const keyed = keyedFeedback(item).map(([key, text], n) =>
    el(
      'qti-modal-feedback',
      { 'outcome-identifier': OUTCOME.feedback, identifier: `gl-fb-${n + 1}`, 'show-hide': 'show' },
      el('qti-content-body', {}, el('div', { class: GL.responseFeedbackClass, [GL.key]: key, [GL.src]: text }, raw(renderBlocks(text)))),
    ),
  );
  return [explanation, ...keyed];
}

function assessmentItemElement(item: Item): XmlElement {
  return el(
    'qti-assessment-item',
    {
      xmlns: NS.qti,
      'xmlns:xsi': NS.xsi,
      'xsi:schemaLocation': SCHEMA_LOCATION.qti,
      identifier: encodeIdentifier(item.id),
      title: item.id,
      adaptive: 'false',
      'time-dependent': 'false',
      'tool-name': GROWTHLINE_TOOL.name,
      'tool-version': GROWTHLINE_TOOL.version,
    },
    responseDeclaration(item.interaction),
    ...outcomeDeclarations(item),
    el('qti-item-body', {}, el('div', { class: GL.stemClass, [GL.src]: item.stem }, raw(renderBlocks(item.stem))), interactionElement(item)),
    responseProcessing(item),
    ...modalFeedback(item),
  );
}

/** One item as a standalone QTI 3.0 qti-assessment-item document. Throws if the item is not valid. */
export function itemToQti(item: Item): string {
  return xmlDocument(assessmentItemElement(ItemSchema.parse(item)));
}

/** The standards GUID: the CASE identifier's last path segment when it is a URI, else the id itself. */
function caseGuid(caseId: string): string {
  if (!/^https?:\/\//.test(caseId)) return caseId;
  const segments = new URL(caseId).pathname.split('/').filter(Boolean);
  return segments[segments.length - 1] ?? caseId;
}

/** The <metadata> of an item's manifest resource: standards, version and difficulty. */
export function itemResourceMetadata(item: Item, standardsByCode: Map<string, Standard> = new Map()): XmlElement {
  const labelled = item.standards.map((code) => {
    const caseId = standardsByCode.get(code)?.caseId;
    return el(
      'csm:labelledGUID',
      {},
      el('csm:label', {}, code),
      caseId !== undefined && /^https?:\/\//.test(caseId) && el('csm:caseItemURI', {}, caseId),
      el('csm:GUID', {}, caseId !== undefined ? caseGuid(caseId) : code),
    );
  });
  return el(
    'metadata',
    {},
    el(
      'csm:curriculumStandardsMetadataSet',
      { resourceLabel: item.id },
      el('csm:curriculumStandardsMetadata', {}, el('csm:setOfGUIDs', { region: item.framework }, ...labelled)),
    ),
    el(
      'lom:lom',
      {},
      el('lom:lifeCycle', {}, el('lom:version', {}, el('lom:string', {}, String(item.version)))),
      el(
        'lom:educational',
        {},
        el('lom:difficulty', {}, el('lom:source', {}, 'LOMv1.0'), el('lom:value', {}, lomDifficulty(item.difficulty))),
        el('gl:raschDifficulty', {}, formatNumber(item.difficulty)),
      ),
    ),
  );
}

export function itemResourceIdentifier(itemId: string): string {
  return `item-${encodeIdentifier(itemId)}`;
}

/**
 * An assessment as a zipped QTI 3.0 content package: imsmanifest.xml, items/<id>.xml per item, and
 * assessment-<id>.xml (qti-assessment-test, one section per given section, or one holding every item).
 * Throws on inconsistent input (duplicate item ids, sections naming unknown or repeated items).
 */
export function assessmentToQtiPackage(a: QtiAssessment, options: QtiExportOptions = {}): Uint8Array {
  const items = a.items.map((item) => ItemSchema.parse(item));
  const byId = new Map<string, Item>();
  for (const item of items) {
    if (byId.has(item.id)) throw new Error(`item "${item.id}" appears twice in assessment "${a.id}"`);
    byId.set(item.id, item);
  }
  const sections = a.sections ?? [{ title: a.title, itemIds: items.map((i) => i.id) }];
  const placed = new Set<string>();
  for (const s of sections) {
    for (const id of s.itemIds) {
      if (!byId.has(id)) throw new Error(`section "${s.title}" lists item "${id}", which is not in assessment "${a.id}"`);
      if (placed.has(id)) throw new Error(`item "${id}" is placed in more than one section of assessment "${a.id}"`);
      placed.add(id);
    }
  }

  const standardsByCode = new Map((options.standards ?? []).map((s) => [s.code, s] as const));
  const itemPath = (id: string) => `items/${id}.xml`; // item ids are [a-z0-9._-]: safe file names
  const testId = encodeIdentifier(a.id);
  const testPath = `assessment-${testId}.xml`;
  const files: Record<string, Uint8Array> = {};

  for (const item of items) files[itemPath(item.id)] = strToU8(xmlDocument(assessmentItemElement(item)));

  const test = el(
    'qti-assessment-test',
    { xmlns: NS.qti, 'xmlns:xsi': NS.xsi, 'xsi:schemaLocation': SCHEMA_LOCATION.qti, identifier: testId, title: a.title,
      'tool-name': GROWTHLINE_TOOL.name, 'tool-version': GROWTHLINE_TOOL.version },
    el(
      'qti-test-part',
      { identifier: 'part-1', 'navigation-mode': 'linear', 'submission-mode': 'individual' },
      ...sections.map((s, n) =>
        el(
          'qti-assessment-section',
          { identifier: `section-${n + 1}`, title: s.title, visible: 'true' },
          ...s.itemIds.map((id) => el('qti-assessment-item-ref', { identifier: encodeIdentifier(id), href: itemPath(id) })),
        ),
      ),
    ),
  );
  files[testPath] = strToU8(xmlDocument(test));

  const manifest = el(
    'manifest',
    {
      xmlns: NS.cp,
      'xmlns:csm': NS.csm,
      'xmlns:lom': NS.lom,
      'xmlns:gl': NS.gl,
      'xmlns:xsi': NS.xsi,
      'xsi:schemaLocation': SCHEMA_LOCATION.cp,
      identifier: `manifest-${testId}`,
    },
    el('metadata', {}, el('schema', {}, 'QTI Package'), el('schemaversion', {}, '3.0.0')),
    el('organizations'),
    el(
      'resources',
      {},
      ...items.map((item) =>
        el(
          'resource',
          { identifier: itemResourceIdentifier(item.id), type: RESOURCE_TYPE.item, href: itemPath(item.id) },
          itemResourceMetadata(item, standardsByCode),
          el('file', { href: itemPath(item.id) }),
        ),
      ),
      el(
        'resource',
        { identifier: `test-${testId}`, type: RESOURCE_TYPE.test, href: testPath },
        el('file', { href: testPath }),
        ...[...placed].map((id) => el('dependency', { identifierref: itemResourceIdentifier(id) })),
      ),
    ),
  );
  files['imsmanifest.xml'] = strToU8(`<?xml version="1.0" encoding="UTF-8"?>\n${serialize(manifest)}\n`);

  return zipSync(files, { level: 6, mtime: PACKAGE_MTIME });
}
