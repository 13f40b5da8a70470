// Deep Linking 2.0 with the simulator configured as Canvas, registered the way Canvas does it (Dynamic
// Registration whose answer carries no deployment id; the deployment is recorded at the first launch, and
// launches go through Canvas's platform-storage login): one or several resource links each with a
// gradebook line item, the LMS's data echoed, accept_multiple false allowing only one, and a student's
// score reaching the column deep linking created (Canvas answers a score with 200 and a result URL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTool } from '../../server/main.js';
import { listPlatforms } from '../../server/tenants/tenant.service.js';
import { createPlatform, type LaunchRequest, type Platform } from '../platform/index.js';
import { launchWithCookies } from '../support/lti.js';
import { startTestTool } from '../support/tool.js';
import { FAST_GRADES_ENV, waitFor } from './grades.fixtures.js';

Object.assign(process.env, FAST_GRADES_ENV);

let tool: RunningTool;
let canvas: Platform;

beforeAll(async () => {
  tool = await startTestTool();
  canvas = createPlatform({ toolUrl: tool.url, productFamily: 'canvas' });
  await canvas.start();
});
afterAll(async () => {
  await canvas?.stop();
  await tool?.stop();
});

const teacher = () => canvas.users.find((u) => u.roleLabel === 'Teacher')!;
const student = () => canvas.users.find((u) => u.roleLabel === 'Student')!;

/** A Canvas launch (through its platform-storage login page); the tool's session token. */
async function launch(req: LaunchRequest): Promise<{ authorization: string }> {
  const { toolResponse } = await launchWithCookies(canvas, req);
  const html = await toolResponse.text();
  expect(toolResponse.status, html.slice(0, 300)).toBe(200);
  return { authorization: `Bearer ${/session="([^"]+)"/.exec(html)![1]}` };
}

const picker = (deepLinking: { acceptMultiple?: boolean; data?: string }) =>
  launch({ userId: teacher().id, messageType: 'LtiDeepLinkingRequest', deepLinking });

async function respond(auth: { authorization: string }, assessmentIds: string[]) {
  return fetch(`${tool.url}/api/deep-linking/response`, {
    method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ assessmentIds }),
  });
}

const postToCanvas = (answer: { returnUrl: string; jwt: string }) =>
  fetch(answer.returnUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ JWT: answer.jwt }) });

