// The Content API against the real app and database: item bank browsing, authoring with versions,
// who may see and change what, and assessments assembled from blueprints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAssessment, getItemVersions, importBank, toStudentItem } from '../../server/content/content.service.js';
import type { AssessmentDetail, AssessmentSummary, ItemView } from '../../server/content/content.types.js';
import { seedContent } from '../../server/content/seed.js';
import type { RunningTool } from '../../server/main.js';
import { createTestTenant, sessionFor, type TestSession, type TestTenant } from '../support/session.js';
import { startTestTool } from '../support/tool.js';

let tool: RunningTool;
let tenant: TestTenant;
let teacher: TestSession;
let learner: TestSession;
let otherCourseTeacher: TestSession;
let otherTenantTeacher: TestSession;

beforeAll(async () => {
  tool = await startTestTool();
  tenant = await createTestTenant();
  const other = await createTestTenant();
  teacher = await sessionFor(tool, { tenant, roles: ['instructor'] });
  learner = await sessionFor(tool, { tenant, roles: ['learner'] });
  otherCourseTeacher = await sessionFor(tool, { tenant, roles: ['instructor'], contextId: 'course-2', resourceLinkId: 'link-2' });
  otherTenantTeacher = await sessionFor(tool, { tenant: other, roles: ['instructor'] });
});
afterAll(async () => { await tool?.stop(); });

