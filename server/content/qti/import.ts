// Reads a QTI 3.0 content package (zip bytes or a folder) into Growthline items and tests.
// It never stops at the first problem: every problem is collected with its file, element and a reason
// a person can act on, because the caller imports nothing unless the list is empty. Every item that
// comes out has passed ItemSchema. The mapping is the one documented at the top of export.ts; items
// from other tools are read the same way, with their standards taken from the manifest (csm labels).
import { posix } from 'node:path';
import { type Item, ItemSchema } from '../item.schema.js';
import { DEFAULT_QTI_LIMITS, type QtiPackageLimits, type QtiProblem, readFolder, readZip } from './package-files.js';
import { markupFromXhtml, preferSource } from './richtext.js';
import { GL, NS, OUTCOME, RESOURCE_TYPE, decodeIdentifier, logitsFromLom } from './vocabulary.js';
import { type XElement, attr, descendants, elements, firstElement, hasClass, parseXml, textContent } from './xml.js';

export type { QtiProblem, QtiPackageLimits } from './package-files.js';
export { DEFAULT_QTI_LIMITS } from './package-files.js';

export interface QtiImportedTest {
  id: string;
  title: string;
  /** Every item the test refers to, in order (all sections flattened). */
  itemIds: string[];
  sections: { title: string; itemIds: string[] }[];
}

export interface QtiImportResult {
  items: Item[];
  tests: QtiImportedTest[];
  problems: QtiProblem[];
}

