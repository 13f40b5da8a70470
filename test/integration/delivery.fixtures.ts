// Shared by the delivery integration tests: a small assessment with one item of each interaction
// type over two standards (imported through the content service, settings set per test), an API
// caller, and a check that a JSON body carries no answer key or correctness.
import { randomBytes } from 'node:crypto';
import { importBank } from '../../server/content/content.service.js';
import { AssessmentModel } from '../../server/content/content.model.js';
import type { AssessmentSettings } from '../../server/content/content.types.js';
import { ItemSchema, type Item, type ResponseValue } from '../../server/content/item.schema.js';
import { AttemptModel } from '../../server/delivery/attempt.model.js';
import { forgetAttempt } from '../../server/delivery/answer-journal.js';
import type { RunningTool } from '../../server/main.js';
import type { TestSession } from '../support/session.js';

export const RP = '7.RP.A.1';
export const EE = '7.EE.A.1';

const choices = (...ids: string[]) => ids.map((id) => ({ id, content: `Choice ${id.toUpperCase()}` }));

function items(prefix: string): Item[] {
  const base = { framework: 'CCSS.Math', difficulty: 0, feedback: { explanation: 'Divide the distance by the time: \\( 5 \\div 2 = 2.5 \\).' } };
  return [
    { id: `${prefix}-single`, standards: [RP], stem: 'Which is the unit rate?', interaction: { type: 'single', choices: choices('a', 'b', 'c'), key: { correct: 'b' } } },
    { id: `${prefix}-multiple`, standards: [RP], stem: 'Pick both rates.', interaction: { type: 'multiple', choices: choices('a', 'b', 'c', 'd'), key: { correct: ['a', 'c'] } } },
    { id: `${prefix}-numeric`, standards: [RP], stem: '5 miles in 2 hours: miles per hour?', interaction: { type: 'numeric', key: { value: 2.5 } } },
    { id: `${prefix}-text`, standards: [EE], stem: 'Write x plus three.', interaction: { type: 'text', key: { accepted: ['x+3'] } } },
    { id: `${prefix}-order`, standards: [EE], stem: 'Order the steps.', interaction: { type: 'order', choices: choices('x', 'y', 'z'), key: { correctOrder: ['z', 'x', 'y'] } } },
  ].map((i) => ItemSchema.parse({ ...base, ...i }));
}

/** Right and wrong answers for positions 1–5 of the fixture assessment. */
export const RIGHT: Record<number, ResponseValue> = {
  1: { type: 'single', choice: 'b' },
  2: { type: 'multiple', choices: ['c', 'a'] },
  3: { type: 'numeric', text: '2.5' },
  4: { type: 'text', text: 'x + 3' },
  5: { type: 'order', order: ['z', 'x', 'y'] },
};
export const WRONG: Record<number, ResponseValue> = {
  1: { type: 'single', choice: 'a' },
  2: { type: 'multiple', choices: ['a'] },
  3: { type: 'numeric', text: '10' },
  4: { type: 'text', text: '3x' },
  5: { type: 'order', order: ['x', 'y', 'z'] },
};

/** A diagnostic with one form (positions 1–3 measure RP, 4–5 EE) in the tenant's bank. */
export async function seedAssessment(tenantId: string, settings: Partial<AssessmentSettings> = {}): Promise<string> {
  const prefix = `dlv-${randomBytes(4).toString('hex')}`;
  const bank = items(prefix);
  const r = await importBank(tenantId, bank, [{ id: prefix, title: `Rates check ${prefix}`, itemIds: bank.map((i) => i.id) }]);
  if (r.problems.length) throw new Error(`fixture import failed: ${JSON.stringify(r.problems)}`);
  const id = r.assessments[0]!;
  // The content API has no settings editor for imported tests yet: set them on the stored assessment.
  await AssessmentModel.updateOne({ _id: id }, { $set: { settings: { attemptsAllowed: 1, timeLimitMinutes: null, showCorrectAnswers: false, ...settings } } });
  return id;
}

/** Moves an attempt's clock back, as if it had started `minutes` earlier. */
export async function backdateAttempt(attemptId: string, minutes: number): Promise<void> {
  const a = await AttemptModel.findById(attemptId, { startedAt: 1, deadline: 1 }).lean();
  if (!a) throw new Error(`no attempt ${attemptId}`);
  const shift = (d: Date) => new Date(d.getTime() - minutes * 60_000);
  await AttemptModel.updateOne({ _id: attemptId }, { $set: { startedAt: shift(a.startedAt), deadline: a.deadline ? shift(a.deadline) : null } });
  forgetAttempt(attemptId); // changed behind the tool's back: its next save reads the attempt again
}

export interface ApiAnswer { status: number; body: any; text: string }

export function apiCaller(tool: () => Pick<RunningTool, 'url'>) {
  return async (s: TestSession | undefined, method: string, path: string, body?: unknown): Promise<ApiAnswer> => {
    const res = await fetch(`${tool().url}/api${path}`, {
      method,
      headers: { ...(s ? s.auth : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
  };
}

export const SECRET_FIELDS = ['key', 'correct', 'feedback', 'explanation', 'accepted', 'correctOrder'];

/** Every property name anywhere in a JSON value. */
export function propertyNames(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) propertyNames(v, into);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) { into.add(k); propertyNames(v, into); }
  }
  return into;
}

/** The secret field names a learner-reachable body carries (should be none before submit). */
export function leakedSecrets(answers: ApiAnswer[]): string[] {
  const names = new Set<string>();
  for (const a of answers) {
    propertyNames(a.body, names);
    for (const f of SECRET_FIELDS) if (a.text.includes(`"${f}"`)) names.add(f);
  }
  return SECRET_FIELDS.filter((f) => names.has(f));
}
