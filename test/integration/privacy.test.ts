// A district's privacy requests, end to end on real records made through the API: one student's data
// is exported (theirs, nobody else's), then deleted everywhere in their LMS (tenant) while classmates,
// other courses and another LMS's student with the same LMS user id keep everything; a course is
// deleted with the people for whom it was their last course. The `growthline privacy` commands do it
// from a shell, and docs/privacy.md lists exactly the collections the models say are covered.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTool } from '../../server/main.js';
import { deleteCourseData, deleteStudentData, exportStudentData, findCourse, findStudent } from '../../server/privacy/privacy.service.js';
import { coverageTable, loadAllModels, recordKinds } from '../../server/privacy/record-kinds.js';
import { getTenantRegistration } from '../../server/tenants/tenant.service.js';
import { createTestTenant, sessionFor, type TestSession, type TestTenant } from '../support/session.js';
import { startTestTool } from '../support/tool.js';

let tool: RunningTool;
let home: TestTenant;
let away: TestTenant;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'growthline-privacy-'));

// S takes tests in course-1 and course-2; C only in course-1; D in both; X is another LMS's student with S's LMS user id.
const S = { sub: 'stu-target', name: 'Wexford Targetsson' };
const C = { sub: 'stu-classmate', name: 'Ondine Classmatova' };
const D = { sub: 'stu-double', name: 'Perpetua Twocourse' };
const X = { sub: 'stu-target', name: 'Away Namesake' };
const s: Record<string, TestSession> = {};
const attempts: Record<string, string[]> = { S: [], C: [], D: [], X: [] };
let sharedItem: string;
let courseItem: string;
let placement1: string;

