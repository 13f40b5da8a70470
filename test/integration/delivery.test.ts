// Taking an assessment end to end against the real app and database: start and resume, saves that
// survive retries and reordering, one attempt however many starts race, scoring per standard, attempt
// limits, time limits with accommodations, staff previews, teacher routes, and a server killed mid-attempt.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/db/embedded.js';
import { AttemptModel } from '../../server/delivery/attempt.model.js';
import { onAttemptSubmitted, type SubmittedAttempt } from '../../server/delivery/events.js';
import type { RunningTool } from '../../server/main.js';
import { createTestTenant, sessionFor, type TestSession, type TestTenant } from '../support/session.js';
import { startTestTool, testDatabaseUri } from '../support/tool.js';
import { apiCaller, backdateAttempt, EE, leakedSecrets, RIGHT, RP, seedAssessment, WRONG, type ApiAnswer } from './delivery.fixtures.js';

const LTI_KEY = randomBytes(24).toString('hex');
let tool: RunningTool;
let tenant: TestTenant;
const children: ChildProcess[] = [];
const submitted: SubmittedAttempt[] = [];
const record = async (e: SubmittedAttempt) => { submitted.push(e); };

beforeAll(async () => {
  tool = await startTestTool({ LTI_KEY });
  tenant = await createTestTenant();
  onAttemptSubmitted.push(record);
});
afterAll(async () => {
  onAttemptSubmitted.splice(onAttemptSubmitted.indexOf(record), 1);
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await tool?.stop();
});

let api = apiCaller(() => tool);
let links = 0;

/** A new activity in the course with its own fixture assessment, and a way to make its students. */
async function activity(settings: Parameters<typeof seedAssessment>[1] = {}) {
  const assessmentId = await seedAssessment(tenant.tenantId, settings);
  const resourceLinkId = `delivery-link-${++links}`;
  const teacher = await sessionFor(tool, { tenant, roles: ['instructor'], resourceLinkId, assessmentId, userName: 'Ms Rivera' });
  const student = (o: { name?: string; locale?: string } = {}) =>
    sessionFor(tool, { tenant, roles: ['learner'], resourceLinkId, userName: o.name, locale: o.locale });
  return { assessmentId, placementId: teacher.ctx.placementId!, teacher, student };
}

const save = (s: TestSession, id: string, position: number, value: unknown, seq: number) =>
  api(s, 'PUT', `/attempts/${id}/responses/${position}`, { value, seq });

async function answerAll(s: TestSession, id: string, answers: Record<number, unknown>) {
  for (const [p, v] of Object.entries(answers)) expect((await save(s, id, Number(p), v, 1)).status).toBe(200);
}

describe('starting and resuming', () => {
  it('starts an attempt, then resumes the same one with the answers already saved', async () => {
    const { student, assessmentId } = await activity();
    const me = await student();
    const first = await api(me, 'POST', '/attempts', {});
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'in-progress', preview: false, assessment: { id: assessmentId }, responses: {}, flags: [], deadline: null, readAloud: false });
    expect(first.body.items.map((i: { position: number; type: string }) => [i.position, i.type])).toEqual([[1, 'single'], [2, 'multiple'], [3, 'numeric'], [4, 'text'], [5, 'order']]);

    const saved = await save(me, first.body.id, 1, RIGHT[1], 1);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ position: 1, seq: 1, stale: false });
    expect((await api(me, 'PUT', `/attempts/${first.body.id}/flags`, { flags: [4, 2, 4] })).body).toEqual({ flags: [2, 4] });

    const again = await api(me, 'POST', '/attempts', {});
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.responses).toEqual({ 1: { value: RIGHT[1], seq: 1 } });
    expect(again.body.flags).toEqual([2, 4]);
    const read = await api(me, 'GET', `/attempts/${first.body.id}`);
    expect(read.body.responses).toEqual(again.body.responses);
    expect(Date.parse(read.body.serverTime)).toBeGreaterThan(0);
  });

  it('creates exactly one attempt when five starts arrive at once', async () => {
    const { student } = await activity();
    const me = await student();
    const answers = await Promise.all(Array.from({ length: 5 }, () => api(me, 'POST', '/attempts', {})));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await AttemptModel.countDocuments({ tenantId: tenant.tenantId, personId: me.ctx.userId })).toBe(1);
  });

  it('says plainly that the activity has no assessment yet', async () => {
    const s = await sessionFor(tool, { tenant, roles: ['learner'], resourceLinkId: 'no-assessment-link' });
    const r = await api(s, 'POST', '/attempts', {});
    expect(r.status).toBe(404);
    expect(r.body.detail).toMatch(/no assessment yet/);
  });
});

