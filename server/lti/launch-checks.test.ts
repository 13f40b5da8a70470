import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { LaunchRejected } from '../http/problem.js';
import { CLAIM, checkIdTokenPost, checkLoginInitiation, type CheckDeps } from './launch-checks.js';
import type { ConsumeResult } from './login-state.js';

const TOOL = 'https://tool.example.org';
const ISS = 'https://lms.example.edu';
const CLIENT = 'client-1';
let key: CryptoKey;

beforeAll(async () => {
  ({ privateKey: key } = await generateKeyPair('RS256'));
  void exportJWK;
});

function deps(over: Partial<CheckDeps> & { states?: Map<string, ConsumeResult> } = {}): CheckDeps {
  const states = over.states ?? new Map<string, ConsumeResult>([['s1', { ok: true, issuer: ISS, clientId: CLIENT, nonce: 'n1' }]]);
  const used = new Set<string>();
  return {
    consumeLoginState: async (s) => {
      const r = states.get(s);
      if (!r) return { ok: false, reason: 'unknown-state' };
      if (used.has(s)) return { ok: false, reason: 'replayed-state' };
      used.add(s);
      return r;
    },
    findPlatform: async (iss, c) => (iss === ISS && (c === CLIENT || c === 'client-2') ? { id: c === CLIENT ? 'p1' : 'p2', issuer: ISS, clientId: c } : null),
    findPlatformsByIssuer: async (iss) => (iss === ISS ? [{ id: 'p1', issuer: ISS, clientId: CLIENT }, { id: 'p2', issuer: ISS, clientId: 'client-2' }] : []),
    findTenant: async (p, d) => (p === 'p1' && d === 'dep-1' ? { id: 't1', platformId: 'p1', deploymentId: 'dep-1' } : null),
    ...over,
  };
}

function claims(over: Record<string, unknown> = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: ISS, aud: CLIENT, sub: 'user-1', nonce: 'n1', iat: now, exp: now + 300,
    [CLAIM.deploymentId]: 'dep-1', [CLAIM.version]: '1.3.0', [CLAIM.messageType]: 'LtiResourceLinkRequest',
    [CLAIM.roles]: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'],
    [CLAIM.resourceLink]: { id: 'rl-1' }, [CLAIM.targetLinkUri]: `${TOOL}/lti/launch`,
    ...over,
  };
}

async function sign(payload: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const clean = Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined));
  return new SignJWT(clean).setProtectedHeader({ alg: 'RS256', kid: 'k1', ...header } as { alg: string }).sign(key);
}

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    if (err instanceof LaunchRejected) return err.reason;
    throw err;
  }
}

