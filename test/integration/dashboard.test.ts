// The teacher dashboard against the real app and database, on a class whose answers are made by hand: students
// take a pre-test and its post-test through delivery's API, and the dashboard's completion, mastery map, growth
// statistics, item analysis, drill-down, CSV export and small groups are checked number by number. A student's own
// progress (GET /api/me/mastery) is checked too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssessmentModel } from '../../server/content/content.model.js';
import { importBank } from '../../server/content/content.service.js';
import { ItemSchema, type Item } from '../../server/content/item.schema.js';
import type { RunningTool } from '../../server/main.js';
import { parseCsv } from '../../server/mastery/csv.js';
import { getMasteryMap } from '../../server/mastery/mastery.service.js';
import { createTestTenant, sessionFor, type TestSession, type TestTenant } from '../support/session.js';
import { startTestTool } from '../support/tool.js';
import { apiCaller, leakedSecrets } from './delivery.fixtures.js';

const RP = '7.RP.A.1';
const EE = '7.EE.A.1';
const MISCONCEPTION_A = 'Multiplied instead of dividing.';
const MISCONCEPTION_C = 'Added the two numbers.';

let tool: RunningTool;
let tenant: TestTenant;
const api = apiCaller(() => tool);

/** Four single-choice items per test (positions 1–2 measure RP, 3–4 EE); key b; rationales for a and c. */
function item(id: string, standard: string, difficulty = 0): Item {
  return ItemSchema.parse({
    id, standards: [standard], difficulty, stem: `Question ${id}: what is \\( \\frac{1}{2} \\div \\frac{1}{4} \\)?`,
    interaction: { type: 'single', choices: [{ id: 'a', content: '1/8' }, { id: 'b', content: '2' }, { id: 'c', content: '3/4' }], key: { correct: 'b' } },
    feedback: { explanation: 'Divide.', choices: { a: MISCONCEPTION_A, b: 'Right.', c: MISCONCEPTION_C } },
  });
}
const PRE = ['dash-pre-rp1', 'dash-pre-rp2', 'dash-pre-ee1', 'dash-pre-ee2'];
const POST = ['dash-post-rp1', 'dash-post-rp2', 'dash-post-ee1', 'dash-post-ee2'];
const PRACTICE = ['dash-practice-rp1', 'dash-practice-rp2', 'dash-practice-rp3', 'dash-practice-ee1', 'dash-practice-ee2', 'dash-practice-ee3'];

let preId: string;
let postId: string;
let teacher: TestSession;
let postPlacement: string;
const students: Record<string, { pre: TestSession; post: TestSession }> = {};

type Answers = [string, string, string, string]; // the choice picked at positions 1–4

async function take(s: TestSession, answers: Answers, submit = true): Promise<void> {
  const start = await api(s, 'POST', '/attempts', {});
  expect(start.status, start.text).toBe(201);
  for (const [n, choice] of answers.entries()) {
    const r = await api(s, 'PUT', `/attempts/${start.body.id}/responses/${n + 1}`, { value: { type: 'single', choice }, seq: 1 });
    expect(r.status, r.text).toBe(200);
  }
  if (submit) expect((await api(s, 'POST', `/attempts/${start.body.id}/submit`, {})).status).toBe(200);
}

const RIGHT: Answers = ['b', 'b', 'b', 'b'];
const WRONG: Answers = ['a', 'a', 'a', 'a'];

