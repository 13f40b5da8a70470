// A demo LMS that speaks strict LTI 1.3 Advantage (core launch, Deep Linking 2.0,
// AGS 2.0, NRPS 2.0, Dynamic Registration 1.0) for integration tests and the README
// demo. createPlatform() wires the routers over one PlatformState; tests drive it.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { agsRouter, createLineItem } from './ags.js';
import { deepLinkingRouter } from './deep-linking.js';
import { errorHandler, PlatformError } from './errors.js';
import { setFaults } from './faults.js';
import { createPlatformKeys } from './keys.js';
import { loginInitiationUrlFor, pendingLaunchFor } from './launch.js';
import { nrpsRouter } from './nrps.js';
import { oidcRouter } from './oidc.js';
import { pageRouter } from './page.js';
import { dynamicRegistrationUrl, registrationRouter } from './registration.js';
import { activeRegistration, baseUrl, createState, platformUrls, type PlatformState } from './state.js';
import { tokenRouter } from './token.js';
import type {
  Course, DeepLinkReturn, DemoUser, Fault, LaunchRequest, LineItem, Placement, PlatformOptions, ProductFamily,
  ScoreRecord, ServiceEndpoint, Tamper, TokenRequest, ToolRegistration,
} from './types.js';

export type * from './types.js';
export { driveLaunch, parseLaunchForm, CookieJar, type LaunchForm, type DrivenLaunch } from './launch-driver.js';

/** Values a tool needs to register this platform by hand (field names as ltijs registerPlatform takes them). */
export interface ManualRegistration {
  issuer: string;
  clientId: string;
  deploymentId: string;
  authenticationEndpoint: string;
  accesstokenEndpoint: string;
  keysetUrl: string;
}

export interface NewPlacement {
  title: string;
  resourceLinkId?: string;
  targetLinkUri?: string;
  custom?: Record<string, string>;
  /** Give the link a gradebook column, as a teacher ticking "graded" would. */
  lineItem?: { scoreMaximum: number; label?: string; resourceId?: string; tag?: string };
}

export interface Platform {
  /** http://127.0.0.1:<port>; known after start(). */
  readonly url: string;
  /** Equals url. */
  readonly issuer: string;
  /** Client id and deployment id of the registration launches use: the newest dynamic one, else the manual one. */
  readonly clientId: string;
  readonly deploymentId: string;
  readonly productFamily: ProductFamily;
  start(): Promise<void>;
  stop(): Promise<void>;
  app: express.Express;
  users: DemoUser[];
  course: Course;
  /** Resource links in the course, the default pre-test first. */
  placements: Placement[];
  addPlacement(p: NewPlacement): Placement;
  registration(): ManualRegistration;
  /** Tool URL /lti/register?openid_configuration=…&registration_token=… (token: false → no token, one open registration allowed). */
  dynamicRegistrationUrl(opts?: { token?: boolean }): string;
  loginInitiationUrl(req: LaunchRequest): string;
  tamper: { next(t: Tamper): void; clear(): void };
  received: {
    readonly scores: ScoreRecord[];
    /** Every line item currently in the gradebook, whoever created it. */
    readonly lineItems: LineItem[];
    readonly deepLinks: DeepLinkReturn[];
    readonly registrations: ToolRegistration[];
    readonly tokenRequests: TokenRequest[];
  };
  faults: { set(endpoint: ServiceEndpoint, f: Fault[]): void; clear(): void };
  /** The simulator's whole memory, for assertions the API above does not cover. */
  state: PlatformState;
}

function buildApp(state: PlatformState, startLaunch: (req: LaunchRequest) => string): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(oidcRouter(state));
  app.use(tokenRouter(state));
  app.use(registrationRouter(state));
  app.use(deepLinkingRouter(state));
  app.use(agsRouter(state));
  app.use(nrpsRouter(state));
  app.use('/api', (_req, _res, next) => next(new PlatformError(404, 'no such service endpoint')));
  app.use('/api', errorHandler('problem'));
  app.use(pageRouter(state, startLaunch));
  app.use((_req, _res, next) => next(new PlatformError(404, 'not found')));
  app.use(errorHandler('text'));
  return app;
}