describe('id_token checks the tool adds to ltijs (Security Framework §5.1.3)', () => {
  it('accepts a well-formed launch and names its tenant', async () => {
    const r = await checkIdTokenPost({ id_token: await sign(claims()), state: 's1' }, TOOL, deps());
    expect(r.tenant.id).toBe('t1');
    expect(r.platform.clientId).toBe(CLIENT);
  });

  const cases: [string, () => Promise<Record<string, unknown>>, string][] = [
    ['missing id_token', async () => ({ state: 's1' }), 'missing-id-token'],
    ['missing state', async () => ({ id_token: await sign(claims()) }), 'missing-state'],
    ['oversized token', async () => ({ id_token: 'x'.repeat(20_000), state: 's1' }), 'token-too-large'],
    ['malformed token', async () => ({ id_token: 'not.a.jwt', state: 's1' }), 'malformed-token'],
    ['alg none', async () => {
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      return { id_token: `${b64({ alg: 'none', kid: 'k1' })}.${b64(claims())}.`, state: 's1' };
    }, 'bad-alg'],
    ['HS256 token', async () => ({ id_token: await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(new TextEncoder().encode('public-key-as-secret')), state: 's1' }), 'bad-alg'],
    ['missing kid', async () => ({ id_token: await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256' }).sign(key), state: 's1' }), 'missing-kid'],
    ['missing exp', async () => ({ id_token: await sign(claims({ exp: undefined })), state: 's1' }), 'missing-exp'],
    ['missing iat', async () => ({ id_token: await sign(claims({ iat: undefined })), state: 's1' }), 'missing-iat'],
    ['expired token', async () => ({ id_token: await sign(claims({ exp: Math.floor(Date.now() / 1000) - 3600, iat: Math.floor(Date.now() / 1000) - 3700 })), state: 's1' }), 'expired'],
    ['future-dated token', async () => ({ id_token: await sign(claims({ iat: Math.floor(Date.now() / 1000) + 3600, exp: Math.floor(Date.now() / 1000) + 7200 })), state: 's1' }), 'future-iat'],
    ['unknown state', async () => ({ id_token: await sign(claims()), state: 'never-issued' }), 'unknown-state'],
    ['wrong iss', async () => ({ id_token: await sign(claims({ iss: 'https://evil.example' })), state: 's1' }), 'iss-mismatch'],
    ['wrong aud', async () => ({ id_token: await sign(claims({ aud: 'someone-else' })), state: 's1' }), 'aud-mismatch'],
    ['aud array without azp', async () => ({ id_token: await sign(claims({ aud: [CLIENT, 'client-2'] })), state: 's1' }), 'missing-azp'],
    ['aud array with an untrusted audience', async () => ({ id_token: await sign(claims({ aud: [CLIENT, 'stranger'], azp: CLIENT })), state: 's1' }), 'untrusted-aud'],
    ['azp naming another tool', async () => ({ id_token: await sign(claims({ azp: 'client-2' })), state: 's1' }), 'azp-mismatch'],
    ['nonce not the one sent', async () => ({ id_token: await sign(claims({ nonce: 'other' })), state: 's1' }), 'nonce-mismatch'],
    ['unknown deployment', async () => ({ id_token: await sign(claims({ [CLAIM.deploymentId]: 'dep-x' })), state: 's1' }), 'unknown-deployment'],
    ['missing message_type', async () => ({ id_token: await sign(claims({ [CLAIM.messageType]: undefined })), state: 's1' }), 'bad-message-type'],
    ['unknown message_type', async () => ({ id_token: await sign(claims({ [CLAIM.messageType]: 'LtiSubmissionReviewRequest' })), state: 's1' }), 'bad-message-type'],
    ['wrong version', async () => ({ id_token: await sign(claims({ [CLAIM.version]: '1.1' })), state: 's1' }), 'bad-version'],
    ['missing resource_link.id', async () => ({ id_token: await sign(claims({ [CLAIM.resourceLink]: {} })), state: 's1' }), 'missing-resource-link'],
    ['target_link_uri on a foreign host', async () => ({ id_token: await sign(claims({ [CLAIM.targetLinkUri]: 'https://evil.example/lti/launch' })), state: 's1' }), 'foreign-target'],
    ['missing roles claim', async () => ({ id_token: await sign(claims({ [CLAIM.roles]: undefined })), state: 's1' }), 'missing-roles'],
  ];
  for (const [name, body, expected] of cases) {
    it(`refuses a launch with ${name}`, async () => {
      expect(await reason(checkIdTokenPost(await body(), TOOL, deps()))).toBe(expected);
    });
  }

  it('refuses the second use of a state (replay) even with a fresh token', async () => {
    const d = deps();
    await checkIdTokenPost({ id_token: await sign(claims()), state: 's1' }, TOOL, d);
    expect(await reason(checkIdTokenPost({ id_token: await sign(claims()), state: 's1' }, TOOL, d))).toBe('replayed-state');
  });

  it('refuses an expired login state', async () => {
    const d = deps({ consumeLoginState: async () => ({ ok: false, reason: 'expired-state' }) });
    expect(await reason(checkIdTokenPost({ id_token: await sign(claims()), state: 's1' }, TOOL, d))).toBe('expired-state');
  });

  it('accepts an aud array when azp names the tool and every audience is trusted', async () => {
    const r = await checkIdTokenPost({ id_token: await sign(claims({ aud: [CLIENT, 'client-2'], azp: CLIENT })), state: 's1' }, TOOL, deps());
    expect(r.tenant.id).toBe('t1');
  });

  it('requires a deep-link return URL on deep linking launches', async () => {
    const token = await sign(claims({ [CLAIM.messageType]: 'LtiDeepLinkingRequest', [CLAIM.resourceLink]: undefined }));
    expect(await reason(checkIdTokenPost({ id_token: token, state: 's1' }, TOOL, deps()))).toBe('missing-deep-link-return');
  });
});

describe('login initiation checks (Security Framework §5.1.1)', () => {
  const ok = { iss: ISS, login_hint: 'u1', target_link_uri: `${TOOL}/lti/launch`, client_id: CLIENT };
  it('accepts a registered issuer and client targeting this tool', async () => {
    expect((await checkLoginInitiation(ok, TOOL, deps())).platform.id).toBe('p1');
  });
  it.each([
    ['no iss', { ...ok, iss: undefined }, 'missing-iss'],
    ['no login_hint', { ...ok, login_hint: undefined }, 'missing-login-hint'],
    ['no target_link_uri', { ...ok, target_link_uri: undefined }, 'missing-target'],
    ['a target_link_uri on another host', { ...ok, target_link_uri: 'https://evil.example/x' }, 'foreign-target'],
    ['an unregistered issuer', { ...ok, iss: 'https://unknown.example' }, 'unknown-platform'],
    ['an unregistered client id', { ...ok, client_id: 'nobody' }, 'unknown-platform'],
    ['an unknown deployment id', { ...ok, lti_deployment_id: 'dep-x' }, 'unknown-deployment'],
    ['no client id when the issuer has several registrations', { ...ok, client_id: undefined }, 'ambiguous-client'],
  ])('refuses a login with %s', async (_name, params, expected) => {
    expect(await reason(checkLoginInitiation(params as Record<string, unknown>, TOOL, deps()))).toBe(expected);
  });
});