describe('saving answers', () => {
  it('keeps the newest answer when saves arrive out of order or twice, and says which were stale', async () => {
    const { student } = await activity();
    const me = await student();
    const { body: attempt } = await api(me, 'POST', '/attempts', {});
    const newest = { type: 'multiple', choices: ['a', 'c'] };
    const r3 = await save(me, attempt.id, 2, newest, 3);
    const r1 = await save(me, attempt.id, 2, { type: 'multiple', choices: ['b'] }, 1);
    const r2 = await save(me, attempt.id, 2, { type: 'multiple', choices: ['d'] }, 2);
    const dup = await save(me, attempt.id, 2, newest, 3);
    expect(r3.body).toMatchObject({ position: 2, seq: 3, stale: false });
    for (const r of [r1, r2, dup]) {
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ position: 2, seq: 3, stale: true, savedAt: r3.body.savedAt });
    }
    expect((await api(me, 'GET', `/attempts/${attempt.id}`)).body.responses[2]).toEqual({ value: newest, seq: 3 });
  });

  it('ends with the highest sequence number when many saves race', { repeats: 2 }, async () => {
    const { student } = await activity();
    const me = await student();
    const { body: attempt } = await api(me, 'POST', '/attempts', {});
    const seqs = Array.from({ length: 20 }, (_, n) => n + 1).sort(() => Math.random() - 0.5);
    const answers = await Promise.all(seqs.map((seq) => save(me, attempt.id, 3, { type: 'numeric', text: String(seq) }, seq)));
    expect(answers.filter((a) => a.status !== 200).map((a) => a.text)).toEqual([]);
    expect(answers.find((a, n) => seqs[n] === 20)!.body.stale).toBe(false);
    expect((await api(me, 'GET', `/attempts/${attempt.id}`)).body.responses[3]).toEqual({ value: { type: 'numeric', text: '20' }, seq: 20 });
  });

  it('keeps every answer when answers to different questions are saved at the same moment', async () => {
    const { student } = await activity();
    const me = await student();
    const { body: attempt } = await api(me, 'POST', '/attempts', {});
    const answers = await Promise.all(Object.entries(RIGHT).map(([p, v]) => save(me, attempt.id, Number(p), v, 7)));
    expect(answers.map((a) => a.body.stale)).toEqual([false, false, false, false, false]);
    const { body } = await api(me, 'GET', `/attempts/${attempt.id}`);
    expect(body.responses).toEqual(Object.fromEntries(Object.entries(RIGHT).map(([p, v]) => [p, { value: v, seq: 7 }])));
  });

  it('refuses answers of the wrong kind, unknown choices and questions that do not exist', async () => {
    const { student } = await activity();
    const me = await student();
    const { body: attempt } = await api(me, 'POST', '/attempts', {});
    const cases: [number, unknown, number, number][] = [
      [1, { type: 'numeric', text: '3' }, 1, 400],
      [1, { type: 'single', choice: 'zz' }, 1, 400],
      [2, { type: 'multiple', choices: ['a', 'a'] }, 1, 400],
      [5, { type: 'order', order: ['x', 'q'] }, 1, 400],
      [1, { type: 'single', choice: 'a' }, 0, 400],
      [1, { type: 'telepathy' }, 1, 400],
      [9, { type: 'single', choice: 'a' }, 1, 404],
    ];
    for (const [position, value, seq, status] of cases) {
      const r = await save(me, attempt.id, position, value, seq);
      expect(r.status, JSON.stringify(value)).toBe(status);
      expect(r.body.detail).toBeTruthy();
    }
    expect((await save(me, attempt.id, 1, { type: 'single', choice: null }, 1)).status).toBe(200);
    expect((await api(me, 'PUT', `/attempts/${attempt.id}/flags`, { flags: [99] })).status).toBe(400);
  });
});