export function createPlatform(opts: PlatformOptions): Platform {
  const state = createState(opts);
  let server: Server | undefined;
  let gradedDefault = false;

  const loginInitiationUrl = (req: LaunchRequest): string => {
    const launch = pendingLaunchFor(state, req);
    for (const [hint, old] of state.pendingLaunches) if (old.expiresAt < Date.now()) state.pendingLaunches.delete(hint);
    state.pendingLaunches.set(launch.messageHint, launch);
    return loginInitiationUrlFor(state, launch);
  };
  const app = buildApp(state, loginInitiationUrl);

  const addPlacement = (p: NewPlacement): Placement => {
    state.sequence.placement += 1;
    const placement: Placement = {
      resourceLinkId: p.resourceLinkId ?? `rl-test-${state.sequence.placement}`,
      title: p.title,
      createdBy: 'test',
      ...(p.targetLinkUri ? { targetLinkUri: p.targetLinkUri } : {}),
      ...(p.custom ? { custom: { ...p.custom } } : {}),
    };
    if (state.placements.some((x) => x.resourceLinkId === placement.resourceLinkId)) {
      throw new Error(`resource link ${placement.resourceLinkId} already exists`);
    }
    state.placements.push(placement);
    if (p.lineItem) createLineItem(state, { ...p.lineItem, label: p.lineItem.label ?? p.title, resourceLinkId: placement.resourceLinkId });
    return placement;
  };

  return {
    get url() { return baseUrl(state); },
    get issuer() { return baseUrl(state); },
    get clientId() { return activeRegistration(state).clientId; },
    get deploymentId() { return activeRegistration(state).deploymentId; },
    productFamily: state.quirks.family,
    app,
    users: state.users,
    course: state.course,
    placements: state.placements,
    state,
    async start() {
      if (server) return;
      state.keys ??= await createPlatformKeys();
      const listening = createServer(app);
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(state.options.port, '127.0.0.1', () => resolve());
      });
      server = listening;
      const { port } = listening.address() as AddressInfo;
      // A restart keeps the port so every URL already handed out stays valid.
      state.options.port = port;
      state.baseUrl = `http://127.0.0.1:${port}`;
      if (!gradedDefault) {
        gradedDefault = true;
        const first = state.placements[0];
        if (first) createLineItem(state, { label: first.title, scoreMaximum: 100, resourceLinkId: first.resourceLinkId });
      }
    },
    async stop() {
      for (const t of state.timers) clearTimeout(t);
      state.timers.clear();
      const closing = server;
      server = undefined;
      if (!closing) return;
      await new Promise<void>((resolve) => {
        closing.close(() => resolve());
        closing.closeAllConnections();
      });
    },
    addPlacement,
    registration() {
      const manual = state.registrations.find((r) => r.kind === 'manual') ?? activeRegistration(state);
      const urls = platformUrls(state);
      return {
        issuer: urls.issuer,
        clientId: manual.clientId,
        deploymentId: manual.deploymentId,
        authenticationEndpoint: urls.authorize,
        accesstokenEndpoint: urls.token,
        keysetUrl: urls.jwks,
      };
    },
    dynamicRegistrationUrl: (o) => dynamicRegistrationUrl(state, o),
    loginInitiationUrl,
    tamper: {
      next: (t) => { state.tampers.push(t); },
      clear: () => { state.tampers.length = 0; },
    },
    received: {
      get scores() { return state.scores; },
      get lineItems() { return state.lineItems; },
      get deepLinks() { return state.deepLinks; },
      get registrations() { return state.registrations; },
      get tokenRequests() { return state.tokenRequests; },
    },
    faults: {
      set: (endpoint, f) => setFaults(state, endpoint, f),
      clear: () => state.faults.clear(),
    },
  };
}
