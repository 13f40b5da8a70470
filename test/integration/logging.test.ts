// The logs never carry a student's name, email or answers, even at LOG_LEVEL=debug: the real tool
// runs as a child process, an LMS registers it, people launch, the roster is read from the LMS, a
// student answers with distinctive values and submits, the grade goes back to the LMS — and every
// line the process wrote is searched for each person's name and email and for each answer.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/db/embedded.js';
import { createLogger, REDACT_PATHS } from '../../server/log.js';
import { createPlatform, type Platform } from '../platform/index.js';
import { launchSessionToken } from '../support/lti.js';
import { testDatabaseUri } from '../support/tool.js';

let child: ChildProcess;
let toolUrl: string;
let platform: Platform;
let output = '';

beforeAll(async () => {
  const port = await freePort();
  child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'debug', NODE_ENV: 'test', LTI_KEY: 'logging-test-key-0123456789abcdef',
      MONGODB_URI: `${testDatabaseUri().replace(/\/[^/]*$/, '/')}gl_logging_${randomBytes(4).toString('hex')}`,
      // The grade worker looks for work often, so the score reaches the LMS within the test.
      GRADES_POLL_MS: '200',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  toolUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tool did not start:\n${output}`)), 60_000);
    const check = () => { const m = /Growthline is running at (\S+)/.exec(output); if (m) { clearTimeout(timer); resolve(m[1]!); } };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`tool exited with ${code}:\n${output}`)); });
  });
  platform = createPlatform({ toolUrl, productFamily: 'moodle', privacy: 'public' });
  await platform.start();
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
});

async function launch(userId: string): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await launchSessionToken(platform, userId)}` };
}

const api = async (auth: Record<string, string>, method: string, p: string, body?: unknown) => {
  const res = await fetch(`${toolUrl}/api${p}`, { method, headers: { ...auth, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() as any };
};

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the logs', () => {
  it('hold no name, email or answer through registration, launches, roster, answers, submission and grade passback', async () => {
    // Registration (dynamic), as an LMS administrator does it.
    const page = await (await fetch(platform.dynamicRegistrationUrl())).text();
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1]?.replace(/&amp;/g, '&') ?? '';
    const reg = await fetch(`${toolUrl}/lti/register`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ openid_configuration: field('openid_configuration'), registration_token: field('registration_token') }),
    });
    expect(reg.status).toBe(200);

    const teacherUser = platform.users.find((u) => u.roleLabel === 'Teacher')!;
    const studentUser = platform.users.find((u) => u.roleLabel === 'Student')!;
    const teacher = await launch(teacherUser.id);
    const placement = (await api(teacher, 'GET', '/session')).body.placement.id as string;
    const ready = (await api(teacher, 'GET', '/assessments?grade=7')).body.assessments as { id: string; itemCount: number }[];
    const pick = [...ready].sort((a, b) => b.itemCount - a.itemCount)[0]!;
    expect((await api(teacher, 'PUT', `/placements/${placement}`, { assessmentId: pick.id })).status).toBe(200);
    expect((await api(teacher, 'GET', '/roster?refresh=1')).status).toBe(200);

    const student = await launch(studentUser.id);
    const attempt = (await api(student, 'POST', '/attempts', {})).body;
    const answers: string[] = [];
    let seq = 0;
    for (const item of attempt.items as { position: number; type: string; choices?: { id: string }[] }[]) {
      let value: unknown;
      if (item.type === 'numeric') { const text = `${918_273 + item.position}.645`; answers.push(text); value = { type: 'numeric', text }; }
      else if (item.type === 'text') { const text = `periwinkle-zeppelin-${item.position}`; answers.push(text); value = { type: 'text', text }; }
      else if (item.type === 'single') value = { type: 'single', choice: item.choices![0]!.id };
      else if (item.type === 'multiple') value = { type: 'multiple', choices: [item.choices![0]!.id] };
      else value = { type: 'order', order: item.choices!.map((c) => c.id) };
      expect((await api(student, 'PUT', `/attempts/${attempt.id}/responses/${item.position}`, { value, seq: ++seq })).status).toBe(200);
    }
    expect(answers.length, 'the assessment has typed answers to look for').toBeGreaterThan(0);
    // A wrong-shaped answer, refused, carries a distinctive value too.
    answers.push('refused-answer-ultramarine');
    expect((await api(student, 'PUT', `/attempts/${attempt.id}/responses/1`, { value: { type: 'text', text: 'refused-answer-ultramarine', extra: 'x'.repeat(300) }, seq: 1 })).status).toBeLessThan(500);
    expect((await api(student, 'POST', `/attempts/${attempt.id}/submit`, {})).status).toBe(200);
    expect((await api(teacher, 'GET', `/placements/${placement}/attempts`)).status).toBe(200);
    expect((await api(teacher, 'GET', `/attempts/${attempt.id}/results`)).status).toBe(200);

    // Wait for the grade to reach the LMS, so the worker's lines are in the output too.
    const deadline = Date.now() + 20_000;
    while (!platform.received.scores.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(platform.received.scores.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));

    // The run did log (debug included), so the search below means something.
    expect(output).toContain('"msg":"Growthline is listening"');
    expect(output.split('\n').filter((l) => l.startsWith('{')).length).toBeGreaterThan(3);

    for (const u of platform.users) {
      expect(output, `name of ${u.id}`).not.toContain(u.name);
      expect(output, `email of ${u.id}`).not.toContain(u.email);
      for (const part of [u.givenName, u.familyName]) expect(output, `part of the name of ${u.id}`).not.toMatch(new RegExp(`\\b${escape(part)}\\b`));
    }
    for (const a of answers) expect(output, 'an answer').not.toContain(a);
  }, 120_000);

  it('redact names, emails and answers wherever a log call puts them, errors from the database included', () => {
    const lines: string[] = [];
    const log = createLogger('debug', { write: (line: string) => { lines.push(line); } });
    log.info({ name: 'Ada Lovelace', email: 'ada@example.edu', person: { name: 'Ada Lovelace', email: 'ada@example.edu', given_name: 'Ada' } }, 'person');
    log.info({ value: { type: 'text', text: 'secret answer' }, body: { value: { text: 'secret answer' } } }, 'answer');
    log.error({ err: Object.assign(new Error('validation failed'), { value: 'secret answer', errors: { 'responses.p1': { value: 'secret answer', properties: { value: 'secret answer' } } } }) }, 'request failed');
    log.warn({ err: Object.assign(new Error('duplicate key'), { keyValue: { name: 'Ada Lovelace' } }) }, 'write failed');
    const text = lines.join('');
    expect(text).toContain('"msg":"request failed"');
    expect(text).not.toContain('Ada');
    expect(text).not.toContain('ada@example.edu');
    expect(text).not.toContain('secret answer');
    expect(REDACT_PATHS).toContain('req.headers.authorization');
  });
});
