// Sets up ltijs on the tool's own database connection and mounts it under /lti, with our checks in
// front of its login and launch routes (launch-checks.ts). ltijs runs in "ltiaas" mode: it verifies
// the id_token and hands over, without its session cookie or ltik redirect; the launch handler then
// issues our own session token, so nothing after the launch depends on cookies or ltijs records.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import ltijs from 'ltijs';
import { LaunchRejected, renderErrorPage } from '../http/problem.js';
import type { Logger } from '../log.js';
import { findPlatform, findPlatformsByIssuer, findTenant } from '../tenants/tenant.service.js';
import { checkIdTokenPost, checkLoginInitiation, type CheckDeps, type CheckedLaunch, type PlatformRef } from './launch-checks.js';
import { clearBindingCookie, hasBindingCookie, newWindowPage, setBindingCookie, storageLoginPage, validStorageTarget, type Binding } from './browser-binding.js';
import { consumeLoginState, loginParamsFor, recordLoginState } from './login-state.js';

/** How the launch's browser proved it started the login; read by the launch handler. */
export interface LaunchBindingInfo { binding: Binding; platformOrigin: string }

const LOGIN_PARAMS = ['iss', 'login_hint', 'target_link_uri', 'lti_message_hint', 'client_id', 'lti_deployment_id'] as const;

export interface LtiPlatformRecord {
  url: string; name: string; clientId: string; authenticationEndpoint: string; accesstokenEndpoint: string;
  authConfig: { method: 'JWK_SET'; key: string };
}

interface LtijsPlatform {
  delete(): Promise<void>;
}

/** The slice of the ltijs Provider singleton this tool uses. */
interface LtijsProvider {
  app: Express;
  setup(key: string, db: object, options: object): LtijsProvider;
  deploy(o: object): Promise<boolean>;
  onConnect(cb: (token: unknown, req: Request, res: Response, next: NextFunction) => unknown): void;
  onDeepLinking(cb: (token: unknown, req: Request, res: Response, next: NextFunction) => unknown): void;
  onInvalidToken(cb: (req: Request, res: Response, next: NextFunction) => unknown): void;
  onSessionTimeout(cb: (req: Request, res: Response, next: NextFunction) => unknown): void;
  onUnregisteredPlatform(cb: (req: Request, res: Response) => unknown): void;
  onInactivePlatform(cb: (req: Request, res: Response) => unknown): void;
  registerPlatform(p: LtiPlatformRecord): Promise<LtijsPlatform>;
  getPlatform(url: string, clientId: string): Promise<LtijsPlatform | false>;
  deletePlatform(url: string, clientId: string): Promise<boolean>;
}

const Provider = (ltijs as unknown as { Provider: LtijsProvider }).Provider;

export type LaunchHandler = (checked: CheckedLaunch, req: Request, res: Response) => Promise<void>;

export interface LtiOptions {
  ltiKey: string;
  mongoUri: string;
  dbName: string;
  toolUrl: string;
  log: Logger;
  onLaunch: LaunchHandler;
}

const checkDeps: CheckDeps = {
  consumeLoginState,
  findPlatform: async (iss, clientId) => toRef(await findPlatform(iss, clientId)),
  findPlatformsByIssuer: async (iss) => (await findPlatformsByIssuer(iss)).map((p) => toRef(p)!),
  findTenant: async (platformId, deploymentId) => {
    const t = await findTenant(platformId, deploymentId);
    return t ? { id: String(t._id), platformId: String(t.platformId), deploymentId: t.deploymentId } : null;
  },
};

function toRef(p: { _id: unknown; issuer: string; clientId: string } | null): PlatformRef | null {
  return p ? { id: String(p._id), issuer: p.issuer, clientId: p.clientId } : null;
}