interface Answer { status: number; body: any }
async function api(who: TestSession, method: string, p: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${tool.url}/api${p}`, { method, headers: { ...who.auth, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const draft = (stem: string, shared: boolean) => ({
  standards: ['7.RP.A.1'], difficulty: 0, stem, shared,
  interaction: { type: 'single', choices: [{ id: 'a', content: 'Two' }, { id: 'b', content: 'Three' }], key: { correct: 'b' } },
  feedback: { explanation: 'Count them.' },
});

/** Starts, answers one question of, and submits the session's activity. */
async function takeTest(who: TestSession): Promise<string> {
  const a = await api(who, 'POST', '/attempts', {});
  expect(a.status).toBe(201);
  const first = a.body.items[0] as { type: string; choices?: { id: string }[] };
  const value = first.type === 'single' ? { type: 'single', choice: first.choices![0]!.id }
    : first.type === 'multiple' ? { type: 'multiple', choices: [first.choices![0]!.id] }
      : first.type === 'order' ? { type: 'order', order: first.choices!.map((c) => c.id) } : { type: first.type, text: '7' };
  expect((await api(who, 'PUT', `/attempts/${a.body.id}/responses/1`, { value, seq: 1 })).status).toBe(200);
  expect((await api(who, 'POST', `/attempts/${a.body.id}/submit`, {})).status).toBe(200);
  return a.body.id;
}

async function countAll(): Promise<Record<string, number>> {
  const db = mongoose.connection.db!;
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await db.collection(n).countDocuments()] as const)));
}

/** Every stored document, as text, except those of the other LMS (which may share an LMS user id). */
async function homeDocuments(): Promise<string[]> {
  const db = mongoose.connection.db!;
  const awayIssuer = (await getTenantRegistration(away.tenantId)).platform.issuer;
  const out: string[] = [];
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    for (const d of await db.collection(name).find({}).toArray()) {
      if (String(d.tenantId) === away.tenantId || d.iss === awayIssuer) continue;
      out.push(`${name}: ${JSON.stringify(d)}`);
    }
  }
  return out;
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args], {
    env: { ...process.env, MONGODB_URI: tool.db.uri, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

beforeAll(async () => {
  process.env.GRADES_WORKER = 'off';
  tool = await startTestTool();
  home = await createTestTenant();
  away = await createTestTenant();
  const c1 = { contextId: 'course-1', resourceLinkId: 'privacy-link-1' };
  const c2 = { contextId: 'course-2', resourceLinkId: 'privacy-link-2' };
  s.T1 = await sessionFor(tool, { tenant: home, roles: ['instructor'], userSub: 'teacher-1', ...c1 });
  s.T2 = await sessionFor(tool, { tenant: home, roles: ['instructor'], userSub: 'teacher-2', ...c2 });
  s.S1 = await sessionFor(tool, { tenant: home, roles: ['learner'], userSub: S.sub, userName: S.name, ...c1 });
  s.S2 = await sessionFor(tool, { tenant: home, roles: ['learner'], userSub: S.sub, userName: S.name, ...c2 });
  s.C1 = await sessionFor(tool, { tenant: home, roles: ['learner'], userSub: C.sub, userName: C.name, ...c1 });
  s.D1 = await sessionFor(tool, { tenant: home, roles: ['learner'], userSub: D.sub, userName: D.name, ...c1 });
  s.D2 = await sessionFor(tool, { tenant: home, roles: ['learner'], userSub: D.sub, userName: D.name, ...c2 });
  s.TX = await sessionFor(tool, { tenant: away, roles: ['instructor'], userSub: 'teacher-x', ...c1 });
  s.X = await sessionFor(tool, { tenant: away, roles: ['learner'], userSub: X.sub, userName: X.name, ...c1 });

  courseItem = (await api(s.T1!, 'POST', '/items', draft('How many wheels has a tricycle?', false))).body.id;
  sharedItem = (await api(s.T1!, 'POST', '/items', draft('How many corners has a triangle?', true))).body.id;
  placement1 = s.T1!.ctx.placementId!;
  for (const [teacher, placement] of [[s.T1!, placement1], [s.T2!, s.T2!.ctx.placementId!], [s.TX!, s.TX!.ctx.placementId!]] as const) {
    const made = await api(teacher, 'POST', '/assessments', { title: 'Privacy check', grade: '7', kind: 'diagnostic', blueprint: [{ standard: '7.RP.A.1', items: 2 }] });
    expect((await api(teacher, 'PUT', `/placements/${placement}`, { assessmentId: made.body.assessments[0].id })).status).toBe(200);
  }
  attempts.S!.push(await takeTest(s.S1!), await takeTest(s.S2!));
  attempts.C!.push(await takeTest(s.C1!));
  attempts.D!.push(await takeTest(s.D1!), await takeTest(s.D2!));
  attempts.X!.push(await takeTest(s.X!));
  expect((await api(s.T1!, 'PUT', `/placements/${placement1}/accommodations/${s.S1!.ctx.userId}`, { timeMultiplier: 1.5, readAloud: true })).status).toBe(200);
  const groups = await api(s.T1!, 'PUT', `/placements/${placement1}/groups`, { groups: [{ name: 'Ratios', studentIds: [s.S1!.ctx.userId, s.C1!.ctx.userId], reteach: ['7.RP.A.1'] }] });
  expect(groups.status).toBe(200);
  // A roster as the LMS last listed it (NRPS is covered elsewhere; the test LMS here has none).
  await loadAllModels();
  for (const [tenant, course, members] of [
    [home, s.T1!.ctx.courseId, [S, C, D]], [away, s.TX!.ctx.courseId, [X]],
  ] as const) {
    await mongoose.model('RosterCache').create({
      tenantId: tenant.tenantId, courseId: course, fetchedAt: new Date(), expiresAt: new Date(Date.now() + 600_000),
      members: members.map((m) => ({ sub: m.sub, name: m.name, roles: ['learner'], status: 'active' })),
    });
  }
  // What the LTI library keeps of a launch for a day (its own collections, keyed by issuer and LMS user id).
  for (const [tenant, who] of [[home, S], [away, X]] as const) {
    const reg = await getTenantRegistration(tenant.tenantId);
    await mongoose.connection.db!.collection('idtokens').insertOne({
      iss: reg.platform.issuer, clientId: reg.platform.clientId, deploymentId: reg.deploymentId, user: who.sub,
      userInfo: { name: who.name, email: `${who.sub}@example.edu` }, createdAt: new Date(),
    });
  }
}, 120_000);

afterAll(async () => {
  await tool?.stop();
  delete process.env.GRADES_WORKER;
  rmSync(tmp, { recursive: true, force: true });
});

describe('what the privacy commands cover', () => {
  it('is every model with a tenant and a person, student or course path, read from the schemas', async () => {
    await loadAllModels();
    const table = coverageTable();
    for (const name of mongoose.modelNames()) {
      const schema = mongoose.model(name).schema;
      if (!schema.path('tenantId')) continue;
      const hasTarget = ['personId', 'studentId', 'courseId'].some((p) => schema.path(p));
      const row = table.split('\n').find((l) => l.includes(`| ${name} |`));
      expect(row, `${name} is missing from the coverage table`).toBeDefined();
      if (hasTarget) expect(row, `${name} is covered by neither deletion`).toMatch(/deleted|the record itself/);
    }
    expect(recordKinds().find((k) => k.model === 'SavedGroups')?.studentPaths).toContainEqual({ path: 'groups.studentIds', holds: 'person', inList: true });
  });

  it('is listed in docs/privacy.md exactly as the models say (run `growthline privacy coverage` to refresh it)', async () => {
    await loadAllModels();
    const doc = readFileSync(path.resolve('docs/privacy.md'), 'utf8');
    const listed = /<!-- coverage:start -->\n([\s\S]*?)\n<!-- coverage:end -->/.exec(doc)?.[1];
    expect(listed, 'docs/privacy.md has the coverage table between its markers').toBeDefined();
    expect(listed).toBe(coverageTable());
  });
});

describe('exporting a student (an access request)', () => {
  it('gives every record of theirs in this LMS, and nothing of anyone else', async () => {
    const student = await findStudent(home.tenantId, S.sub);
    expect(student).toEqual({ personId: s.S1!.ctx.userId, sub: S.sub });
    const exported = await exportStudentData(home.tenantId, student!);
    const json = JSON.stringify(exported);
    const r = exported.records as Record<string, any[]>;
    expect(r.people!.map((p) => p.name)).toEqual([S.name]);
    expect(r.attempts!.map((a) => String(a._id)).sort()).toEqual([...attempts.S!].sort());
    expect(r.attempts![0].responses).toBeDefined();
    expect(r.mastery_estimates!.length).toBeGreaterThan(0);
    expect(r.grade_outbox!.length).toBe(2);
    expect(r.accommodations!.length).toBe(1);
    expect(r.idtokens!.map((t) => t.userInfo.name)).toEqual([S.name]);
    expect(exported.entries.saved_groups).toEqual([expect.objectContaining({ groups: [expect.objectContaining({ name: 'Ratios', studentIds: [s.S1!.ctx.userId] })] })]);
    expect(exported.entries.roster_cache).toEqual([expect.objectContaining({ members: [expect.objectContaining({ sub: S.sub, name: S.name })] })]);
    expect(exported.context.courses.map((c) => c.title)).toContain('Grade 7 Math');
    for (const other of [C.name, D.name, X.name, s.C1!.ctx.userId, s.D1!.ctx.userId, s.X!.ctx.userId, ...attempts.C!, ...attempts.X!]) expect(json).not.toContain(other);
  });

  it('is a command that writes the JSON to a file, and refuses a student the LMS does not have', async () => {
    const file = path.join(tmp, 'export.json');
    const ok = await runCli(['privacy', 'export-student', '--tenant', home.tenantId, '--student', s.S1!.ctx.userId, '--out', file]);
    expect(ok.code, ok.stderr).toBe(0);
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(written.format).toBe('growthline-student-export/1');
    expect(written.records.people[0].name).toBe(S.name);
    const unknown = await runCli(['privacy', 'export-student', '--tenant', home.tenantId, '--student', 'nobody-here']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('has no student nobody-here');
  }, 60_000);
});

describe('deleting a student', () => {
  it('counts what it would delete on a dry run, and changes nothing', async () => {
    const before = await countAll();
    const r = await deleteStudentData(home.tenantId, (await findStudent(home.tenantId, S.sub))!, { dryRun: true });
    expect(r.deleted).toMatchObject({ people: 1, attempts: 2, grade_outbox: 2, accommodations: 1, idtokens: 1 });
    expect(r.scrubbed).toEqual({ saved_groups: 1, roster_cache: 1, mastery_snapshots: 2 }); // their rows in both courses' mastery snapshots
    expect(await countAll()).toEqual(before);
  });

  it('leaves no trace of them in their LMS, and everyone else\'s data as it was', async () => {
    const student = (await findStudent(home.tenantId, S.sub))!;
    const classmateBefore = await exportStudentData(home.tenantId, (await findStudent(home.tenantId, C.sub))!);
    const awayBefore = await exportStudentData(away.tenantId, (await findStudent(away.tenantId, X.sub))!);
    const r = await deleteStudentData(home.tenantId, student);
    expect(r.deleted.people).toBe(1);

    for (const doc of await homeDocuments()) {
      expect(doc).not.toContain(student.personId);
      expect(doc).not.toContain(S.name);
      expect(doc).not.toContain(`"${S.sub}"`);
      for (const id of attempts.S!) expect(doc).not.toContain(id);
    }
    // The classmate and the other LMS's student with the same LMS user id keep everything.
    const strip = (e: Awaited<ReturnType<typeof exportStudentData>>) => ({ ...e, exportedAt: '' });
    expect(strip(await exportStudentData(home.tenantId, (await findStudent(home.tenantId, C.sub))!))).toEqual(strip(classmateBefore));
    expect(strip(await exportStudentData(away.tenantId, (await findStudent(away.tenantId, X.sub))!))).toEqual(strip(awayBefore));
    // The group and the roster still list the classmate, without the student.
    expect(classmateBefore.entries.saved_groups).toBeDefined();
    // The student's page, still open, finds nothing.
    expect((await api(s.S1!, 'GET', `/attempts/${attempts.S![0]}`)).status).toBe(404);

    expect(await findStudent(home.tenantId, S.sub)).toBeNull();
    const again = await deleteStudentData(home.tenantId, student);
    expect(again.deleted).toEqual({});
  });
});

describe('deleting a course', () => {
  it('is a command that refuses to go ahead without --yes, and counts on --dry-run', async () => {
    const refused = await runCli(['privacy', 'delete-course', '--tenant', home.tenantId, '--course', 'course-1']);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain('--yes');
    const dry = await runCli(['privacy', 'delete-course', '--tenant', home.tenantId, '--course', 'course-1', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, peopleRemoved: 1, deleted: { courses: 1, placements: 1 } });
    expect(await findCourse(home.tenantId, 'course-1')).not.toBeNull();
  }, 60_000);

  it('removes the course\'s records and the people it was the last course of; other courses and shared content stay', async () => {
    const course = (await findCourse(home.tenantId, 'course-1'))!;
    const otherCourse = (await findCourse(home.tenantId, 'course-2'))!;
    const d = (await findStudent(home.tenantId, D.sub))!;
    const r = await deleteCourseData(home.tenantId, course);
    expect(r.peopleRemoved).toBe(1);

    const docs = await homeDocuments();
    for (const doc of docs) {
      // Content shared with the whole LMS stays, still naming the course that wrote it.
      if (!/^items: .*"shared":true/.test(doc)) expect(doc).not.toContain(course.courseId);
      expect(doc).not.toContain(placement1);
      expect(doc).not.toContain(C.name);
      expect(doc).not.toContain(s.C1!.ctx.userId);
      expect(doc).not.toMatch(new RegExp(`"itemId":"${courseItem}"`));
      for (const id of [...attempts.C!, attempts.D![0]!]) expect(doc).not.toContain(id);
    }
    // D's other course, and content shared with the whole LMS, are still there.
    const dNow = await exportStudentData(home.tenantId, d);
    expect(dNow.records.attempts!.map((a: any) => String(a._id))).toEqual([attempts.D![1]]);
    expect(dNow.context.courses.map((c) => c.id)).toEqual([otherCourse.courseId]);
    expect((await api(s.T2!, 'GET', `/items/${sharedItem}`)).status).toBe(200);
    expect((await api(s.D2!, 'GET', `/attempts/${attempts.D![1]}`)).status).toBe(200);
    // The other LMS's course of the same LMS context id is untouched.
    expect((await api(s.X!, 'GET', `/attempts/${attempts.X![0]}`)).status).toBe(200);
  });
});
