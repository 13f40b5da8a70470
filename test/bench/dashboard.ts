// The mastery dashboard section of `npm run bench` (issue #6): seeds the tool's database directly through its
// models — one class of 40 students × 30 standards (a diagnostic, submitted attempts and mastery estimates, as the
// teacher dashboard reads them) and a district of 10,000 students × 30 standards in 400 classes (estimates with
// pre- and post-test evidence), each course's mastery snapshot written as the app writes it — then times
// GET /api/placements/:id/dashboard and GET /api/district/rollup with autocannon. Method and results: docs/performance.md, "Mastery dashboard and district roll-up".
import { readFileSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import type { SessionIssuer, LaunchContext } from '../../server/auth/session.js';
import { importBank } from '../../server/content/content.service.js';
import { ItemSchema, type Item } from '../../server/content/item.schema.js';
import { upsertCourse, upsertPerson } from '../../server/courses/course.service.js';
import { AttemptModel } from '../../server/delivery/attempt.model.js';
import { MasteryEstimateModel, masteryKey } from '../../server/mastery/mastery.model.js';
import { forgetRollups, getDistrictRollup } from '../../server/mastery/rollup.service.js';
import { MasterySnapshotModel } from '../../server/mastery/snapshot.model.js';
import { snapshotDocument, type EstimateFields } from '../../server/mastery/snapshot.js';
import { defaultModel, type AttemptKind } from '../../server/mastery/model.js';
import { upsertPlacement } from '../../server/placements/placement.service.js';
import { registerPlatform } from '../../server/tenants/tenant.service.js';
import { percentile, ROOT, runLoad, say } from './harness.js';

export interface DashboardBenchSettings {
  classStudents: number;
  standards: number;
  districtStudents: number;
  districtCourses: number;
  /** autocannon: concurrent connections, requests for the class dashboard and for the (cached) roll-up. */
  connections: number;
  requests: number;
  rollupRequests: number;
  /** Estimates per insertMany. */
  batch: number;
  /** Also time the class dashboard after the district is seeded (`requests` more requests). */
  besideDistrict: boolean;
  /** First-request roll-up passes timed in the bench process, each with the roll-up cache emptied. */
  coldPasses: number;
}

export interface RouteTiming { route: string; requests: number; non2xx: number; errors: number; p50: number; p95: number; max: number; perSecond: number }

export interface DashboardBenchResult {
  settings: DashboardBenchSettings;
  seed: { classSeconds: number; districtSeconds: number; districtEstimates: number; estimatesPerSecond: number; snapshots: number };
  dashboard: RouteTiming;
  /** The first roll-up request (one pass over the district's course snapshots), then another view cut from it. */
  rollupCold: { view: string; ms: number }[];
  /** More first-request passes (no cache), run by the bench process against the same database: p50 / p95. */
  rollupColdPasses: { passes: number; p50: number; p95: number; max: number };
  /** The roll-up as administrators get it within its one-minute cache. */
  rollupWarm: RouteTiming;
  /** The class dashboard once the district's 300,000 estimates and 400 snapshots share its collections. */
  dashboardWithDistrict: RouteTiming | null;
}

const FRAMEWORK = 'CCSS.Math';
const PRE = 'starter-g7-rp-pre';
const POST = 'starter-g7-rp-post';

/** The first `n` grade-7 standards of the shipped catalogue (real codes, so descriptions and grades resolve). */
function benchStandards(n: number): string[] {
  const all = JSON.parse(readFileSync(path.join(ROOT, 'server/content/standards/ccss-math-grade-7.json'), 'utf8')) as { code: string; kind?: string }[];
  const codes = all.filter((s) => (s.kind ?? 'standard') === 'standard').map((s) => s.code).slice(0, n);
  if (codes.length < n) throw new Error(`the grade 7 catalogue has only ${codes.length} standards`);
  return codes;
}

function benchItem(id: string, standard: string, difficulty: number): Item {
  return ItemSchema.parse({
    id, standards: [standard], difficulty, stem: `(${id}) Which is the unit rate of 3 apples for $1.50?`,
    interaction: { type: 'single', choices: [{ id: 'a', content: '$0.50' }, { id: 'b', content: '$2' }, { id: 'c', content: '$4.50' }], key: { correct: 'a' } },
    feedback: { explanation: 'Divide the price by the number of apples.', choices: { b: 'Divided the apples by the price.', c: 'Multiplied.' } },
  });
}

// A deterministic spread of answers: student s on standard k is right with a chance that rises with s.
const isRight = (s: number, k: number) => ((s * 7 + k * 13) % 40) < 12 + (s % 20);

/** Real model output for one sitting's evidence, memoised (the bench's patterns repeat). */
const estimateMemo = new Map<string, ReturnType<typeof estimateOf>>();
function estimateOf(obs: { c: number; d: number; kind: AttemptKind; at: Date }[]) {
  const state = defaultModel.update(defaultModel.initial(), obs.map((o) => ({ correct: o.c, difficulty: o.d, at: o.at, attemptKind: o.kind })));
  const e = defaultModel.estimate(state);
  return { state, pMastery: e.pMastery, level: e.level, evidence: e.evidence, abilityMean: e.ability?.mean ?? null, abilitySd: e.ability?.sd ?? null };
}
function memoEstimate(obs: { c: number; d: number; kind: AttemptKind; at: Date }[]) {
  const key = obs.map((o) => `${o.c}${o.kind}`).join('|');
  let e = estimateMemo.get(key);
  if (!e) estimateMemo.set(key, (e = estimateOf(obs)));
  return e;
}

export async function benchTenant(name: string): Promise<string> {
  const issuer = `https://${name}.bench.example.edu`;
  const { tenants } = await registerPlatform({
    issuer, clientId: 'bench', deploymentIds: ['d1'], authEndpoint: `${issuer}/auth`, tokenEndpoint: `${issuer}/token`, jwksUrl: `${issuer}/jwks`,
  });
  return String(tenants[0]!._id);
}

/** One class: a 30-item diagnostic (one item per standard), 40 submitted attempts, 40 × 30 estimates. */
export async function seedClass(tenantId: string, s: DashboardBenchSettings): Promise<{ courseId: string; placementId: string; teacherId: string }> {
  const codes = benchStandards(s.standards);
  const items = codes.map((code, k) => benchItem(`bench-dash-${k}`, code, ((k % 5) - 2) * 0.5));
  const imported = await importBank(tenantId, items, [{ id: 'bench-dash', title: 'Grade 7 diagnostic (bench)', itemIds: items.map((i) => i.id) }]);
  if (imported.problems.length) throw new Error(`bench items: ${JSON.stringify(imported.problems.slice(0, 3))}`);
  const assessmentId = imported.assessments[0]!;
  const course = await upsertCourse({ tenantId, contextId: 'bench-class', title: 'Math 7 (bench class)' });
  const placement = await upsertPlacement({ tenantId, courseId: course.id, resourceLinkId: 'bench-dash-link', title: 'Grade 7 diagnostic', assessmentId });
  const teacher = await upsertPerson({ tenantId, sub: 'bench-teacher', name: 'Bench Teacher' });
  const at = new Date(Date.now() - 86_400_000);
  const attempts = [];
  const estimates: Record<string, unknown>[] = [];
  for (let st = 0; st < s.classStudents; st++) {
    const person = await upsertPerson({ tenantId, sub: `bench-class-student-${st}`, name: `Bench Student ${String(st).padStart(2, '0')}` });
    const attemptId = new mongoose.Types.ObjectId();
    const right = items.map((_, k) => isRight(st, k));
    attempts.push({
      _id: attemptId, tenantId, courseId: course.id, placementId: placement.id, personId: person.id, preview: false, number: 1,
      assessmentId, assessmentTitle: 'Grade 7 diagnostic (bench)', formId: 'f1', status: 'submitted', startedAt: at, submittedAt: at,
      items: items.map((it, k) => ({ position: k + 1, itemId: it.id, version: 1, standard: codes[k]!, type: 'single', choiceIds: ['a', 'b', 'c'] })),
      responses: Object.fromEntries(items.map((_, k) => [`p${k + 1}`, { value: { type: 'single', choice: right[k] ? 'a' : k % 2 ? 'b' : 'c' }, seq: 1, savedAt: at }])),
      score: right.filter(Boolean).length, maxScore: items.length,
      result: {
        score: right.filter(Boolean).length, maxScore: items.length, percent: Math.round((100 * right.filter(Boolean).length) / items.length),
        standards: codes.map((code, k) => ({ code, correct: right[k] ? 1 : 0, total: 1 })),
        items: items.map((_, k) => ({ position: k + 1, score: right[k] ? 1 : 0, correct: right[k] })),
      },
    });
    for (const [k, code] of codes.entries()) {
      const evidence = { c: right[k] ? 1 : 0, d: items[k]!.difficulty };
      const e = memoEstimate([{ ...evidence, kind: 'diagnostic', at }]);
      estimates.push({
        _id: masteryKey(tenantId, course.id, person.id, FRAMEWORK, code), tenantId: new mongoose.Types.ObjectId(tenantId), courseId: new mongoose.Types.ObjectId(course.id),
        personId: new mongoose.Types.ObjectId(person.id), framework: FRAMEWORK, code, model: 'rasch-grid', ...e,
        attempts: [{ attemptId: String(attemptId), placementId: placement.id, assessmentId, kind: 'diagnostic', at, points: evidence.c, maxPoints: 1, items: [evidence] }],
        appliedAttemptIds: [String(attemptId)], rev: 1, updatedAt: at,
      });
    }
  }
  await AttemptModel.insertMany(attempts);
  await MasteryEstimateModel.collection.insertMany(estimates, { ordered: false });
  // The course's snapshot, as the mastery hook would have left it after these submissions.
  await MasterySnapshotModel.collection.insertOne(snapshotDocument(tenantId, course.id, estimates as unknown as EstimateFields[]) as never);
  return { courseId: course.id, placementId: placement.id, teacherId: teacher.id };
}

/**
 * The district: `districtStudents` students spread over `districtCourses` classes, each with an estimate on every
 * standard carrying a pre-test and a post-test sitting (the starter Grade 7 ratios pair), written with the driver's
 * insertMany in large unordered batches. People and attempts are not written: the roll-up reads estimates only.
 */
async function seedDistrict(tenantId: string, s: DashboardBenchSettings): Promise<{ estimates: number; snapshots: number }> {
  const codes = benchStandards(s.standards);
  const courseIds: string[] = [];
  for (let c = 0; c < s.districtCourses; c++) courseIds.push((await upsertCourse({ tenantId, contextId: `bench-district-${c}`, title: `School ${Math.floor(c / 20) + 1}, Math 7 section ${(c % 20) + 1}` })).id);
  const tenant = new mongoose.Types.ObjectId(tenantId);
  const preAt = new Date(Date.now() - 120 * 86_400_000);
  const postAt = new Date(Date.now() - 7 * 86_400_000);
  let batch: Record<string, unknown>[] = [];
  let written = 0;
  // Two batches in flight: the database parses one while the driver sends the next.
  const inFlight = new Set<Promise<void>>();
  const flush = async () => {
    if (!batch.length) return;
    const docs = batch;
    batch = [];
    const p = MasteryEstimateModel.collection.insertMany(docs, { ordered: false }).then(() => { written += docs.length; inFlight.delete(p); });
    inFlight.add(p);
    if (inFlight.size >= 2) await Promise.race(inFlight);
  };
  let snapshots: Record<string, unknown>[] = [];
  let snapshotsWritten = 0;
  // Course by course, so each course's snapshot is made from its estimates as they are generated.
  for (let c = 0; c < courseIds.length; c++) {
    const courseId = courseIds[c]!;
    const courseEstimates: Record<string, unknown>[] = [];
    for (let st = c; st < s.districtStudents; st += courseIds.length) {
      const personId = new mongoose.Types.ObjectId();
      for (const [k, code] of codes.entries()) {
        const pre = { c: isRight(st, k) && st % 3 === 0 ? 1 : 0, d: ((k % 5) - 2) * 0.5 };
        const post = { c: isRight(st, k) ? 1 : 0, d: ((k % 5) - 2) * 0.5 };
        const { state: _grid, ...e } = memoEstimate([{ ...pre, kind: 'pre', at: preAt }, { ...post, kind: 'post', at: postAt }]);
        batch.push({
          // The model's 121-point grid is left out (state is never read back: an update replays the attempts), which
          // makes each document a third of the size; docs/performance.md says what that does to the numbers.
          state: { model: 'rasch-grid', version: 1 },
          _id: masteryKey(tenantId, courseId, String(personId), FRAMEWORK, code), tenantId: tenant, courseId: new mongoose.Types.ObjectId(courseId), personId,
          framework: FRAMEWORK, code, model: 'rasch-grid', ...e,
          attempts: [
            { attemptId: `pre-${personId}`, placementId: 'bench', assessmentId: PRE, kind: 'pre', at: preAt, points: pre.c, maxPoints: 1, items: [pre] },
            { attemptId: `post-${personId}`, placementId: 'bench', assessmentId: POST, kind: 'post', at: postAt, points: post.c, maxPoints: 1, items: [post] },
          ],
          appliedAttemptIds: [`pre-${personId}`, `post-${personId}`], rev: 2, updatedAt: postAt,
        });
        courseEstimates.push(batch[batch.length - 1]!);
        if (batch.length >= s.batch) await flush();
      }
    }
    snapshots.push(snapshotDocument(tenantId, courseId, courseEstimates as unknown as EstimateFields[]));
    if (snapshots.length >= 50) { snapshotsWritten += snapshots.length; await MasterySnapshotModel.collection.insertMany(snapshots as never[], { ordered: false }); snapshots = []; }
  }
  await flush();
  await Promise.all(inFlight);
  if (snapshots.length) { snapshotsWritten += snapshots.length; await MasterySnapshotModel.collection.insertMany(snapshots as never[], { ordered: false }); }
  return { estimates: written, snapshots: snapshotsWritten };
}

async function timeRoute(url: string, route: string, token: string, s: DashboardBenchSettings): Promise<RouteTiming> {
  const r = await runLoad({ url: `${url}${route}`, connections: s.connections, amount: s.requests, headers: { authorization: `Bearer ${token}` }, timeout: 120 });
  return {
    route, requests: r.responses, non2xx: r.non2xx, errors: r.errors,
    p50: percentile(r.latencies, 50), p95: percentile(r.latencies, 95), max: Math.max(...r.latencies), perSecond: r.responses / r.seconds,
  };
}

async function timeOnce(url: string, route: string, token: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${url}${route}`, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${route} answered ${res.status}: ${body.slice(0, 200)}`);
  return performance.now() - started;
}