describe('Canvas: Dynamic Registration, then deep linking from the assignment screen', () => {
  it('registers as Canvas does (no deployment id in its answer) and records the deployment at the first launch', async () => {
    const dr = new URL(canvas.dynamicRegistrationUrl());
    const done = await fetch(`${tool.url}/lti/register`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ openid_configuration: dr.searchParams.get('openid_configuration')!, registration_token: dr.searchParams.get('registration_token')! }),
    });
    expect(done.status).toBe(200);
    const reg = canvas.received.registrations.find((r) => r.kind === 'dynamic')!;
    expect(reg.messages.map((m) => m.type)).toContain('LtiDeepLinkingRequest');
    expect(reg.scopes).toContain('https://purl.imsglobal.org/spec/lti-ags/scope/lineitem');
    const registered = async () => (await listPlatforms()).find((p) => p.issuer === canvas.issuer && p.clientId === canvas.clientId)!;
    expect((await registered()).productFamily).toBe('canvas');
    expect((await registered()).deploymentIds).toEqual([]);

    const auth = await picker({ acceptMultiple: true });
    expect((await registered()).deploymentIds).toEqual([canvas.deploymentId]);
    const me = await (await fetch(`${tool.url}/api/session`, { headers: auth })).json();
    expect(me.kind).toBe('deep-linking');
    expect(me.deepLinking).toEqual({ acceptMultiple: true, acceptsLinks: true });
  });

  it('returns one resource link with its line item and Canvas\'s data echoed', async () => {
    const auth = await picker({ acceptMultiple: false, data: 'canvas-opaque-1' });
    const res = await respond(auth, ['starter-g7-rp-pre']);
    expect(res.status).toBe(200);
    expect((await postToCanvas(await res.json())).status).toBe(200);
    const received = canvas.received.deepLinks.at(-1)!;
    expect(received.data).toBe('canvas-opaque-1');
    expect(received.contentItems).toHaveLength(1);
    expect(received.contentItems[0]).toMatchObject({
      type: 'ltiResourceLink', custom: { growthline_assessment: 'starter-g7-rp-pre' },
      lineItem: { scoreMaximum: 100, resourceId: 'starter-g7-rp-pre', tag: 'growthline' },
    });
    const column = canvas.received.lineItems.find((li) => li.resourceLinkId === received.placementsCreated[0]);
    expect(column).toMatchObject({ scoreMaximum: 100, tag: 'growthline', resourceId: 'starter-g7-rp-pre' });
  });

  it('returns several resource links at once when the screen accepts several, each with its own line item', async () => {
    const auth = await picker({ acceptMultiple: true, data: 'canvas-opaque-2' });
    const res = await respond(auth, ['starter-g7-rp-pre', 'starter-g7-rp-post']);
    expect(res.status).toBe(200);
    expect((await postToCanvas(await res.json())).status).toBe(200);
    const received = canvas.received.deepLinks.at(-1)!;
    expect(received.data).toBe('canvas-opaque-2');
    expect(received.contentItems.map((i) => (i as { custom?: Record<string, string> }).custom?.growthline_assessment)).toEqual(['starter-g7-rp-pre', 'starter-g7-rp-post']);
    expect(received.placementsCreated).toHaveLength(2);
    for (const link of received.placementsCreated) {
      expect(canvas.received.lineItems.filter((li) => li.resourceLinkId === link)).toHaveLength(1);
    }
  });

  it('allows only one when accept_multiple is false, and Canvas gets nothing from the refused answer', async () => {
    const before = canvas.received.deepLinks.length;
    const auth = await picker({ acceptMultiple: false, data: 'canvas-opaque-3' });
    const res = await respond(auth, ['starter-g7-rp-pre', 'starter-g7-rp-post']);
    expect(res.status).toBe(400);
    expect((await res.json()).detail).toMatch(/only one/);
    // The same picker can still answer with one.
    const one = await respond(auth, ['starter-g7-rp-post']);
    expect(one.status).toBe(200);
    expect((await postToCanvas(await one.json())).status).toBe(200);
    expect(canvas.received.deepLinks.length).toBe(before + 1);
    expect(canvas.received.deepLinks.at(-1)!.contentItems).toHaveLength(1);
  });

  it('sends a student\'s score to the column deep linking created, and takes Canvas\'s 200 with a result URL as delivered', async () => {
    const auth = await picker({ acceptMultiple: false });
    await postToCanvas(await (await respond(auth, ['starter-g6-rp-pre'])).json());
    const link = canvas.received.deepLinks.at(-1)!.placementsCreated[0]!;
    const column = canvas.received.lineItems.find((li) => li.resourceLinkId === link)!;

    const me = await launch({ userId: student().id, resourceLinkId: link });
    const started = await fetch(`${tool.url}/api/attempts`, { method: 'POST', headers: { ...me, 'content-type': 'application/json' }, body: '{}' });
    expect(started.status).toBe(201);
    const attempt = await started.json();
    expect(attempt.assessment.id).toBe('starter-g6-rp-pre');
    const submitted = await fetch(`${tool.url}/api/attempts/${attempt.id}/submit`, { method: 'POST', headers: { ...me, 'content-type': 'application/json' }, body: '{}' });
    expect(submitted.status).toBe(200);
    const { results } = await submitted.json();

    const [sent] = await waitFor('the score in Canvas', () => {
      const got = canvas.received.scores.filter((s) => s.lineItemId === column.id && s.userId === student().id);
      return got.length === 1 && got;
    });
    expect(sent).toMatchObject({ scoreGiven: results.score, scoreMaximum: results.maxScore, activityProgress: 'Completed', gradingProgress: 'FullyGraded', ignored: false });
    // No column of Growthline's own: the launch named the one deep linking made.
    expect(canvas.received.lineItems.filter((li) => li.resourceLinkId === link)).toHaveLength(1);
  });
});
