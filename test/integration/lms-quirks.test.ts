// Real-LMS quirks against the simulator: older Moodle's plain-string messages_supported, Canvas's
// shared issuer (tenants keyed by issuer + client id + deployment id), Canvas's anonymous privacy
// level, and expiry of short-lived records without TTL indexes.
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCleanup } from '../../server/db/cleanup.js';
import type { RunningTool } from '../../server/main.js';
import { LoginStateModel } from '../../server/lti/login-state.js';
import { createPlatform, driveLaunch, parseLaunchForm, type Platform } from '../platform/index.js';
import { launchWithCookies, registerSimulator } from '../support/lti.js';
import { startTestTool } from '../support/tool.js';

let tool: RunningTool;
const platforms: Platform[] = [];

beforeAll(async () => { tool = await startTestTool(); });
afterAll(async () => {
  for (const p of platforms) await p.stop();
  await tool?.stop();
});

async function started(opts: Parameters<typeof createPlatform>[0]) {
  const p = createPlatform(opts);
  await p.start();
  platforms.push(p);
  return p;
}

async function registerDynamically(p: Platform) {
  const dr = new URL(p.dynamicRegistrationUrl());
  return fetch(`${tool.url}/lti/register`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ openid_configuration: dr.searchParams.get('openid_configuration')!, registration_token: dr.searchParams.get('registration_token')! }),
  });
}

const sessionOf = async (res: Response) => /session="([^"]+)"/.exec(await res.text())?.[1];
const me = async (token: string) => (await fetch(`${tool.url}/api/session`, { headers: { authorization: `Bearer ${token}` } })).json();

describe('LMS quirks', () => {
  it('registers with an older Moodle that lists messages_supported as plain strings, deep linking included', async () => {
    const moodle = await started({ toolUrl: tool.url, productFamily: 'moodle', messagesSupportedAsStrings: true });
    const res = await registerDynamically(moodle);
    expect(res.status).toBe(200);
    const reg = moodle.received.registrations.find((r) => r.kind === 'dynamic')!;
    expect(reg.messages.map((m) => m.type).sort()).toEqual(['LtiDeepLinkingRequest', 'LtiResourceLinkRequest']);
    const teacher = moodle.users.find((u) => u.roleLabel === 'Teacher')!;
    const picker = await driveLaunch(moodle, { userId: teacher.id, messageType: 'LtiDeepLinkingRequest' });
    expect(await picker.toolResponse.text()).toContain('<gl-picker-page');
  });

  it('keeps two registrations that share one issuer (as every hosted Canvas does) apart by client id', async () => {
    const canvas = await started({ toolUrl: tool.url, productFamily: 'canvas' });
    // Registration 1: by hand (a Canvas developer key); registration 2: dynamic, same issuer.
    const manual = canvas.registration();
    await registerSimulator(tool, canvas);
    expect((await registerDynamically(canvas)).status).toBe(200);
    const dynamicClient = canvas.clientId;
    expect(dynamicClient).not.toBe(manual.clientId);

    const student = canvas.users.find((u) => u.roleLabel === 'Student')!;
    const viaManual = await sessionOf((await launchWithCookies(canvas, { userId: student.id, clientId: manual.clientId })).toolResponse);
    const viaDynamic = await sessionOf((await launchWithCookies(canvas, { userId: student.id, clientId: dynamicClient })).toolResponse);
    expect(viaManual).toBeTruthy();
    expect(viaDynamic).toBeTruthy();
    // Same issuer, same user id, same course id — but two tenants: two different people and courses.
    const a = await me(viaManual!);
    const b = await me(viaDynamic!);
    expect(a.user.id).not.toBe(b.user.id);
    expect(a.course.id).not.toBe(b.course.id);
  });

  it('works when Canvas shares no names (anonymous privacy level) and shows the student by a stable label', async () => {
    const canvas = await started({ toolUrl: tool.url, productFamily: 'canvas', privacy: 'anonymous' });
    await registerSimulator(tool, canvas);
    const student = canvas.users.find((u) => u.roleLabel === 'Student')!;
    const first = await me((await sessionOf((await launchWithCookies(canvas, { userId: student.id })).toolResponse))!);
    const second = await me((await sessionOf((await launchWithCookies(canvas, { userId: student.id })).toolResponse))!);
    expect(first.user.displayName).toMatch(/^Student [0-9A-F]{4}$/);
    expect(first.user.displayName).not.toContain(student.name);
    expect(second.user.displayName).toBe(first.user.displayName);
  });
});

describe('expiry without TTL indexes', () => {
  it('refuses an expired login state even before the clean-up runs, and the clean-up removes it later', async () => {
    const moodle = platforms[0]!;
    const student = moodle.users.find((u) => u.roleLabel === 'Student')!;
    // Start a login, then let its state expire (moved back in time) before the id_token arrives.
    const login = await fetch(moodle.loginInitiationUrl({ userId: student.id }), { redirect: 'manual' });
    const state = new URL(login.headers.get('location')!).searchParams.get('state')!;
    await LoginStateModel.updateOne({ state }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const form = parseLaunchForm(await (await fetch(login.headers.get('location')!)).text());
    const refused = await fetch(form.action, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') },
      body: new URLSearchParams({ id_token: form.idToken, state: form.state ?? '' }),
    });
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain('took too long');
    expect(await LoginStateModel.countDocuments({ state })).toBe(1);
    // The clean-up keeps expired states a while (to report late replays as replays), then deletes them.
    await runCleanup(new Date(Date.now() + 11 * 60_000));
    expect(await LoginStateModel.countDocuments({ state })).toBe(0);
  });

  it('deletes ltijs nonces with the lifetime ltijs declares (10 s) and keeps newer ones', async () => {
    const Nonce = mongoose.model('nonce');
    await Nonce.create({ nonce: 'old-nonce', createdAt: new Date(Date.now() - 60_000) });
    await Nonce.create({ nonce: 'new-nonce', createdAt: new Date() });
    await runCleanup();
    expect(await Nonce.countDocuments({ nonce: 'old-nonce' })).toBe(0);
    expect(await Nonce.countDocuments({ nonce: 'new-nonce' })).toBe(1);
  });
});