const MANIFEST = 'imsmanifest.xml';
const SUPPORTED_INTERACTIONS = new Set(['qti-choice-interaction', 'qti-text-entry-interaction', 'qti-order-interaction']);
const IGNORED_ITEM_PARTS = new Set(['qti-outcome-declaration', 'qti-stylesheet', 'qti-companion-materials-info']);
const ItemId = ItemSchema.innerType().shape.id;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Imports a QTI 3.0 package. Check `problems` first: when it is not empty, import nothing. */
export function importQtiPackage(input: Uint8Array | { dir: string }, limits: Partial<QtiPackageLimits> = {}): QtiImportResult {
  const caps = { ...DEFAULT_QTI_LIMITS, ...limits };
  const read = input instanceof Uint8Array ? readZip(input, caps) : readFolder(input.dir, caps);
  const problems = [...read.problems];
  const result: QtiImportResult = { items: [], tests: [], problems };
  if (read.refused) return result;
  const files = read.files;

  // The manifest sits at the root, or inside the one folder a zipped folder puts everything in.
  let base = '';
  if (!files.has(MANIFEST)) {
    const nested = [...files.keys()].filter((n) => n.split('/').length === 2 && n.endsWith(`/${MANIFEST}`));
    if (nested.length === 1) base = posix.dirname(nested[0] as string);
    else {
      problems.push({ file: MANIFEST, reason: 'missing: a QTI content package needs imsmanifest.xml at its root' });
      return result;
    }
  }
  const manifestPath = base ? `${base}/${MANIFEST}` : MANIFEST;
  const manifest = readXml(files, manifestPath, problems);
  if (!manifest) return result;
  if (manifest.local !== 'manifest') {
    problems.push({ file: manifestPath, element: manifest.local, reason: `expected a <manifest> root element, found <${manifest.local}>` });
    return result;
  }

  const resourcesEl = firstElement(manifest, 'resources');
  const resources = resourcesEl ? elements(resourcesEl, 'resource') : [];
  if (resources.length === 0) problems.push({ file: manifestPath, element: 'resources', reason: 'the manifest lists no resources' });
  const resourcesBase = posix.join(base, resourcesEl ? attr(resourcesEl, 'base') ?? '' : '');

  interface ItemResource { path: string; metadata?: XElement }
  const itemResources: ItemResource[] = [];
  const testPaths: string[] = [];
  const resourceIds = new Set<string>();

  for (const res of resources) {
    const rid = attr(res, 'identifier');
    const type = attr(res, 'type') ?? '';
    const where = rid ? `resource "${rid}"` : 'a resource';
    if (!rid) problems.push({ file: manifestPath, element: 'resource', reason: 'a resource has no identifier' });
    else if (resourceIds.has(rid)) problems.push({ file: manifestPath, element: 'resource', reason: `resource identifier "${rid}" is used twice` });
    else resourceIds.add(rid);
    const resBase = posix.join(resourcesBase, attr(res, 'base') ?? '');

    const check = (href: string | undefined, element: string): string | undefined => {
      if (href === undefined || href === '') return undefined;
      const resolved = resolveHref(base, resBase, href);
      if (typeof resolved !== 'string') {
        problems.push({ file: manifestPath, element, reason: `${where} refers to "${href}", which ${resolved.error}` });
        return undefined;
      }
      if (!files.has(resolved)) {
        problems.push({ file: manifestPath, element, reason: `${where} refers to "${href}", which is not in the package` });
        return undefined;
      }
      return resolved;
    };
    for (const f of elements(res, 'file')) check(attr(f, 'href'), 'file');
    const href = attr(res, 'href');
    const path = check(href, 'resource');

    if (/^imsqti_(item|test|section)_xmlv2p\d$/.test(type) || type === 'imsqti_xmlv1p2') {
      problems.push({ file: manifestPath, element: 'resource', reason: `${where} is ${type}: only QTI 3.0 packages (imsqti_*_xmlv3p0) are supported` });
    } else if (type === RESOURCE_TYPE.item || type === RESOURCE_TYPE.test) {
      if (!href) problems.push({ file: manifestPath, element: 'resource', reason: `${where} (${type}) has no href` });
      else if (path && type === RESOURCE_TYPE.item) itemResources.push({ path, metadata: firstElement(res, 'metadata') });
      else if (path) testPaths.push(path);
    }
  }
  for (const res of resources) {
    for (const dep of elements(res, 'dependency')) {
      const ref = attr(dep, 'identifierref');
      if (ref && !resourceIds.has(ref)) {
        problems.push({ file: manifestPath, element: 'dependency', reason: `resource "${attr(res, 'identifier') ?? ''}" depends on "${ref}", which the manifest does not define` });
      }
    }
  }

  // Items
  const itemIdByPath = new Map<string, string>();
  const pathByItemId = new Map<string, string>();
  const failedPaths = new Set<string>();
  for (const res of itemResources) {
    const root = readXml(files, res.path, problems);
    if (!root) {
      failedPaths.add(res.path);
      continue;
    }
    const read = readItem(res.path, root, res.metadata, manifestPath, files);
    problems.push(...read.problems);
    const earlier = read.id !== undefined ? pathByItemId.get(read.id) : undefined;
    if (read.id !== undefined && earlier !== undefined) {
      problems.push({ file: res.path, element: 'qti-assessment-item', reason: `item id "${read.id}" is also used by ${earlier}` });
      failedPaths.add(res.path);
      continue;
    }
    if (read.id !== undefined) {
      pathByItemId.set(read.id, res.path);
      itemIdByPath.set(res.path, read.id);
    }
    if (read.item) result.items.push(read.item);
    else failedPaths.add(res.path);
  }

  // Tests
  for (const path of testPaths) {
    const root = readXml(files, path, problems);
    if (!root) continue;
    const test = readTest(path, root, base, files, itemIdByPath, failedPaths, problems);
    if (test) result.tests.push(test);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------

function readXml(files: Map<string, Uint8Array>, path: string, problems: QtiProblem[]): XElement | undefined {
  const bytes = files.get(path);
  if (!bytes) {
    problems.push({ file: path, reason: 'file is not in the package' });
    return undefined;
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    problems.push({ file: path, reason: 'file is not UTF-8 text' });
    return undefined;
  }
  const parsed = parseXml(text);
  if (!parsed.ok) {
    problems.push({ file: path, reason: parsed.reason });
    return undefined;
  }
  return parsed.root;
}

/** Resolves a package-relative href to a file path, or says why it cannot point into the package. */
function resolveHref(packageBase: string, dir: string, href: string): string | { error: string } {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(href) || href.startsWith('//')) return { error: 'is outside the package (an external URL)' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(href.split('#')[0]?.split('?')[0] ?? '');
  } catch {
    return { error: 'is not a valid URI reference' };
  }
  if (decoded.startsWith('/') || decoded.includes('\\') || decoded.includes('\0')) return { error: 'is not a relative path inside the package' };
  const joined = posix.normalize(posix.join(dir, decoded));
  const inside = packageBase === '' ? !joined.startsWith('../') && joined !== '..' : joined.startsWith(`${packageBase}/`);
  return inside ? joined : { error: 'climbs out of the package ("../")' };
}

// ---------------------------------------------------------------------------------------------
// Items
// ---------------------------------------------------------------------------------------------

interface ReadItem {
  id?: string;
  item?: Item;
  problems: QtiProblem[];
}

function itemIdFrom(identifier: string): string {
  const decoded = decodeIdentifier(identifier);
  if (ItemId.safeParse(decoded).success) return decoded;
  // Other tools use mixed case and other punctuation; Growthline ids are lowercase slugs.
  return decoded
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
}

function readItem(file: string, root: XElement, metadata: XElement | undefined, manifestPath: string, files: Map<string, Uint8Array>): ReadItem {
  const problems: QtiProblem[] = [];
  const report = (element: string | undefined, reason: string) => problems.push({ file, element, reason });

  if (root.local !== 'qti-assessment-item') {
    report(root.local, root.local === 'assessmentItem'
      ? 'this is a QTI 2.x item (assessmentItem); only QTI 3.0 (qti-assessment-item) is supported'
      : `expected a qti-assessment-item, found <${root.local}>`);
    return { problems };
  }
  const ns = attr(root, 'xmlns');
  if (ns !== undefined && ns !== NS.qti) report(root.local, `namespace "${ns}" is not the QTI 3.0 namespace ${NS.qti}`);
  const identifier = attr(root, 'identifier');
  if (!identifier) {
    report(root.local, 'the item has no identifier');
    return { problems };
  }
  const id = itemIdFrom(identifier);

  const declarations = new Map<string, XElement>();
  let body: XElement | undefined;
  let processing: XElement | undefined;
  const modal: XElement[] = [];
  for (const child of elements(root)) {
    if (child.local === 'qti-response-declaration') declarations.set(attr(child, 'identifier') ?? '', child);
    else if (child.local === 'qti-item-body') body = child;
    else if (child.local === 'qti-response-processing') processing = child;
    else if (child.local === 'qti-modal-feedback') modal.push(child);
    else if (!IGNORED_ITEM_PARTS.has(child.local)) report(child.local, `<${child.local}> is not supported by Growthline items`);
  }
  if (!body) {
    report('qti-assessment-item', 'the item has no qti-item-body');
    return { id, problems };
  }

  const interactions = [...descendantsMatching(body, (e) => e.local.endsWith('-interaction'))];
  for (const i of interactions) {
    if (!SUPPORTED_INTERACTIONS.has(i.local)) {
      report(i.local, `unsupported interaction <${i.local}>: Growthline items use qti-choice-interaction, qti-text-entry-interaction or qti-order-interaction`);
    }
  }
  const supported = interactions.filter((i) => SUPPORTED_INTERACTIONS.has(i.local));
  if (interactions.length === 0) report('qti-item-body', 'the item has no interaction');
  if (supported.length > 1) report('qti-item-body', `the item has ${supported.length} interactions; a Growthline item has exactly one`);
  const interaction = supported.length === 1 && interactions.length === 1 ? supported[0] : undefined;
  if (!interaction) return { id, problems };

  const itemDir = posix.dirname(file);
  const convertOpts = (context?: string) => ({
    report: (el: string, reason: string) => report(el, context ? `${reason} (in <${context}>)` : reason),
    onImage: (src: string) => {
      if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(src) || src.startsWith('/')) return;
      const inPackage = posix.normalize(posix.join(itemDir, src.split('#')[0] ?? ''));
      if (files.has(inPackage)) {
        report('img', `image "${src}" is a file inside the package; Growthline does not import media files, so host it and use an absolute URL`);
      }
    },
  });

  // Stem: the item body without the interaction (its prompt, if any, stays in the stem).
  const stemOpts = {
    ...convertOpts(),
    takeOver: (el: XElement) => {
      if (el === interaction) {
        const prompt = firstElement(el, 'qti-prompt');
        return { block: el.local !== 'qti-text-entry-interaction', paragraphs: prompt ? [markupFromXhtml(prompt.children, convertOpts())] : [] };
      }
      if (el.local === 'span' && hasClass(el, GL.unitClass)) return { block: false, paragraphs: [] };
      return undefined;
    },
  };
  const stemDiv = descendantsMatching(body, (e) => e.local === 'div' && hasClass(e, GL.stemClass)).next().value as XElement | undefined;
  const stem = preferSource(stemDiv ? attr(stemDiv, GL.src) : undefined, markupFromXhtml(body.children, stemOpts), 'block');

  const responseId = attr(interaction, 'response-identifier') ?? '';
  const declaration = declarations.get(responseId);
  if (!declaration) {
    report(interaction.local, `response-identifier "${responseId}" has no matching qti-response-declaration`);
    return { id, problems };
  }
  const cardinality = attr(declaration, 'cardinality') ?? '';
  const baseType = attr(declaration, 'base-type') ?? '';
  const correctResponse = firstElement(declaration, 'qti-correct-response');
  const correctValues = correctResponse ? elements(correctResponse, 'qti-value').map(textContent) : [];
  const mapping = firstElement(declaration, 'qti-mapping');

  const choiceFeedback: Record<string, string> = {};
  let interactionValue: unknown;

  if (interaction.local === 'qti-choice-interaction' || interaction.local === 'qti-order-interaction') {
    const choiceEls = elements(interaction, 'qti-simple-choice');
    for (const other of elements(interaction)) {
      if (other.local !== 'qti-simple-choice' && other.local !== 'qti-prompt') report(other.local, `<${other.local}> inside <${interaction.local}> is not supported`);
    }
    const qtiIds = choiceEls.map((c) => attr(c, 'identifier') ?? '');
    const choices = choiceEls.map((c) => {
      const cid = decodeIdentifier(attr(c, 'identifier') ?? '');
      const content = c.children.filter((n) => !(n.kind === 'element' && n.local === 'qti-feedback-inline'));
      const rationale = elements(c, 'qti-feedback-inline').map((f) => preferSource(attr(f, GL.src), markupFromXhtml(f.children, convertOpts('qti-feedback-inline')), 'inline'));
      if (rationale.length > 0) choiceFeedback[cid] = rationale.join('\n\n');
      return { id: cid, content: preferSource(attr(c, GL.src), markupFromXhtml(content, convertOpts('qti-simple-choice')), 'inline') };
    });
    const values = correctValues.map((v) => v.trim());
    if (values.length === 0) report('qti-response-declaration', 'the response declaration has no qti-correct-response');
    for (const v of values) {
      if (!qtiIds.includes(v)) report('qti-correct-response', `correct response "${v}" is not one of the choices (${qtiIds.join(', ')})`);
    }
    if (baseType !== 'identifier') report('qti-response-declaration', `base-type "${baseType}" does not fit a choice interaction (expected identifier)`);
    const keys = values.map(decodeIdentifier);
    if (interaction.local === 'qti-order-interaction') {
      if (cardinality !== 'ordered') report('qti-response-declaration', `an order interaction needs cardinality "ordered", not "${cardinality}"`);
      interactionValue = { type: 'order', choices, key: { correctOrder: keys } };
    } else if (cardinality === 'single') {
      if (values.length > 1) report('qti-correct-response', 'a single-choice response has more than one correct value');
      interactionValue = { type: 'single', choices, shuffle: attr(interaction, 'shuffle') === 'true', key: { correct: keys[0] } };
    } else if (cardinality === 'multiple') {
      interactionValue = { type: 'multiple', choices, shuffle: attr(interaction, 'shuffle') === 'true', key: { correct: keys, partialCredit: mapping !== undefined } };
    } else {
      report('qti-response-declaration', `cardinality "${cardinality}" is not supported for a choice interaction`);
    }
  } else {
    // qti-text-entry-interaction
    if (cardinality !== 'single') report('qti-response-declaration', `a text entry needs cardinality "single", not "${cardinality}"`);
    if (baseType === 'float' || baseType === 'integer') {
      const scoring = numericScoringRule(processing, responseId);
      const valueText = correctValues[0]?.trim() ?? (scoring?.constant !== undefined ? textContent(scoring.constant).trim() : undefined);
      const value = valueText === undefined || valueText === '' ? NaN : Number(valueText);
      if (!Number.isFinite(value)) report('qti-correct-response', valueText === undefined ? 'the numeric response has no correct value' : `correct value "${valueText}" is not a number`);
      const tolerance = scoring ? toleranceOf(scoring.rule, report) : 0;
      const unitSpan = descendantsMatching(body, (e) => e.local === 'span' && hasClass(e, GL.unitClass)).next().value as XElement | undefined;
      // data-gl-unit is exact (even ""); the visible span is the fallback for files another tool rewrote.
      const spanUnit = unitSpan ? textContent(unitSpan).trim() : '';
      const unit = attr(interaction, GL.unit) ?? (spanUnit !== '' ? spanUnit : undefined);
      interactionValue = {
        type: 'numeric',
        ...(unit !== undefined ? { unit } : {}),
        key: { value, tolerance, allowFractions: attr(interaction, GL.allowFractions) === 'true' },
      };
    } else if (baseType === 'string') {
      const entries = mapping ? elements(mapping, 'qti-map-entry').filter((e) => Number(attr(e, 'mapped-value') ?? '0') > 0) : [];
      const accepted = entries.length > 0 ? entries.map((e) => attr(e, 'map-key') ?? '') : correctValues;
      const sensitivity = new Set(entries.map((e) => (attr(e, 'case-sensitive') ?? 'true') === 'true'));
      if (sensitivity.size > 1) report('qti-mapping', 'accepted answers mix case-sensitive and case-insensitive matching; Growthline uses one setting per item');
      if (accepted.length === 0) report('qti-response-declaration', 'the text response has no correct response and no mapping of accepted answers');
      const expected = attr(interaction, 'expected-length');
      interactionValue = {
        type: 'text',
        ...(expected !== undefined ? { expectedLength: Number(expected) } : {}),
        key: { accepted, caseSensitive: sensitivity.size === 1 ? [...sensitivity][0] : true },
      };
    } else {
      report('qti-response-declaration', `base-type "${baseType}" is not supported for a text entry (use float, integer or string)`);
    }
  }

  // Feedback: the explanation and any response-keyed feedback are modal; choice rationales are inline.
  const explanationParts: string[] = [];
  for (const mf of modal) {
    const content = firstElement(mf, 'qti-content-body') ?? mf;
    const keyed = elements(content, 'div').find((d) => hasClass(d, GL.responseFeedbackClass) && attr(d, GL.key) !== undefined);
    if (keyed) {
      choiceFeedback[attr(keyed, GL.key) as string] = preferSource(attr(keyed, GL.src), markupFromXhtml(content.children, convertOpts('qti-modal-feedback')), 'block');
      continue;
    }
    const ours = elements(content, 'div').find((d) => hasClass(d, GL.explanationClass));
    const text = preferSource(ours ? attr(ours, GL.src) : undefined, markupFromXhtml(content.children, convertOpts('qti-modal-feedback')), 'block');
    if (ours || attr(mf, 'outcome-identifier') === OUTCOME.explanation) explanationParts.unshift(text);
    else if (text.trim() !== '') explanationParts.push(text);
  }
  if (explanationParts.length === 0) report('qti-modal-feedback', 'the item has no explanation: Growthline needs a qti-modal-feedback explaining the answer');

  // Metadata from the manifest resource.
  const meta = readResourceMetadata(metadata);
  for (const p of meta.problems) problems.push({ file: manifestPath, element: p.element, reason: `${p.reason} (item ${file})` });
  if (meta.standards.length === 0) {
    report('qti-assessment-item', 'the item has no curriculum standard: its manifest resource needs a curriculumStandardsMetadataSet with a labelledGUID label');
  }

  if (problems.length > 0) return { id, problems };

  const candidate = {
    id,
    version: meta.version,
    ...(meta.framework !== undefined ? { framework: meta.framework } : {}),
    standards: meta.standards,
    difficulty: meta.difficulty,
    stem,
    interaction: interactionValue,
    feedback: { explanation: explanationParts.join('\n\n'), choices: choiceFeedback },
  };
  const parsed = ItemSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      report(elementForPath(issue.path, interaction.local), `${issue.path.join('.') || 'item'}: ${issue.message}`);
    }
    return { id, problems };
  }
  return { id, item: parsed.data, problems };
}

