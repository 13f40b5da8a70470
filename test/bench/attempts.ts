// Sections 2 and 3: a district's students taking a test at once. 1,000 students (40 classes of 25),
// sessions made as test/support/session.ts makes them, each with an attempt started through
// POST /api/attempts; then answer saves at a steady rate and stepped up, then submits.
import { seededRandom } from '../../server/shared/seeded-random.js';
import type { StudentItem } from '../../server/content/content.types.js';
import type { ResponseValue } from '../../server/content/item.schema.js';
import type { SessionIssuer } from '../../server/auth/session.js';
import type { RunningTool } from '../../server/main.js';
import { createTestTenant, sessionFor } from '../support/session.js';
import { cpuSeconds, inBatches, median, percentile, round, runAtRate, runLoad, say, sleep, type Step } from './harness.js';

export const STARTER_PRETEST = 'starter-g7-rp-pre';

export interface BenchStudent { auth: string; attemptId: string; items: StudentItem[] }

/** The same run makes the same answers. */
const random = (seed: number) => seededRandom(seed);

/** An answer of the right shape for the item, as a student clicking or typing would give. */
function answerFor(item: StudentItem, rnd: () => number): ResponseValue {
  const ids = (item.choices ?? []).map((c) => c.id);
  const pick = () => ids[Math.floor(rnd() * ids.length)]!;
  switch (item.type) {
    case 'single': return { type: 'single', choice: pick() };
    case 'multiple': return { type: 'multiple', choices: [...new Set([pick(), pick()])] };
    case 'numeric': return { type: 'numeric', text: String(Math.floor(rnd() * 40) / 2) };
    case 'text': return { type: 'text', text: rnd() < 0.5 ? 'x + 3' : '3x' };
    case 'order': return { type: 'order', order: [...ids].sort(() => rnd() - 0.5) };
  }
}

export interface Seeded { students: BenchStudent[]; sessions: number; attemptsSeconds: number; stoppedEarly: boolean }

/**
 * Tenant, 40 courses each with the starter Grade 7 ratios pre-test placed, 25 students per course,
 * and every student's attempt started through the API. The bench process writes the records with the
 * tool's own services (connected to the tool's database) and signs sessions with the tool's LTI_KEY.
 * Starting attempts stops at `attemptBudgetMs`: on FerretDB each start scans the attempts collection,
 * so 1,000 starts take far longer than the whole benchmark may (docs/performance.md); the sections
 * after this one then use the students who have an attempt, and say how many.
 */
export async function seedStudents(o: { url: string; sessions: SessionIssuer; courses: number; perCourse: number; attemptBudgetMs: number }): Promise<Seeded> {
  const tool = { app: { sessions: o.sessions } } as unknown as RunningTool; // sessionFor only uses tool.app.sessions
  const tenant = await createTestTenant('bench-district');
  // Teachers first, one course at a time, so each course's placement is created once, with its test.
  for (let c = 0; c < o.courses; c++) {
    await sessionFor(tool, { tenant, roles: ['instructor'], contextId: `bench-course-${c}`, resourceLinkId: `bench-pretest-${c}`, assessmentId: STARTER_PRETEST, userSub: `bench-teacher-${c}` });
  }
  const seats = Array.from({ length: o.courses * o.perCourse }, (_, i) => ({ course: i % o.courses, i }));
  let t0 = Date.now();
  const sessions = await inBatches(seats, 4, (s) => sessionFor(tool, {
    tenant, roles: ['learner'], contextId: `bench-course-${s.course}`, resourceLinkId: `bench-pretest-${s.course}`, userSub: `bench-student-${s.i}`,
  }));
  say(`  ${sessions.length} student sessions in ${round((Date.now() - t0) / 1000)} s`);
  t0 = Date.now();
  const deadline = t0 + o.attemptBudgetMs;
  let done = 0;
  const started = await inBatches(sessions, 4, async (s): Promise<BenchStudent | undefined> => {
    if (Date.now() > deadline) return undefined;
    const res = await fetch(`${o.url}/api/attempts`, { method: 'POST', headers: { ...s.auth, 'content-type': 'application/json' }, body: '{}' });
    const text = await res.text();
    if (res.status !== 201 && res.status !== 200) throw new Error(`POST /api/attempts answered ${res.status}: ${text.slice(0, 300)}`);
    const view = JSON.parse(text) as { id: string; items: StudentItem[] };
    if (++done % 100 === 0) say(`  … ${done} attempts started (${round((Date.now() - t0) / 1000)} s)`);
    return { auth: s.auth.authorization, attemptId: view.id, items: view.items };
  });
  const students = started.filter((s): s is BenchStudent => !!s);
  const attemptsSeconds = (Date.now() - t0) / 1000;
  say(`  ${students.length} attempts started in ${round(attemptsSeconds)} s (${students[0]?.items.length ?? 0} questions each)${students.length < sessions.length ? ' — stopped at the time budget' : ''}`);
  return { students, sessions: sessions.length, attemptsSeconds, stoppedEarly: students.length < sessions.length };
}

