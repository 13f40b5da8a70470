// The embedded database keeps its files in DATA_DIR: killing the database and the tool and
// starting the tool again loses nothing that was stored. Runs the real entry point as a child
// process with no MONGODB_URI, exactly as `npm run demo` does.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPlatform, driveLaunch, type Platform } from '../platform/index.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'growthline-persist-'));
const children: ChildProcess[] = [];
let platform: Platform | undefined;

afterAll(async () => {
  await platform?.stop();
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  try {
    const { pid } = JSON.parse(readFileSync(path.join(dataDir, 'ferretdb.pid'), 'utf8')) as { pid: number };
    process.kill(pid, 'SIGKILL');
  } catch { /* already gone */ }
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts `server/main.ts` on a free port with its own embedded database; resolves with its URL. */
function startToolProcess(port: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, MONGODB_URI: '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LTI_KEY: 'persistence-test-key-0123456789', LOG_LEVEL: 'warn', NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`tool did not start:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /Growthline is running at (\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ url: m[1]!, child }); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`tool exited with ${code}:\n${out}`)); });
  });
}

async function freePort(): Promise<number> {
  const { freePort: fp } = await import('../../server/db/embedded.js');
  return fp();
}

describe('the embedded database', () => {
  it('keeps a registered LMS after the database and the tool are killed and the tool restarts', async () => {
    const port = await freePort();
    const first = await startToolProcess(port);
    platform = createPlatform({ toolUrl: first.url, productFamily: 'moodle' });
    await platform.start();

    // Store something real: a dynamic registration.
    const dr = new URL(platform.dynamicRegistrationUrl());
    const reg = await fetch(`${first.url}/lti/register`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ openid_configuration: dr.searchParams.get('openid_configuration')!, registration_token: dr.searchParams.get('registration_token')! }),
    });
    expect(reg.status).toBe(200);
    const student = platform.users.find((u) => u.roleLabel === 'Student')!;
    expect((await driveLaunch(platform, { userId: student.id })).toolResponse.status).toBe(200);

    // Kill the database first, then the tool, both without a chance to clean up.
    const { pid: dbPid } = JSON.parse(readFileSync(path.join(dataDir, 'ferretdb.pid'), 'utf8')) as { pid: number };
    process.kill(dbPid, 'SIGKILL');
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    const second = await startToolProcess(port);
    expect(second.url).toBe(first.url);
    const health = await fetch(`${second.url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok', db: 'ok' });
    // The registration survived: the same LMS can launch again without registering anew.
    const again = await driveLaunch(platform, { userId: student.id });
    expect(again.toolResponse.status).toBe(200);
    expect(await again.toolResponse.text()).toContain('<gl-student-page');
  }, 120_000);
});
