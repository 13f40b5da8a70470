// The LMS simulator on its own, driven by a tiny strict tool (fake-tool.ts): launches,
// refusals, tampered tokens, the token endpoint, AGS, NRPS paging, deep linking,
// Dynamic Registration, fault injection and the demo page.

import { decodeProtectedHeader } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeTool, type VerifiedLaunch } from './fake-tool.js';
import { createPlatform, driveLaunch, parseLaunchForm, type LaunchRequest, type Platform, type PlatformOptions } from './index.js';
import { claim, mediaType, scope } from './vocabulary.js';

interface Rig {
  tool: FakeTool;
  platform: Platform;
}

async function startRig(opts: Partial<PlatformOptions> = {}): Promise<Rig> {
  const tool = new FakeTool();
  await tool.start();
  const platform = createPlatform({ toolUrl: tool.url, ...opts });
  await platform.start();
  tool.trust(platform.registration());
  return { tool, platform };
}

async function stopRig(rig: Rig | undefined): Promise<void> {
  await rig?.platform.stop();
  await rig?.tool.stop();
}

async function launch(platform: Platform, req: LaunchRequest): Promise<VerifiedLaunch> {
  const { toolResponse } = await driveLaunch(platform, req);
  return (await toolResponse.json()) as VerifiedLaunch;
}

/** The platform's authorize URL exactly as the tool built it, for tests that then spoil one parameter. */
async function authorizeUrl(platform: Platform, req: LaunchRequest = { userId: 'u2001' }): Promise<URL> {
  const res = await fetch(platform.loginInitiationUrl(req), { redirect: 'manual' });
  return new URL(res.headers.get('location') ?? '');
}

async function authorizeWith(url: URL, edit: (p: URLSearchParams) => void): Promise<{ status: number; text: string }> {
  const spoiled = new URL(url);
  edit(spoiled.searchParams);
  const res = await fetch(spoiled);
  return { status: res.status, text: await res.text() };
}

function scoresUrl(lineItem: string): string {
  const url = new URL(lineItem);
  url.pathname += '/scores';
  return url.toString();
}

function postScore(lineItem: string, token: string, body: Record<string, unknown>, contentType: string = mediaType.score) {
  return fetch(scoresUrl(lineItem), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body: JSON.stringify(body),
  });
}

function score(userId: string, scoreGiven: number, timestamp = new Date().toISOString()) {
  return { userId, scoreGiven, scoreMaximum: 10, activityProgress: 'Completed', gradingProgress: 'FullyGraded', timestamp };
}

function nextLink(link: string | null): string | undefined {
  return link ? /<([^>]+)>;\s*rel="next"/.exec(link)?.[1] : undefined;
}

