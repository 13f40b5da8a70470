// Builds the Express app: security headers, LTI under /lti, the JSON API under /api, built widget
// assets, health check, and one error handler. No listening here, so tests can mount it directly.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import mongoose from 'mongoose';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminPage } from './admin/admin.page.js';
import { adminRoutes } from './admin/admin.routes.js';
import { calibrationRoutes } from './adaptive/calibration.routes.js';
import { contentRoutes } from './content/content.routes.js';
import { getAssessment } from './content/content.service.js';
import { deliveryRoutes } from './delivery/attempt.routes.js';
import { adaptiveRoutes } from './adaptive/adaptive.routes.js';
import { gradeRoutes } from './grades/grades.routes.js';
import { compressedAssets } from './http/compressed-assets.js';
import { abuseGuards } from './http/rate-limit.js';
import { canvasConfigRoute } from './lti/canvas-config.js';
import { toolKeysRoute } from './lti/keys.js';
import { masteryRoutes } from './mastery/mastery.routes.js';
import { districtRoutes } from './mastery/district.routes.js';
import { rosterRoutes } from './roster/roster.routes.js';
import { createSessionIssuer, requireSession, type SessionIssuer } from './auth/session.js';
import type { Config } from './config.js';
import { getCourse, getPerson } from './courses/course.service.js';
import { errorHandler, NotFound } from './http/problem.js';
import type { Logger } from './log.js';
import { createLaunchHandler, mountLaunchCompletion } from './lti/launch.js';
import { ltiService, mountLti, type LtiService } from './lti/provider.js';
import { mountDynamicRegistration } from './lti/registration.js';
import { deepLinkingRoutes, deepLinkingSettings, type LinkableAssessment } from './lti/deep-linking.js';
import { WIDGETS_DIR } from './pages/render.js';
import { getPlacement } from './placements/placement.service.js';
import { allFrameOrigins } from './tenants/tenant.service.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// From source (server/) or from the build (dist/server/): static files stay in server/static.
const STATIC_DIR = [path.resolve(here, 'static'), path.resolve(here, '../../server/static')].find((d) => existsSync(d)) ?? path.resolve(here, 'static');

export interface AppOptions {
  config: Config;
  toolUrl: string;
  mongoUri: string;
  dbName: string;
  log: Logger;
}

export interface ToolApp { app: Express; lti: LtiService; sessions: SessionIssuer }

/** The content domain's view of an assessment, in the shape deep linking needs. */
async function linkableAssessment(tenantId: string, assessmentId: string): Promise<LinkableAssessment | null> {
  const a = await getAssessment(tenantId, assessmentId);
  return a ? { id: a.id, title: a.title, kind: a.kind, itemCount: a.itemCount, standards: a.standards } : null;
}

