// No score is lost when the tool process dies or is stopped while scores are waiting or on their way:
// real tool processes (server/main.ts) send grades from one database; one is killed mid-send, another
// started on the same database sends what it left, once; a stopped one hands its scores back at once.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/db/embedded.js';
import { GradeOutboxModel } from '../../server/grades/outbox.model.js';
import { queueScore } from '../../server/grades/outbox.service.js';
import type { RunningTool } from '../../server/main.js';
import { createPlatform, type Platform } from '../platform/index.js';
import { startTestTool, testDatabaseUri } from '../support/tool.js';
import { FAST_GRADES_ENV, launchAll, registerByHand, waitFor, type Launched } from './grades.fixtures.js';

// The in-process tool serves launches and the JWKS; only the child processes send grades.
process.env.GRADES_WORKER = 'off';
const LTI_KEY = randomBytes(24).toString('hex');
const LEASE_MS = 1500;

let tool: RunningTool;
let platform: Platform;
const children: ChildProcess[] = [];

beforeAll(async () => {
  tool = await startTestTool({ LTI_KEY });
  platform = createPlatform({ toolUrl: tool.url, productFamily: 'moodle' });
  await platform.start();
  await registerByHand(tool, platform);
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await platform?.stop();
  await tool?.stop();
});

/** Starts server/main.ts on the test database with its grade worker on; resolves once it listens. */
function startToolProcess(env: Record<string, string> = {}): Promise<{ child: ChildProcess; output: () => string }> {
  return freePort().then((port) => new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: {
        ...process.env, ...FAST_GRADES_ENV, GRADES_WORKER: 'on', GRADES_LEASE_MS: String(LEASE_MS), GRADES_MAX_TRIES: '50',
        MONGODB_URI: `${testDatabaseUri().replace(/\/[^/]*$/, '/')}${tool.db.dbName}`, PORT: String(port), HOST: '127.0.0.1',
        LTI_KEY, LOG_LEVEL: 'warn', NODE_ENV: 'test', ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`tool did not start:\n${out}`)), 90_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (/Growthline is running at (\S+)/.test(out)) { clearTimeout(timer); resolve({ child, output: () => out }); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`tool exited with ${code}:\n${out}`)); });
  }));
}

const exited = (c: ChildProcess) => new Promise<number | null>((r) => (c.exitCode !== null ? r(c.exitCode) : c.once('exit', (code) => r(code))));
const students = () => platform.users.filter((u) => u.roleLabel === 'Student');
const received = (lineItemId: string, userId: string) => platform.received.scores.filter((s) => s.lineItemId === lineItemId && s.userId === userId);

async function queueFor(launched: Launched[], at: Date) {
  for (const [i, l] of launched.entries()) {
    await queueScore({
      tenantId: l.tenantId, courseId: l.courseId, placementId: l.placementId, personId: l.personId, attemptId: `restart-${i}`,
      scoreGiven: i + 5, scoreMaximum: 10, timestamp: at,
    });
  }
}

describe('restarting the tool while scores are on their way', () => {
  it('sends every score exactly once after the sending process is killed mid-send and another starts', async () => {
    const link = platform.addPlacement({ title: 'Restart check', lineItem: { scoreMaximum: 100 } }).resourceLinkId;
    const column = platform.received.lineItems.find((li) => li.resourceLinkId === link)!;
    const launched = await launchAll(platform, students(), link);

    // The LMS hangs on every score the first process sends (longer than its timeout); it dies while they hang.
    platform.faults.set('scores', launched.map(() => ({ delayMs: 120_000 })));
    const first = await startToolProcess({ GRADES_TIMEOUT_MS: '200000' });
    const at = new Date();
    await queueFor(launched, at);
    await waitFor('the first process to be mid-send', () => platform.state.faults.get('scores')?.length === 0, 30_000);
    first.child.kill('SIGKILL');
    await exited(first.child);
    // The hung requests never get an answer.
    for (const t of platform.state.timers) clearTimeout(t);
    platform.state.timers.clear();
    const held = await GradeOutboxModel.find({ placementId: launched[0]!.placementId }).lean();
    expect(held.map((d) => d.status)).toEqual(['sending', 'sending', 'sending']);
    expect(students().every((s) => received(column.id, s.id).length === 0)).toBe(true);

    const second = await startToolProcess();
    await waitFor('every score', () => students().every((s) => received(column.id, s.id).length >= 1), 30_000);
    await new Promise((r) => setTimeout(r, 500)); // nothing more arrives
    for (const [i, s] of students().entries()) {
      expect(received(column.id, s.id)).toEqual([expect.objectContaining({ scoreGiven: i + 5, timestamp: at.toISOString(), ignored: false })]);
    }
    const after = await GradeOutboxModel.find({ placementId: launched[0]!.placementId }).lean();
    expect(after.map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);

    // A stopped process finishes or hands back what it holds, at once: the next one need not wait for leases.
    const link2 = platform.addPlacement({ title: 'Restart check 2', lineItem: { scoreMaximum: 100 } }).resourceLinkId;
    const column2 = platform.received.lineItems.find((li) => li.resourceLinkId === link2)!;
    const launched2 = await launchAll(platform, students(), link2);
    platform.faults.set('scores', Array.from({ length: 30 }, () => ({ status: 503 })));
    const at2 = new Date();
    await queueFor(launched2, at2);
    await waitFor('a few failed tries', async () => (await GradeOutboxModel.find({ placementId: launched2[0]!.placementId }).lean()).every((d) => d.tries >= 1), 30_000);
    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);
    const handedBack = await GradeOutboxModel.find({ placementId: launched2[0]!.placementId }).lean();
    expect(handedBack.map((d) => [d.status, d.leaseOwner, d.leaseUntil.getTime()])).toEqual(handedBack.map(() => ['pending', null, 0]));

    platform.faults.clear();
    await startToolProcess();
    await waitFor('every score of the second activity', () => students().every((s) => received(column2.id, s.id).length === 1), 30_000);
    for (const s of students()) expect(received(column2.id, s.id)[0]).toMatchObject({ timestamp: at2.toISOString(), ignored: false });
  }, 240_000);
});