function* descendantsMatching(node: XElement, test: (e: XElement) => boolean): Generator<XElement> {
  for (const c of node.children) {
    if (c.kind !== 'element') continue;
    if (test(c)) yield c;
    yield* descendantsMatching(c, test);
  }
}

function elementForPath(path: (string | number)[], interaction: string): string {
  switch (path[0]) {
    case 'id':
      return 'qti-assessment-item';
    case 'stem':
      return 'qti-item-body';
    case 'interaction':
      return path[1] === 'key' ? 'qti-response-declaration' : interaction;
    case 'feedback':
      return path[1] === 'choices' ? 'qti-feedback-inline' : 'qti-modal-feedback';
    case 'standards':
    case 'framework':
      return 'curriculumStandardsMetadataSet';
    default:
      return 'lom';
  }
}

/** The qti-equal that scores a numeric response, and the constant it compares with when there is no qti-correct. */
function numericScoringRule(processing: XElement | undefined, responseId: string): { rule: XElement; constant?: XElement } | undefined {
  if (!processing) return undefined;
  const equals = descendants(processing, 'qti-equal');
  const refersTo = (e: XElement, local: string) => elements(e, local).some((c) => attr(c, 'identifier') === responseId);
  const withCorrect = equals.find((e) => refersTo(e, 'qti-correct') && refersTo(e, 'qti-variable'));
  if (withCorrect) return { rule: withCorrect };
  const withConstant = equals.find((e) => refersTo(e, 'qti-variable') && firstElement(e, 'qti-base-value'));
  return withConstant ? { rule: withConstant, constant: firstElement(withConstant, 'qti-base-value') } : undefined;
}

