// The tool's signing keys across a rotation, checked by the LMS simulator: launches, deep linking
// responses and service-token requests keep working before and after, the JWKS publishes the old
// key during its grace period, and private keys are sealed at rest. Also the `keys` CLI.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentSigningKey, forgetCachedSigningKey, rotateSigningKey, signAsTool, ToolKeyModel } from '../../server/lti/keys.js';
import { registerLmsPlatform, SCOPES, TOOL_SCOPES } from '../../server/lti/registration.js';
import { getServiceToken } from '../../server/lti/service-token.js';
import type { RunningTool } from '../../server/main.js';
import { createPlatform, driveLaunch, type Platform } from '../platform/index.js';
import { startTestTool } from '../support/tool.js';

const LTI_KEY = randomBytes(24).toString('hex');
let tool: RunningTool;
let platform: Platform;
let tenantId: string;

const sessionIn = (html: string) => /session="([^"]+)"/.exec(html)?.[1];
const teacher = () => platform.users.find((u) => u.roleLabel === 'Teacher')!;
const student = () => platform.users.find((u) => u.roleLabel === 'Student')!;

async function jwks(): Promise<{ keys: { kid: string }[] }> {
  const res = await fetch(`${tool.url}/lti/keys`);
  expect(res.status).toBe(200);
  return res.json() as Promise<{ keys: { kid: string }[] }>;
}

/** A teacher adds an assessment through deep linking; the simulator verifies the signed response. */
async function deepLinkOnce(): Promise<void> {
  const before = platform.received.deepLinks.length;
  const { toolResponse } = await driveLaunch(platform, { userId: teacher().id, messageType: 'LtiDeepLinkingRequest' });
  expect(toolResponse.status).toBe(200);
  const auth = { authorization: `Bearer ${sessionIn(await toolResponse.text())}` };
  const list = await (await fetch(`${tool.url}/api/assessments`, { headers: auth })).json() as { assessments: { id: string }[] };
  const answer = await fetch(`${tool.url}/api/deep-linking/response`, {
    method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ assessmentIds: [list.assessments[0]!.id] }),
  });
  expect(answer.status).toBe(200);
  const { returnUrl, jwt } = await answer.json() as { returnUrl: string; jwt: string };
  const back = await fetch(returnUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ JWT: jwt }) });
  expect(back.status, await back.clone().text()).toBe(200);
  expect(platform.received.deepLinks).toHaveLength(before + 1);
}

async function studentLaunches(): Promise<void> {
  const { toolResponse } = await driveLaunch(platform, { userId: student().id });
  expect(toolResponse.status).toBe(200);
  expect(await toolResponse.text()).toContain('<gl-student-page');
}

function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args], {
    env: { ...process.env, MONGODB_URI: tool.db.uri, LTI_KEY, NODE_ENV: 'test', LOG_LEVEL: 'silent', PUBLIC_URL: tool.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code: code ?? -1, out, err })));
}

beforeAll(async () => {
  tool = await startTestTool({ LTI_KEY });
  platform = createPlatform({ toolUrl: tool.url, productFamily: 'moodle' });
  await platform.start();
  const r = platform.registration();
  const { tenants } = await registerLmsPlatform(tool.app.lti, {
    issuer: r.issuer, clientId: r.clientId, deploymentIds: [r.deploymentId], authEndpoint: r.authenticationEndpoint,
    tokenEndpoint: r.accesstokenEndpoint, jwksUrl: r.keysetUrl, productFamily: 'moodle', scopes: TOOL_SCOPES, registeredVia: 'manual',
  });
  tenantId = String(tenants[0]!._id);
});
afterAll(async () => {
  await platform?.stop();
  await tool?.stop();
});