async function call(session: TestSession | null, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(`${tool.url}${path}`, {
    method,
    headers: { ...(session ? session.auth : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
}

const draft = (over: Record<string, unknown> = {}) => ({
  standards: ['7.RP.A.1'],
  difficulty: 0.2,
  stem: 'A recipe uses \\( \\frac{1}{2} \\) cup of sugar for every \\( \\frac{1}{4} \\) cup of milk. How many cups of sugar per cup of milk?',
  interaction: { type: 'numeric', key: { value: 2 } },
  feedback: { explanation: 'Divide: \\( \\frac{1}{2} \\div \\frac{1}{4} = 2 \\).' },
  ...over,
});

describe('browsing the item bank', () => {
  it('filters the starter items by grade and by standard, with keys and rendered math for staff', async () => {
    const { status, body } = await call(teacher, 'GET', '/api/items?grade=7&standard=7.RP.A.1');
    expect(status).toBe(200);
    expect(body.total).toBe(6);
    const items = body.items as ItemView[];
    expect(items).toHaveLength(6);
    for (const item of items) {
      expect(item.standards).toContain('7.RP.A.1');
      expect(item.owner).toBe('starter');
      expect(item.editable).toBe(false);
      expect(item.interaction).toHaveProperty('key');
    }
    expect(items.some((i) => i.html.stem.includes('<math'))).toBe(true);
  });

  it('filters by a domain, by interaction type and pages through a grade', async () => {
    const domain = await call(teacher, 'GET', '/api/items?standard=7.RP&limit=100');
    expect(domain.body.total).toBe(18);
    const orders = await call(teacher, 'GET', '/api/items?grade=6&type=order');
    expect(orders.body.total).toBeGreaterThan(0);
    expect((orders.body.items as ItemView[]).every((i) => i.interaction.type === 'order')).toBe(true);
    const page2 = await call(teacher, 'GET', '/api/items?grade=A1&limit=5&page=2');
    expect(page2.body.items).toHaveLength(5);
    expect(page2.body.total).toBe(52);
  });

  it('answers a bad filter with a 400 naming it', async () => {
    const { status, body } = await call(teacher, 'GET', '/api/items?type=essay');
    expect(status).toBe(400);
    expect(body.errors[0].field).toBe('type');
  });

  it('lists the standards of a grade with the clusters and domains above them, for anyone signed in', async () => {
    const { status, body } = await call(learner, 'GET', '/api/standards?grade=7');
    expect(status).toBe(200);
    const codes = (body.standards as { code: string }[]).map((s) => s.code);
    expect(codes).toEqual(expect.arrayContaining(['7.RP', '7.RP.A', '7.RP.A.1', '7.RP.A.2a']));
    expect(codes.some((c) => c.startsWith('6.'))).toBe(false);
  });
});

describe('authoring items', () => {
  it('creates an item, and an edit makes version 2 while version 1 stays readable', async () => {
    const created = await call(teacher, 'POST', '/api/items', draft({ id: 'unit-rate-sugar' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'unit-rate-sugar', version: 1, owner: 'course', editable: true });

    const edited = await call(teacher, 'PUT', '/api/items/unit-rate-sugar', draft({ stem: 'Sugar: \\( \\frac{1}{2} \\) cup per \\( \\frac{1}{4} \\) cup of milk. Cups of sugar per cup of milk?' }));
    expect(edited.status).toBe(200);
    expect(edited.body.version).toBe(2);

    const latest = await call(teacher, 'GET', '/api/items/unit-rate-sugar');
    expect(latest.body.version).toBe(2);
    expect(latest.body.stem).toMatch(/^Sugar:/);
    const v1 = await call(teacher, 'GET', '/api/items/unit-rate-sugar?version=1');
    expect(v1.status).toBe(200);
    expect(v1.body.version).toBe(1);
    expect(v1.body.stem).toMatch(/^A recipe/);

    const mine = await call(teacher, 'GET', '/api/items?owner=mine');
    expect((mine.body.items as ItemView[]).map((i) => `${i.id}@${i.version}`)).toEqual(['unit-rate-sugar@2']);
    // Delivery reads pinned versions by tenant.
    const pinned = await getItemVersions(tenant.tenantId, [{ id: 'unit-rate-sugar', version: 1 }, { id: 'unit-rate-sugar', version: 2 }]);
    expect(pinned.map((i) => i.version)).toEqual([1, 2]);
  });

  it('gives a new item an id when none is sent', async () => {
    const created = await call(teacher, 'POST', '/api/items', draft());
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^7\.rp\.a\.1-[0-9a-f]{10}$/);
  });

  it('refuses to change a starter item', async () => {
    const res = await call(teacher, 'PUT', '/api/items/grade-7-7-rp-a-1-01', draft());
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/Starter items cannot be changed/);
  });

  it('lists every invalid field of an item draft', async () => {
    const res = await call(teacher, 'POST', '/api/items', {
      standards: [], difficulty: 9, stem: '',
      interaction: { type: 'single', choices: [{ id: 'a', content: '1' }, { id: 'b', content: '2' }], key: { correct: 'a' } },
      feedback: {},
    });
    expect(res.status).toBe(400);
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['standards', 'difficulty', 'stem', 'feedback.explanation']));
  });

  it('refuses a key that is not one of the choices, and a standard nobody knows', async () => {
    const badKey = await call(teacher, 'POST', '/api/items', draft({ interaction: { type: 'single', choices: [{ id: 'a', content: '1' }, { id: 'b', content: '2' }], key: { correct: 'z' } } }));
    expect(badKey.status).toBe(400);
    expect(badKey.body.errors).toEqual([expect.objectContaining({ field: 'interaction.key.correct' })]);
    const badStandard = await call(teacher, 'POST', '/api/items', draft({ standards: ['7.ZZ.Z.9'] }));
    expect(badStandard.status).toBe(400);
    expect(badStandard.body.errors).toEqual([expect.objectContaining({ field: 'standards.0', message: expect.stringContaining('7.ZZ.Z.9') })]);
  });

  it('previews a draft as a student would see it, with what to fix and without the key', async () => {
    const res = await call(teacher, 'POST', '/api/items/preview', draft({
      stem: 'Look at the picture: ![](pic.png)',
      interaction: { type: 'order', choices: [{ id: 'a', content: '1' }, { id: 'b', content: '2' }, { id: 'c', content: '3' }], key: { correctOrder: ['a', 'b', 'c'] } },
    }));
    expect(res.status).toBe(200);
    expect(res.body.problems).toEqual([expect.stringMatching(/^stem: image pic.png needs alt text/)]);
    expect(res.body.item).toMatchObject({ position: 1, type: 'order' });
    expect(res.text).not.toMatch(/correctOrder|"key"|feedback|explanation/);
    // An ordering item authored in the right order is never shown in the right order.
    expect(res.body.item.choices.map((c: { id: string }) => c.id)).not.toEqual(['a', 'b', 'c']);
  });
});

describe('who sees what', () => {
  it('refuses learners on every item and assessment route, so no answer key can reach them', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/items'], ['GET', '/api/items?grade=7'], ['GET', '/api/items/grade-7-7-rp-a-1-01'], ['GET', '/api/items/grade-7-7-rp-a-1-01?version=1'],
      ['POST', '/api/items', draft()], ['PUT', '/api/items/grade-7-7-rp-a-1-01', draft()], ['POST', '/api/items/preview', draft()],
      ['GET', '/api/assessments'], ['GET', '/api/assessments/starter-g7-rp-pre'],
      ['POST', '/api/assessments', { title: 'x', grade: '7', kind: 'diagnostic', blueprint: [{ standard: '7.RP.A.1', items: 1 }] }],
      ['DELETE', '/api/items/grade-7-7-rp-a-1-01'], ['GET', '/api/items/no-such-item'], ['GET', '/api/assessments/no-such'],
    ];
    for (const [method, path, body] of routes) {
      const res = await call(learner, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.text).not.toMatch(/"key"|correct/);
    }
  });

  it('hides a course\'s item from another course and from another tenant, unless shared with the tenant', async () => {
    await call(teacher, 'POST', '/api/items', draft({ id: 'private-item' }));
    for (const s of [otherCourseTeacher, otherTenantTeacher]) {
      expect((await call(s, 'GET', '/api/items/private-item')).status).toBe(404);
      expect((await call(s, 'PUT', '/api/items/private-item', draft())).status).toBe(404);
      expect((await call(s, 'GET', '/api/items?owner=mine')).body.items.map((i: ItemView) => i.id)).not.toContain('private-item');
    }
    await call(teacher, 'POST', '/api/items', draft({ id: 'shared-item', shared: true, stem: 'A shared question about rates?' }));
    const seen = await call(otherCourseTeacher, 'GET', '/api/items/shared-item');
    expect(seen.status).toBe(200);
    expect(seen.body.owner).toBe('tenant');
    expect((await call(otherTenantTeacher, 'GET', '/api/items/shared-item')).status).toBe(404);
  });
});

