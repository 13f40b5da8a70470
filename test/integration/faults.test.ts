// What students notice when things break: a tool shut down (SIGTERM) finishes the answer being
// saved before it exits; a database that dies and comes back loses no acknowledged answer and the
// tool reconnects by itself; a tool killed outright (SIGKILL) comes back with every acknowledged
// answer; and once launched, taking a test does not need the LMS at all. The tool runs as a child
// process (`server/main.ts`), exactly as in production.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/db/embedded.js';
import { createPlatform, type Platform } from '../platform/index.js';
import { launchSessionToken } from '../support/lti.js';
import { testDatabaseUri } from '../support/tool.js';

const LTI_KEY = 'faults-test-key-0123456789abcdef';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'growthline-faults-'));
const children: ChildProcess[] = [];
const platforms: Platform[] = [];
let restartedDb: EmbeddedDatabase | undefined;

afterAll(async () => {
  for (const p of platforms) await p.stop().catch(() => undefined);
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await restartedDb?.stop();
  try {
    const { pid } = JSON.parse(readFileSync(path.join(dataDir, 'ferretdb.pid'), 'utf8')) as { pid: number };
    process.kill(pid, 'SIGKILL');
  } catch { /* already gone */ }
  rmSync(dataDir, { recursive: true, force: true });
});

interface ToolProcess { url: string; child: ChildProcess; exited: Promise<number | null> }