describe('signing key rotation', () => {
  it('keeps launches, deep linking and grade-service tokens working across a rotation, publishing both keys during the grace period', async () => {
    await studentLaunches();
    await deepLinkOnce();
    await getServiceToken(tenantId, [SCOPES.score]);
    const before = await jwks();
    expect(before.keys).toHaveLength(1);
    const oldKid = before.keys[0]!.kid;
    // Signed just before the rotation, verified after it (a message in flight).
    const inFlight = await signAsTool({ purpose: 'test' }, { issuer: 'growthline', audience: 'someone' });

    const rotated = await rotateSigningKey({ graceHours: 24 });
    expect(rotated.retired).toEqual([oldKid]);
    const after = await jwks();
    expect(after.keys.map((k) => k.kid).sort()).toEqual([oldKid, rotated.kid].sort());
    const { protectedHeader } = await jwtVerify(inFlight, createLocalJWKSet(after as Parameters<typeof createLocalJWKSet>[0]), { audience: 'someone' });
    expect(protectedHeader.kid).toBe(oldKid);

    await studentLaunches();
    await deepLinkOnce();
    // The client assertion is signed with the new key and the LMS accepts it.
    await getServiceToken(tenantId, [SCOPES.membership]);
    expect(platform.received.tokenRequests.at(-1)!.outcome).toBe('granted');
    expect((await currentSigningKey()).kid).toBe(rotated.kid);
  });

  it('stops publishing a previous key once its grace period is over', async () => {
    const first = (await currentSigningKey()).kid;
    const r = await rotateSigningKey({ graceHours: 0 });
    const kids = (await jwks()).keys.map((k) => k.kid);
    expect(kids).toContain(r.kid);
    expect(kids).not.toContain(first);
    await deepLinkOnce();
  });

  it('keeps private keys sealed at rest and deletes the private half of retired keys', async () => {
    const docs = await ToolKeyModel.collection.find({}).toArray();
    const current = docs.filter((d) => d.status === 'current');
    expect(current).toHaveLength(1);
    expect(current[0]!.privateKey.data).toBeTruthy();
    expect(JSON.stringify(docs)).not.toContain('PRIVATE KEY');
    for (const d of docs.filter((x) => x.status === 'previous')) expect(d.privateKey).toBeUndefined();
  });

  it('creates exactly one key when several requests need one at the same moment', async () => {
    await ToolKeyModel.deleteMany({});
    forgetCachedSigningKey();
    const keys = await Promise.all(Array.from({ length: 6 }, async () => { forgetCachedSigningKey(); return currentSigningKey(); }));
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    expect(await ToolKeyModel.countDocuments({})).toBe(1);
    await deepLinkOnce();
  });

  it('lets one of two simultaneous rotations win and tells the other', async () => {
    const results = await Promise.allSettled([rotateSigningKey(), rotateSigningKey()]);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
    for (const r of results) if (r.status === 'rejected') expect(String(r.reason)).toMatch(/rotation happened at the same moment/);
    expect(await ToolKeyModel.countDocuments({ status: 'current' })).toBe(1);
  });
});

describe('growthline keys (command line)', { timeout: 90_000 }, () => {
  it('rotates the key from the command line; the running tool signs with the new key and publishes the old one', async () => {
    const before = (await currentSigningKey()).kid;
    const rotate = await cli(['keys', 'rotate', '--grace-hours', '2']);
    expect(rotate.code, rotate.err).toBe(0);
    const newKid = /New signing key: (\S+)/.exec(rotate.out)?.[1];
    expect(newKid).toBeTruthy();
    expect(rotate.out).toContain(`Retired: ${before}`);
    const kids = (await jwks()).keys.map((k) => k.kid);
    expect(kids).toEqual(expect.arrayContaining([before, newKid]));
    forgetCachedSigningKey(); // the running tool would pick it up within a minute
    expect((await currentSigningKey()).kid).toBe(newKid);
    await deepLinkOnce();

    const list = await cli(['keys', 'list']);
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(new RegExp(`${newKid}\\s+current`));
    expect(list.out).toMatch(new RegExp(`${before}\\s+previous, published until`));
  });

  it('refuses a grace period that is not a number of hours', async () => {
    const r = await cli(['keys', 'rotate', '--grace-hours', 'soon']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--grace-hours');
  });
});
