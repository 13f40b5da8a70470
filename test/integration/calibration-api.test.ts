// GET /api/calibration and POST /api/calibration/run against the real app: who may read and who may recalculate,
// that a district never sees another's report, and that two runs for one district never overlap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planDifficulties } from '../../server/adaptive/adaptive-plan.js';
import { claimOnce } from '../../server/db/once.js';
import type { RunningTool } from '../../server/main.js';
import { createTestTenant, sessionFor, type TestSession, type TestTenant } from '../support/session.js';
import { startTestTool } from '../support/tool.js';
import { seedCalibrationAssessment, simulateStudents, type CalibrationFixture } from './calibration.fixtures.js';

let tool: RunningTool;
let district: TestTenant;
let fixture: CalibrationFixture;
const s = {} as Record<'teacher' | 'assistant' | 'admin' | 'learner' | 'elsewhere', TestSession>;

beforeAll(async () => {
  tool = await startTestTool({ GRADES_WORKER: 'off' });
  district = await createTestTenant();
  const away = await createTestTenant();
  fixture = await seedCalibrationAssessment(district.tenantId);
  await simulateStudents(district.tenantId, fixture, 45, 3, 2);
  s.teacher = await sessionFor(tool, { tenant: district, roles: ['instructor'] });
  s.assistant = await sessionFor(tool, { tenant: district, roles: ['teaching-assistant'] });
  s.admin = await sessionFor(tool, { tenant: district, roles: ['administrator'], contextId: 'course-9', resourceLinkId: 'link-9' });
  s.learner = await sessionFor(tool, { tenant: district, roles: ['learner'] });
  s.elsewhere = await sessionFor(tool, { tenant: away, roles: ['instructor'] });
}, 180_000);
afterAll(async () => { await tool?.stop(); });

async function call(who: TestSession, method: 'GET' | 'POST', path: string, body?: unknown) {
  const res = await fetch(`${tool.url}/api${path}`, { method, headers: { ...who.auth, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() as any, cache: res.headers.get('cache-control') };
}

describe('the calibration API', () => {
  it('shows staff an empty report, with the Recalculate button only for instructors and administrators', async () => {
    const t = await call(s.teacher, 'GET', '/calibration');
    expect(t.status).toBe(200);
    expect(t.body).toEqual({ reports: [], canRun: true });
    expect(t.cache).toBe('no-store');
    expect((await call(s.assistant, 'GET', '/calibration')).body).toEqual({ reports: [], canRun: false });
  });

  it('refuses learners both routes, and teaching assistants a recalculation', async () => {
    expect((await call(s.learner, 'GET', '/calibration')).status).toBe(403);
    expect((await call(s.learner, 'POST', '/calibration/run', {})).status).toBe(403);
    expect((await call(s.assistant, 'POST', '/calibration/run', {})).status).toBe(403);
  });

  it('recalculates for the caller\'s district: flagged questions first, with the flag and its numbers', async () => {
    const r = await call(s.teacher, 'POST', '/calibration/run', {});
    expect(r.status).toBe(200);
    expect(r.body.stored).toBe(1);
    const [report] = r.body.reports;
    expect(report.framework).toBe('CCSS.Math');
    expect(report.trigger).toBe('staff');
    expect(report.summary).toMatchObject({ sittings: 45, responses: 450, items: 10 });
    const trap = report.items.find((i: { itemId: string }) => i.itemId === fixture.trap.id);
    const flag = trap.flags.find((f: { code: string }) => f.code === 'distractor-attracts-strong');
    expect(flag.choiceId).toBe('c');
    const row = trap.distractors.find((d: { choiceId: string }) => d.choiceId === 'c');
    expect(row.strongShare).toBeGreaterThan(row.weakShare);
    const flagged = report.items.map((i: { flags: unknown[] }) => i.flags.length > 0);
    expect(flagged).toEqual([...flagged].sort((a, b) => Number(b) - Number(a)));
    // Another course's administrator in the district reads the same report.
    expect((await call(s.admin, 'GET', '/calibration?framework=CCSS.Math')).body.reports[0].id).toBe(report.id);
  });

  it('never shows one district\'s report to another', async () => {
    const other = await call(s.elsewhere, 'GET', '/calibration');
    expect(other.status).toBe(200);
    expect(other.body.reports).toEqual([]);
    const run = await call(s.elsewhere, 'POST', '/calibration/run', {});
    expect(run.status).toBe(200);
    expect(run.body.reports).toEqual([]);
  });

  it('makes new adaptive plans and fixed-form scale scores use the district\'s calibrated difficulties, and only its own', async () => {
    const report = (await call(s.teacher, 'GET', '/calibration')).body.reports[0];
    const mine = await planDifficulties(district.tenantId, fixture.items);
    for (const it of fixture.items) {
      const row = report.items.find((r: { itemId: string; version: number }) => r.itemId === it.id && r.version === it.version);
      expect(mine.get(`${it.id}@${it.version}`)).toBeCloseTo(row.difficulty, 3);
    }
    expect(fixture.items.some((it) => Math.abs(mine.get(`${it.id}@${it.version}`)! - it.difficulty) > 0.05)).toBe(true);
    // Another district, and a newer version of an item, still route with the author's difficulty.
    const theirs = await planDifficulties(s.elsewhere.ctx.tenantId, fixture.items);
    for (const it of fixture.items) expect(theirs.get(`${it.id}@${it.version}`)).toBe(it.difficulty);
    const edited = { ...fixture.items[0]!, version: fixture.items[0]!.version + 1, difficulty: 0.123 };
    expect((await planDifficulties(district.tenantId, [edited])).get(`${edited.id}@${edited.version}`)).toBe(0.123);
  });

  it('filters by framework and checks the query', async () => {
    expect((await call(s.teacher, 'GET', '/calibration?framework=NGSS')).body.reports).toEqual([]);
    const bad = await call(s.teacher, 'GET', '/calibration?framework=');
    expect(bad.status).toBe(400);
    expect((await call(s.teacher, 'POST', '/calibration/run', { framework: 7 })).status).toBe(400);
  });

  it('answers 409 while another run holds the district, and takes over a run that died', async () => {
    expect(await claimOnce('calibration', district.tenantId, new Date(Date.now() + 60_000))).toBe(true);
    const busy = await call(s.teacher, 'POST', '/calibration/run', {});
    expect(busy.status).toBe(409);
    expect(busy.body.detail).toContain('already running');
    // The held claim expires (as when the process running it died): the next run clears it and goes ahead.
    const { OnceClaimModel } = await import('../../server/db/once.js');
    await OnceClaimModel.updateOne({ _id: `calibration:${district.tenantId}` }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const r = await call(s.teacher, 'POST', '/calibration/run', {});
    expect(r.status).toBe(200);
    expect(r.body.stored).toBe(0); // nothing new was submitted
    expect(await OnceClaimModel.countDocuments({ _id: `calibration:${district.tenantId}` })).toBe(0);
  });
});
