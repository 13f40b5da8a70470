// Shared by the calibration tests (command, API, browser): a ten-item diagnostic in a tenant's bank, taken by
// simulated students — the first few through the real delivery service, the rest stored as copies of those attempts
// with their own answers — so the responses are stored as the app stores them. One item is a trap: strong students
// pick its wrong choice "c".
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import type { LaunchContext } from '../../server/auth/session.js';
import { importBank } from '../../server/content/content.service.js';
import { ItemSchema, type Item } from '../../server/content/item.schema.js';
import { scoreResponse } from '../../server/content/scoring.js';
import { upsertCourse, upsertPerson } from '../../server/courses/course.service.js';
import { saveResponse, startOrResume, submitAttempt } from '../../server/delivery/attempt.service.js';
import { AttemptModel } from '../../server/delivery/attempt.model.js';
import { summarize, tallyByStandard } from '../../server/delivery/results.js';
import { upsertPlacement } from '../../server/placements/placement.service.js';
import { seededRandom } from '../../server/shared/seeded-random.js';

export interface CalibrationFixture {
  assessmentId: string;
  courseId: string;
  placementId: string;
  items: Item[];
  /** The item whose wrong choice "c" the strongest students pick. */
  trap: Item;
}

const choices = ['a', 'b', 'c', 'd'].map((id) => ({ id, content: `Choice ${id.toUpperCase()}` }));

function bank(prefix: string): Item[] {
  const difficulties = [-1.6, -1.2, -0.8, -0.4, 0, 0.4, 0.8, 1.2, 1.6, 0];
  return difficulties.map((difficulty, n) => ItemSchema.parse({
    id: `${prefix}-q${n + 1}`, framework: 'CCSS.Math', standards: [n % 2 ? '7.RP.A.2' : '7.RP.A.1'], difficulty,
    stem: n === 9 ? `Which ratio is equivalent to 3 : 4? (${prefix})` : `Question ${n + 1} about rates (${prefix})`,
    interaction: { type: 'single', choices, key: { correct: 'a' } },
    feedback: { explanation: 'Multiply both parts by the same number.' },
  }));
}

/** Imports the diagnostic into the tenant's bank and puts it in an activity of a new course. */
export async function seedCalibrationAssessment(tenantId: string, o: { contextId?: string } = {}): Promise<CalibrationFixture> {
  const prefix = `cal-${randomBytes(3).toString('hex')}`;
  const items = bank(prefix);
  const r = await importBank(tenantId, items, [{ id: prefix, title: `Ratios check ${prefix}`, itemIds: items.map((i) => i.id) }]);
  if (r.problems.length) throw new Error(`fixture import failed: ${JSON.stringify(r.problems)}`);
  const course = await upsertCourse({ tenantId, contextId: o.contextId ?? `course-${prefix}`, title: 'Grade 7 Math' });
  const placement = await upsertPlacement({ tenantId, courseId: course.id, resourceLinkId: `link-${prefix}`, title: 'Ratios check', assessmentId: r.assessments[0]! });
  return { assessmentId: r.assessments[0]!, courseId: course.id, placementId: placement.id, items, trap: items[9]! };
}

/** One simulated student's answer to one item: Rasch, except the trap, where anyone above average picks "c". */
function answerOf(item: Item, trap: Item, theta: number, u1: number, u2: number): string {
  if (item.id === trap.id && theta > 0) return u1 < 0.9 ? 'c' : 'a';
  return u1 < 1 / (1 + Math.exp(-(theta - item.difficulty))) ? 'a' : ['b', 'c', 'd'][Math.floor(u2 * 3)]!;
}

/**
 * `students` simulated students (abilities N(0, 1), seeded) each take the fixture once. The first `viaService` go
 * through the delivery service (start, save each answer, submit — so grades and mastery hooks run as in the app);
 * the rest are stored as copies of such an attempt with their own answers and scores (FerretDB needs about half a
 * second per student through the service, and calibration needs a class-sized sample). Returns the students' ids.
 */
export async function simulateStudents(tenantId: string, f: CalibrationFixture, students: number, seed = 7, viaService = 8): Promise<string[]> {
  const rng = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const plans = Array.from({ length: students }, (_, n) => ({ n, theta: normal(), draws: Array.from({ length: 20 }, () => rng()) }));
  const byId = new Map(f.items.map((i) => [i.id, i]));
  const ids: string[] = [];
  let template: Record<string, unknown> | null = null;
  const viaDelivery = async (p: (typeof plans)[number]) => {
    const person = await upsertPerson({ tenantId, sub: `sim-${seed}-${p.n}-${randomBytes(2).toString('hex')}` });
    ids.push(person.id);
    const ctx: LaunchContext = {
      tenantId, platformId: '000000000000000000000000', userId: person.id, roles: ['learner'], courseId: f.courseId,
      placementId: f.placementId, kind: 'resource-link', locale: 'en',
    };
    const { view } = await startOrResume(ctx);
    for (const [k, si] of view.items.entries()) {
      const choice = answerOf(byId.get(si.itemId)!, f.trap, p.theta, p.draws[2 * k]!, p.draws[2 * k + 1]!);
      await saveResponse(ctx, view.id, si.position, { type: 'single', choice }, 1);
    }
    await submitAttempt(ctx, view.id);
    template ??= (await AttemptModel.findById(view.id).lean()) as Record<string, unknown>;
  };
  const first = plans.slice(0, Math.min(viaService, plans.length));
  for (let i = 0; i < first.length; i += 4) await Promise.all(first.slice(i, i + 4).map(viaDelivery));

  const rest = plans.slice(first.length);
  if (rest.length) {
    if (!template) throw new Error('simulateStudents needs at least one student through the delivery service');
    const t = template as unknown as { items: { position: number; itemId: string; standard: string }[]; result: { standards: { code: string; description: string }[] } };
    const described = Object.fromEntries(t.result.standards.map((s) => [s.code, s.description]));
    const docs = rest.map((p) => {
      const personId = new mongoose.Types.ObjectId();
      ids.push(String(personId));
      const answers = t.items.map((pin, k) => {
        const item = byId.get(pin.itemId)!;
        const value = { type: 'single' as const, choice: answerOf(item, f.trap, p.theta, p.draws[2 * k]!, p.draws[2 * k + 1]!) };
        return { pin, value, ...scoreResponse(item, value) };
      });
      const scored = answers.map((a) => ({ standard: a.pin.standard, score: a.score }));
      const at = new Date();
      const { _id: _omit, ...rest } = template!;
      void _omit;
      return {
        ...rest, personId, startedAt: at, submittedAt: at, autoSubmitted: false,
        responses: Object.fromEntries(answers.map((a) => [`p${a.pin.position}`, { value: a.value, seq: 1, savedAt: at }])),
        ...summarize(scored),
        result: {
          ...summarize(scored),
          standards: tallyByStandard(scored).map((x) => ({ ...x, description: described[x.code] ?? '' })),
          items: answers.map((a) => ({ position: a.pin.position, score: a.score, correct: a.correct })),
        },
      };
    });
    await AttemptModel.insertMany(docs.map(({ percent: _p, ...d }) => { void _p; return d; }));
  }
  return ids;
}