describe('submitting', () => {
  it('scores on the server per standard, with levels and next steps, and gives the same results again', async () => {
    const { student } = await activity();
    const me = await student({ name: 'Ana' });
    const { body: attempt } = await api(me, 'POST', '/attempts', {});
    await answerAll(me, attempt.id, { 1: RIGHT[1], 2: RIGHT[2], 3: RIGHT[3], 4: RIGHT[4], 5: WRONG[5] });
    const before = submitted.length;
    const done = await api(me, 'POST', `/attempts/${attempt.id}/submit`, {});
    expect(done.status).toBe(200);
    const results = done.body.results;
    expect(results).toMatchObject({ attemptId: attempt.id, score: 4, maxScore: 5, percent: 80 });
    expect(results.standards.map((s: { code: string; correct: number; total: number; level: string }) => [s.code, s.correct, s.total, s.level]))
      .toEqual([[RP, 3, 3, 'got-it'], [EE, 1, 2, 'almost']]);
    for (const s of results.standards) {
      expect(s.description.length).toBeGreaterThan(10);
      expect(s.nextStep).toContain(s.description.trim().replace(/\.$/, ''));
    }
    expect(results.items).toBeUndefined();

    expect((await api(me, 'POST', `/attempts/${attempt.id}/submit`, {})).body.results).toEqual(results);
    expect((await api(me, 'GET', `/attempts/${attempt.id}/results`)).body).toEqual(results);
    expect((await api(me, 'GET', `/attempts/${attempt.id}`)).body.status).toBe('submitted');
    expect((await save(me, attempt.id, 5, RIGHT[5], 2)).status).toBe(409);

    // Announced once, to mastery and grade passback.
    const events = submitted.slice(before).filter((e) => e.attemptId === attempt.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ personId: me.ctx.userId, score: 4, maxScore: 5, autoSubmitted: false });
  });

  it('gives a blank attempt "not yet" everywhere, in Spanish for a Spanish session', async () => {
    const { student } = await activity();
    const me = await student({ locale: 'es' });
    const { body: attempt } = await api(me, 'POST', '/attempts', {});
    const { body } = await api(me, 'POST', `/attempts/${attempt.id}/submit`, {});
    expect(body.results).toMatchObject({ score: 0, percent: 0 });
    expect(body.results.standards.map((s: { level: string }) => s.level)).toEqual(['not-yet', 'not-yet']);
    expect(body.results.standards[0].nextStep).toMatch(/La habilidad/);
  });

  it('shows correct answers and explanations only when the assessment allows it', async () => {
    const { student } = await activity({ showCorrectAnswers: true });
    const me = await student();
    const { body: attempt } = await api(me, 'POST', '/attempts', {});
    await answerAll(me, attempt.id, { 1: WRONG[1], 3: RIGHT[3] });
    const { body } = await api(me, 'POST', `/attempts/${attempt.id}/submit`, {});
    expect(body.results.items).toHaveLength(5);
    expect(body.results.items[0]).toMatchObject({ position: 1, correct: false, response: WRONG[1], correctAnswer: { type: 'single', choice: 'b' } });
    expect(body.results.items[0].explanation).toContain('<math');
    expect(body.results.items[1]).toMatchObject({ position: 2, correct: false, response: null, correctAnswer: { type: 'multiple', choices: ['a', 'c'] } });
    expect(body.results.items[2]).toMatchObject({ position: 3, correct: true });
  });

  it('never sends a key or correctness to a student before submitting', async () => {
    const { student } = await activity({ showCorrectAnswers: true, timeLimitMinutes: 30 });
    const me = await student();
    const seen: ApiAnswer[] = [];
    const start = await api(me, 'POST', '/attempts', {});
    seen.push(start, await api(me, 'POST', '/attempts', {}));
    for (const [p, v] of Object.entries(RIGHT)) seen.push(await save(me, start.body.id, Number(p), v, 1));
    seen.push(await save(me, start.body.id, 1, RIGHT[1], 1));
    seen.push(await save(me, start.body.id, 1, { type: 'single', choice: 'nope' }, 2));
    seen.push(await api(me, 'PUT', `/attempts/${start.body.id}/flags`, { flags: [1] }));
    seen.push(await api(me, 'GET', `/attempts/${start.body.id}`));
    seen.push(await api(me, 'GET', `/attempts/${start.body.id}/results`));
    expect(seen.map((s) => s.status)).toEqual([201, 200, 200, 200, 200, 200, 200, 200, 400, 200, 200, 409]);
    expect(leakedSecrets(seen)).toEqual([]);
  });

  it('keeps a submission when a hook fails', async () => {
    const { student } = await activity();
    const me = await student();
    const failing = async () => { throw new Error('mastery is down'); };
    onAttemptSubmitted.unshift(failing);
    try {
      const { body: attempt } = await api(me, 'POST', '/attempts', {});
      await answerAll(me, attempt.id, { 1: RIGHT[1] });
      const done = await api(me, 'POST', `/attempts/${attempt.id}/submit`, {});
      expect(done.status).toBe(200);
      expect(done.body.results.score).toBe(1);
      expect(submitted.some((e) => e.attemptId === attempt.id)).toBe(true); // later hooks still ran
    } finally {
      onAttemptSubmitted.splice(onAttemptSubmitted.indexOf(failing), 1);
    }
  });
});