export async function createApp(o: AppOptions): Promise<ToolApp> {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', o.config.production ? 1 : false);
  const sessions = createSessionIssuer(o.config.ltiKey, o.config.sessionSeconds);

  // frame-ancestors lists the registered LMS origins, so only they can frame the tool.
  app.use((req: Request, res: Response, next: NextFunction) => {
    // The admin page is opened directly, never inside an LMS: nobody may frame it (clickjacking).
    if (req.path === '/admin' || req.path.startsWith('/admin/')) { res.locals.frameAncestors = ["'none'"]; return next(); }
    allFrameOrigins().then((origins) => { res.locals.frameAncestors = ["'self'", ...origins]; next(); }, next);
  });
  app.use(helmet({
    frameguard: false, // X-Frame-Options cannot list origins; CSP frame-ancestors does the job
    crossOriginEmbedderPolicy: false,
    // Nothing leaks to other origins, and same-origin form posts keep their Origin header
    // (with no-referrer, browsers send "Origin: null" on every POST).
    referrerPolicy: { policy: 'same-origin' },
    hsts: o.toolUrl.startsWith('https://') ? undefined : false,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: [(_req, res) => ((res as Response).locals.frameAncestors as string[]).join(' ')],
        ...(o.toolUrl.startsWith('https://') ? { upgradeInsecureRequests: [] } : {}),
      },
    },
  }));
  // ABUSE: rate limits per IP/tenant/user (RATE_LIMIT_*), request size, query-operator keys; before every route.
  app.use(abuseGuards({ sessions, bodyLimit: o.config.bodyLimit, settings: o.config.rateLimits }));

  app.get('/healthz', async (_req, res) => {
    const db = mongoose.connection.readyState === 1 ? await mongoose.connection.db!.admin().ping().then(() => 'ok', () => 'down') : 'down';
    res.status(db === 'ok' ? 200 : 503).json({ status: db === 'ok' ? 'ok' : 'degraded', db });
  });

  app.use('/static', express.static(STATIC_DIR, { maxAge: '1h', index: false }));
  app.use('/assets', compressedAssets(path.join(WIDGETS_DIR, 'assets')));
  app.use('/assets', express.static(path.join(WIDGETS_DIR, 'assets'), { immutable: true, maxAge: '365d', index: false }));

  mountDynamicRegistration(app, { lti: ltiService, toolUrl: o.toolUrl, production: o.config.production, log: o.log });
  mountLaunchCompletion(app, sessions, o.toolUrl);
  // ROUTES: lti (before mountLti: ltijs answers every other /lti path, its own /lti/keys included)
  app.get('/lti/keys', toolKeysRoute(o.config));
  app.get('/lti/canvas.json', canvasConfigRoute(o.toolUrl));
  // ROUTES: admin page (the JSON admin API is under /api/admin)
  app.get('/admin', adminPage({ adminToken: o.config.adminToken }));
  const lti = await mountLti(app, {
    ltiKey: o.config.ltiKey, mongoUri: o.mongoUri, dbName: o.dbName, toolUrl: o.toolUrl, log: o.log,
    onLaunch: createLaunchHandler(sessions),
  });

  const api = express.Router();
  api.use(express.json({ limit: o.config.bodyLimit }));
  api.get('/session', requireSession(sessions), async (req, res) => {
    const s = req.session!;
    const [person, course, placement, deepLinking] = await Promise.all([
      getPerson(s.tenantId, s.userId), getCourse(s.tenantId, s.courseId), s.placementId ? getPlacement(s.tenantId, s.placementId) : null,
      s.launchId ? deepLinkingSettings(s.tenantId, s.launchId) : null,
    ]);
    res.json({
      user: { id: s.userId, displayName: person?.name ?? person?.label ?? '', roles: s.roles },
      course: { id: s.courseId, title: course?.title ?? '' },
      placement: placement ? { id: String(placement._id), title: placement.title ?? '' } : null,
      kind: s.kind, locale: s.locale,
      ...(deepLinking ? { deepLinking } : {}),
    });
  });
  // Domain routers mount here, one line each.
  // ROUTES: content
  api.use(contentRoutes({ sessions }));
  // ROUTES: delivery
  api.use(deliveryRoutes({ sessions }));
  api.use(adaptiveRoutes({ sessions }));
  // ROUTES: mastery
  api.use(masteryRoutes({ sessions }));
  api.use(districtRoutes({ sessions }));
  // ROUTES: grades
  api.use(gradeRoutes({ sessions }));
  // ROUTES: calibration
  api.use(calibrationRoutes({ sessions }));
  // ROUTES: admin
  api.use(adminRoutes({ lti, toolUrl: o.toolUrl, adminToken: o.config.adminToken }));
  // ROUTES: lti
  api.use(deepLinkingRoutes({ sessions, toolUrl: o.toolUrl, findAssessment: linkableAssessment }));
  api.use(rosterRoutes({ sessions }));
  api.use((req, _res, next) => next(new NotFound(`No API route ${req.method} ${req.path}.`)));
  app.use('/api', api);

  app.use((req, _res, next) => next(new NotFound(`Nothing here: ${req.method} ${req.path}`)));
  app.use(errorHandler(o.log));
  return { app, lti, sessions };
}