describe('assessments', () => {
  it('lists the ready-made pre/post pairs of a grade', async () => {
    const { status, body } = await call(teacher, 'GET', '/api/assessments?grade=7&standard=7.RP.A.2');
    expect(status).toBe(200);
    const list = body.assessments as AssessmentSummary[];
    const pre = list.find((a) => a.title === 'Grade 7 Ratios & Proportional Relationships — Pre-test');
    const post = list.find((a) => a.title === 'Grade 7 Ratios & Proportional Relationships — Post-test');
    expect(pre).toMatchObject({ kind: 'pre', pairedWith: post?.id, owner: 'starter', itemCount: 9, standards: ['7.RP.A.1', '7.RP.A.2', '7.RP.A.3'] });
    expect(post).toMatchObject({ kind: 'post', pairedWith: pre?.id });
    expect(list.every((a) => a.grade === '7')).toBe(true);
  });

  it('builds a two-standard pre-test and post-test with no item in common and balanced difficulty', async () => {
    const res = await call(teacher, 'POST', '/api/assessments', {
      title: 'Unit 2 rates', grade: '7', kind: 'pre-post',
      blueprint: [{ standard: '7.RP.A.1', items: 3 }, { standard: '7.RP.A.2', items: 2 }],
      settings: { attemptsAllowed: 2, timeLimitMinutes: 30, showCorrectAnswers: true },
    });
    expect(res.status).toBe(201);
    const [pre, post] = res.body.assessments as AssessmentSummary[];
    expect(pre).toMatchObject({ title: 'Unit 2 rates — Pre-test', kind: 'pre', pairedWith: post!.id, itemCount: 5, owner: 'course' });
    expect(post).toMatchObject({ title: 'Unit 2 rates — Post-test', kind: 'post', pairedWith: pre!.id, itemCount: 5 });

    const details = await Promise.all([pre!, post!].map(async (a) => (await call(teacher, 'GET', `/api/assessments/${a.id}`)).body as AssessmentDetail));
    const ids = details.map((d) => d.forms[0]!.items.map((i) => i.id));
    expect(ids[0]!.filter((id) => ids[1]!.includes(id))).toEqual([]);
    for (const d of details) {
      expect(d.settings).toEqual({ attemptsAllowed: 2, timeLimitMinutes: 30, showCorrectAnswers: true });
      expect(d.forms[0]!.items.filter((i) => i.standard === '7.RP.A.1')).toHaveLength(3);
      expect(d.forms[0]!.items.filter((i) => i.standard === '7.RP.A.2')).toHaveLength(2);
      expect(d.difficulty.map((x) => x.standard)).toEqual(['7.RP.A.1', '7.RP.A.2']);
      for (const x of d.difficulty) {
        expect(x.meanByForm).toHaveLength(2);
        expect(x.maxGap).toBeLessThanOrEqual(0.5);
      }
    }
    // Other courses and tenants cannot see the course's assessments.
    expect((await call(otherCourseTeacher, 'GET', `/api/assessments/${pre!.id}`)).status).toBe(404);
    expect((await call(otherTenantTeacher, 'GET', `/api/assessments/${pre!.id}`)).status).toBe(404);
    expect(await getAssessment(tenant.tenantId, pre!.id)).toMatchObject({ id: pre!.id, kind: 'pre' });
  });

  it('answers an impossible blueprint with a 400 that names the standard', async () => {
    const res = await call(teacher, 'POST', '/api/assessments', { title: 'Too big', grade: '7', kind: 'pre-post', blueprint: [{ standard: '7.RP.A.3', items: 10 }] });
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain('7.RP.A.3');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'blueprint.0', message: expect.stringContaining('7.RP.A.3 needs 20 items') })]);
    const unknown = await call(teacher, 'POST', '/api/assessments', { title: 'Typo', grade: '7', kind: 'diagnostic', blueprint: [{ standard: '7.RP.A.9', items: 1 }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]).toMatchObject({ field: 'blueprint.0.standard' });
  });

  it('gives delivery pinned items and a student view without keys', async () => {
    const a = await getAssessment(tenant.tenantId, 'starter-g6-rp-pre');
    expect(a).not.toBeNull();
    expect(await getAssessment(tenant.tenantId, 'no-such-assessment')).toBeNull();
    const items = await getItemVersions(tenant.tenantId, a!.forms[0]!.items);
    expect(items).toHaveLength(9);
    const student = items.map((item, n) => toStudentItem(item, n + 1));
    expect(JSON.stringify(student)).not.toMatch(/"key"|feedback|explanation|correct/);
    expect(student[0]).toMatchObject({ position: 1, itemId: items[0]!.id, version: items[0]!.version });
  });
});