beforeAll(async () => {
  tool = await startTestTool();
  tenant = await createTestTenant();
  const bank = [
    ...PRE.map((id, i) => item(id, i < 2 ? RP : EE)), ...POST.map((id, i) => item(id, i < 2 ? RP : EE)),
    ...PRACTICE.map((id, i) => item(id, i < 3 ? RP : EE, i % 3 - 1)),
  ];
  const r = await importBank(tenant.tenantId, bank, [{ id: 'dash-pre', title: 'Ratios — Pre-test', itemIds: PRE }, { id: 'dash-post', title: 'Ratios — Post-test', itemIds: POST }]);
  expect(r.problems).toEqual([]);
  [preId, postId] = r.assessments as [string, string];
  // Imported tests arrive as diagnostics: make them a pre/post pair (the content API builds pairs only from blueprints).
  await AssessmentModel.updateOne({ _id: preId }, { $set: { kind: 'pre', pairedWith: postId } });
  await AssessmentModel.updateOne({ _id: postId }, { $set: { kind: 'post', pairedWith: preId } });

  await sessionFor(tool, { tenant, roles: ['instructor'], resourceLinkId: 'dash-pre-link', assessmentId: preId });
  teacher = await sessionFor(tool, { tenant, roles: ['instructor'], resourceLinkId: 'dash-post-link', assessmentId: postId, userName: 'Ms Rivera' });
  postPlacement = teacher.ctx.placementId!;
  for (const name of ['Ana', 'Ben', 'Cy', 'Dee', 'Eve']) {
    const sub = `dash-${name.toLowerCase()}`;
    students[name] = {
      pre: await sessionFor(tool, { tenant, roles: ['learner'], userSub: sub, userName: name, resourceLinkId: 'dash-pre-link' }),
      post: await sessionFor(tool, { tenant, roles: ['learner'], userSub: sub, userName: name, resourceLinkId: 'dash-post-link', locale: name === 'Ben' ? 'es' : 'en' }),
    };
  }
  // Ana: nothing right before, everything after. Ben: ratios before, everything after. Cy: ratios after only, and
  // the expressions items wrong both times with different wrong choices. Dee: the pre-test only. Eve: post-test started.
  await take(students.Ana!.pre, WRONG);
  await take(students.Ben!.pre, ['b', 'b', 'c', 'c']);
  await take(students.Cy!.pre, WRONG);
  await take(students.Dee!.pre, RIGHT);
  await take(students.Ana!.post, RIGHT);
  await take(students.Ben!.post, RIGHT);
  await take(students.Cy!.post, ['b', 'b', 'a', 'c']);
  await take(students.Eve!.post, ['b', 'b', 'b', 'b'], false);
}, 120_000);
afterAll(async () => { await tool?.stop(); });

const idOf = (name: string) => students[name]!.post.ctx.userId;
const dashboard = async () => {
  const r = await api(teacher, 'GET', `/placements/${postPlacement}/dashboard`);
  expect(r.status, r.text).toBe(200);
  return r.body;
};

describe('completion', () => {
  it('lists who has submitted, who is in progress and who has not started, from the students who launched when the LMS shares no roster', async () => {
    const d = await dashboard();
    expect(d.placement).toMatchObject({ id: postPlacement, assessmentId: postId });
    expect(d.assessment).toMatchObject({ id: postId, kind: 'post', pairedWith: preId });
    expect(d.roster.source).toBe('launches');
    expect(d.roster.reason).toMatch(/only students who have opened an assessment are listed/);
    expect(d.completion.counts).toEqual({ 'not-started': 1, 'in-progress': 1, submitted: 3, total: 5 });
    expect(d.completion.students.map((s: { displayName: string; status: string }) => [s.displayName, s.status])).toEqual([
      ['Ana', 'submitted'], ['Ben', 'submitted'], ['Cy', 'submitted'], ['Dee', 'not-started'], ['Eve', 'in-progress'],
    ]);
    expect(d.completion.students[2]).toMatchObject({ personId: idOf('Cy'), score: 2, maxScore: 4, percent: 50, attempts: 1 });
    expect(d.completion.students[4]).toMatchObject({ attempts: 1 });
    expect(d.completion.students[4].score).toBeUndefined();
  });
});

describe('mastery map', () => {
  it('shows each student × standard with the level, probability and evidence the mastery model holds', async () => {
    const d = await dashboard();
    expect(d.standards.map((s: { code: string }) => s.code)).toEqual([RP, EE]);
    expect(d.standards[0].description).not.toBe('');
    expect(d.mastery.levels).toEqual(['beginning', 'developing', 'proficient', 'mastered']);
    const map = await getMasteryMap(tenant.tenantId, teacher.ctx.courseId);
    for (const row of d.mastery.students) {
      for (const code of [RP, EE]) {
        const cell = map.cells.find((c) => c.personId === row.personId && c.code === code);
        if (!cell) { expect(row.cells[code], `${row.displayName} ${code}`).toBeNull(); continue; }
        expect(row.cells[code]).toEqual({ level: cell.level, pMastery: Math.round(cell.pMastery! * 1000) / 1000, evidence: Math.round(cell.evidence * 1000) / 1000, attempts: cell.attempts });
      }
    }
    const row = (name: string) => d.mastery.students.find((s: { displayName: string }) => s.displayName === name);
    // Ana answered 2 + 2 items per standard over two tests; Dee only the pre-test; Eve has submitted nothing.
    expect(row('Ana').cells[RP]).toMatchObject({ attempts: 2 });
    expect(row('Dee').cells[RP]).toMatchObject({ attempts: 1, evidence: 2 });
    expect(row('Eve').cells).toEqual({ [RP]: null, [EE]: null });
    // Cy missed all four expressions items: the model cannot call that anything but Beginning.
    expect(row('Cy').cells[EE].level).toBe('beginning');
  });
});