/** Starts `server/main.ts` on the given port; resolves once it says it is listening. */
function startToolProcess(port: number, env: Record<string, string>): Promise<ToolProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LTI_KEY, LOG_LEVEL: 'warn', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`tool did not start:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /Growthline is running at (\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ url: m[1]!, child, exited }); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`tool exited with ${code}:\n${out}`)); });
  });
}

async function registerDynamically(p: Platform, toolUrl: string) {
  const page = await (await fetch(p.dynamicRegistrationUrl())).text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1]?.replace(/&amp;/g, '&') ?? '';
  const res = await fetch(`${toolUrl}/lti/register`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ openid_configuration: field('openid_configuration'), registration_token: field('registration_token') }),
  });
  expect(res.status).toBe(200);
}

async function launch(p: Platform, roleLabel: 'Teacher' | 'Student'): Promise<Record<string, string>> {
  const user = p.users.find((u) => u.roleLabel === roleLabel)!;
  return { authorization: `Bearer ${await launchSessionToken(p, user.id)}` };
}

interface Answer { status: number; body: any }
const api = async (url: string, auth: Record<string, string>, method: string, p: string, body?: unknown): Promise<Answer> => {
  const res = await fetch(`${url}/api${p}`, { method, headers: { ...auth, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
};

interface Classroom { platform: Platform; teacher: Record<string, string>; student: Record<string, string>; attemptId: string; items: { position: number; type: string; choices?: { id: string }[] }[] }

/** Registers a demo LMS, lets its teacher pick a ready-made assessment and its student start it. */
async function classroom(toolUrl: string): Promise<Classroom> {
  const platform = createPlatform({ toolUrl, productFamily: 'moodle' });
  platforms.push(platform);
  await platform.start();
  await registerDynamically(platform, toolUrl);
  const teacher = await launch(platform, 'Teacher');
  const placement = (await api(toolUrl, teacher, 'GET', '/session')).body.placement.id as string;
  const ready = (await api(toolUrl, teacher, 'GET', '/assessments')).body.assessments as { id: string; itemCount: number }[];
  const pick = ready.find((a) => a.itemCount >= 5)!;
  expect((await api(toolUrl, teacher, 'PUT', `/placements/${placement}`, { assessmentId: pick.id })).status).toBe(200);
  const student = await launch(platform, 'Student');
  const started = await api(toolUrl, student, 'POST', '/attempts', {});
  expect(started.status).toBe(201);
  return { platform, teacher, student, attemptId: started.body.id, items: started.body.items };
}

/** A well-formed answer for a question, different for each n, so the newest one can be told apart. */
function answer(item: Classroom['items'][number], n: number): unknown {
  const ids = item.choices?.map((c) => c.id) ?? [];
  switch (item.type) {
    case 'single': return { type: 'single', choice: ids[n % ids.length] };
    case 'multiple': return { type: 'multiple', choices: [ids[n % ids.length]] };
    case 'order': return { type: 'order', order: [...ids.slice(n % ids.length), ...ids.slice(0, n % ids.length)] };
    case 'numeric': return { type: 'numeric', text: String(n) };
    default: return { type: 'text', text: `answer ${n}` };
  }
}

describe('shutting the tool down (SIGTERM)', () => {
  it('stops taking new connections, finishes the answer being saved, and exits 0', async () => {
    const port = await freePort();
    const env = { MONGODB_URI: `${testDatabaseUri().replace(/\/[^/]*$/, '/')}gl_faults_${randomBytes(4).toString('hex')}` };
    const tool = await startToolProcess(port, env);
    const room = await classroom(tool.url);
    const item = room.items[0]!;
    const body = JSON.stringify({ value: answer(item, 7), seq: 1 });

    // A student on a slow network: the request is in, half its body has arrived.
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    let reply = '';
    socket.on('data', (d) => { reply += d.toString(); });
    const closed = new Promise((r) => socket.once('close', r));
    socket.write(`PUT /api/attempts/${room.attemptId}/responses/${item.position} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`
      + `Authorization: ${room.student.authorization}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`);
    socket.write(body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 300));

    tool.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    // No new work is accepted once shutdown has begun.
    await expect(fetch(`${tool.url}/healthz`)).rejects.toThrow();
    expect(tool.child.exitCode).toBeNull();

    socket.write(body.slice(10));
    await closed;
    expect(reply).toMatch(/^HTTP\/1\.1 200 /);
    expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4))).toMatchObject({ position: item.position, seq: 1, stale: false });
    expect(await tool.exited).toBe(0);

    // The answer acknowledged during shutdown is there after a restart.
    const again = await startToolProcess(port, env);
    const view = await api(again.url, room.student, 'GET', `/attempts/${room.attemptId}`);
    expect(view.body.responses[item.position]).toEqual({ value: answer(item, 7), seq: 1 });
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  }, 120_000);
});

describe('the embedded database and the tool failing under students', () => {
  let port: number;
  let tool: ToolProcess;
  let room: Classroom;
  /** Every answer the tool acknowledged with a 200: position → the answer and its seq. */
  const acknowledged = new Map<number, { value: unknown; seq: number }>();
  let seq = 0;

  const save = async (url: string, position: number): Promise<Answer> => {
    const item = room.items.find((i) => i.position === position)!;
    const value = answer(item, ++seq);
    const a = await api(url, room.student, 'PUT', `/attempts/${room.attemptId}/responses/${position}`, { value, seq });
    if (a.status === 200) acknowledged.set(position, { value, seq });
    return a;
  };
  const expectAllAcknowledged = async (url: string) => {
    const view = await api(url, room.student, 'GET', `/attempts/${room.attemptId}`);
    expect(view.status).toBe(200);
    for (const [position, saved] of acknowledged) expect(view.body.responses[position], `question ${position}`).toEqual(saved);
  };

  beforeAll(async () => {
    port = await freePort();
    tool = await startToolProcess(port, { MONGODB_URI: '', DATA_DIR: dataDir });
    room = await classroom(tool.url);
  }, 120_000);

  it('fails saves while the database is down, reconnects when it is back, and loses nothing acknowledged', async () => {
    for (const p of [1, 2, 3]) expect((await save(tool.url, p)).status).toBe(200);

    const { pid } = JSON.parse(readFileSync(path.join(dataDir, 'ferretdb.pid'), 'utf8')) as { pid: number; port: number };
    process.kill(pid, 'SIGKILL');
    const [down, health] = await Promise.all([save(tool.url, 2), fetch(`${tool.url}/healthz`)]);
    // Refused visibly, with a hint to retry (the widget keeps the answer queued and retries).
    expect(down.status).toBe(503);
    expect(down.body.detail).not.toMatch(/mongo|ferret|ECONNREFUSED/i);
    expect(health.status).toBe(503);

    // Restarted on the same data files: it comes back on the same port, and the tool finds it.
    restartedDb = await startEmbeddedDatabase({ dataDir, say: () => undefined });
    const deadline = Date.now() + 45_000;
    let back: Answer;
    do {
      back = await save(tool.url, 4);
      if (back.status !== 200) await new Promise((r) => setTimeout(r, 500));
    } while (back.status !== 200 && Date.now() < deadline);
    expect(back.status).toBe(200);
    expect((await fetch(`${tool.url}/healthz`)).status).toBe(200);
    await expectAllAcknowledged(tool.url);
  }, 120_000);

  it('keeps every acknowledged answer when the tool is killed outright, and the student resumes', async () => {
    for (const p of [2, 5]) expect((await save(tool.url, p)).status).toBe(200);
    tool.child.kill('SIGKILL');
    await tool.exited;

    tool = await startToolProcess(port, { MONGODB_URI: '', DATA_DIR: dataDir });
    // The student's page carries on with the session it has (same LTI_KEY): same attempt, every answer.
    const resumed = await api(tool.url, room.student, 'POST', '/attempts', {});
    expect(resumed.status).toBe(200);
    expect(resumed.body.id).toBe(room.attemptId);
    await expectAllAcknowledged(tool.url);
  }, 120_000);

  it('lets students carry on and submit while the LMS is unreachable', async () => {
    await room.platform.stop();
    expect((await api(tool.url, room.student, 'POST', '/attempts', {})).status).toBe(200);
    expect((await save(tool.url, 1)).status).toBe(200);
    await expectAllAcknowledged(tool.url);
    const submitted = await api(tool.url, room.student, 'POST', `/attempts/${room.attemptId}/submit`, {});
    expect(submitted.status).toBe(200);
    expect(typeof submitted.body.results.score).toBe('number');
    expect((await api(tool.url, room.student, 'GET', `/attempts/${room.attemptId}/results`)).status).toBe(200);
    tool.child.kill('SIGTERM');
    expect(await tool.exited).toBe(0);
  }, 60_000);
});
