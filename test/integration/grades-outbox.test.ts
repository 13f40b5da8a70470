// The grade outbox's rules on the real database, with the worker's clock in the test's hands: leases
// keep two workers off one score and expire when a worker dies; a send that finishes late never marks
// a newer score sent; the newest score always wins; failures back off and then give up.
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertCourse, upsertPerson } from '../../server/courses/course.service.js';
import { connectDatabase, ensureIndexes, type DatabaseHandle } from '../../server/db/connection.js';
import { GradeOutboxModel, outboxKey } from '../../server/grades/outbox.model.js';
import {
  claimScore, findDueScores, levelSummary, meets, queueScore, releaseAllLeases, settleFailedTry, settleSent, type ScoreToQueue,
} from '../../server/grades/outbox.service.js';
import { startGradeWorker } from '../../server/grades/worker.js';
import { createLogger } from '../../server/log.js';
import { configureToolKeys } from '../../server/lti/keys.js';
import { upsertPlacement } from '../../server/placements/placement.service.js';
import { registerPlatform } from '../../server/tenants/tenant.service.js';
import { testDatabaseUri } from '../support/tool.js';

let db: DatabaseHandle;
let tenantId: string;
let courseId: string;
let links = 0;
const silent = createLogger('silent');

beforeAll(async () => {
  const base = testDatabaseUri().replace(/\/[^/]*$/, '/');
  db = await connectDatabase({ mongodbUri: `${base}gl_test_outbox_${randomBytes(4).toString('hex')}`, dataDir: 'data' });
  await ensureIndexes();
  configureToolKeys({ ltiKey: randomBytes(24).toString('hex'), production: false });
  // An LMS whose token endpoint is down (nothing listens on port 9 of this machine).
  const { tenants } = await registerPlatform({
    issuer: 'https://lms.example.edu', clientId: 'c', deploymentIds: ['d'], authEndpoint: 'http://127.0.0.1:9/auth',
    tokenEndpoint: 'http://127.0.0.1:9/token', jwksUrl: 'http://127.0.0.1:9/jwks',
  });
  tenantId = String(tenants[0]!._id);
  courseId = (await upsertCourse({ tenantId, contextId: 'c-1', title: 'Math', lineItemsUrl: 'http://127.0.0.1:9/lineitems' })).id;
});
afterAll(async () => {
  await db?.close();
});

async function student(): Promise<string> {
  return (await upsertPerson({ tenantId, sub: `s-${randomBytes(4).toString('hex')}` })).id;
}
async function placement(lineItemUrl?: string): Promise<string> {
  return (await upsertPlacement({ tenantId, courseId, resourceLinkId: `rl-${++links}`, title: 'Quiz', ...(lineItemUrl ? { lineItemUrl } : {}) })).id;
}
const score = (placementId: string, personId: string, at: Date, scoreGiven = 5): ScoreToQueue => ({
  tenantId, courseId, placementId, personId, attemptId: `a-${at.getTime()}`, scoreGiven, scoreMaximum: 10, timestamp: at,
});
const stored = async (placementId: string, personId: string) =>
  (await GradeOutboxModel.findById(outboxKey(tenantId, placementId, personId)).lean())!;
const T = (s: number) => new Date(Date.UTC(2030, 0, 1) + s * 1000);