// ltijs's error codes, in words a student or teacher can act on. The code itself goes to the log.
const LTIJS_REASONS: Record<string, string> = {
  KEY_NOT_FOUND: 'The LMS signed this launch with a key it does not publish.',
  KID_NOT_FOUND: 'The launch token does not say which key signed it.',
  INVALID_SIGNATURE: 'The launch token signature is not valid.',
  'invalid signature': 'The launch token signature is not valid.',
  'invalid algorithm': 'The launch token is signed with an algorithm LTI does not allow.',
  'jwt expired': 'The launch token has expired. Open the activity again from your course.',
  NONCE_ALREADY_RECEIVED: 'This launch was already used. Open the activity again from your course.',
  MISSING_VALIDATION_COOKIE: 'Your browser did not keep the login cookie this launch needs. Try opening the activity in a new window.',
  ISS_CLAIM_DOES_NOT_MATCH: 'The launch comes from a different LMS than the login that started it.',
  UNREGISTERED_PLATFORM: 'This LMS is not registered with Growthline.',
  TOKEN_TOO_OLD: 'The launch token is too old. Open the activity again from your course.',
};

let setUp = false;

export async function mountLti(app: Express, opts: LtiOptions): Promise<LtiService> {
  if (setUp) throw new Error('ltijs is a process-wide singleton: mountLti can run once per process');
  setUp = true;
  // Browsers accept Secure cookies on https and on loopback hosts (development); SameSite=None lets
  // the login cookie come back on the LMS's cross-site form POST.
  const toolHost = new URL(opts.toolUrl).hostname;
  const secure = opts.toolUrl.startsWith('https://') || ['localhost', '127.0.0.1', '[::1]'].includes(toolHost);
  Provider.setup(opts.ltiKey, { url: opts.mongoUri, connection: { dbName: opts.dbName } }, {
    appRoute: '/launch', loginRoute: '/login', keysetRoute: '/keys', dynRegRoute: '/ltijs-dynreg-disabled',
    ltiaas: true,          // no ltijs session cookie or ltik redirect: we issue our own session token
    cors: false,           // ltijs would reflect any origin with credentials
    tokenMaxAge: 300,      // our checks also bound iat, with clock skew; see launch-checks.ts
    // ltijs's "devMode" only drops its own state-cookie requirement. The requirement is kept, and made
    // stricter, by browser-binding.ts: a server-side state bound to our login cookie OR to platform
    // storage — the only way a launch can work where cookies are blocked.
    devMode: true,
    cookies: secure ? { secure: true, sameSite: 'None' } : { secure: false, sameSite: 'Lax' },
  });

  // ltijs does not catch what its callbacks throw: hand every error to Express ourselves.
  const launched = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const checked = res.locals.glChecked as CheckedLaunch | undefined;
      if (!checked) throw new LaunchRejected('The launch was not checked.', 'unchecked', 500);
      await opts.onLaunch(checked, req, res);
    } catch (err) {
      next(err);
    }
  };
  Provider.onConnect((_token, req, res, next) => launched(req, res, next));
  Provider.onDeepLinking((_token, req, res, next) => launched(req, res, next));
  Provider.onInvalidToken((_req, res) => {
    const err = (res.locals.err ?? {}) as { details?: { message?: string } };
    const code = err.details?.message ?? 'unknown';
    opts.log.warn({ reason: code }, 'launch refused by ltijs');
    const text = LTIJS_REASONS[code] ?? 'The launch could not be verified.';
    res.status(401).type('html').send(renderErrorPage('This activity could not be opened', text));
  });
  Provider.onSessionTimeout((_req, res) => {
    res.status(401).type('html').send(renderErrorPage('Your session has ended', 'Open the activity again from your course.'));
  });
  Provider.onUnregisteredPlatform((_req, res) => {
    res.status(403).type('html').send(renderErrorPage('This LMS is not registered', 'Ask your LMS administrator to register Growthline.'));
  });
  Provider.onInactivePlatform((_req, res) => {
    res.status(403).type('html').send(renderErrorPage('This LMS is not active', 'An administrator must activate this LMS registration.'));
  });
  await Provider.deploy({ serverless: true, silent: true });

  // §5.1.1 checks, then capture the state and nonce ltijs sends to the platform.
  app.all('/lti/login', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res, next) => {
    try {
      const params = { ...(req.query as Record<string, unknown>), ...((req.body ?? {}) as Record<string, unknown>) };
      const { platform } = await checkLoginInitiation(params, opts.toolUrl, checkDeps);
      const storageTarget = validStorageTarget(params.lti_storage_target);
      const loginParams = Object.fromEntries(LOGIN_PARAMS.filter((k) => typeof params[k] === 'string').map((k) => [k, params[k] as string]));
      const redirect = res.redirect.bind(res) as (url: string) => void;
      (res as unknown as { redirect: (url: string) => void }).redirect = (url: string) => {
        const u = new URL(url);
        const state = u.searchParams.get('state');
        const nonce = u.searchParams.get('nonce');
        if (!state || !nonce) return next(new LaunchRejected('The login could not be started.', 'no-state', 500));
        recordLoginState({ state, nonce, issuer: platform.issuer, clientId: platform.clientId, storageTarget, loginParams })
          .then(() => {
            setBindingCookie(res, opts.ltiKey, state, secure);
            if (!storageTarget) return redirect(url);
            res.status(200).type('html').send(storageLoginPage({ target: storageTarget, platformOrigin: u.origin, state, nonce, redirect: url }));
          }, next);
      };
      next();
    } catch (err) {
      next(err);
    }
  });

  // §5.1.3 checks before ltijs verifies the signature.
  app.post('/lti/launch', express.urlencoded({ extended: false, limit: '64kb' }), async (req, res, next) => {
    try {
      const checked = await checkIdTokenPost(req.body, opts.toolUrl, checkDeps);
      const { state, storageTarget } = checked.login;
      const binding: Binding = hasBindingCookie(req, opts.ltiKey, state) ? 'cookie' : storageTarget ? 'storage' : 'none';
      if (binding === 'cookie') clearBindingCookie(res, state, secure);
      if (binding === 'none') {
        opts.log.info({ reason: 'no-cookie-no-storage' }, 'launch needs a new window');
        res.status(200).type('html').send(newWindowPage(`/lti/relaunch?state=${encodeURIComponent(state)}`));
        return;
      }
      const platform = await findPlatform(checked.platform.issuer, checked.platform.clientId);
      res.locals.glChecked = checked;
      res.locals.glBinding = { binding, platformOrigin: platform ? new URL(platform.authEndpoint).origin : '' } satisfies LaunchBindingInfo;
      next();
    } catch (err) {
      if (err instanceof LaunchRejected) opts.log.warn({ reason: err.reason }, 'launch refused');
      next(err);
    }
  });
  // A launch blocked inside the LMS frame starts again, as a fresh login, in a window of its own.
  app.get('/lti/relaunch', async (req, res, next) => {
    try {
      const state = typeof req.query.state === 'string' ? req.query.state.slice(0, 200) : '';
      const params = state ? await loginParamsFor(state) : null;
      if (!params) throw new LaunchRejected('This link has expired. Open the activity again from your course.', 'relaunch-expired', 404);
      res.redirect(303, `/lti/login?${new URLSearchParams(params).toString()}`);
    } catch (err) {
      next(err);
    }
  });

  app.get('/lti/launch', (_req, _res, next) => next(new LaunchRejected('This address is only for launches from an LMS. Open the activity from your course.', 'get-launch', 405)));

  app.use('/lti', Provider.app);
  return ltiService;
}

export interface LtiService {
  registerPlatform(p: LtiPlatformRecord): Promise<void>;
  deletePlatform(issuer: string, clientId: string): Promise<void>;
}

export const ltiService: LtiService = {
  async registerPlatform(p) {
    await Provider.registerPlatform(p);
  },
  async deletePlatform(issuer, clientId) {
    await Provider.deletePlatform(issuer, clientId);
  },
};