describe('growth', () => {
  it('reports before, after and change per student and standard, and the class statistics with a confidence interval', async () => {
    const { growth: g } = await dashboard();
    expect(g.pre).toEqual({ id: preId, title: 'Ratios — Pre-test' });
    expect(g.post).toEqual({ id: postId, title: 'Ratios — Post-test' });
    const s = (name: string) => g.students.find((x: { displayName: string }) => x.displayName === name);
    expect(g.students.map((x: { displayName: string }) => x.displayName)).toEqual(['Ana', 'Ben', 'Cy']);
    expect(s('Ana')).toMatchObject({ personId: idOf('Ana'), pre: { score: 0 }, post: { score: 1 }, change: 1 });
    expect(s('Ben')).toMatchObject({ pre: { score: 0.5 }, post: { score: 1 }, change: 0.5 });
    expect(s('Cy')).toMatchObject({ pre: { score: 0 }, post: { score: 0.5 }, change: 0.5 });
    expect(s('Cy').standards.map((x: { code: string; pre: { score: number }; post: { score: number }; change: number }) => [x.code, x.pre.score, x.post.score, x.change]))
      .toEqual([[RP, 0, 1, 1], [EE, 0, 0, 0]]);
    // Gains 1, ½, ½: mean ⅔, SD 0.2887, t(0.975, 2) = 4.3027 → ⅔ ± 0.7171; Hake's ⟨g⟩ = (⅚ − ⅙) / (1 − ⅙) = 0.8; d = 2.309.
    expect(g.overall).toMatchObject({ students: 3, meanPre: 0.167, meanPost: 0.833, meanGain: 0.667, movedUpShare: expect.any(Number) });
    expect(g.overall.gainInterval.value).toEqual([-0.05, 1.384]);
    expect(g.overall.normalizedGain.value).toBe(0.8);
    expect(g.overall.effectSize.d).toBe(2.309);
    const ee = g.standards.find((x: { code: string }) => x.code === EE);
    expect(ee).toMatchObject({ students: 3, meanPre: 0, meanPost: 0.667, meanGain: 0.667 });
    // With three students and one unchanged, the interval of the change includes zero: not established.
    expect(g.notGrowing.map((n: { code: string; reason: string }) => [n.code, n.reason])).toEqual([[RP, 'interval-includes-zero'], [EE, 'interval-includes-zero']]);
    expect(g.onlyPre).toEqual([{ personId: idOf('Dee'), displayName: 'Dee' }]);
    expect(g.onlyPost).toEqual([]);
  });

  it('shows no growth on a pre-test placement', async () => {
    const pre = await sessionFor(tool, { tenant, roles: ['instructor'], resourceLinkId: 'dash-pre-link' });
    const r = await api(pre, 'GET', `/placements/${pre.ctx.placementId}/dashboard`);
    expect(r.body.growth).toBeNull();
    expect(r.body.completion.counts).toEqual({ 'not-started': 1, 'in-progress': 0, submitted: 4, total: 5 });
  });
});

