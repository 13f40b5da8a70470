// Deep Linking 2.0 against the platform simulator, which verifies the tool's signature with the
// tool's JWKS: one or several resource links with custom parameters and a gradebook line item,
// the LMS's `data` echoed, accept_multiple honoured, and each picker session used once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTool } from '../../server/main.js';
import { createPlatform, driveLaunch, type Platform } from '../platform/index.js';
import { registerSimulator } from '../support/lti.js';
import { startTestTool } from '../support/tool.js';

let tool: RunningTool;
let platform: Platform;

beforeAll(async () => {
  tool = await startTestTool();
  platform = createPlatform({ toolUrl: tool.url, productFamily: 'moodle' });
  await platform.start();
  await registerSimulator(tool, platform);
});
afterAll(async () => {
  await platform?.stop();
  await tool?.stop();
});

const teacher = () => platform.users.find((u) => u.roleLabel === 'Teacher')!;

async function pickerSession(deepLinking: { acceptMultiple?: boolean; data?: string; acceptTypes?: string[] }) {
  const { toolResponse } = await driveLaunch(platform, { userId: teacher().id, messageType: 'LtiDeepLinkingRequest', deepLinking });
  expect(toolResponse.status).toBe(200);
  const token = /session="([^"]+)"/.exec(await toolResponse.text())![1]!;
  return { authorization: `Bearer ${token}` };
}

async function respond(auth: { authorization: string }, assessmentIds: string[]) {
  return fetch(`${tool.url}/api/deep-linking/response`, {
    method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ assessmentIds }),
  });
}

/** What the picker page does with the answer: post JWT to the LMS's return URL. */
async function postToLms(answer: { returnUrl: string; jwt: string }) {
  return fetch(answer.returnUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ JWT: answer.jwt }) });
}

describe('deep linking an assessment into the course', () => {
  it('tells the picker whether the LMS accepts several activities', async () => {
    const auth = await pickerSession({ acceptMultiple: true });
    const me = await (await fetch(`${tool.url}/api/session`, { headers: auth })).json();
    expect(me.deepLinking).toEqual({ acceptMultiple: true, acceptsLinks: true });
  });

  it('returns several resource links, each with its assessment, a line item and the LMS data echoed', async () => {
    const auth = await pickerSession({ acceptMultiple: true, data: 'opaque-from-lms-42' });
    const res = await respond(auth, ['starter-g7-rp-pre', 'starter-g7-rp-post']);
    expect(res.status).toBe(200);
    const back = await postToLms(await res.json());
    expect(back.status).toBe(200);
    const received = platform.received.deepLinks.at(-1)!;
    expect(received.data).toBe('opaque-from-lms-42');
    expect(received.contentItems).toHaveLength(2);
    const [pre, post] = received.contentItems as Array<Record<string, any>>;
    expect(pre!.type).toBe('ltiResourceLink');
    expect(pre!.custom).toEqual({ growthline_assessment: 'starter-g7-rp-pre' });
    expect(post!.custom).toEqual({ growthline_assessment: 'starter-g7-rp-post' });
    expect(pre!.lineItem).toMatchObject({ scoreMaximum: 100, resourceId: 'starter-g7-rp-pre', tag: 'growthline' });
    expect(pre!.title).toMatch(/Grade 7 Ratios/);
    expect(received.placementsCreated).toHaveLength(2);
  });

  it('launching a linked activity opens its assessment', async () => {
    const auth = await pickerSession({ acceptMultiple: false });
    const answer = await (await respond(auth, ['starter-g6-rp-pre'])).json();
    await postToLms(answer);
    const link = platform.received.deepLinks.at(-1)!.placementsCreated[0]!;
    const student = platform.users.find((u) => u.roleLabel === 'Student')!;
    const { toolResponse } = await driveLaunch(platform, { userId: student.id, resourceLinkId: link });
    expect(toolResponse.status).toBe(200);
    expect(await toolResponse.text()).toContain('<gl-student-page');
  });

  it('refuses several assessments when the LMS screen accepts one', async () => {
    const auth = await pickerSession({ acceptMultiple: false });
    const res = await respond(auth, ['starter-g7-rp-pre', 'starter-g7-rp-post']);
    expect(res.status).toBe(400);
    expect((await res.json()).detail).toMatch(/only one/);
  });

  it('refuses a second answer from the same picker session', async () => {
    const auth = await pickerSession({});
    expect((await respond(auth, ['starter-g7-rp-pre'])).status).toBe(200);
    expect((await respond(auth, ['starter-g7-rp-pre'])).status).toBe(404);
  });

  it('sends one answer even when the teacher clicks five times at once', async () => {
    const auth = await pickerSession({});
    const statuses = (await Promise.all([1, 2, 3, 4, 5].map(() => respond(auth, ['starter-g7-rp-pre'])))).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 404)).toHaveLength(4);
  });

  it('refuses an assessment that does not exist for this district', async () => {
    const auth = await pickerSession({});
    expect((await respond(auth, ['not-an-assessment'])).status).toBe(404);
  });

  it('says so when the LMS screen does not accept activities', async () => {
    const auth = await pickerSession({ acceptTypes: ['link', 'file'] });
    const res = await respond(auth, ['starter-g7-rp-pre']);
    expect(res.status).toBe(409);
  });
});

describe('Schoology: manual registration only, deep linking from "Add Materials"', () => {
  let schoology: Platform;
  beforeAll(async () => {
    schoology = createPlatform({ toolUrl: tool.url, productFamily: 'schoology' });
    await schoology.start();
    expect(() => schoology.dynamicRegistrationUrl()).toThrow();
    await registerSimulator(tool, schoology);
  });
  afterAll(async () => { await schoology?.stop(); });

  it('adds an assessment as a resource link that students can then open', async () => {
    const t = schoology.users.find((u) => u.roleLabel === 'Teacher')!;
    const { toolResponse } = await driveLaunch(schoology, { userId: t.id, messageType: 'LtiDeepLinkingRequest' });
    expect(toolResponse.status).toBe(200);
    const auth = { authorization: `Bearer ${/session="([^"]+)"/.exec(await toolResponse.text())![1]}` };
    const answer = await (await fetch(`${tool.url}/api/deep-linking/response`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ assessmentIds: ['starter-g8-f-pre'] }),
    })).json();
    expect((await postToLms(answer)).status).toBe(200);
    const received = schoology.received.deepLinks.at(-1)!;
    expect(received.contentItems[0]).toMatchObject({ type: 'ltiResourceLink', custom: { growthline_assessment: 'starter-g8-f-pre' } });
    const student = schoology.users.find((u) => u.roleLabel === 'Student')!;
    const opened = await driveLaunch(schoology, { userId: student.id, resourceLinkId: received.placementsCreated[0]! });
    expect(await opened.toolResponse.text()).toContain('<gl-student-page');
  });
});