describe('a resource link launch', () => {
  let rig: Rig;
  beforeAll(async () => { rig = await startRig(); });
  afterAll(() => stopRig(rig));
  afterEach(() => rig.platform.tamper.clear());

  it('publishes RS256 public keys with a kid and no private parts', async () => {
    const res = await fetch(`${rig.platform.url}/.well-known/jwks.json`);
    const { keys } = (await res.json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(typeof keys[0]?.kid).toBe('string');
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('gives the tool an id_token it can verify, with every LTI 1.3 claim a student launch carries', async () => {
    const result = await launch(rig.platform, { userId: 'u2002', custom: { unit: 'ratios' } });
    expect(result.error).toBeUndefined();
    const c = result.claims!;
    expect(c.iss).toBe(rig.platform.issuer);
    expect(c.aud).toBe(rig.platform.clientId);
    expect(c.azp).toBe(rig.platform.clientId);
    expect(c.sub).toBe('u2002');
    expect((c.exp as number) - (c.iat as number)).toBe(300);
    expect(c.name).toBe('Diego Hernández');
    expect(c.email).toBe('diego.hernandez@example.edu');
    expect(c[claim.deploymentId]).toBe(rig.platform.deploymentId);
    expect(c[claim.messageType]).toBe('LtiResourceLinkRequest');
    expect(c[claim.version]).toBe('1.3.0');
    expect(c[claim.roles]).toEqual(['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner']);
    expect(c[claim.context]).toMatchObject({ id: rig.platform.course.id, title: rig.platform.course.title });
    expect(c[claim.resourceLink]).toEqual({ id: 'rl-ratios-pretest', title: 'Grade 7 Ratios — Pre-test' });
    expect(c[claim.targetLinkUri]).toBe(`${rig.tool.url}/lti/launch`);
    expect(c[claim.toolPlatform]).toMatchObject({ product_family_code: 'moodle' });
    expect(c[claim.launchPresentation]).toMatchObject({ document_target: 'iframe', locale: 'en-US' });
    expect(c[claim.custom]).toEqual({ unit: 'ratios' });
    const ags = c[claim.agsEndpoint] as { scope: string[]; lineitems: string; lineitem: string };
    expect(ags.scope).toContain(scope.score);
    expect(ags.lineitems).toMatch(/\/lineitems\?type_id=7$/);
    expect(ags.lineitem).toBe(rig.platform.received.lineItems[0]?.id);
    expect(c[claim.nrps]).toEqual({ context_memberships_url: expect.stringMatching(/\/memberships$/), service_versions: ['2.0'] });
  });

  it('sends a teacher institution role next to the context role, and a TA the sub-role with its principal role', async () => {
    const teacher = await launch(rig.platform, { userId: 'u1001' });
    expect(teacher.claims?.[claim.roles]).toEqual([
      'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
      'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty',
    ]);
    const ta = await launch(rig.platform, { userId: 'u1002' });
    expect(ta.claims?.[claim.roles]).toContain('http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant');
  });

  it('puts the tool login URL together from the registration with every third-party login parameter', () => {
    const url = new URL(rig.platform.loginInitiationUrl({ userId: 'u2001' }));
    expect(url.origin + url.pathname).toBe(`${rig.tool.url}/lti/login`);
    for (const p of ['iss', 'login_hint', 'target_link_uri', 'lti_message_hint', 'client_id', 'lti_deployment_id']) {
      expect(url.searchParams.get(p), p).toBeTruthy();
    }
    expect(() => rig.platform.loginInitiationUrl({ userId: 'nobody' })).toThrow(/unknown demo user/);
  });

  it('answers with a self-posting form the tests and a no-JS user can both use', async () => {
    const res = await fetch(await authorizeUrl(rig.platform));
    const page = await res.text();
    expect(res.status).toBe(200);
    expect(page).toContain('<noscript>');
    const form = parseLaunchForm(page);
    expect(form.action).toBe(`${rig.tool.url}/lti/launch`);
    expect(form.state).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each([
    ['a redirect_uri that was never registered', (p: URLSearchParams) => p.set('redirect_uri', 'http://127.0.0.1:9/evil'), /redirect_uri/],
    ['an unknown client_id', (p: URLSearchParams) => p.set('client_id', 'someone-else'), /client_id/],
    ['a login_hint for another user', (p: URLSearchParams) => p.set('login_hint', 'u1001'), /login_hint/],
    ['an lti_message_hint the platform never issued', (p: URLSearchParams) => p.set('lti_message_hint', 'forged'), /lti_message_hint/],
    ['no nonce', (p: URLSearchParams) => p.delete('nonce'), /nonce/],
    ['response_mode query', (p: URLSearchParams) => p.set('response_mode', 'query'), /response_mode/],
    ['prompt login', (p: URLSearchParams) => p.set('prompt', 'login'), /prompt/],
    ['scope profile', (p: URLSearchParams) => p.set('scope', 'profile'), /scope/],
    ['another deployment', (p: URLSearchParams) => p.set('lti_deployment_id', 'dep-x'), /lti_deployment_id/],
  ])('refuses an authentication request with %s', async (_what, edit, message) => {
    const { status, text } = await authorizeWith(await authorizeUrl(rig.platform), edit);
    expect(status).toBe(400);
    expect(text).toMatch(message);
    expect(text).not.toContain('id_token');
  });

  it('refuses a nonce the tool already used', async () => {
    const first = await authorizeUrl(rig.platform);
    expect((await fetch(first)).status).toBe(200);
    const second = await authorizeUrl(rig.platform);
    const { status, text } = await authorizeWith(second, (p) => p.set('nonce', first.searchParams.get('nonce') ?? ''));
    expect(status).toBe(400);
    expect(text).toMatch(/nonce was already used/);
  });

  it('accepts the authentication request as a POST form too', async () => {
    const url = await authorizeUrl(rig.platform);
    const res = await fetch(`${url.origin}${url.pathname}`, { method: 'POST', body: url.searchParams });
    expect(res.status).toBe(200);
    expect(parseLaunchForm(await res.text()).idToken.split('.')).toHaveLength(3);
  });

  it.each([
    ['alg none', { signWith: 'none' as const }, 'none'],
    ['a key missing from the JWKS', { signWith: 'unknown-key' as const }, 'RS256'],
    ['HS256 keyed with the public key', { signWith: 'hs256-public-key' as const }, 'HS256'],
    ['a corrupted signature', { signWith: 'corrupt-signature' as const }, 'RS256'],
  ])('can spoil the next id_token with %s, which a strict tool refuses', async (_what, tamper, alg) => {
    rig.platform.tamper.next(tamper);
    const { form, toolResponse } = await driveLaunch(rig.platform, { userId: 'u2001' });
    expect(decodeProtectedHeader(form.idToken).alg).toBe(alg);
    expect(toolResponse.status).toBe(401);
    // Only the next token is spoiled.
    expect((await launch(rig.platform, { userId: 'u2001' })).ok).toBe(true);
  });

  it('can edit, remove and re-head claims of the next id_token', async () => {
    rig.platform.tamper.next({ claims: { aud: 'another-tool' }, removeClaims: [claim.deploymentId], header: { typ: 'at+jwt' } });
    const { form, toolResponse } = await driveLaunch(rig.platform, { userId: 'u2001' });
    expect(toolResponse.status).toBe(401);
    const payload = JSON.parse(Buffer.from(form.idToken.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect(payload.aud).toBe('another-tool');
    expect(payload).not.toHaveProperty(claim.deploymentId);
    expect(decodeProtectedHeader(form.idToken).typ).toBe('at+jwt');
  });
});

describe('the token endpoint', () => {
  let rig: Rig;
  beforeAll(async () => { rig = await startRig(); });
  afterAll(() => stopRig(rig));

  it('grants registered scopes to a correctly signed client assertion', async () => {
    const res = await rig.tool.requestToken([scope.score, scope.lineItem]);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: `${scope.score} ${scope.lineItem}` });
    expect(rig.platform.received.tokenRequests.at(-1)).toMatchObject({ outcome: 'granted', clientId: rig.platform.clientId });
  });

  it.each([
    ['the wrong audience', { aud: 'https://elsewhere.example/token' }, {}, 401, 'invalid_client'],
    ['sub different from iss', { sub: 'someone' }, {}, 401, 'invalid_client'],
    ['no jti', { jti: undefined }, {}, 401, 'invalid_client'],
    ['an expired assertion', { exp: Math.floor(Date.now() / 1000) - 120 }, {}, 401, 'invalid_client'],
    ['an unregistered issuer', { iss: 'stranger', sub: 'stranger' }, {}, 401, 'invalid_client'],
    ['a key the tool does not publish', {}, { rogue: true }, 401, 'invalid_client'],
  ])('refuses a client assertion with %s', async (_what, overrides, opts, status, error) => {
    const res = await rig.tool.requestToken([scope.score], await rig.tool.clientAssertion(overrides, opts));
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toBe(error);
  });

  it('refuses a replayed client assertion', async () => {
    const assertion = await rig.tool.clientAssertion();
    expect((await rig.tool.requestToken([scope.score], assertion)).status).toBe(200);
    const again = await rig.tool.requestToken([scope.score], assertion);
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('refuses scopes the tool never registered and grant types other than client_credentials', async () => {
    const bogus = await rig.tool.requestToken(['https://example.com/scope/everything']);
    expect(bogus.status).toBe(400);
    expect(((await bogus.json()) as { error: string }).error).toBe('invalid_scope');
    const grant = await rig.tool.requestToken([scope.score], undefined, 'password');
    expect(((await grant.json()) as { error: string }).error).toBe('unsupported_grant_type');
    expect(rig.platform.received.tokenRequests.filter((t) => t.outcome === 'refused').length).toBeGreaterThanOrEqual(2);
  });
});

describe('assignment and grade services', () => {
  let rig: Rig;
  let lineItem: string;
  let token: string;
  beforeAll(async () => {
    rig = await startRig();
    lineItem = rig.platform.received.lineItems[0]!.id;
    token = await rig.tool.accessToken([scope.score, scope.lineItem, scope.resultReadOnly]);
  });
  afterAll(() => stopRig(rig));

  it('records a score and answers 204, as Moodle does', async () => {
    const res = await postScore(lineItem, token, { ...score('u2001', 7), comment: 'Ratios: 7 of 10 standards met' });
    expect(res.status).toBe(204);
    expect(rig.platform.received.scores.at(-1)).toMatchObject({ userId: 'u2001', scoreGiven: 7, ignored: false, lineItemId: lineItem });
  });

  it('ignores a score older than the one on record, and says so', async () => {
    const now = Date.now();
    expect((await postScore(lineItem, token, score('u2003', 8, new Date(now).toISOString()))).status).toBe(204);
    expect((await postScore(lineItem, token, score('u2003', 3, new Date(now - 60_000).toISOString()))).status).toBe(204);
    const mine = rig.platform.received.scores.filter((s) => s.userId === 'u2003');
    expect(mine.map((s) => [s.scoreGiven, s.ignored])).toEqual([[8, false], [3, true]]);
    const results = await fetch(new URL(lineItem.replace('?', '/results?')), { headers: { authorization: `Bearer ${token}` } });
    expect(results.headers.get('content-type')).toContain(mediaType.resultContainer);
    const body = (await results.json()) as { userId: string; resultScore: number }[];
    expect(body.find((r) => r.userId === 'u2003')?.resultScore).toBe(80);
  });

  it('keeps a score above the maximum but flags it', async () => {
    await postScore(lineItem, token, score('u2002', 12));
    expect(rig.platform.received.scores.at(-1)).toMatchObject({ scoreGiven: 12, exceedsMaximum: true, ignored: false });
  });

  it.each([
    ['no timestamp', { ...score('u2001', 5), timestamp: undefined }, 400],
    ['a timestamp without a time zone', { ...score('u2001', 5), timestamp: '2024-05-01T10:00:00' }, 400],
    ['scoreGiven without scoreMaximum', { ...score('u2001', 5), scoreMaximum: undefined }, 400],
    ['an unknown activityProgress', { ...score('u2001', 5), activityProgress: 'Done' }, 400],
    ['a user outside the course', score('u9999', 5), 422],
  ])('refuses a score with %s', async (_what, body, status) => {
    const res = await postScore(lineItem, token, body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('insists on the score media type, a bearer token with the score scope, and Moodle\'s type_id', async () => {
    expect((await postScore(lineItem, token, score('u2001', 5), 'application/json')).status).toBe(415);
    expect((await postScore(lineItem, 'not-a-token', score('u2001', 5))).status).toBe(401);
    const rosterOnly = await rig.tool.accessToken([scope.contextMembershipReadOnly]);
    const forbidden = await postScore(lineItem, rosterOnly, score('u2001', 5));
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('www-authenticate')).toContain('insufficient_scope');
    const withoutQuery = await fetch(scoresUrl(lineItem).replace(/\?.*$/, ''), {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': mediaType.score }, body: JSON.stringify(score('u2001', 5)),
    });
    expect(withoutQuery.status).toBe(400);
  });

  it('creates, filters, pages, updates and deletes line items', async () => {
    const lineItems = rig.platform.state.baseUrl + `/api/lti/courses/${rig.platform.course.id}/lineitems?type_id=7`;
    const create = (label: string, tag: string) => fetch(lineItems, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': mediaType.lineItem },
      body: JSON.stringify({ label, scoreMaximum: 20, tag, resourceId: `res-${label}`, resourceLinkId: 'rl-ratios-pretest' }),
    });
    const made = await create('Fractions', 'post-test');
    expect(made.status).toBe(201);
    const item = (await made.json()) as { id: string };
    expect(made.headers.get('location')).toBe(item.id);
    await create('Decimals', 'post-test');
    expect((await fetch(lineItems, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': mediaType.lineItem }, body: '{"label":""}' })).status).toBe(400);

    const get = (url: string) => fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const tagged = (await (await get(`${lineItems}&tag=post-test`)).json()) as { label: string }[];
    expect(tagged.map((l) => l.label)).toEqual(['Fractions', 'Decimals']);
    const first = await get(`${lineItems}&limit=1`);
    expect(first.headers.get('content-type')).toContain(mediaType.lineItemContainer);
    const labels = [((await first.json()) as { label: string }[])[0]?.label];
    let next = nextLink(first.headers.get('link'));
    while (next) {
      const page = await get(next);
      labels.push(...((await page.json()) as { label: string }[]).map((l) => l.label));
      next = nextLink(page.headers.get('link'));
    }
    expect(labels).toEqual(['Grade 7 Ratios — Pre-test', 'Fractions', 'Decimals']);

    const put = await fetch(item.id, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': mediaType.lineItem },
      body: JSON.stringify({ label: 'Fractions (revised)', scoreMaximum: 25, resourceLinkId: 'elsewhere' }),
    });
    expect(await put.json()).toMatchObject({ id: item.id, label: 'Fractions (revised)', scoreMaximum: 25, resourceLinkId: 'rl-ratios-pretest' });
    expect((await fetch(item.id, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })).status).toBe(204);
    expect((await get(item.id)).status).toBe(404);
  });

  it('lets a read-only token read line items but not write them', async () => {
    const readOnly = await rig.tool.accessToken([scope.lineItemReadOnly]);
    expect((await fetch(lineItem, { headers: { authorization: `Bearer ${readOnly}` } })).status).toBe(200);
    const del = await fetch(lineItem, { method: 'DELETE', headers: { authorization: `Bearer ${readOnly}` } });
    expect(del.status).toBe(403);
  });
});

describe('names and role provisioning', () => {
  let rig: Rig;
  let token: string;
  let memberships: string;
  beforeAll(async () => {
    rig = await startRig();
    token = await rig.tool.accessToken([scope.contextMembershipReadOnly]);
    memberships = `${rig.platform.url}/api/lti/courses/${rig.platform.course.id}/memberships`;
  });
  afterAll(() => stopRig(rig));

  async function everyone(url: string): Promise<{ pages: number; ids: string[]; first: Record<string, unknown> }> {
    const ids: string[] = [];
    let pages = 0;
    let first: Record<string, unknown> = {};
    for (let next: string | undefined = url; next; pages++) {
      const res = await fetch(next, { headers: { authorization: `Bearer ${token}` } });
      expect(res.headers.get('content-type')).toContain(mediaType.membershipContainer);
      const body = (await res.json()) as { members: { user_id: string }[] };
      if (pages === 0) first = body;
      ids.push(...body.members.map((m) => m.user_id));
      next = nextLink(res.headers.get('link'));
    }
    return { pages, ids, first };
  }

  it('pages the roster two at a time and returns every member exactly once', async () => {
    const { pages, ids, first } = await everyone(memberships);
    expect(pages).toBe(3);
    expect(ids).toEqual(['u1001', 'u1002', 'u2001', 'u2002', 'u2003']);
    expect(first.context).toMatchObject({ id: rig.platform.course.id });
    expect((first.members as Record<string, unknown>[])[0]).toMatchObject({ status: 'Active', name: 'Maya Okafor', roles: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor'] });
  });

  it('keeps the role filter across pages and honours limit', async () => {
    expect((await everyone(`${memberships}?role=Learner`)).ids).toEqual(['u2001', 'u2002', 'u2003']);
    expect((await everyone(`${memberships}?role=${encodeURIComponent('http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor')}`)).ids).toEqual(['u1001', 'u1002']);
    expect((await everyone(`${memberships}?limit=10`)).pages).toBe(1);
  });

  it('refuses callers without the membership scope', async () => {
    const scoreOnly = await rig.tool.accessToken([scope.score]);
    expect((await fetch(memberships, { headers: { authorization: `Bearer ${scoreOnly}` } })).status).toBe(403);
    expect((await fetch(memberships)).status).toBe(401);
  });
});

describe('fault injection', () => {
  let rig: Rig;
  beforeAll(async () => { rig = await startRig(); });
  afterAll(() => stopRig(rig));
  afterEach(() => rig.platform.faults.clear());

  it('fails the next score posts as asked, then recovers', async () => {
    const token = await rig.tool.accessToken([scope.score]);
    const lineItem = rig.platform.received.lineItems[0]!.id;
    rig.platform.faults.set('scores', [{ status: 503 }, { status: 429, retryAfterSeconds: 7 }]);
    const first = await postScore(lineItem, token, score('u2001', 4));
    expect(first.status).toBe(503);
    const second = await postScore(lineItem, token, score('u2001', 4));
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('7');
    expect((await postScore(lineItem, token, score('u2001', 4))).status).toBe(204);
    expect(rig.platform.received.scores).toHaveLength(1);
  });

  it('fails the token endpoint, slows the roster and drops connections', async () => {
    rig.platform.faults.set('token', [{ status: 500 }]);
    expect((await rig.tool.requestToken([scope.contextMembershipReadOnly])).status).toBe(500);
    const token = await rig.tool.accessToken([scope.contextMembershipReadOnly]);
    const url = `${rig.platform.url}/api/lti/courses/${rig.platform.course.id}/memberships`;
    rig.platform.faults.set('memberships', [{ delayMs: 300 }, { dropConnection: true }]);
    const started = Date.now();
    expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    await expect(fetch(url, { headers: { authorization: `Bearer ${token}` } })).rejects.toThrow();
  });
});

describe('deep linking', () => {
  let rig: Rig;
  beforeAll(async () => { rig = await startRig(); });
  afterAll(() => stopRig(rig));

  async function deepLinkingLaunch(req: NonNullable<LaunchRequest['deepLinking']> = {}) {
    const result = await launch(rig.platform, { userId: 'u1001', messageType: 'LtiDeepLinkingRequest', deepLinking: req });
    expect(result.ok).toBe(true);
    return result.claims![claim.deepLinkingSettings] as { deep_link_return_url: string; data: string; accept_types: string[]; accept_multiple: boolean; auto_create: boolean };
  }

  function postReturn(url: string, jwt: string) {
    return fetch(url, { method: 'POST', body: new URLSearchParams({ JWT: jwt }) });
  }

  it('sends deep linking settings with data, and no resource link', async () => {
    const result = await launch(rig.platform, { userId: 'u1001', messageType: 'LtiDeepLinkingRequest' });
    expect(result.claims?.[claim.resourceLink]).toBeUndefined();
    expect(result.claims?.[claim.deepLinkingSettings]).toMatchObject({
      accept_types: ['ltiResourceLink'], accept_multiple: true, auto_create: true, accept_presentation_document_targets: ['iframe', 'window'],
    });
  });

  it('turns returned resource links into placements with gradebook columns, then launches them', async () => {
    const settings = await deepLinkingLaunch();
    const jwt = await rig.tool.deepLinkingResponse({
      [claim.dlData]: settings.data,
      [claim.dlMsg]: 'Added 2 Growthline activities',
      [claim.dlContentItems]: [
        {
          type: 'ltiResourceLink', title: 'Ratios — Post-test <b>unit 1</b>', url: `${rig.tool.url}/lti/launch`, custom: { assessment: 'ratios-post' },
          lineItem: { scoreMaximum: 20, label: 'Ratios post-test', tag: 'post-test', resourceId: 'asmt-42' },
        },
        { type: 'ltiResourceLink', title: 'Ratios practice' },
      ],
    });
    const res = await postReturn(settings.deep_link_return_url, jwt);
    const page = await res.text();
    expect(res.status).toBe(200);
    expect(page).toContain('Added 2 items');
    expect(page).toContain('&lt;b&gt;unit 1&lt;/b&gt;');

    const received = rig.platform.received.deepLinks.at(-1)!;
    expect(received).toMatchObject({ data: settings.data, msg: 'Added 2 Growthline activities' });
    expect(received.placementsCreated).toHaveLength(2);
    const column = rig.platform.received.lineItems.find((l) => l.label === 'Ratios post-test');
    expect(column).toMatchObject({ scoreMaximum: 20, tag: 'post-test', resourceId: 'asmt-42', resourceLinkId: received.placementsCreated[0] });

    const student = await launch(rig.platform, { userId: 'u2001', resourceLinkId: received.placementsCreated[0] });
    expect(student.claims?.[claim.custom]).toEqual({ assessment: 'ratios-post' });
    expect((student.claims?.[claim.agsEndpoint] as { lineitem?: string }).lineitem).toBe(column?.id);
    const ungraded = await launch(rig.platform, { userId: 'u2001', resourceLinkId: received.placementsCreated[1] });
    expect(ungraded.claims?.[claim.agsEndpoint]).not.toHaveProperty('lineitem');

    // The same response again is a replay: nonce seen, request already answered.
    expect((await postReturn(settings.deep_link_return_url, jwt)).status).toBe(400);
  });

  it.each([
    ['data the platform never sent', async (data: string) => rig.tool.deepLinkingResponse({ [claim.dlData]: `${data}-forged`, [claim.dlContentItems]: [] }), /data/],
    ['no data at all', async () => rig.tool.deepLinkingResponse({ [claim.dlContentItems]: [] }), /data claim is missing/],
    ['the wrong audience', async (data: string) => rig.tool.deepLinkingResponse({ [claim.dlData]: data }, 'https://other-lms.example'), /aud/],
    ['the wrong message type', async (data: string) => rig.tool.deepLinkingResponse({ [claim.dlData]: data, [claim.messageType]: 'LtiResourceLinkRequest' }), /message_type/],
    ['another deployment', async (data: string) => rig.tool.deepLinkingResponse({ [claim.dlData]: data, [claim.deploymentId]: 'nope' }), /deployment_id/],
    ['a content type that was not accepted', async (data: string) => rig.tool.deepLinkingResponse({ [claim.dlData]: data, [claim.dlContentItems]: [{ type: 'file', url: 'http://x.example/f.pdf' }] }), /accept_types/],
    ['non-string custom values', async (data: string) => rig.tool.deepLinkingResponse({ [claim.dlData]: data, [claim.dlContentItems]: [{ type: 'ltiResourceLink', custom: { n: 3 } }] }), /custom/],
  ])('refuses a response with %s', async (_what, build, message) => {
    const settings = await deepLinkingLaunch();
    const res = await postReturn(settings.deep_link_return_url, await build(settings.data));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(message);
  });

  it('refuses several items when accept_multiple was false', async () => {
    const settings = await deepLinkingLaunch({ acceptMultiple: false });
    const jwt = await rig.tool.deepLinkingResponse({
      [claim.dlData]: settings.data,
      [claim.dlContentItems]: [{ type: 'ltiResourceLink', title: 'A' }, { type: 'ltiResourceLink', title: 'B' }],
    });
    const res = await postReturn(settings.deep_link_return_url, jwt);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/accept_multiple/);
  });
});

describe('dynamic registration', () => {
  let rig: Rig;
  beforeAll(async () => { rig = await startRig(); });
  afterAll(() => stopRig(rig));

  it('serves an openid configuration in Moodle style', async () => {
    const cfg = (await (await fetch(`${rig.platform.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(cfg).toMatchObject({
      issuer: rig.platform.issuer,
      token_endpoint: `${rig.platform.url}/lti/token`,
      jwks_uri: `${rig.platform.url}/.well-known/jwks.json`,
      authorization_endpoint: `${rig.platform.url}/lti/authorize`,
      registration_endpoint: `${rig.platform.url}/lti/registrations`,
      id_token_signing_alg_values_supported: ['RS256'],
    });
    expect(cfg.scopes_supported).toContain(scope.score);
    expect(cfg[claim.platformConfiguration]).toMatchObject({
      product_family_code: 'moodle',
      messages_supported: [{ type: 'LtiResourceLinkRequest' }, { type: 'LtiDeepLinkingRequest', placements: ['ContentArea'] }],
    });
  });

  it('registers the tool through the URL an admin opens, grants only offered scopes, and launches with the new client id', async () => {
    const manualClientId = rig.platform.clientId;
    const page = await fetch(rig.platform.dynamicRegistrationUrl());
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('org.imsglobal.lti.close');

    const reg = rig.platform.received.registrations.find((r) => r.kind === 'dynamic')!;
    expect(reg.clientId).toBe(rig.tool.platform?.clientId);
    expect(reg.clientId).not.toBe(manualClientId);
    expect(rig.platform.clientId).toBe(reg.clientId);
    expect(reg.scopes).toEqual([scope.score, scope.contextMembershipReadOnly]);
    expect(rig.tool.registrationAnswer?.[claim.toolConfiguration]).toMatchObject({ deployment_id: reg.deploymentId });

    const result = await launch(rig.platform, { userId: 'u2001' });
    expect(result.claims?.aud).toBe(reg.clientId);
    expect((result.claims?.[claim.agsEndpoint] as { scope: string[] }).scope).toEqual([scope.score]);
    const refused = await rig.tool.requestToken([scope.lineItem]);
    expect(((await refused.json()) as { error: string }).error).toBe('invalid_scope');
  });

  function register(body: Record<string, unknown>, token?: string) {
    return fetch(`${rig.platform.url}/lti/registrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  }

  function tokenOf(url: string): string {
    return new URL(url).searchParams.get('registration_token') ?? '';
  }

  it('needs a registration token, and each token registers once', async () => {
    expect((await register(rig.tool.registrationBody())).status).toBe(401);
    const token = tokenOf(rig.platform.dynamicRegistrationUrl());
    expect((await register(rig.tool.registrationBody(), token)).status).toBe(200);
    expect((await register(rig.tool.registrationBody(), token)).status).toBe(401);
    rig.platform.dynamicRegistrationUrl({ token: false });
    expect((await register(rig.tool.registrationBody())).status).toBe(200);
    expect((await register(rig.tool.registrationBody())).status).toBe(401);
  });

  it.each([
    ['response_types code', { response_types: ['code'] }],
    ['no client_credentials grant', { grant_types: ['implicit'] }],
    ['client_secret_basic auth', { token_endpoint_auth_method: 'client_secret_basic' }],
    ['a redirect URI off the tool domain', { redirect_uris: ['https://evil.example/launch'] }],
    ['no tool configuration', { [claim.toolConfiguration]: undefined }],
  ])('refuses client metadata with %s', async (_what, change) => {
    const before = rig.platform.received.registrations.length;
    const res = await register({ ...rig.tool.registrationBody(), ...change }, tokenOf(rig.platform.dynamicRegistrationUrl()));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_client_metadata');
    expect(rig.platform.received.registrations).toHaveLength(before);
  });

  it('lists messages as plain strings for older Moodle, leaves deployment_id out for Canvas, and has no registration in Schoology', async () => {
    const older = createPlatform({ toolUrl: rig.tool.url, messagesSupportedAsStrings: true });
    const canvas = createPlatform({ toolUrl: rig.tool.url, productFamily: 'canvas' });
    const schoology = createPlatform({ toolUrl: rig.tool.url, productFamily: 'schoology' });
    await Promise.all([older.start(), canvas.start(), schoology.start()]);
    try {
      const cfg = (await (await fetch(`${older.url}/lti/openid-configuration`)).json()) as Record<string, { messages_supported: unknown }>;
      expect(cfg[claim.platformConfiguration]?.messages_supported).toEqual(['LtiResourceLinkRequest', 'LtiDeepLinkingRequest']);
      const answer = await fetch(`${canvas.url}/lti/registrations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenOf(canvas.dynamicRegistrationUrl())}` },
        body: JSON.stringify(rig.tool.registrationBody()),
      });
      const body = (await answer.json()) as Record<string, Record<string, unknown>>;
      expect(body[claim.toolConfiguration]).not.toHaveProperty('deployment_id');
      expect(() => schoology.dynamicRegistrationUrl()).toThrow(/no Dynamic Registration/);
    } finally {
      await Promise.all([older.stop(), canvas.stop(), schoology.stop()]);
    }
  });
});

describe('product quirks and privacy', () => {
  let rig: Rig;
  beforeAll(async () => { rig = await startRig({ productFamily: 'canvas', privacy: 'anonymous' }); });
  afterAll(() => stopRig(rig));

  it('leaves names and emails out of anonymous Canvas launches and rosters', async () => {
    const result = await launch(rig.platform, { userId: 'u2002' });
    expect(result.ok).toBe(true);
    for (const c of ['name', 'given_name', 'family_name', 'email']) expect(result.claims).not.toHaveProperty(c);
    expect(result.claims?.[claim.toolPlatform]).toMatchObject({ product_family_code: 'canvas' });
    const token = await rig.tool.accessToken([scope.contextMembershipReadOnly]);
    const res = await fetch(`${rig.platform.url}/api/lti/courses/${rig.platform.course.id}/memberships?limit=10`, { headers: { authorization: `Bearer ${token}` } });
    const { members } = (await res.json()) as { members: Record<string, unknown>[] };
    expect(members).toHaveLength(5);
    for (const m of members) expect(Object.keys(m).sort()).toEqual(['roles', 'status', 'user_id']);
  });

  it('asks Canvas-style for postMessage storage and answers score posts with a resultUrl', async () => {
    expect(new URL(rig.platform.loginInitiationUrl({ userId: 'u2001' })).searchParams.get('lti_storage_target')).toBe('_parent');
    const lineItem = rig.platform.received.lineItems[0]!.id;
    expect(lineItem).not.toContain('type_id');
    const token = await rig.tool.accessToken([scope.score]);
    const res = await postScore(lineItem, token, score('u2001', 9));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { resultUrl: string }).resultUrl).toBe(`${lineItem}/results/u2001`);
  });

  it('caps Schoology roster pages at 100', async () => {
    const schoology = await startRig({ productFamily: 'schoology' });
    try {
      const token = await schoology.tool.accessToken([scope.contextMembershipReadOnly]);
      const res = await fetch(`${schoology.platform.url}/api/lti/courses/${schoology.platform.course.id}/memberships?limit=500`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.headers.get('link')).toContain('limit=100');
      expect(res.headers.get('link')).not.toContain('limit=500');
    } finally {
      await stopRig(schoology);
    }
  });
});

describe('the demo LMS page', () => {
  let rig: Rig;
  beforeAll(async () => { rig = await startRig(); });
  afterAll(() => stopRig(rig));

  it('shows the course, registration, activities with launch buttons, and the gradebook', async () => {
    const token = await rig.tool.accessToken([scope.score]);
    await postScore(rig.platform.received.lineItems[0]!.id, token, { ...score('u2002', 6), comment: 'Needs <ratio> practice' });
    const page = await (await fetch(`${rig.platform.url}/`)).text();
    expect(page).toContain('<h1>Grade 7 Math — Period 2');
    expect(page).toContain('Register tool (Dynamic Registration)');
    expect(page).toContain('Manual registration values');
    expect(page).toContain('Grade 7 Ratios — Pre-test');
    expect(page).toContain('Launch as Maya Okafor (Teacher)');
    expect(page).toContain('Launch as Sam Rivera (Teaching assistant)');
    expect(page).toContain('Add Growthline activity (Deep Linking)');
    expect(page).toMatch(/<td>Diego Hernández<\/td><td>Grade 7 Ratios — Pre-test<\/td><td>6 \/ 10<\/td>/);
    expect(page).toContain('Needs &lt;ratio&gt; practice');
  });

  it('hosts a launch in a titled iframe whose src is a working tool login URL', async () => {
    const res = await fetch(`${rig.platform.url}/course/launch?user=u2001&placement=rl-ratios-pretest`);
    const page = await res.text();
    const iframe = /<iframe[^>]*>/.exec(page)?.[0] ?? '';
    expect(iframe).toMatch(/title="Growthline: Grade 7 Ratios — Pre-test"/);
    expect(iframe).toMatch(/allow="[^"]*fullscreen/);
    const src = (/src="([^"]+)"/.exec(iframe)?.[1] ?? '').replace(/&amp;/g, '&');
    expect(src.startsWith(`${rig.tool.url}/lti/login?`)).toBe(true);
    const { toolResponse } = await driveLaunch({ loginInitiationUrl: () => src }, { userId: 'u2001' });
    expect(((await toolResponse.json()) as VerifiedLaunch).ok).toBe(true);

    const windowed = await fetch(`${rig.platform.url}/course/launch?user=u2001&placement=rl-ratios-pretest&target=window`, { redirect: 'manual' });
    expect(windowed.status).toBe(302);
    expect(windowed.headers.get('location')).toContain(`${rig.tool.url}/lti/login?`);
    expect((await fetch(`${rig.platform.url}/course/launch?user=u2001&placement=nope`)).status).toBe(404);
  });

  it('sends the admin to the tool registration URL with a fresh token', async () => {
    const res = await fetch(`${rig.platform.url}/admin/register-tool`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.pathname).toBe('/lti/register');
    expect(location.searchParams.get('openid_configuration')).toBe(`${rig.platform.url}/.well-known/openid-configuration`);
    expect(location.searchParams.get('registration_token')).toBeTruthy();
  });
});