describe('attempt limits', () => {
  it('refuses a second attempt when only one is allowed, pointing at the first', async () => {
    const { student } = await activity({ attemptsAllowed: 1 });
    const me = await student();
    const { body: attempt } = await api(me, 'POST', '/attempts', {});
    await api(me, 'POST', `/attempts/${attempt.id}/submit`, {});
    const again = await api(me, 'POST', '/attempts', {});
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/already submitted this assessment/);
    expect(again.body.attemptId).toBe(attempt.id);
  });

  it('allows a new attempt after submitting while attempts are left', async () => {
    const { student } = await activity({ attemptsAllowed: 2 });
    const me = await student();
    const first = (await api(me, 'POST', '/attempts', {})).body;
    await api(me, 'POST', `/attempts/${first.id}/submit`, {});
    const second = await api(me, 'POST', '/attempts', {});
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.id);
    expect(second.body.responses).toEqual({});
    await api(me, 'POST', `/attempts/${second.body.id}/submit`, {});
    const third = await api(me, 'POST', '/attempts', {});
    expect(third.status).toBe(409);
    expect(third.body.detail).toMatch(/all 2 attempts/);
  });
});

describe('time limits', () => {
  it('accepts answers during the grace period, then refuses them and submits what was saved', async () => {
    const { student, teacher, placementId } = await activity({ timeLimitMinutes: 10 });
    const me = await student();
    const { body: attempt } = await api(me, 'POST', '/attempts', {});
    expect(Date.parse(attempt.deadline) - Date.parse(attempt.startedAt)).toBe(10 * 60_000);
    await answerAll(me, attempt.id, { 1: RIGHT[1] });

    await backdateAttempt(attempt.id, 10.5); // 30 s past the deadline: inside the 60 s grace
    expect((await save(me, attempt.id, 2, RIGHT[2], 1)).body.stale).toBe(false);

    await backdateAttempt(attempt.id, 1); // 90 s past the deadline
    const late = await save(me, attempt.id, 3, RIGHT[3], 1);
    expect(late.status).toBe(409);
    expect(late.body.detail).toMatch(/Time is up/);
    const view = await api(me, 'GET', `/attempts/${attempt.id}`);
    expect(view.body.status).toBe('submitted');
    expect(Object.keys(view.body.responses)).toEqual(['1', '2']);
    const results = await api(me, 'GET', `/attempts/${attempt.id}/results`);
    expect(results.body).toMatchObject({ score: 2, maxScore: 5 });
    expect(submitted.find((e) => e.attemptId === attempt.id)).toMatchObject({ autoSubmitted: true, score: 2 });

    // Anything that touches a late attempt submits it: here, the teacher's list.
    const other = await student({ name: 'Late Larry' });
    const { body: second } = await api(other, 'POST', '/attempts', {});
    await answerAll(other, second.id, { 4: RIGHT[4] });
    await backdateAttempt(second.id, 12);
    const list = await api(teacher, 'GET', `/placements/${placementId}/attempts`);
    expect(list.body.attempts.find((a: { id: string }) => a.id === second.id)).toMatchObject({ status: 'submitted', score: 1, student: { displayName: 'Late Larry' } });
  });

  it('gives extended time, applies a change of accommodation to a running attempt, and allows unlimited time', async () => {
    const { student, teacher, placementId } = await activity({ timeLimitMinutes: 10 });
    const extended = await student();
    const r = await api(teacher, 'PUT', `/placements/${placementId}/accommodations/${extended.ctx.userId}`, { timeMultiplier: 1.5, readAloud: true });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ placementId, personId: extended.ctx.userId, timeMultiplier: 1.5, readAloud: true });
    const { body: a1 } = await api(extended, 'POST', '/attempts', {});
    expect(Date.parse(a1.deadline) - Date.parse(a1.startedAt)).toBe(15 * 60_000);
    expect(a1.readAloud).toBe(true);
    await backdateAttempt(a1.id, 12); // past the plain limit, inside the extended one
    expect((await save(extended, a1.id, 1, RIGHT[1], 1)).status).toBe(200);

    const changed = await student();
    const { body: a2 } = await api(changed, 'POST', '/attempts', {});
    expect(Date.parse(a2.deadline) - Date.parse(a2.startedAt)).toBe(10 * 60_000);
    await api(teacher, 'PUT', `/placements/${placementId}/accommodations/${changed.ctx.userId}`, { timeMultiplier: 2, readAloud: false });
    const { body: a2now } = await api(changed, 'GET', `/attempts/${a2.id}`);
    expect(Date.parse(a2now.deadline) - Date.parse(a2now.startedAt)).toBe(20 * 60_000);
    await backdateAttempt(a2.id, 12); // past the plain limit, inside the doubled one
    expect((await save(changed, a2.id, 1, RIGHT[1], 1)).status).toBe(200);
    // Taken back to plain time while answering: the very next save is refused and the attempt submitted.
    await api(teacher, 'PUT', `/placements/${placementId}/accommodations/${changed.ctx.userId}`, { timeMultiplier: 1, readAloud: false });
    expect((await save(changed, a2.id, 2, RIGHT[2], 1)).status).toBe(409);
    expect((await api(changed, 'GET', `/attempts/${a2.id}`)).body.status).toBe('submitted');

    const unlimited = await student();
    await api(teacher, 'PUT', `/placements/${placementId}/accommodations/${unlimited.ctx.userId}`, { timeMultiplier: null, readAloud: false });
    const { body: a3 } = await api(unlimited, 'POST', '/attempts', {});
    expect(a3.deadline).toBeNull();
    await backdateAttempt(a3.id, 5 * 60);
    expect((await save(unlimited, a3.id, 1, RIGHT[1], 1)).status).toBe(200);
    expect((await api(unlimited, 'GET', `/attempts/${a3.id}`)).body.status).toBe('in-progress');

    expect((await api(teacher, 'PUT', `/placements/${placementId}/accommodations/${unlimited.ctx.userId}`, { timeMultiplier: 0.5, readAloud: false })).status).toBe(400);
    expect((await api(teacher, 'PUT', `/placements/${placementId}/accommodations/000000000000000000000000`, { timeMultiplier: 2, readAloud: false })).status).toBe(404);
  });
});

