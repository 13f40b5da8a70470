// Installing Growthline by hand, as a Schoology administrator would: `growthline platform add` from a
// shell (a child process on the tool's database), then launches work; deployments added later;
// `platform remove` asks first, then deletes the platform with all its data, and its launches stop.
// Also the Canvas developer key JSON and the admin API's guard.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantCollections } from '../../server/admin/platform-removal.js';
import type { RunningTool } from '../../server/main.js';
import { findPlatform } from '../../server/tenants/tenant.service.js';
import { createPlatform, driveLaunch, type Platform } from '../platform/index.js';
import { startTestTool } from '../support/tool.js';

const LTI_KEY = randomBytes(24).toString('hex');
const ADMIN_TOKEN = randomBytes(24).toString('hex');
let tool: RunningTool;
let schoology: Platform;
let moodle: Platform;

const sessionIn = (html: string) => /session="([^"]+)"/.exec(html)?.[1];

function cli(args: string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args], {
    env: { ...process.env, MONGODB_URI: tool.db.uri, LTI_KEY, NODE_ENV: 'test', LOG_LEVEL: 'silent', PUBLIC_URL: tool.url },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  child.stdin.end(stdin ?? '');
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code: code ?? -1, out, err })));
}

function addArgs(p: Platform, family: string, deploymentId = p.registration().deploymentId): string[] {
  const r = p.registration();
  return ['platform', 'add', '--issuer', r.issuer, '--client-id', r.clientId, '--deployment-id', deploymentId,
    '--auth-url', r.authenticationEndpoint, '--token-url', r.accesstokenEndpoint, '--jwks-url', r.keysetUrl,
    '--family', family, '--name', `District ${family}`];
}

/** Records of this tenant in every collection that has a tenantId. */
async function recordsOf(tenantId: string): Promise<number> {
  let n = 0;
  const id = new mongoose.Types.ObjectId(tenantId);
  for (const name of await tenantCollections()) n += await mongoose.connection.db!.collection(name).countDocuments({ tenantId: { $in: [id, tenantId] } });
  return n;
}

const student = (p: Platform) => p.users.find((u) => u.roleLabel === 'Student')!;
const teacher = (p: Platform) => p.users.find((u) => u.roleLabel === 'Teacher')!;

// Each command starts a process that compiles the CLI and connects to the database: seconds each.
beforeAll(async () => {
  process.env.ADMIN_TOKEN = ADMIN_TOKEN;
  tool = await startTestTool({ LTI_KEY });
  schoology = createPlatform({ toolUrl: tool.url, productFamily: 'schoology', courseTitle: 'Schoology Algebra' });
  moodle = createPlatform({ toolUrl: tool.url, productFamily: 'moodle', courseTitle: 'Moodle Grade 7' });
  await Promise.all([schoology.start(), moodle.start()]);
});
afterAll(async () => {
  delete process.env.ADMIN_TOKEN;
  await Promise.all([schoology?.stop(), moodle?.stop()]);
  await tool?.stop();
});

