// The fixed names both directions of the QTI exchange agree on: namespaces, resource types,
// class names and data-* attributes of the Growthline profile, identifier encoding, and the
// mapping between Rasch difficulty and the coarse LOM difficulty vocabulary.

export const NS = {
  qti: 'http://www.imsglobal.org/xsd/imsqtiasi_v3p0',
  cp: 'http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1',
  csm: 'http://www.imsglobal.org/xsd/qti/qtiv3p0/imscsmd_v1p1',
  lom: 'http://ltsc.ieee.org/xsd/LOM',
  mathml: 'http://www.w3.org/1998/Math/MathML',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  /** Growthline's own extension namespace (only used inside LOM, which allows foreign elements). */
  gl: 'urn:growthline:qti:1',
} as const;

export const SCHEMA_LOCATION = {
  qti: `${NS.qti} https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0p1_v1p0.xsd`,
  cp: `${NS.cp} https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd`,
} as const;

export const RESOURCE_TYPE = { item: 'imsqti_item_xmlv3p0', test: 'imsqti_test_xmlv3p0' } as const;

export const RP_TEMPLATE = {
  matchCorrect: 'https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml',
  mapResponse: 'https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml',
} as const;

/** Class names and data-* attributes that carry what plain QTI has no place for. */
export const GL = {
  stemClass: 'gl-stem',
  explanationClass: 'gl-explanation',
  responseFeedbackClass: 'gl-response-feedback',
  unitClass: 'gl-unit',
  responseClass: 'gl-response',
  /** The exact Growthline markup a piece of XHTML was rendered from. */
  src: 'data-gl-src',
  /** On modal feedback for numeric/text items: the response the feedback is keyed to. */
  key: 'data-gl-key',
  allowFractions: 'data-gl-allow-fractions',
  unit: 'data-gl-unit',
  explanationId: 'explanation',
} as const;

export const OUTCOME = { score: 'SCORE', maxScore: 'MAXSCORE', feedback: 'FEEDBACK', explanation: 'EXPLANATION' } as const;
export const RESPONSE_ID = 'RESPONSE';

// ---------------------------------------------------------------------------------------------
// Identifiers
// ---------------------------------------------------------------------------------------------
// QTI identifiers and manifest resource identifiers are XML names: they must start with a letter or "_".
// Growthline item and choice ids may start with a digit ("1", "6rp-001"), so ids that are not already
// safe are written as "gl-" + the id, with any other unsafe character as _xHHHH_. Ids that start with
// "gl-" themselves are always prefixed, so decoding is unambiguous.

const SAFE_ID = /^[A-Za-z][A-Za-z0-9._-]*$/;

export function encodeIdentifier(id: string): string {
  if (SAFE_ID.test(id) && !id.startsWith('gl-')) return id;
  let out = 'gl-';
  for (const ch of id) {
    out += /[A-Za-z0-9.-]/.test(ch) ? ch : `_x${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}_`;
  }
  return out;
}

export function decodeIdentifier(id: string): string {
  if (!id.startsWith('gl-')) return id;
  return id.slice(3).replace(/_x([0-9A-F]{4,6})_/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)));
}

// ---------------------------------------------------------------------------------------------
// Difficulty
// ---------------------------------------------------------------------------------------------
// LOM's educational/difficulty is a five-step vocabulary; Growthline stores Rasch logits. Export writes
// both (the vocabulary for other tools, the exact logits in a gl: element); import prefers the logits.

export const LOM_DIFFICULTY = ['very easy', 'easy', 'medium', 'difficult', 'very difficult'] as const;

export function lomDifficulty(logits: number): (typeof LOM_DIFFICULTY)[number] {
  if (logits < -1.5) return 'very easy';
  if (logits < -0.5) return 'easy';
  if (logits <= 0.5) return 'medium';
  if (logits <= 1.5) return 'difficult';
  return 'very difficult';
}

export function logitsFromLom(value: string): number | undefined {
  const i = (LOM_DIFFICULTY as readonly string[]).indexOf(value.trim().toLowerCase());
  return i < 0 ? undefined : i - 2;
}

export const GROWTHLINE_TOOL = { name: 'Growthline', version: '0.1.0' } as const;
