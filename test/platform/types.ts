// The vocabulary of the LMS simulator: people, course, placements, what a tool
// registered and what the platform received. Plain data only, so tests can assert
// on it directly and the page can render it.

export type ProductFamily = 'canvas' | 'moodle' | 'schoology';
export type Privacy = 'public' | 'anonymous';
export type LtiMessageType = 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest';
export type DocumentTarget = 'iframe' | 'window';

export interface PlatformOptions {
  /** Base URL of the tool, e.g. http://127.0.0.1:3000 (routes /lti/login, /lti/launch, /lti/keys, /lti/register). */
  toolUrl: string;
  /** Default 'moodle'. Changes openid-configuration product_family_code and the quirks in product.ts. */
  productFamily?: ProductFamily;
  /** 0 (default) picks a free port. The platform always listens on 127.0.0.1 only. */
  port?: number;
  /** Manual registration client id (dynamic registration generates its own). */
  clientId?: string;
  /** Manual registration deployment id. */
  deploymentId?: string;
  courseTitle?: string;
  /** 'anonymous' leaves name, given_name, family_name and email out of launches and rosters. Default 'public'. */
  privacy?: Privacy;
  /** Older Moodle lists messages_supported as plain strings instead of objects. */
  messagesSupportedAsStrings?: boolean;
  /** NRPS page size when the tool sends no limit; small by default so tools must follow Link rel="next". Default 2. */
  membershipsPageSize?: number;
  /** Redirect URIs accepted for the manual registration. Default [`${toolUrl}/lti/launch`]. */
  manualRedirectUris?: string[];
}

export interface DemoUser {
  id: string;
  name: string;
  givenName: string;
  familyName: string;
  email: string;
  /** Full LIS role URIs as sent in the roles claim: context roles and, for some, an institution role. */
  roles: string[];
  /** What the page calls this person's role. */
  roleLabel: 'Teacher' | 'Teaching assistant' | 'Student';
}

export interface Course {
  id: string;
  title: string;
  label: string;
}

/** One resource link in the course (an LMS "activity" that launches the tool). */
export interface Placement {
  resourceLinkId: string;
  title: string;
  /** Launch URL when it differs from the registration's target_link_uri (deep-linked items may set one). */
  targetLinkUri?: string;
  custom?: Record<string, string>;
  createdBy: 'platform' | 'deep-linking' | 'test';
}

/** application/vnd.ims.lis.v2.lineitem+json */
export interface LineItem {
  id: string;
  scoreMaximum: number;
  label: string;
  resourceId?: string;
  tag?: string;
  resourceLinkId?: string;
  startDateTime?: string;
  endDateTime?: string;
  gradesReleased?: boolean;
}

export type ActivityProgress = 'Initialized' | 'Started' | 'InProgress' | 'Submitted' | 'Completed';
export type GradingProgress = 'FullyGraded' | 'Pending' | 'PendingManual' | 'Failed' | 'NotReady';

export interface ScoreRecord {
  lineItemId: string;
  userId: string;
  scoreGiven?: number;
  scoreMaximum?: number;
  activityProgress: ActivityProgress;
  gradingProgress: GradingProgress;
  timestamp: string;
  comment?: string;
  /** True when the platform kept an earlier result because this score's timestamp was older (AGS 2.0). */
  ignored: boolean;
  ignoredReason?: string;
  /** scoreGiven above scoreMaximum is legal (extra credit) but worth seeing in a test. */
  exceedsMaximum: boolean;
  clientId: string;
  receivedAt: string;
}

export interface ContentItem {
  type: string;
  title?: string;
  text?: string;
  url?: string;
  custom?: Record<string, string>;
  lineItem?: { scoreMaximum: number; label?: string; resourceId?: string; tag?: string; gradesReleased?: boolean };
  [other: string]: unknown;
}

export interface DeepLinkReturn {
  clientId: string;
  deploymentId: string;
  data?: string;
  contentItems: ContentItem[];
  msg?: string;
  log?: string;
  errormsg?: string;
  errorlog?: string;
  /** Resource link ids of the placements created from ltiResourceLink items. */
  placementsCreated: string[];
  receivedAt: string;
}

export interface RegisteredMessage {
  type: string;
  targetLinkUri?: string;
  label?: string;
  customParameters?: Record<string, string>;
}

export interface ToolRegistration {
  kind: 'manual' | 'dynamic';
  clientId: string;
  deploymentId: string;
  clientName?: string;
  initiateLoginUri: string;
  redirectUris: string[];
  jwksUri: string;
  targetLinkUri: string;
  domain?: string;
  scopes: string[];
  messages: RegisteredMessage[];
  claims: string[];
  customParameters: Record<string, string>;
  registeredAt: string;
}

export interface TokenRequest {
  receivedAt: string;
  clientId?: string;
  requestedScopes: string[];
  grantedScopes: string[];
  outcome: 'granted' | 'refused';
  error?: string;
}

export interface LaunchRequest {
  /** A DemoUser id; becomes login_hint and sub. */
  userId: string;
  messageType?: LtiMessageType;
  /** Defaults to the course's default placement. An unknown id launches an ungraded link of that id. */
  resourceLinkId?: string;
  resourceLinkTitle?: string;
  custom?: Record<string, string>;
  targetLinkUri?: string;
  /** Default true. */
  includeAgs?: boolean;
  /** Default true. */
  includeNrps?: boolean;
  locale?: string;
  documentTarget?: DocumentTarget;
  /** Which registration to launch; defaults to the newest. */
  clientId?: string;
  deepLinking?: { acceptMultiple?: boolean; data?: string; acceptTypes?: string[] };
}

/**
 * How to spoil the next id_token. Fields combine: claims are edited first, then the
 * header, then the token is signed the chosen way.
 */
export interface Tamper {
  /** Claims to set or overwrite (use full claim URIs for LTI claims). */
  claims?: Record<string, unknown>;
  removeClaims?: string[];
  /** Protected-header parameters to set or overwrite, e.g. { kid: 'nope' }. */
  header?: Record<string, unknown>;
  removeHeader?: string[];
  /**
   * 'unknown-key': a well-formed RS256 signature by a key absent from the JWKS (same kid unless header says otherwise).
   * 'none': alg none, empty signature.
   * 'hs256-public-key': HS256 with the platform's public key PEM as the HMAC secret (key-confusion attack).
   * 'corrupt-signature': signed correctly, then one signature byte flipped.
   */
  signWith?: 'platform-key' | 'unknown-key' | 'none' | 'hs256-public-key' | 'corrupt-signature';
}

export type ServiceEndpoint = 'scores' | 'lineitems' | 'token' | 'memberships';

/**
 * One injected failure, used up by one request. `delayMs` alone delays and then
 * answers normally (a slow LMS); with `status` it answers that status after the delay.
 */
export interface Fault {
  status?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  body?: string;
  /** Close the socket without an answer. */
  dropConnection?: boolean;
}