describe('starter content', () => {
  it('is loaded once: a second start with the same files writes nothing', async () => {
    expect(await seedContent()).toEqual({ loaded: false });
  });

  it('gets a new version when a shipped item changes, and the pinned version stays readable', async () => {
    const [v1] = await getItemVersions(tenant.tenantId, [{ id: 'grade-8-8-f-a-1-01', version: 1 }]);
    const again = await importBank(null, [v1!]);
    expect(again.items).toMatchObject({ unchanged: 1, versioned: 0 });
    const changed = await importBank(null, [{ ...v1!, stem: `${v1!.stem} (revised)` }]);
    expect(changed.problems).toEqual([]);
    expect(changed.items).toMatchObject({ versioned: 1 });
    const latest = await call(teacher, 'GET', '/api/items/grade-8-8-f-a-1-01');
    expect(latest.body).toMatchObject({ version: 2, owner: 'starter', editable: false });
    const both = await getItemVersions(tenant.tenantId, [{ id: 'grade-8-8-f-a-1-01', version: 1 }, { id: 'grade-8-8-f-a-1-01', version: 2 }]);
    expect(both.map((i) => i.stem.endsWith('(revised)'))).toEqual([false, true]);
    const listed = await call(teacher, 'GET', '/api/items?standard=8.F.A.1&limit=100');
    expect((listed.body.items as ItemView[]).filter((i) => i.id === 'grade-8-8-f-a-1-01').map((i) => i.version)).toEqual([2]);
  });
});