describe('item analysis', () => {
  it('gives percent correct per question and how often each wrong choice was picked, with its misconception', async () => {
    const { itemAnalysis: ia } = await dashboard();
    expect(ia.students).toBe(3);
    expect(ia.items.map((i: { itemId: string; position: number; standard: string; percentCorrect: number }) => [i.itemId, i.position, i.standard, i.percentCorrect]))
      .toEqual([[POST[0], 1, RP, 100], [POST[1], 2, RP, 100], [POST[2], 3, EE, 66.7], [POST[3], 4, EE, 66.7]]);
    const third = ia.items[2];
    expect(third).toMatchObject({ students: 3, answered: 3, omitted: 0, correct: 2, title: `Question ${POST[2]}: what is 1/2 ÷ 1/4?` });
    expect(third.choices).toEqual([
      { id: 'a', label: 'A. 1/8', isKey: false, chosen: 1, percent: 33.3, misconception: MISCONCEPTION_A },
      { id: 'b', label: 'B. 2', isKey: true, chosen: 2, percent: 66.7, misconception: null },
      { id: 'c', label: 'C. 3/4', isKey: false, chosen: 0, percent: 0, misconception: MISCONCEPTION_C },
    ]);
    expect(ia.items[3].choices.find((c: { id: string }) => c.id === 'c')).toMatchObject({ chosen: 1, percent: 33.3 });
  });
});

describe('one student', () => {
  it('shows a student\'s answer to each question, right or wrong, with the misconception a wrong choice signals', async () => {
    const r = await api(teacher, 'GET', `/placements/${postPlacement}/students/${idOf('Cy')}`);
    expect(r.status, r.text).toBe(200);
    expect(r.body.student).toEqual({ personId: idOf('Cy'), displayName: 'Cy' });
    expect(r.body.status).toBe('submitted');
    expect(r.body.attempt).toMatchObject({ score: 2, maxScore: 4, percent: 50 });
    expect(r.body.attempt.standards.map((s: { code: string; correct: number; total: number }) => [s.code, s.correct, s.total])).toEqual([[RP, 2, 2], [EE, 0, 2]]);
    expect(r.body.attempt.items.map((i: { position: number; response: string; correct: boolean; misconceptions: string[] }) => [i.position, i.response, i.correct, i.misconceptions])).toEqual([
      [1, 'B. 2', true, []], [2, 'B. 2', true, []], [3, 'A. 1/8', false, [MISCONCEPTION_A]], [4, 'C. 3/4', false, [MISCONCEPTION_C]],
    ]);
    expect(r.body.attempt.items[2].correctAnswer).toBe('B. 2');
    expect(r.body.growth).toMatchObject({ change: 0.5 });
    expect(Object.keys(r.body.mastery)).toEqual([RP, EE]);
  });

  it('shows a student who has not started with no attempt', async () => {
    const r = await api(teacher, 'GET', `/placements/${postPlacement}/students/${idOf('Dee')}`);
    expect(r.body).toMatchObject({ status: 'not-started', attempts: [], attempt: null, growth: null });
    expect(r.body.mastery[RP]).not.toBeNull();
  });
});