/** Seeds and times; the caller has connected mongoose to the tool's database. */
export async function runDashboardBench(o: { url: string; sessions: SessionIssuer; settings: DashboardBenchSettings }): Promise<DashboardBenchResult> {
  const s = o.settings;
  const tenantId = await benchTenant(`dash-${Date.now().toString(36)}`);
  const platformId = 'bench';
  const session = (userId: string, courseId: string, roles: LaunchContext['roles'], placementId?: string) => o.sessions.issue({
    tenantId, platformId, userId, roles, courseId, placementId, kind: 'resource-link', locale: 'en',
  });

  let started = performance.now();
  const cls = await seedClass(tenantId, s);
  const classSeconds = (performance.now() - started) / 1000;
  say(`  seeded one class: ${s.classStudents} students × ${s.standards} standards in ${classSeconds.toFixed(1)} s`);
  const teacher = await session(cls.teacherId, cls.courseId, ['instructor'], cls.placementId);
  const dashRoute = `/api/placements/${cls.placementId}/dashboard`;
  await timeOnce(o.url, dashRoute, teacher); // warm the code paths and check the route answers
  const dashboard = await timeRoute(o.url, dashRoute, teacher, s);
  say(`  dashboard: p50 ${dashboard.p50.toFixed(0)} ms, p95 ${dashboard.p95.toFixed(0)} ms (${dashboard.requests} requests, ${s.connections} connections)`);

  started = performance.now();
  const { estimates: districtEstimates, snapshots } = await seedDistrict(tenantId, s);
  const districtSeconds = (performance.now() - started) / 1000;
  say(`  seeded the district: ${districtEstimates} estimates (${s.districtStudents} students × ${s.standards} standards, ${s.districtCourses} classes) and ${snapshots} course snapshots in ${districtSeconds.toFixed(1)} s`);

  const admin = await session(cls.teacherId, cls.courseId, ['administrator']);
  const rollupCold: DashboardBenchResult['rollupCold'] = [];
  // The first request makes the one pass every view is cut from; the next ones are served from it.
  for (const view of ['', '?by=course,grade']) {
    const ms = await timeOnce(o.url, `/api/district/rollup${view}`, admin);
    rollupCold.push({ view: view || '(district)', ms });
    say(`  roll-up ${view || '(district)'}, ${rollupCold.length === 1 ? `first request (one pass over ${snapshots + 1} course snapshots, ${districtEstimates + s.classStudents * s.standards} cells)` : 'from the same pass'}: ${ms.toFixed(0)} ms`);
  }
  // A first request again and again: the tool's cache cannot be emptied from outside, so these passes run here.
  const cold: number[] = [];
  for (let i = 0; i < s.coldPasses; i++) {
    forgetRollups(tenantId);
    const t0 = performance.now();
    await getDistrictRollup(tenantId, { byCourse: true, byGrade: true });
    cold.push(performance.now() - t0);
  }
  forgetRollups(tenantId);
  const rollupColdPasses = { passes: cold.length, p50: percentile(cold, 50), p95: percentile(cold, 95), max: Math.max(...cold) };
  if (cold.length) say(`  roll-up first-request passes (bench process, no cache): p50 ${rollupColdPasses.p50.toFixed(0)} ms, p95 ${rollupColdPasses.p95.toFixed(0)} ms (${cold.length})`);
  const rollupWarm = await timeRoute(o.url, '/api/district/rollup', admin, { ...s, requests: s.rollupRequests });
  say(`  roll-up within its cache: p50 ${rollupWarm.p50.toFixed(1)} ms, p95 ${rollupWarm.p95.toFixed(1)} ms`);
  // The class's map is one snapshot read by _id, so the district's 300,000 estimates beside it should not matter.
  const dashboardWithDistrict = s.besideDistrict ? await timeRoute(o.url, dashRoute, teacher, s) : null;
  if (dashboardWithDistrict) say(`  dashboard beside the district: p50 ${dashboardWithDistrict.p50.toFixed(0)} ms, p95 ${dashboardWithDistrict.p95.toFixed(0)} ms (${dashboardWithDistrict.requests} requests)`);
  return {
    settings: s,
    seed: { classSeconds, districtSeconds, districtEstimates, estimatesPerSecond: districtEstimates / districtSeconds, snapshots },
    dashboard, rollupCold, rollupColdPasses, rollupWarm, dashboardWithDistrict,
  };
}