describe('staff', () => {
  it('previews an attempt that is scored for them but never counted, listed or announced', async () => {
    const { teacher, placementId, student } = await activity({ attemptsAllowed: 1 });
    const before = submitted.length;
    const p = await api(teacher, 'POST', '/attempts', {});
    expect(p.status).toBe(201);
    expect(p.body.preview).toBe(true);
    await answerAll(teacher, p.body.id, { 1: RIGHT[1] });
    const done = await api(teacher, 'POST', `/attempts/${p.body.id}/submit`, {});
    expect(done.body.results.score).toBe(1);
    expect(submitted.length).toBe(before);
    // Not counted: the teacher may preview again even though students get one attempt.
    const again = await api(teacher, 'POST', '/attempts', {});
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(p.body.id);
    expect((await api(teacher, 'GET', `/placements/${placementId}/attempts`)).body).toEqual({ attempts: [] });

    const me = await student({ name: 'Bea' });
    const { body: mine } = await api(me, 'POST', '/attempts', {});
    const list = await api(teacher, 'GET', `/placements/${placementId}/attempts`);
    expect(list.body.attempts).toEqual([{ id: mine.id, student: { id: me.ctx.userId, displayName: 'Bea' }, status: 'in-progress', startedAt: mine.startedAt }]);
  });

  it('changes a placement\'s assessment only until a student starts', async () => {
    const { teacher, placementId, student } = await activity();
    const other = await seedAssessment(tenant.tenantId);
    await api(teacher, 'POST', '/attempts', {}); // a preview does not lock it
    const changed = await api(teacher, 'PUT', `/placements/${placementId}`, { assessmentId: other });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: placementId, assessmentId: other });
    expect((await api(teacher, 'PUT', `/placements/${placementId}`, { assessmentId: 'no-such-assessment' })).status).toBe(400);

    const me = await student();
    const { body: attempt } = await api(me, 'POST', '/attempts', {});
    expect(attempt.assessment.id).toBe(other);
    const locked = await api(teacher, 'PUT', `/placements/${placementId}`, { assessmentId: other });
    expect(locked.status).toBe(409);
    expect(locked.body.detail).toMatch(/already started/);
  });
});