describe('leases', () => {
  it('keeps a second worker off a claimed score, and lets it take over once a crashed worker\'s lease expires', async () => {
    const [p, s] = [await placement(), await student()];
    await queueScore(score(p, s, T(0)));
    // Far in the future of the records' nextTryAt: due for both workers, whatever the real clock says.
    const now = new Date(Date.now() + 3600_000);
    const [found] = (await findDueScores(now, 1000)).filter((d) => d._id === outboxKey(tenantId, p, s));
    const a = await claimScore(found!, 'worker-a', now, 60_000);
    expect(a).toMatchObject({ status: 'sending', leaseOwner: 'worker-a' });
    expect(await claimScore(found!, 'worker-b', new Date(now.getTime() + 59_000), 60_000)).toBeNull();
    expect((await findDueScores(new Date(now.getTime() + 59_000), 1000)).some((d) => d._id === found!._id)).toBe(false);

    // worker-a dies; its lease runs out; worker-b finds and takes the score.
    const later = new Date(now.getTime() + 61_000);
    const [again] = (await findDueScores(later, 1000)).filter((d) => d._id === found!._id);
    const b = await claimScore(again!, 'worker-b', later, 60_000);
    expect(b).toMatchObject({ leaseOwner: 'worker-b' });
    // The dead worker's late answer changes nothing; the live one's does.
    expect(await settleSent(a!, 'worker-a', later)).toBe(false);
    expect(await settleSent(b!, 'worker-b', later)).toBe(true);
    expect(await stored(p, s)).toMatchObject({ status: 'sent', tries: 1, leaseOwner: null });
  });

  it('does not mark a newer score sent when the send of an older one finishes after it arrived', async () => {
    const [p, s] = [await placement(), await student()];
    await queueScore(score(p, s, T(0), 3));
    const now = new Date(Date.now() + 3600_000);
    const [found] = (await findDueScores(now, 1000)).filter((d) => d._id === outboxKey(tenantId, p, s));
    const job = await claimScore(found!, 'w', now, 60_000);
    expect(await queueScore(score(p, s, T(10), 8))).toBe('queued'); // a newer attempt, mid-send
    expect(await settleSent(job!, 'w', now)).toBe(false);
    const after = await stored(p, s);
    expect(after).toMatchObject({ status: 'pending', scoreGiven: 8, tries: 0, leaseOwner: null });
    expect(after.leaseUntil.getTime()).toBe(0);

    // The same for a failure: the newer score keeps a clean record.
    const [next] = (await findDueScores(now, 1000)).filter((d) => d._id === after._id);
    const job2 = await claimScore(next!, 'w', now, 60_000);
    await queueScore(score(p, s, T(20), 9));
    expect(await settleFailedTry(job2!, 'w', now, 'boom', 500, null)).toBe(false);
    expect(await stored(p, s)).toMatchObject({ status: 'pending', scoreGiven: 9, lastError: null, tries: 0 });
  });

  it('hands everything a stopping worker holds back to the queue', async () => {
    const [p, s1, s2] = [await placement(), await student(), await student()];
    await queueScore(score(p, s1, T(0)));
    await queueScore(score(p, s2, T(0)));
    const now = new Date(Date.now() + 3600_000);
    for (const d of (await findDueScores(now, 1000)).filter((x) => String(x.placementId) === p)) await claimScore(d, 'stopping', now, 600_000);
    await releaseAllLeases('stopping');
    for (const s of [s1, s2]) {
      const d = await stored(p, s);
      expect([d.status, d.leaseOwner, d.leaseUntil.getTime()]).toEqual(['pending', null, 0]);
    }
  });
});

describe('the newest score wins', () => {
  it('keeps the newest of any scores, in any order, even when they arrive at once', async () => {
    await fc.assert(fc.asyncProperty(
      fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 6 }),
      fc.boolean(),
      async (seconds, together) => {
        const [p, s] = [await placement(), await student()];
        const queue = (t: number) => queueScore(score(p, s, T(t), t % 11));
        if (together) await Promise.all(seconds.map(queue));
        else for (const t of seconds) await queue(t);
        const d = await stored(p, s);
        expect(d.timestamp.getTime()).toBe(T(Math.max(...seconds)).getTime());
        expect(d.scoreGiven).toBe(Math.max(...seconds) % 11);
      },
    ), { numRuns: 12 });
  }, 60_000);

  it('ignores the same score queued twice (a repeated submit hook)', async () => {
    const [p, s] = [await placement(), await student()];
    expect(await queueScore(score(p, s, T(5)))).toBe('queued');
    expect(await queueScore(score(p, s, T(5)))).toBe('kept-newer');
    expect((await stored(p, s)).rev).toBe(1);
  });

  it('refuses a score that is not a score', async () => {
    const [p, s] = [await placement(), await student()];
    await expect(queueScore({ ...score(p, s, T(0)), scoreMaximum: 0 })).rejects.toThrow(/scoreMaximum > 0/);
    await expect(queueScore({ ...score(p, s, T(0)), scoreGiven: Number.NaN })).rejects.toThrow(/scoreGiven/);
  });
});