/** Does the tool have the delivery API yet? (404 "No API route" when the routes are not mounted.) */
export async function deliveryMounted(url: string): Promise<boolean> {
  const res = await fetch(`${url}/api/attempts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const text = await res.text();
  return !(res.status === 404 && text.includes('No API route'));
}

/** PUT …/responses/:position for students in turn, always with a newer seq, so every save is applied. */
function saveRequests(students: BenchStudent[], seed: number): Step[] {
  const rnd = random(seed);
  let next = 0;
  let seq = Date.now(); // newer than anything an earlier run stored
  return [{
    method: 'PUT',
    setupRequest: (req) => {
      const s = students[next++ % students.length]!;
      const item = s.items[Math.floor(rnd() * s.items.length)]!;
      return {
        ...req, method: 'PUT', path: `/api/attempts/${s.attemptId}/responses/${item.position}`,
        headers: { authorization: s.auth, 'content-type': 'application/json' },
        body: JSON.stringify({ value: answerFor(item, rnd), seq: ++seq }),
      };
    },
  }];
}

export interface RateStep { target: number; achieved: number; p50: number; p95: number; non2xx: number; errors: number; ok: boolean }

const stepOf = (r: Awaited<ReturnType<typeof runAtRate>>, limitMs: number): RateStep => {
  const p95 = percentile(r.latencies, 95);
  const failedShare = (r.non2xx + r.errors) / Math.max(1, r.responses);
  return {
    target: r.target, achieved: r.achieved, p50: percentile(r.latencies, 50), p95, non2xx: r.non2xx, errors: r.errors,
    ok: p95 < limitMs && r.achieved >= 0.95 * r.target && failedShare < 0.01,
  };
};

export interface SaveResults {
  steady: { target: number; runs: RateStep[]; achieved: number; p50: number; p95: number };
  steps: RateStep[];
  /** The same save for an unknown attempt (see runSaveFloor). */
  floor: SaveFloor;
  /** Highest stepped rate with p95 < 100 ms, sustained, < 1% errors; 0 when none was. */
  highestUnder100: number;
}

/** A save for an attempt that does not exist: authenticated and validated, one read by _id, a 404, no write. */
function unknownAttemptSave(s: BenchStudent, seq: number) {
  return {
    path: `/api/attempts/${'f'.repeat(24)}/responses/1`,
    headers: { authorization: s.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ value: { type: 'single', choice: 'a' }, seq }),
  };
}

/**
 * Lets the tool finish what the last run left behind before the next run: autocannon hangs up on
 * requests still in flight, which the tool and the database then finish (with the grade worker's
 * follow-up work), and the next run must not pay for them. A pause, then a probe until it is quick:
 * with students, a save for an unknown attempt, whose read queues behind whatever the database is
 * still doing (a health check's ping does not); otherwise the health check.
 */
async function settle(url: string, student?: BenchStudent, maxMs = 30_000): Promise<void> {
  await sleep(2000);
  const until = Date.now() + maxMs;
  let previous = Infinity;
  while (Date.now() < until) {
    const t0 = performance.now();
    const probe = student ? unknownAttemptSave(student, 1) : undefined;
    const ok = await (probe ? fetch(`${url}${probe.path}`, { method: 'PUT', headers: probe.headers, body: probe.body }).then((r) => r.status === 404, () => false)
      : fetch(`${url}/healthz`).then((r) => r.ok, () => false));
    const took = performance.now() - t0;
    // Settled when quick, or when two probes in a row take about as long: a queue still draining makes each
    // probe quicker than the last. (On FerretDB the read of a missing attempt scans the attempts, so what
    // "quick" is grows with them.)
    if (ok && (took < 100 || Math.abs(took - previous) <= 0.25 * previous)) return;
    previous = took;
    await sleep(250);
  }
  say(`  (the tool was still busy ${maxMs / 1000} s after the last run)`);
}

/** The parts of the save section, in the order they run. */
export const SAVE_PHASES = ['warm-up', 'floor', 'steady', 'steps'] as const;
export type SavePhase = typeof SAVE_PHASES[number];

/** `phase` hears which part of the section runs (the RSS sampler tags its samples with it). */
export async function runSaves(o: { url: string; students: BenchStudent[]; steadyRate: number; steadyRuns: number; steadySeconds: number; stepRates: number[]; stepSeconds: number; pids: { tool?: number; database?: number }; phase?: (p: SavePhase) => void }): Promise<SaveResults> {
  const probe = o.students[0];
  const phase = o.phase ?? (() => undefined);
  phase('warm-up');
  // Warm-up: JIT, connection pools, the database's page cache.
  await runAtRate({ url: o.url, rate: o.stepRates[0]!, seconds: 3, requests: saveRequests(o.students, 1) });
  // The floor first, while the database holds only the started attempts (the runs below leave more).
  phase('floor');
  const floor = await runSaveFloor({ url: o.url, students: o.students, rate: o.steadyRate, seconds: o.steadySeconds, pids: o.pids });
  // Then the steady runs at the target rate, and only then the step-up, which goes on past the target until a rate
  // fails: an overloaded run leaves a bigger heap behind (V8 keeps it), and the memory target is for the save load.
  const runs: RateStep[] = [];
  for (let i = 0; i < o.steadyRuns; i++) {
    await settle(o.url, probe);
    phase('steady');
    const r = stepOf(await runAtRate({ url: o.url, rate: o.steadyRate, seconds: o.steadySeconds, requests: saveRequests(o.students, 10 + i) }), 100);
    runs.push(r);
    say(`  saves at ${o.steadyRate}/s: achieved ${round(r.achieved)}/s, p50 ${round(r.p50)} ms, p95 ${round(r.p95)} ms${r.non2xx + r.errors ? `, ${r.non2xx} non-2xx, ${r.errors} errors` : ''}`);
  }
  const steps: RateStep[] = [];
  for (const rate of o.stepRates) {
    await settle(o.url, probe);
    phase('steps');
    const r = stepOf(await runAtRate({ url: o.url, rate, seconds: o.stepSeconds, requests: saveRequests(o.students, rate) }), 100);
    steps.push(r);
    say(`  step ${rate}/s: achieved ${round(r.achieved)}/s, p50 ${round(r.p50)} ms, p95 ${round(r.p95)} ms${r.ok ? '' : ' — over the limit'}`);
    if (!r.ok) break;
  }
  await settle(o.url, probe);
  return {
    steady: {
      target: o.steadyRate, runs,
      achieved: median(runs.map((r) => r.achieved)), p50: median(runs.map((r) => r.p50)), p95: median(runs.map((r) => r.p95)),
    },
    steps,
    floor,
    highestUnder100: Math.max(0, ...steps.filter((s) => s.ok).map((s) => s.target)),
  };
}

export interface SaveFloor extends RateStep {
  /** CPU time per request answered, where /proc shows it: the tool's process and the database server's. */
  cpuMsPerRequest: { tool?: number; database?: number };
}

/**
 * The least a save costs on this machine: the same request for an attempt that does not exist, so the
 * tool authenticates, validates and reads the attempt by _id once, then answers 404 without writing.
 * Whatever a save does beyond that comes on top, so a rate this run cannot reach, no save reaches.
 */
async function runSaveFloor(o: { url: string; students: BenchStudent[]; rate: number; seconds: number; pids: { tool?: number; database?: number } }): Promise<SaveFloor> {
  await settle(o.url, o.students[0]);
  let next = 0;
  const requests: Step[] = [{
    method: 'PUT',
    setupRequest: (req) => {
      const s = o.students[next++ % o.students.length]!;
      return { ...req, method: 'PUT', ...unknownAttemptSave(s, next) };
    },
  }];
  const before = { tool: cpuSeconds(o.pids.tool), database: cpuSeconds(o.pids.database) };
  const r = await runAtRate({ url: o.url, rate: o.rate, seconds: o.seconds, requests });
  const perRequest = (start: number | undefined, pid: number | undefined) => {
    const end = cpuSeconds(pid);
    return start === undefined || end === undefined || !r.responses ? undefined : ((end - start) * 1000) / r.responses;
  };
  const step = stepOf(r, 100);
  // Every answer is a 404 by design: count only what is not.
  return { ...step, ok: step.achieved >= 0.95 * o.rate && step.p95 < 100, cpuMsPerRequest: { tool: perRequest(before.tool, o.pids.tool), database: perRequest(before.database, o.pids.database) } };
}

export interface SubmitRun { count: number; p50: number; p95: number; perSecond: number; failures: number }
export interface SubmitResults { concurrency: number; runs: SubmitRun[]; p50: number; p95: number; perSecond: number; /** Submits sent, answered or not when a run ended. */ sent: number }

/**
 * Submits attempts, `concurrency` at a time, for `seconds` per run; each attempt once (a repeat would
 * only read the stored result), taking students in order across runs.
 */
export async function runSubmits(o: { url: string; students: BenchStudent[]; runs: number; seconds: number; concurrency: number }): Promise<SubmitResults> {
  const runs: SubmitRun[] = [];
  let next = 0;
  for (let i = 0; i < o.runs && next < o.students.length; i++) {
    let failures = 0;
    const requests: Step[] = [{
      method: 'POST',
      setupRequest: (req) => {
        // Out of unsubmitted attempts (only when a run outpaces the seeding): start over; repeats are cheap reads.
        const s = o.students[next++ % o.students.length]!;
        return { ...req, method: 'POST', path: `/api/attempts/${s.attemptId}/submit`, headers: { authorization: s.auth, 'content-type': 'application/json' }, body: '{}' };
      },
      onResponse: (status, body) => { if (status !== 200 || !body.includes('"results"')) failures++; },
    }];
    await settle(o.url, o.students[0]);
    const r = await runLoad({ url: o.url, connections: o.concurrency, duration: o.seconds, timeout: 60, requests });
    const run = { count: r.responses, p50: percentile(r.latencies, 50), p95: percentile(r.latencies, 95), perSecond: r.responses / r.seconds, failures: failures + r.errors };
    runs.push(run);
    say(`  ${run.count} submits, ${o.concurrency} at a time: p50 ${round(run.p50)} ms, p95 ${round(run.p95)} ms, ${round(run.perSecond, 2)}/s${run.failures ? `, ${run.failures} failed` : ''}`);
  }
  await settle(o.url, o.students[0]);
  return {
    concurrency: o.concurrency, runs, sent: next,
    p50: median(runs.map((r) => r.p50)), p95: median(runs.map((r) => r.p95)), perSecond: median(runs.map((r) => r.perSecond)),
  };
}