describe('a server killed mid-attempt', () => {
  function startToolProcess(dbName: string): Promise<{ url: string; child: ChildProcess }> {
    return freePort().then((port) => new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        env: {
          ...process.env, MONGODB_URI: `${testDatabaseUri().replace(/\/[^/]*$/, '/')}${dbName}`, PORT: String(port), HOST: '127.0.0.1',
          LTI_KEY, LOG_LEVEL: 'error', NODE_ENV: 'test',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let out = '';
      const timer = setTimeout(() => reject(new Error(`tool did not start:\n${out}`)), 90_000);
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = /Growthline is running at (\S+)/.exec(out);
        if (m) { clearTimeout(timer); resolve({ url: m[1]!, child }); }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`tool exited with ${code}:\n${out}`)); });
    }));
  }

  it('loses no acknowledged answer when the server is killed and another one takes over', async () => {
    const { student } = await activity();
    const me = await student();
    const first = await startToolProcess(tool.db.dbName);
    api = apiCaller(() => first);
    try {
      const { body: attempt } = await api(me, 'POST', '/attempts', {});
      await answerAll(me, attempt.id, { 1: RIGHT[1], 2: RIGHT[2] });
      // Keep saving question 3 with rising sequence numbers, and kill the server without warning mid-stream.
      let acked = 0;
      let enough: () => void = () => undefined;
      const fiveAcked = new Promise<void>((r) => { enough = r; });
      const writer = (async () => {
        for (let seq = 1; ; seq++) {
          const r = await save(me, attempt.id, 3, { type: 'numeric', text: String(seq) }, seq).catch(() => null);
          if (!r) return;
          if (r.status === 200 && !r.body.stale) acked = r.body.seq;
          if (acked >= 5) enough();
        }
      })();
      await fiveAcked;
      first.child.kill('SIGKILL');
      await writer;
      expect(acked).toBeGreaterThanOrEqual(5);

      const second = await startToolProcess(tool.db.dbName);
      api = apiCaller(() => second);
      const { body: resumed } = await api(me, 'POST', '/attempts', {});
      expect(resumed.id).toBe(attempt.id);
      expect(resumed.responses[1]).toEqual({ value: RIGHT[1], seq: 1 });
      expect(resumed.responses[2]).toEqual({ value: RIGHT[2], seq: 1 });
      expect(resumed.responses[3].seq).toBeGreaterThanOrEqual(acked);
      expect(resumed.responses[3].value).toEqual({ type: 'numeric', text: String(resumed.responses[3].seq) });

      expect((await save(me, attempt.id, 3, RIGHT[3], resumed.responses[3].seq + 1)).body.stale).toBe(false);
      const done = await api(me, 'POST', `/attempts/${attempt.id}/submit`, {});
      expect(done.body.results).toMatchObject({ score: 3, maxScore: 5 });
      second.child.kill('SIGTERM');
    } finally {
      api = apiCaller(() => tool);
    }
  }, 180_000);
});
