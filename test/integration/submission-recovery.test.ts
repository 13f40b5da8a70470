// A submitted attempt always reaches mastery and the grade outbox, even when the tool died right after
// storing the submission (its hooks never ran) or a hook failed: the attempt stays "not announced" and
// the re-announce job delivers it later, once, without doubling anything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptModel } from '../../server/delivery/attempt.model.js';
import { reannounceMissed } from '../../server/delivery/announce.js';
import { onAttemptSubmitted, type SubmittedAttempt } from '../../server/delivery/events.js';
import { GradeOutboxModel } from '../../server/grades/outbox.model.js';
import type { RunningTool } from '../../server/main.js';
import { MasteryEstimateModel } from '../../server/mastery/mastery.model.js';
import { createTestTenant, sessionFor, type TestSession, type TestTenant } from '../support/session.js';
import { startTestTool } from '../support/tool.js';
import { apiCaller, RIGHT, seedAssessment, WRONG } from './delivery.fixtures.js';

let tool: RunningTool;
let tenant: TestTenant;
const api = apiCaller(() => tool);
let links = 0;

beforeAll(async () => {
  tool = await startTestTool();
  tenant = await createTestTenant();
}, 60_000);
afterAll(async () => { await tool?.stop(); });

async function submittedBy(): Promise<{ student: TestSession; attemptId: string }> {
  const assessmentId = await seedAssessment(tenant.tenantId);
  const resourceLinkId = `recovery-link-${++links}`;
  const student = await sessionFor(tool, { tenant, roles: ['learner'], resourceLinkId, assessmentId });
  const started = await api(student, 'POST', '/attempts', {});
  expect(started.status).toBeLessThan(300);
  const attemptId = started.body.id as string;
  for (const p of [1, 2, 3]) expect((await api(student, 'PUT', `/attempts/${attemptId}/responses/${p}`, { value: RIGHT[p], seq: 1 })).status).toBe(200);
  for (const p of [4, 5]) expect((await api(student, 'PUT', `/attempts/${attemptId}/responses/${p}`, { value: WRONG[p], seq: 1 })).status).toBe(200);
  expect((await api(student, 'POST', `/attempts/${attemptId}/submit`, {})).status).toBe(200);
  return { student, attemptId };
}

const estimatesOf = (s: TestSession) => MasteryEstimateModel.find({ tenantId: s.ctx.tenantId, personId: s.ctx.userId }).lean();
const outboxOf = (s: TestSession) => GradeOutboxModel.find({ tenantId: s.ctx.tenantId, personId: s.ctx.userId }).lean();
const later = () => new Date(Date.now() + 60_000);

describe('a submission whose hooks did not run', () => {
  it('is recorded as announced once mastery and the grade outbox have it', async () => {
    const { student, attemptId } = await submittedBy();
    expect((await AttemptModel.findById(attemptId).lean())!.announcedAt).toBeInstanceOf(Date);
    expect((await estimatesOf(student)).length).toBe(2);
    expect((await outboxOf(student)).length).toBe(1);
  });

  it('reaches mastery and the gradebook queue when the job runs after a crash, and a second run changes nothing', async () => {
    // A crash between storing the submission and running the hooks: take the hooks away for this submit.
    const hooks = onAttemptSubmitted.splice(0, onAttemptSubmitted.length);
    let student: TestSession;
    let attemptId: string;
    try {
      ({ student, attemptId } = await submittedBy());
    } finally {
      onAttemptSubmitted.push(...hooks);
    }
    // With no hooks registered nothing failed, so the submit recorded it as announced: a crash would not have.
    await AttemptModel.updateOne({ _id: attemptId }, { $set: { announcedAt: null } });
    expect(await estimatesOf(student)).toHaveLength(0);
    expect(await outboxOf(student)).toHaveLength(0);

    // Attempts submitted after `before` are left alone: their hooks may still be running.
    expect((await reannounceMissed({ before: new Date(0) })).found).toBe(0);

    const run = await reannounceMissed({ before: later(), limit: 1000 });
    expect(run.announced).toBeGreaterThanOrEqual(1);
    const estimates = await estimatesOf(student);
    expect(estimates.map((e) => e.code).sort()).toEqual(['7.EE.A.1', '7.RP.A.1']);
    const [score] = await outboxOf(student);
    expect(score).toMatchObject({ attemptId, scoreGiven: 3, scoreMaximum: 5 });
    expect((await AttemptModel.findById(attemptId).lean())!.announcedAt).toBeInstanceOf(Date);

    const again = await reannounceMissed({ before: later(), limit: 1000 });
    expect(again.found).toBe(0);
    expect((await estimatesOf(student)).map((e) => e.appliedAttemptIds)).toEqual(estimates.map((e) => e.appliedAttemptIds));
    expect(await outboxOf(student)).toHaveLength(1);
  });

  it('stays not announced while a hook keeps failing, and is delivered once it succeeds', async () => {
    let failing = true;
    const flaky = async (_e: SubmittedAttempt) => { if (failing) throw new Error('the database went away for a moment'); };
    onAttemptSubmitted.push(flaky);
    try {
      const { attemptId } = await submittedBy();
      expect((await AttemptModel.findById(attemptId).lean())!.announcedAt ?? null).toBeNull();
      await reannounceMissed({ before: later(), limit: 1000 });
      expect((await AttemptModel.findById(attemptId).lean())!.announcedAt ?? null).toBeNull();
      failing = false;
      await reannounceMissed({ before: later(), limit: 1000 });
      expect((await AttemptModel.findById(attemptId).lean())!.announcedAt).toBeInstanceOf(Date);
    } finally {
      onAttemptSubmitted.splice(onAttemptSubmitted.indexOf(flaky), 1);
    }
  });
});
