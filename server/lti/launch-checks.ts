// The parts of 1EdTech Security Framework §5.1.1 (login initiation) and §5.1.3 (id_token
// validation) that ltijs 5.9 leaves to the tool. ltijs still verifies the signature against the
// platform's JWKS; these checks run before it and refuse anything it would let through:
// a missing exp/iat (jsonwebtoken skips absent claims), a future-dated token, an aud array without
// azp or with untrusted audiences, a nonce other than the one we sent, a state we never issued or
// already used (ltijs's nonce check is read-then-write, so two replays can race past it), an
// unknown deployment, and a target_link_uri pointing away from this tool.
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { LaunchRejected } from '../http/problem.js';
import type { ConsumeResult } from './login-state.js';

export const CLAIM = {
  messageType: 'https://purl.imsglobal.org/spec/lti/claim/message_type',
  version: 'https://purl.imsglobal.org/spec/lti/claim/version',
  deploymentId: 'https://purl.imsglobal.org/spec/lti/claim/deployment_id',
  targetLinkUri: 'https://purl.imsglobal.org/spec/lti/claim/target_link_uri',
  resourceLink: 'https://purl.imsglobal.org/spec/lti/claim/resource_link',
  roles: 'https://purl.imsglobal.org/spec/lti/claim/roles',
  context: 'https://purl.imsglobal.org/spec/lti/claim/context',
  custom: 'https://purl.imsglobal.org/spec/lti/claim/custom',
  launchPresentation: 'https://purl.imsglobal.org/spec/lti/claim/launch_presentation',
  toolPlatform: 'https://purl.imsglobal.org/spec/lti/claim/tool_platform',
  lis: 'https://purl.imsglobal.org/spec/lti/claim/lis',
  ags: 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint',
  nrps: 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice',
  deepLinking: 'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings',
} as const;

export const MAX_ID_TOKEN_LENGTH = 16 * 1024;
/** Allowed clock difference between the LMS and the tool. */
export const CLOCK_SKEW_SECONDS = 60;
/** An id_token older than this (by iat) is refused even if exp is later. */
export const MAX_TOKEN_AGE_SECONDS = 300;

export interface PlatformRef { id: string; issuer: string; clientId: string }
export interface TenantRef { id: string; platformId: string; deploymentId: string }

export interface CheckDeps {
  consumeLoginState(state: string): Promise<ConsumeResult>;
  findPlatform(issuer: string, clientId: string): Promise<PlatformRef | null>;
  findPlatformsByIssuer(issuer: string): Promise<PlatformRef[]>;
  findTenant(platformId: string, deploymentId: string): Promise<TenantRef | null>;
}

export interface CheckedLaunch {
  platform: PlatformRef; tenant: TenantRef; claims: JWTPayload & Record<string, unknown>;
  login: { state: string; nonce: string; storageTarget: string | null };
}

const reject = (reason: string, message: string, status = 400): never => { throw new LaunchRejected(message, reason, status); };
const isStr = (v: unknown, max = 2000): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
const sameOrigin = (a: string, b: string) => { try { return new URL(a).origin === new URL(b).origin; } catch { return false; } };