function toleranceOf(rule: XElement, report: (element: string, reason: string) => void): number {
  const mode = attr(rule, 'tolerance-mode') ?? 'exact';
  if (mode === 'exact') return 0;
  if (mode !== 'absolute') {
    report('qti-equal', `tolerance-mode "${mode}" is not supported; Growthline tolerances are absolute`);
    return 0;
  }
  const parts = (attr(rule, 'tolerance') ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  const [low, high = low] = parts;
  if (low === undefined || !Number.isFinite(low) || !Number.isFinite(high) || low < 0) {
    report('qti-equal', `tolerance "${attr(rule, 'tolerance') ?? ''}" is not a non-negative number`);
    return 0;
  }
  if (low !== high) report('qti-equal', `asymmetric tolerance "${attr(rule, 'tolerance') ?? ''}" is not supported; Growthline tolerances are ± one value`);
  return low;
}

interface ResourceMetadata {
  standards: string[];
  framework?: string;
  version: number;
  difficulty: number;
  problems: { element: string; reason: string }[];
}

/**
 * Standards from curriculumStandardsMetadataSet (label = code, region = framework), version from LOM
 * lifeCycle, difficulty from gl:raschDifficulty, else LOM's vocabulary, else 0 (average).
 */
function readResourceMetadata(metadata: XElement | undefined): ResourceMetadata {
  const out: ResourceMetadata = { standards: [], version: 1, difficulty: 0, problems: [] };
  if (!metadata) return out;
  const regions = new Set<string>();
  // label is an xs:normalizedString, so it is taken as written; only text a tool pretty-printed over
  // several lines is trimmed.
  const normalized = (s: string) => (/[\n\r\t]/.test(s) ? s.replace(/[\n\r\t ]+/g, ' ').trim() : s);
  for (const set of descendants(metadata, 'setOfGUIDs')) {
    const region = attr(set, 'region');
    const labelled = elements(set, 'labelledGUID');
    if (region !== undefined && region.trim() !== '' && labelled.length > 0) regions.add(region);
    for (const lg of labelled) {
      const label = firstElement(lg, 'label');
      const code = label ? normalized(textContent(label)) : '';
      if (code.trim() === '') {
        const guid = firstElement(lg, 'GUID');
        out.problems.push({ element: 'labelledGUID', reason: `standard ${guid ? `"${textContent(guid).trim()}" ` : ''}has no label; Growthline needs the standard code as the label` });
      } else out.standards.push(code);
    }
  }
  if (regions.size > 1) out.problems.push({ element: 'setOfGUIDs', reason: `standards come from several frameworks (${[...regions].join(', ')}); a Growthline item belongs to one` });
  out.framework = [...regions][0];

  const lifeCycle = descendants(metadata, 'lifeCycle')[0];
  const versionEl = lifeCycle ? firstElement(lifeCycle, 'version') : undefined;
  const versionText = versionEl ? textContent(versionEl).trim() : '';
  if (/^[1-9]\d{0,8}$/.test(versionText)) out.version = Number(versionText);

  const exact = descendants(metadata, 'raschDifficulty')[0];
  const lom = descendants(metadata, 'difficulty')[0];
  const lomValue = lom ? firstElement(lom, 'value') : undefined;
  if (exact) {
    const text = textContent(exact).trim();
    const n = text === '' ? NaN : Number(text);
    if (Number.isFinite(n)) out.difficulty = n;
    else out.problems.push({ element: 'raschDifficulty', reason: `difficulty "${text}" is not a number` });
  } else if (lomValue) {
    out.difficulty = logitsFromLom(textContent(lomValue)) ?? 0;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

function readTest(
  file: string,
  root: XElement,
  base: string,
  files: Map<string, Uint8Array>,
  itemIdByPath: Map<string, string>,
  failedPaths: Set<string>,
  problems: QtiProblem[],
): QtiImportedTest | undefined {
  if (root.local !== 'qti-assessment-test') {
    problems.push({ file, element: root.local, reason: `expected a qti-assessment-test, found <${root.local}>` });
    return undefined;
  }
  const identifier = attr(root, 'identifier');
  if (!identifier) problems.push({ file, element: root.local, reason: 'the test has no identifier' });
  const sections: QtiImportedTest['sections'] = [];
  const dir = posix.dirname(file) === '.' ? '' : posix.dirname(file);

  // Items directly in a section form one entry; a nested section starts a new entry, so the flattened
  // list keeps document order.
  const readSection = (section: XElement) => {
    const title = attr(section, 'title') ?? attr(section, 'identifier') ?? '';
    let itemIds: string[] = [];
    const close = () => {
      if (itemIds.length > 0) sections.push({ title, itemIds });
      itemIds = [];
    };
    for (const child of elements(section)) {
      if (child.local === 'qti-assessment-item-ref') {
        const href = attr(child, 'href') ?? '';
        const resolved = resolveHref(base, dir, href);
        if (typeof resolved !== 'string') {
          problems.push({ file, element: child.local, reason: `item reference "${href}" ${resolved.error}` });
          continue;
        }
        const id = itemIdByPath.get(resolved);
        if (id !== undefined) itemIds.push(id);
        else if (failedPaths.has(resolved)) continue; // that item's own problems are already listed
        else if (!files.has(resolved)) problems.push({ file, element: child.local, reason: `item reference "${href}" points to a file that is not in the package` });
        else problems.push({ file, element: child.local, reason: `item reference "${href}" points to a file the manifest does not list as an item resource` });
      } else if (child.local === 'qti-assessment-section') {
        close();
        readSection(child);
      } else if (child.local === 'qti-assessment-section-ref' || child.local === 'qti-selection') {
        problems.push({ file, element: child.local, reason: `<${child.local}> is not supported; list the items in the section itself` });
      }
    }
    close();
  };
  for (const part of elements(root, 'qti-test-part')) for (const s of elements(part, 'qti-assessment-section')) readSection(s);

  return {
    id: decodeIdentifier(identifier ?? ''),
    title: attr(root, 'title') ?? '',
    itemIds: sections.flatMap((s) => s.itemIds),
    sections,
  };
}

