// On FerretDB an answer save is one insert into the answer journal, checked against the attempt as held in memory
// (server/delivery/answer-journal.ts). What a student and a district rely on must hold all the same: every saved
// answer is shown on resume and scored at submit, even when nothing is held in memory any more (a restart); the
// journal empties once the test is submitted; a student's deletion takes their journal too, and the tool stops
// taking answers for the deleted attempt; at start, entries no open attempt needs are removed.
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseEngine } from '../../server/db/engine.js';
import { journalPruned, liveAttempts, openJournal, pruneJournal } from '../../server/delivery/answer-journal.js';
import { AnswerEntryModel, AttemptModel } from '../../server/delivery/attempt.model.js';
import type { RunningTool } from '../../server/main.js';
import { deleteStudentData } from '../../server/privacy/privacy.service.js';
import { createTestTenant, sessionFor, type TestSession, type TestTenant } from '../support/session.js';
import { startTestTool } from '../support/tool.js';
import { apiCaller, RIGHT, seedAssessment, WRONG } from './delivery.fixtures.js';

let tool: RunningTool;
let tenant: TestTenant;
let ferret = false;
const api = apiCaller(() => tool);
let links = 0;

beforeAll(async () => {
  tool = await startTestTool();
  tenant = await createTestTenant();
  ferret = (await databaseEngine()) === 'ferretdb';
});
afterAll(async () => {
  await tool?.stop();
});

async function startedAttempt(): Promise<{ me: TestSession; id: string }> {
  const assessmentId = await seedAssessment(tenant.tenantId);
  const resourceLinkId = `journal-link-${++links}`;
  await sessionFor(tool, { tenant, roles: ['instructor'], resourceLinkId, assessmentId });
  const me = await sessionFor(tool, { tenant, roles: ['learner'], resourceLinkId });
  const started = await api(me, 'POST', '/attempts', {});
  expect(started.status).toBe(201);
  return { me, id: started.body.id as string };
}

const save = (s: TestSession, id: string, position: number, value: unknown, seq: number) =>
  api(s, 'PUT', `/attempts/${id}/responses/${position}`, { value, seq });
const journalOf = (id: string) => AnswerEntryModel.countDocuments({ attemptId: new mongoose.Types.ObjectId(id) });

describe('answers saved to the journal', () => {
  it('are shown on resume and scored at submit, newest seq winning, and the journal empties once submitted', async () => {
    const { me, id } = await startedAttempt();
    expect((await save(me, id, 1, WRONG[1], 1)).status).toBe(200);
    expect((await save(me, id, 1, RIGHT[1], 2)).body).toMatchObject({ seq: 2, stale: false });
    const late = await save(me, id, 1, WRONG[1], 1); // a retry that arrives after a newer answer
    expect(late.body).toMatchObject({ seq: 2, stale: true });
    expect((await save(me, id, 2, RIGHT[2], 1)).status).toBe(200);
    expect(await journalOf(id)).toBe(ferret ? 3 : 0);

    const resumed = await api(me, 'POST', '/attempts', {});
    expect(resumed.body.responses).toEqual({ 1: { value: RIGHT[1], seq: 2 }, 2: { value: RIGHT[2], seq: 1 } });

    const submitted = await api(me, 'POST', `/attempts/${id}/submit`, {});
    expect(submitted.status).toBe(200);
    expect(submitted.body.results.score).toBe(2);
    const stored = await AttemptModel.findById(id).lean();
    expect(stored!.responses).toMatchObject({ p1: { value: RIGHT[1], seq: 2 }, p2: { value: RIGHT[2], seq: 1 } });
    await journalPruned();
    expect(await journalOf(id)).toBe(0);
    expect((await save(me, id, 3, RIGHT[3], 1)).status).toBe(409);
  });

  it('are all read back from the database when the tool starts again, for resume, stale checks and submit', async () => {
    const { me, id } = await startedAttempt();
    for (const p of [1, 2, 3]) expect((await save(me, id, p, RIGHT[p], 5)).status).toBe(200);
    // What a start does: nothing held, the journal read afresh.
    await openJournal();
    expect(liveAttempts()).toBe(ferret ? 1 : 0);
    expect((await api(me, 'GET', `/attempts/${id}`)).body.responses).toEqual({ 1: { value: RIGHT[1], seq: 5 }, 2: { value: RIGHT[2], seq: 5 }, 3: { value: RIGHT[3], seq: 5 } });
    await openJournal();
    expect((await save(me, id, 2, WRONG[2], 4)).body).toMatchObject({ seq: 5, stale: true });
    expect((await save(me, id, 4, RIGHT[4], 1)).status).toBe(200);
    await openJournal();
    const submitted = await api(me, 'POST', `/attempts/${id}/submit`, {});
    expect(submitted.body.results.score).toBe(4);
  });

  it('go with a student\'s deleted data, and the tool takes no more answers for the deleted attempt', async () => {
    const { me, id } = await startedAttempt();
    expect((await save(me, id, 1, RIGHT[1], 1)).status).toBe(200);
    expect(await journalOf(id)).toBe(ferret ? 1 : 0);
    const report = await deleteStudentData(tenant.tenantId, { personId: me.ctx.userId });
    if (ferret) expect(report.deleted['answer_journal']).toBe(1);
    expect(await journalOf(id)).toBe(0);
    expect((await save(me, id, 2, RIGHT[2], 1)).status).toBe(404);
    expect(await journalOf(id)).toBe(0);
  });
});

describe('pruning the journal at start', () => {
  it('removes the entries of submitted and deleted attempts and keeps those of open ones', async () => {
    await journalPruned(); // the submissions above delete their own entries in the background
    const open = await startedAttempt();
    expect((await save(open.me, open.id, 1, RIGHT[1], 1)).status).toBe(200);
    const done = await startedAttempt();
    await AttemptModel.updateOne({ _id: done.id }, { $set: { status: 'submitted' } }); // a fold whose prune never ran
    const entry = (attemptId: mongoose.Types.ObjectId) => ({
      tenantId: new mongoose.Types.ObjectId(tenant.tenantId), courseId: new mongoose.Types.ObjectId(), personId: new mongoose.Types.ObjectId(),
      attemptId, position: 1, value: RIGHT[1], seq: 1, savedAt: new Date(),
    });
    await AnswerEntryModel.collection.insertMany([entry(new mongoose.Types.ObjectId(done.id)), entry(new mongoose.Types.ObjectId())]);

    expect(await pruneJournal()).toBe(2);
    expect(await journalOf(done.id)).toBe(0);
    expect(await journalOf(open.id)).toBe(ferret ? 1 : 0);
    expect((await api(open.me, 'GET', `/attempts/${open.id}`)).body.responses).toEqual({ 1: { value: RIGHT[1], seq: 1 } });
  });
});