/** Runs every check on the id_token POST before ltijs verifies its signature. */
export async function checkIdTokenPost(body: unknown, toolUrl: string, deps: CheckDeps, nowSeconds = Date.now() / 1000): Promise<CheckedLaunch> {
  const b = (body ?? {}) as Record<string, unknown>;
  const idToken = b.id_token;
  const state = b.state;
  if (typeof idToken !== 'string' || !idToken) reject('missing-id-token', 'The LMS did not send a launch token (id_token).');
  if ((idToken as string).length > MAX_ID_TOKEN_LENGTH) reject('token-too-large', 'The launch token is larger than any LMS sends.', 413);
  if (!isStr(state, 200)) reject('missing-state', 'The launch did not carry the state this tool issued when the login started.');

  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: JWTPayload & Record<string, unknown>;
  try {
    header = decodeProtectedHeader(idToken as string);
    claims = decodeJwt(idToken as string) as JWTPayload & Record<string, unknown>;
  } catch {
    return reject('malformed-token', 'The launch token is not a well-formed signed token.');
  }
  if (header.alg !== 'RS256') reject('bad-alg', `The launch token is signed with "${String(header.alg)}"; LTI requires RS256.`);
  if (!isStr(header.kid, 200)) reject('missing-kid', 'The launch token does not say which platform key signed it (kid).');

  if (!isStr(claims.iss, 500)) reject('missing-iss', 'The launch token has no issuer (iss).');
  if (!isStr(claims.sub, 255)) reject('missing-sub', 'The launch token does not identify the user (sub).');
  if (!isStr(claims.nonce, 500)) reject('missing-nonce', 'The launch token has no nonce.');
  if (typeof claims.exp !== 'number') reject('missing-exp', 'The launch token has no expiry time (exp).');
  if (typeof claims.iat !== 'number') reject('missing-iat', 'The launch token has no issue time (iat).');
  if (claims.exp! + CLOCK_SKEW_SECONDS < nowSeconds) reject('expired', 'The launch token has expired. Open the activity again from your course.');
  if (claims.iat! - CLOCK_SKEW_SECONDS > nowSeconds) reject('future-iat', 'The launch token is dated in the future. The LMS clock may be wrong.');
  if (claims.iat! + MAX_TOKEN_AGE_SECONDS < nowSeconds) reject('too-old', 'The launch token is too old. Open the activity again from your course.');

  // The state must be one we issued for this browser's login, and is used up by this launch.
  const login = await deps.consumeLoginState(state as string);
  if (!login.ok) {
    const msg = {
      'unknown-state': 'This launch did not start from a login this tool knows about.',
      'expired-state': 'This launch took too long to complete. Open the activity again from your course.',
      'replayed-state': 'This launch was already used. Open the activity again from your course.',
    }[login.reason];
    return reject(login.reason, msg, 401);
  }
  if (claims.iss !== login.issuer) reject('iss-mismatch', 'The launch token comes from a different LMS than the login that started it.', 401);

  // aud: our client id; with several audiences, azp must name us and every audience must be one we trust.
  const clientId = login.clientId;
  const aud = claims.aud;
  if (Array.isArray(aud)) {
    if (!aud.includes(clientId)) reject('aud-mismatch', 'The launch token is not addressed to this tool.', 401);
    if (aud.length > 1) {
      if (!isStr(claims.azp)) reject('missing-azp', 'The launch token lists several audiences but no authorized party (azp).', 401);
      const trusted = new Set((await deps.findPlatformsByIssuer(login.issuer)).map((p) => p.clientId));
      if (aud.some((a) => !trusted.has(a))) reject('untrusted-aud', 'The launch token is also addressed to a party this tool does not trust.', 401);
    }
  } else if (aud !== clientId) {
    reject('aud-mismatch', 'The launch token is not addressed to this tool.', 401);
  }
  if (claims.azp !== undefined && claims.azp !== clientId) reject('azp-mismatch', 'The launch token was issued for another tool (azp).', 401);
  if (claims.nonce !== login.nonce) reject('nonce-mismatch', 'The launch token does not answer the login this tool started (nonce).', 401);

  const platform = await deps.findPlatform(login.issuer, clientId);
  if (!platform) return reject('unknown-platform', 'This LMS is not registered with Growthline.', 403);
  const deploymentId = claims[CLAIM.deploymentId];
  if (!isStr(deploymentId, 300)) reject('missing-deployment', 'The launch token has no deployment id.');
  const tenant = await deps.findTenant(platform.id, deploymentId as string);
  if (!tenant) reject('unknown-deployment', 'This deployment of Growthline is not registered. Ask your LMS administrator to register it.', 403);

  if (claims[CLAIM.version] !== '1.3.0') reject('bad-version', 'The launch is not an LTI 1.3 launch (version must be 1.3.0).');
  const messageType = claims[CLAIM.messageType];
  if (messageType !== 'LtiResourceLinkRequest' && messageType !== 'LtiDeepLinkingRequest') {
    reject('bad-message-type', messageType ? `Growthline does not handle "${String(messageType)}" launches.` : 'The launch token has no message type.');
  }
  if (!Array.isArray(claims[CLAIM.roles])) reject('missing-roles', 'The launch token has no roles claim.');
  const target = claims[CLAIM.targetLinkUri];
  if (messageType === 'LtiResourceLinkRequest') {
    const link = claims[CLAIM.resourceLink] as { id?: unknown } | undefined;
    if (!isStr(link?.id, 255)) reject('missing-resource-link', 'The launch does not say which activity was opened (resource_link.id).');
    if (!isStr(target)) reject('missing-target', 'The launch has no target_link_uri.');
  } else {
    const dl = claims[CLAIM.deepLinking] as { deep_link_return_url?: unknown } | undefined;
    if (!isStr(dl?.deep_link_return_url)) reject('missing-deep-link-return', 'The deep linking launch has no return URL.');
  }
  if (target !== undefined && (!isStr(target) || !sameOrigin(target, toolUrl))) {
    reject('foreign-target', 'The launch targets a different site than this tool.');
  }
  return { platform, tenant: tenant!, claims, login: { state: state as string, nonce: login.nonce, storageTarget: login.storageTarget ?? null } };
}

export interface LoginParams { iss: string; login_hint: string; target_link_uri: string; client_id?: string; lti_deployment_id?: string; lti_message_hint?: string }

/** §5.1.1: the login initiation must name a registered issuer/client and target this tool. */
export async function checkLoginInitiation(params: Record<string, unknown>, toolUrl: string, deps: Pick<CheckDeps, 'findPlatform' | 'findPlatformsByIssuer' | 'findTenant'>): Promise<{ platform: PlatformRef; params: LoginParams }> {
  const { iss, login_hint, target_link_uri, client_id, lti_deployment_id } = params;
  if (!isStr(iss, 500)) reject('missing-iss', 'The LMS did not say who it is (iss) when starting the login.');
  if (!isStr(login_hint, 2000)) reject('missing-login-hint', 'The LMS did not send a login_hint.');
  if (!isStr(target_link_uri, 2000)) reject('missing-target', 'The LMS did not say which page to open (target_link_uri).');
  if (!sameOrigin(target_link_uri as string, toolUrl)) reject('foreign-target', 'The login asks to open a page on a different site than this tool.');
  if (client_id !== undefined && !isStr(client_id, 300)) reject('bad-client-id', 'The client_id is not valid.');
  let platform: PlatformRef | null;
  if (client_id) {
    platform = await deps.findPlatform(iss as string, client_id as string);
  } else {
    const all = await deps.findPlatformsByIssuer(iss as string);
    if (all.length > 1) reject('ambiguous-client', 'Several registrations share this LMS issuer; the LMS must send client_id.', 400);
    platform = all[0] ?? null;
  }
  if (!platform) return reject('unknown-platform', 'This LMS is not registered with Growthline. Ask your LMS administrator to register the tool.', 403);
  if (lti_deployment_id !== undefined) {
    if (!isStr(lti_deployment_id, 300) || !(await deps.findTenant(platform.id, lti_deployment_id as string))) {
      reject('unknown-deployment', 'This deployment of Growthline is not registered. Ask your LMS administrator to register it.', 403);
    }
  }
  return { platform, params: params as unknown as LoginParams };
}