describe('growthline platform add (Schoology, by hand)', { timeout: 90_000 }, () => {
  it('refuses a launch before the LMS is registered', async () => {
    await expect(driveLaunch(schoology, { userId: student(schoology).id })).rejects.toThrow(/answered 4\d\d/);
  });

  it('registers the LMS from the command line; students and teachers can launch at once', async () => {
    const r = await cli(addArgs(schoology, 'schoology'));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Registered District schoology');
    expect(r.out).toContain(`${tool.url}/lti/keys`);

    const { toolResponse } = await driveLaunch(schoology, { userId: student(schoology).id });
    expect(toolResponse.status).toBe(200);
    const html = await toolResponse.text();
    expect(html).toContain('<gl-student-page');
    const me = await (await fetch(`${tool.url}/api/session`, { headers: { authorization: `Bearer ${sessionIn(html)}` } })).json();
    expect(me.course.title).toBe('Schoology Algebra');
    const t = await driveLaunch(schoology, { userId: teacher(schoology).id });
    expect(await t.toolResponse.text()).toContain('<gl-teacher-page');
  });

  it('lists the registered LMS with its family, deployments and services', async () => {
    const r = await cli(['platform', 'list']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('District schoology  [schoology, manual]');
    expect(r.out).toContain(`client id:      ${schoology.registration().clientId}`);
    expect(r.out).toContain(`deployments:    ${schoology.registration().deploymentId}`);
    expect(r.out).toContain('grade passback: on    roster: on');
    const json = JSON.parse((await cli(['platform', 'list', '--json'])).out) as { issuer: string }[];
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({ issuer: schoology.issuer, productFamily: 'schoology', registeredVia: 'manual' });
  });

  it('says which value is missing or already registered, without registering anything', async () => {
    const missing = await cli(addArgs(schoology, 'schoology').filter((a, i, all) => a !== '--token-url' && all[i - 1] !== '--token-url'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--token-url: is required');
    const badUrl = await cli([...addArgs(moodle, 'moodle').slice(0, -4), '--jwks-url', 'not a url']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.err).toContain('--jwks-url');
    expect(await findPlatform(moodle.issuer, moodle.registration().clientId)).toBeNull();
    const again = await cli(addArgs(schoology, 'schoology'));
    expect(again.code).toBe(1);
    expect(again.err).toContain('already registered');
  });

  it('accepts a second deployment once it is added', async () => {
    const other = 'deployment-two';
    schoology.tamper.next({ claims: { 'https://purl.imsglobal.org/spec/lti/claim/deployment_id': other } });
    const refused = (await driveLaunch(schoology, { userId: student(schoology).id })).toolResponse;
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(await refused.text()).toContain('deployment');
    const r = await cli(['platform', 'add-deployment', '--issuer', schoology.issuer, '--client-id', schoology.registration().clientId, '--deployment-id', other]);
    expect(r.code, r.err).toBe(0);
    schoology.tamper.next({ claims: { 'https://purl.imsglobal.org/spec/lti/claim/deployment_id': other } });
    expect((await driveLaunch(schoology, { userId: student(schoology).id })).toolResponse.status).toBe(200);
  });
});

describe('growthline platform remove', { timeout: 90_000 }, () => {
  let schoologyTenant: string;
  let moodleTenant: string;

  beforeAll(async () => {
    const add = await cli(addArgs(moodle, 'moodle'));
    expect(add.code, add.err).toBe(0);
    for (const p of [schoology, moodle]) {
      for (const u of [student(p), teacher(p)]) expect((await driveLaunch(p, { userId: u.id })).toolResponse.status).toBe(200);
    }
    const sessionOf = async (p: Platform) => tool.app.sessions.verify(sessionIn(await (await driveLaunch(p, { userId: teacher(p).id })).toolResponse.text())!);
    schoologyTenant = (await sessionOf(schoology)).tenantId;
    moodleTenant = (await sessionOf(moodle)).tenantId;
    expect(await recordsOf(schoologyTenant)).toBeGreaterThan(0);
  });

  it('asks for the client id first and removes nothing when the answer does not match', async () => {
    const r = await cli(['platform', 'remove', schoology.issuer, schoology.registration().clientId], 'yes\n');
    expect(r.code).toBe(1);
    expect(r.out).toContain('ALL their Growthline data');
    expect(r.err).toContain('Not removed');
    expect(await findPlatform(schoology.issuer, schoology.registration().clientId)).not.toBeNull();
    expect((await driveLaunch(schoology, { userId: student(schoology).id })).toolResponse.status).toBe(200);
  });

  it('removes the platform with every record of its tenants; its launches are refused; other LMSs keep theirs', async () => {
    const moodleBefore = await recordsOf(moodleTenant);
    const r = await cli(['platform', 'remove', schoology.issuer, schoology.registration().clientId], `${schoology.registration().clientId}\n`);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Removed District schoology and \d+ records/);

    expect(await recordsOf(schoologyTenant)).toBe(0);
    expect(await findPlatform(schoology.issuer, schoology.registration().clientId)).toBeNull();
    expect(await mongoose.connection.db!.collection('tenants').countDocuments({ _id: new mongoose.Types.ObjectId(schoologyTenant) })).toBe(0);
    // ltijs's own record of the platform is gone too.
    expect(await mongoose.model('platform').countDocuments({ platformUrl: schoology.issuer })).toBe(0);
    await expect(driveLaunch(schoology, { userId: student(schoology).id })).rejects.toThrow(/answered 4\d\d/);

    expect(await recordsOf(moodleTenant)).toBe(moodleBefore);
    expect((await driveLaunch(moodle, { userId: student(moodle).id })).toolResponse.status).toBe(200);
    const list = await cli(['platform', 'list']);
    expect(list.out).not.toContain('District schoology');
    expect(list.out).toContain('District moodle');
  });

  it('removes without asking with --yes', async () => {
    const r = await cli(['platform', 'remove', moodle.issuer, moodle.registration().clientId, '--yes']);
    expect(r.code, r.err).toBe(0);
    expect(await recordsOf(moodleTenant)).toBe(0);
    await expect(driveLaunch(moodle, { userId: student(moodle).id })).rejects.toThrow(/answered 4\d\d/);
  });
});

describe('installation help and the admin API', () => {
  it('serves the Canvas developer key JSON with the tool\'s URLs, scopes, deep linking placements and name-only privacy', async () => {
    const res = await fetch(`${tool.url}/lti/canvas.json`);
    expect(res.status).toBe(200);
    const cfg = await res.json();
    expect(cfg).toMatchObject({
      title: 'Growthline', oidc_initiation_url: `${tool.url}/lti/login`, target_link_uri: `${tool.url}/lti/launch`, public_jwk_url: `${tool.url}/lti/keys`,
    });
    expect(cfg.scopes).toContain('https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly');
    const ext = cfg.extensions[0];
    expect(ext.privacy_level).toBe('name_only');
    expect(ext.settings.placements.map((p: { placement: string; message_type: string }) => `${p.placement}:${p.message_type}`).sort())
      .toEqual(['assignment_selection:LtiDeepLinkingRequest', 'link_selection:LtiDeepLinkingRequest']);
    expect(cfg.custom_fields).toBeTypeOf('object');
  });

  it('keeps the admin API closed without the admin token, and registers and removes an LMS with it', async () => {
    expect((await fetch(`${tool.url}/api/admin/platforms`)).status).toBe(401);
    expect((await fetch(`${tool.url}/api/admin/platforms`, { headers: { authorization: 'Bearer wrong-token-wrong-token-wrong' } })).status).toBe(401);
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const r = moodle.registration();
    const created = await fetch(`${tool.url}/api/admin/platforms`, {
      method: 'POST', headers: auth,
      body: JSON.stringify({ issuer: r.issuer, clientId: r.clientId, deploymentIds: [r.deploymentId], authEndpoint: r.authenticationEndpoint, tokenEndpoint: r.accesstokenEndpoint, jwksUrl: r.keysetUrl, productFamily: 'moodle' }),
    });
    expect(created.status).toBe(201);
    const { id } = await created.json();
    expect((await driveLaunch(moodle, { userId: student(moodle).id })).toolResponse.status).toBe(200);
    const list = await (await fetch(`${tool.url}/api/admin/platforms`, { headers: auth })).json();
    expect(list.platforms).toHaveLength(1);
    expect(list.platforms[0]).toMatchObject({ id, services: { gradePassback: 'on', roster: 'on' } });
    expect((await fetch(`${tool.url}/api/admin/platforms/${id}?confirm=nope`, { method: 'DELETE', headers: auth })).status).toBe(400);
    const removed = await fetch(`${tool.url}/api/admin/platforms/${id}?confirm=${encodeURIComponent(r.clientId)}`, { method: 'DELETE', headers: auth });
    expect(removed.status).toBe(200);
    await expect(driveLaunch(moodle, { userId: student(moodle).id })).rejects.toThrow(/answered 4\d\d/);
  });
});