describe('the worker, on a clock the test moves', () => {
  it('backs off after each failed try, never tries early, and gives up after the configured tries', async () => {
    const [p, s] = [await placement('http://127.0.0.1:9/lineitems/1'), await student()];
    let clock = Date.now() + 10 * 3600_000;
    const worker = startGradeWorker({
      log: silent, now: () => clock, random: () => 1, backoff: { baseMs: 60_000, capMs: 3600_000, maxTries: 3 }, pollMs: 60_000,
    });
    try {
      await queueScore(score(p, s, T(0)));
      const tried = async (n: number) => {
        for (let i = 0; i < 200 && (await stored(p, s)).tries < n; i++) await new Promise((r) => setTimeout(r, 25));
        return stored(p, s);
      };
      let d = await tried(1);
      expect(d).toMatchObject({ status: 'pending', tries: 1 });
      expect(d.lastError).toMatch(/could not get the LMS's permission/);
      expect(d.nextTryAt.getTime() - clock).toBeGreaterThanOrEqual(60_000 - 5);

      clock += 59_000; // not yet due
      await worker.idle();
      expect((await stored(p, s)).tries).toBe(1);

      clock += 2_000;
      worker.wake();
      d = await tried(2);
      expect(d).toMatchObject({ status: 'pending', tries: 2 });
      expect(d.nextTryAt.getTime() - clock).toBeGreaterThanOrEqual(120_000 - 5); // doubled

      clock += 121_000;
      worker.wake();
      d = await tried(3);
      expect(d).toMatchObject({ status: 'failed', tries: 3 });
    } finally {
      await worker.stop();
    }
  });

  it('fails at once, in words a teacher can act on, when the LMS gave the activity no gradebook', async () => {
    const noGrades = (await upsertCourse({ tenantId, contextId: 'ungraded-course', title: 'Club' })).id;
    const p = (await upsertPlacement({ tenantId, courseId: noGrades, resourceLinkId: `rl-${++links}`, title: 'Survey' })).id;
    const s = await student();
    const worker = startGradeWorker({ log: silent, pollMs: 50 });
    try {
      await queueScore({ ...score(p, s, T(0)), courseId: noGrades });
      let d = await stored(p, s);
      for (let i = 0; i < 200 && d.status !== 'failed'; i++) { await new Promise((r) => setTimeout(r, 25)); d = await stored(p, s); }
      expect(d).toMatchObject({ status: 'failed', tries: 1 });
      expect(d.lastError).toMatch(/no gradebook for this activity.*Make the activity graded in the LMS, then resend/);
    } finally {
      await worker.stop();
    }
  });
});

describe('conditions checked by the tool (FerretDB path)', () => {
  it('means what MongoDB means by them', () => {
    const id = new GradeOutboxModel.base.Types.ObjectId();
    const doc = { tenantId: id, rev: 2, status: 'pending', leaseOwner: null, nextTryAt: new Date(1000), leaseUntil: new Date(0) };
    expect(meets(doc, { tenantId: new GradeOutboxModel.base.Types.ObjectId(id.toHexString()), rev: 2, leaseOwner: null })).toBe(true);
    expect(meets(doc, { status: { $in: ['pending', 'sending'] }, nextTryAt: { $lte: new Date(1000) }, leaseUntil: { $lt: new Date(1) } })).toBe(true);
    expect(meets(doc, { rev: 3 })).toBe(false);
    expect(meets(doc, { nextTryAt: { $lt: new Date(1000) } })).toBe(false);
    expect(meets(doc, { missing: { $lt: new Date(5) } })).toBe(false);
    expect(meets(doc, { leaseOwner: 'someone' })).toBe(false);
    expect(meets({ ...doc, leaseOwner: undefined }, { leaseOwner: null })).toBe(true);
  });
});

describe('the gradebook comment', () => {
  it('lists standards by level, codes only', () => {
    expect(levelSummary([
      { code: '7.RP.A.1', correct: 3, total: 3, level: 'got-it' },
      { code: '7.EE.A.1', correct: 0, total: 2, level: 'not-yet' },
      { code: '7.RP.A.2', correct: 1, total: 2, level: 'almost' },
      { code: '7.RP.A.3', correct: 2, total: 2, level: 'got-it' },
    ])).toBe('Growthline mastery by standard — got it: 7.RP.A.1, 7.RP.A.3; almost: 7.RP.A.2; not yet: 7.EE.A.1');
    expect(levelSummary([])).toBe('');
  });
});