describe('CSV export', () => {
  it('has a header row and the same numbers as the dashboard', async () => {
    const d = await dashboard();
    const res = await fetch(`${tool.url}/api/placements/${postPlacement}/export.csv`, { headers: teacher.auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="growthline-[a-z0-9-]+-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const rows = parseCsv(await res.text());
    expect(rows[0]).toEqual(['section', 'student_id', 'student', 'standard', 'item_id', 'choice', 'measure', 'value']);
    const value = (section: string, student: string, standard: string, measure: string, item = '', choice = '') =>
      rows.filter((r) => r[0] === section && r[1] === student && r[3] === standard && r[4] === item && r[5] === choice && r[6] === measure).map((r) => r[7]);
    for (const s of d.mastery.students) {
      for (const code of [RP, EE]) {
        const c = s.cells[code];
        expect(value('mastery', s.personId, code, 'level')).toEqual([c ? c.level : 'no-evidence']);
        if (c) expect(value('mastery', s.personId, code, 'p_mastery')).toEqual([String(c.pMastery)]);
        if (c) expect(value('mastery', s.personId, code, 'evidence')).toEqual([String(c.evidence)]);
      }
    }
    for (const s of d.completion.students) expect(value('completion', s.personId, '', 'status')).toEqual([s.status]);
    for (const s of d.growth.students) {
      expect(value('growth', s.personId, '(all)', 'change')).toEqual([String(s.change)]);
      for (const x of s.standards) expect(value('growth', s.personId, x.code, 'after')).toEqual([String(x.post.score)]);
    }
    expect(value('growth_class', '', '(all)', 'mean_change')).toEqual([String(d.growth.overall.meanGain)]);
    expect(value('growth_class', '', '(all)', 'change_ci_low')).toEqual(['-0.05']);
    expect(value('growth_class', '', '(all)', 'effect_size')).toEqual([String(d.growth.overall.effectSize.d)]);
    expect(value('growth_only_pre', idOf('Dee'), '', 'took')).toEqual(['pre-test only']);
    for (const it of d.itemAnalysis.items) {
      expect(value('items', '', it.standard, 'percent_correct', it.itemId)).toEqual([String(it.percentCorrect)]);
      for (const c of it.choices) expect(value('items', '', it.standard, 'percent_chosen', it.itemId, c.id)).toEqual([String(c.percent)]);
    }
    expect(value('items', '', EE, 'misconception', POST[2], 'a')).toEqual([MISCONCEPTION_A]);
  });
});

describe('small groups', () => {
  it('suggests groups of students who need the same standards, each with its standards to reteach and practice items without keys', async () => {
    const r = await api(teacher, 'POST', `/placements/${postPlacement}/groups`, { groupCount: 2 });
    expect(r.status, r.text).toBe(200);
    expect(leakedSecrets([r])).toEqual([]);
    const g = r.body;
    expect(g).toMatchObject({ saved: false, rev: 0, savedAt: null, reteachLevels: ['beginning', 'developing'] });
    expect(g.ungrouped).toEqual([{ personId: idOf('Eve'), displayName: 'Eve' }]);
    expect(g.groups).toHaveLength(2);
    const placed = g.groups.flatMap((x: { students: { personId: string }[] }) => x.students.map((s) => s.personId)).sort();
    expect(placed).toEqual(['Ana', 'Ben', 'Cy', 'Dee'].map(idOf).sort());
    // Each student's needs are the standards the map puts below Proficient.
    const d = await dashboard();
    for (const grp of g.groups) {
      for (const s of grp.students) {
        const row = d.mastery.students.find((x: { personId: string }) => x.personId === s.personId);
        expect(s.needs).toEqual([RP, EE].filter((c) => ['beginning', 'developing'].includes(row.cells[c]?.level)));
      }
      const focus = grp.reteach.length ? grp.reteach : grp.extend;
      expect(focus.length).toBeGreaterThan(0);
      for (const std of focus) {
        expect(std.description).not.toBe('');
        const items = grp.practiceItems.filter((p: { standard: string }) => p.standard === std.code);
        expect(items.length).toBeGreaterThanOrEqual(2);
        expect(items.length).toBeLessThanOrEqual(3);
        for (const p of items) {
          expect(Object.keys(p).sort()).toEqual(['id', 'standard', 'title', 'version']);
          expect([...PRE, ...POST]).not.toContain(p.id); // practice is new to the students
        }
      }
    }
    // Cy needs expressions (Beginning): Cy's group reteaches it.
    const cys = g.groups.find((x: { students: { personId: string }[] }) => x.students.some((s) => s.personId === idOf('Cy')));
    expect(cys.reteach.map((x: { code: string }) => x.code)).toContain(EE);
  });

  it('sizes groups as asked and refuses asking for both a size and a count', async () => {
    const bySize = await api(teacher, 'POST', `/placements/${postPlacement}/groups`, { groupSize: 1 });
    expect(bySize.body.groups.map((g: { students: unknown[] }) => g.students.length)).toEqual([1, 1, 1, 1]);
    const byDefault = await api(teacher, 'POST', `/placements/${postPlacement}/groups`, {});
    expect(byDefault.body.groups).toHaveLength(1); // four students, groups of four by default
    const both = await api(teacher, 'POST', `/placements/${postPlacement}/groups`, { groupSize: 2, groupCount: 2 });
    expect(both.status).toBe(400);
  });

  it('saves the teacher\'s edited groups, shows them on the dashboard, and refuses a save over someone else\'s newer one', async () => {
    const { body: suggested } = await api(teacher, 'POST', `/placements/${postPlacement}/groups`, { groupCount: 2 });
    const edit = suggested.groups.map((g: { name: string | null; students: { personId: string }[]; reteach: { code: string }[]; extend: { code: string }[]; practiceItems: { id: string }[] }) => ({
      name: g.name, studentIds: g.students.map((s) => s.personId), reteach: g.reteach.map((x) => x.code), extend: g.extend.map((x) => x.code), practiceItemIds: g.practiceItems.map((p) => p.id),
    }));
    // Move the first student of group 1 to group 2.
    const moved = edit[0].studentIds.shift();
    edit[1].studentIds.push(moved);
    edit[1].name = 'Thursday table';
    const saved = await api(teacher, 'PUT', `/placements/${postPlacement}/groups`, { rev: 0, groups: edit });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toMatchObject({ saved: true, rev: 1 });
    expect(saved.body.groups[1].name).toBe('Thursday table');
    expect(saved.body.groups[1].students.map((s: { personId: string }) => s.personId)).toContain(moved);
    expect(saved.body.groups[1].practiceItems.map((p: { id: string }) => p.id)).toEqual(edit[1].practiceItemIds);

    const d = await dashboard();
    expect(d.groups).toEqual(saved.body);
    const csv = parseCsv(await (await fetch(`${tool.url}/api/placements/${postPlacement}/export.csv`, { headers: teacher.auth })).text());
    expect(csv.filter((r) => r[0] === 'groups' && r[1] === moved).map((r) => r[7])).toEqual(['Thursday table']);

    const stale = await api(teacher, 'PUT', `/placements/${postPlacement}/groups`, { rev: 0, groups: edit });
    expect(stale.status).toBe(409);
    const again = await api(teacher, 'PUT', `/placements/${postPlacement}/groups`, { rev: 1, groups: edit });
    expect(again.body.rev).toBe(2);
  });

  it('refuses groups with an unknown student, a student twice, or a practice item not in the bank', async () => {
    const ana = idOf('Ana');
    const cases = [
      { groups: [{ studentIds: ['0123456789abcdef01234567'], reteach: [], practiceItemIds: [] }] },
      { groups: [{ studentIds: [ana], reteach: [], practiceItemIds: [] }, { studentIds: [ana], reteach: [], practiceItemIds: [] }] },
      { groups: [{ studentIds: [ana], reteach: ['9.ZZ.Z.9'], practiceItemIds: [] }] },
      { groups: [{ studentIds: [ana], reteach: [RP], practiceItemIds: ['no-such-item'] }] },
    ];
    for (const body of cases) {
      const r = await api(teacher, 'PUT', `/placements/${postPlacement}/groups`, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.errors[0].field).toMatch(/^groups\.\d+\./);
    }
  });
});

describe('a student\'s own progress', () => {
  it('shows the student their mastery of each standard with a next step, their tests and their own growth', async () => {
    const r = await api(students.Ana!.post, 'GET', '/me/mastery');
    expect(r.status, r.text).toBe(200);
    const map = await getMasteryMap(tenant.tenantId, teacher.ctx.courseId);
    expect(r.body.student).toEqual({ id: idOf('Ana'), displayName: 'Ana' });
    expect(r.body.standards.map((s: { code: string; level: string }) => [s.code, s.level])).toEqual(
      [EE, RP].map((code) => [code, map.cells.find((c) => c.personId === idOf('Ana') && c.code === code)!.level]),
    );
    for (const s of r.body.standards) {
      expect(s.description).not.toBe('');
      expect(s.nextStep).toMatch(/The skill: /);
    }
    expect(r.body.assessments.map((a: { id: string; kind: string; percent: number }) => [a.id, a.kind, a.percent])).toEqual([[postId, 'post', 100], [preId, 'pre', 0]]);
    expect(r.body.growth).toHaveLength(1);
    expect(r.body.growth[0].standards.map((s: { code: string; before: number; after: number; change: number }) => [s.code, s.before, s.after, s.change])).toEqual([[RP, 0, 1, 1], [EE, 0, 1, 1]]);
    // Nothing about anyone else, and no keys.
    for (const other of ['Ben', 'Cy', 'Dee', 'Eve']) {
      expect(r.text).not.toContain(idOf(other));
      expect(r.text).not.toContain(`"${other}"`);
    }
    expect(leakedSecrets([r])).toEqual([]);
  });

  it('words the next steps in the student\'s language', async () => {
    const r = await api(students.Ben!.post, 'GET', '/me/mastery');
    expect(r.body.standards[0].nextStep).toMatch(/La habilidad: /);
  });

  it('is empty, not an error, for a student with nothing submitted yet', async () => {
    const r = await api(students.Eve!.post, 'GET', '/me/mastery');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ standards: [], assessments: [], growth: [] });
  });
});
