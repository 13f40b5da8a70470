// The simulator's memory: registrations, pending launches, tokens, line items and
// everything received. One plain object per platform, handed to every router, so a
// test can look at exactly what the LMS would have stored.

import type { PlatformKeys } from './keys.js';
import { productQuirks, type ProductQuirks } from './product.js';
import { defaultPlacement, demoCourse, demoUsers } from './roster.js';
import type {
  Course, DeepLinkReturn, DemoUser, DocumentTarget, Fault, LineItem, LtiMessageType, Placement, PlatformOptions,
  Privacy, ScoreRecord, ServiceEndpoint, Tamper, TokenRequest, ToolRegistration,
} from './types.js';
import { serviceScopes } from './vocabulary.js';

export interface ResolvedOptions {
  toolUrl: string;
  port: number;
  privacy: Privacy;
  messagesSupportedAsStrings: boolean;
  membershipsPageSize: number;
}

/** A launch the platform started and expects the tool to come back for (keyed by lti_message_hint). */
export interface PendingLaunch {
  messageHint: string;
  userId: string;
  clientId: string;
  deploymentId: string;
  messageType: LtiMessageType;
  targetLinkUri: string;
  resourceLink?: { id: string; title: string };
  custom: Record<string, string>;
  includeAgs: boolean;
  includeNrps: boolean;
  locale: string;
  documentTarget: DocumentTarget;
  deepLinking?: { acceptMultiple: boolean; data: string; acceptTypes: string[] };
  expiresAt: number;
}

export interface AccessToken {
  clientId: string;
  scopes: string[];
  expiresAt: number;
}

export interface PlatformState {
  options: ResolvedOptions;
  quirks: ProductQuirks;
  course: Course;
  users: DemoUser[];
  /** Known once the server listens; every URL the platform hands out derives from it. */
  baseUrl?: string;
  keys?: PlatformKeys;
  registrations: ToolRegistration[];
  placements: Placement[];
  lineItems: LineItem[];
  scores: ScoreRecord[];
  deepLinks: DeepLinkReturn[];
  tokenRequests: TokenRequest[];
  pendingLaunches: Map<string, PendingLaunch>;
  accessTokens: Map<string, AccessToken>;
  /** Replay protection: client-assertion jti values and nonces already seen, with their expiry. */
  seenJti: Map<string, number>;
  seenNonces: Map<string, number>;
  /** One-time Dynamic Registration tokens handed out by dynamicRegistrationUrl(). */
  registrationTokens: Map<string, number>;
  /** dynamicRegistrationUrl({ token: false }) lets exactly one unauthenticated registration through. */
  openRegistrations: number;
  tampers: Tamper[];
  faults: Map<ServiceEndpoint, Fault[]>;
  sequence: { lineItem: number; placement: number; deployment: number };
  /** Kept so stop() can cut short injected delays. */
  timers: Set<NodeJS.Timeout>;
}

export function createState(opts: PlatformOptions): PlatformState {
  const toolUrl = opts.toolUrl.replace(/\/+$/, '');
  const state: PlatformState = {
    options: {
      toolUrl,
      port: opts.port ?? 0,
      privacy: opts.privacy ?? 'public',
      messagesSupportedAsStrings: opts.messagesSupportedAsStrings ?? false,
      membershipsPageSize: opts.membershipsPageSize ?? 2,
    },
    quirks: productQuirks(opts.productFamily ?? 'moodle'),
    course: demoCourse(opts.courseTitle),
    users: demoUsers.map((u) => ({ ...u, roles: [...u.roles] })),
    registrations: [],
    placements: [{ ...defaultPlacement }],
    lineItems: [],
    scores: [],
    deepLinks: [],
    tokenRequests: [],
    pendingLaunches: new Map(),
    accessTokens: new Map(),
    seenJti: new Map(),
    seenNonces: new Map(),
    registrationTokens: new Map(),
    openRegistrations: 0,
    tampers: [],
    faults: new Map(),
    sequence: { lineItem: 0, placement: 0, deployment: 1 },
    timers: new Set(),
  };
  state.registrations.push(manualRegistration(state, opts));
  return state;
}

/** The registration an LMS admin would type in by hand from the tool's documentation. */
function manualRegistration(state: PlatformState, opts: PlatformOptions): ToolRegistration {
  const { toolUrl } = state.options;
  return {
    kind: 'manual',
    clientId: opts.clientId ?? 'growthline-demo',
    deploymentId: opts.deploymentId ?? state.quirks.newDeploymentId(1),
    clientName: 'Growthline',
    initiateLoginUri: `${toolUrl}/lti/login`,
    redirectUris: opts.manualRedirectUris ?? [`${toolUrl}/lti/launch`],
    jwksUri: `${toolUrl}/lti/keys`,
    targetLinkUri: `${toolUrl}/lti/launch`,
    domain: new URL(toolUrl).host,
    scopes: [...serviceScopes],
    messages: [{ type: 'LtiResourceLinkRequest' }, { type: 'LtiDeepLinkingRequest' }],
    claims: ['iss', 'sub', 'name', 'given_name', 'family_name', 'email'],
    customParameters: {},
    registeredAt: new Date().toISOString(),
  };
}

export function baseUrl(state: PlatformState): string {
  if (!state.baseUrl) throw new Error('platform simulator is not started: call start() first');
  return state.baseUrl;
}

export function platformUrls(state: PlatformState) {
  const base = baseUrl(state);
  const course = `${base}/api/lti/courses/${encodeURIComponent(state.course.id)}`;
  return {
    issuer: base,
    jwks: `${base}/.well-known/jwks.json`,
    authorize: `${base}/lti/authorize`,
    token: `${base}/lti/token`,
    openidConfiguration: `${base}/.well-known/openid-configuration`,
    registrationEndpoint: `${base}/lti/registrations`,
    deepLinkReturn: `${base}/lti/deep-link-return`,
    returnUrl: `${base}/course/return`,
    lineItems: withAgsQuery(state, `${course}/lineitems`),
    lineItem: (seq: number) => withAgsQuery(state, `${course}/lineitems/${seq}`),
    memberships: `${course}/memberships`,
  };
}

function withAgsQuery(state: PlatformState, url: string): string {
  const q = state.quirks.agsQuery;
  return q ? `${url}?${q.name}=${encodeURIComponent(q.value)}` : url;
}

export function findRegistration(state: PlatformState, clientId: string): ToolRegistration | undefined {
  return state.registrations.find((r) => r.clientId === clientId);
}

/** The newest registration wins, as when an admin re-registers a tool. */
export function activeRegistration(state: PlatformState): ToolRegistration {
  const reg = state.registrations[state.registrations.length - 1];
  if (!reg) throw new Error('no tool registered');
  return reg;
}

export function findUser(state: PlatformState, userId: string): DemoUser | undefined {
  return state.users.find((u) => u.id === userId);
}

/** Remember a one-time value until it expires; false when it was already seen (a replay). */
export function rememberOnce(seen: Map<string, number>, value: string, expiresAt: number, now = Date.now()): boolean {
  for (const [v, exp] of seen) if (exp < now) seen.delete(v);
  if (seen.has(value)) return false;
  seen.set(value, expiresAt);
  return true;
}
