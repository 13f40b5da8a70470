// Turns a verified launch into a LaunchContext: records the course, person and placement, issues
// the API session token, and answers with the page for the user's role. Nothing past this file
// sees a JWT claim.
import express, { type Express, type Request, type Response } from 'express';
import { z } from 'zod';
import type { SessionIssuer, LaunchContext } from '../auth/session.js';
import { upsertCourse, upsertPerson } from '../courses/course.service.js';
import { LaunchRejected } from '../http/problem.js';
import { upsertPlacement } from '../placements/placement.service.js';
import { renderWidgetPage, type PageName } from '../pages/render.js';
import { rememberFrameOrigin } from '../tenants/tenant.service.js';
import { CLAIM, type CheckedLaunch } from './launch-checks.js';
import { DEEP_LINK_LAUNCH_SECONDS, DeepLinkLaunchModel, PENDING_LAUNCH_SECONDS, PendingLaunchModel } from './launch.model.js';
import { safeEqual, storageVerifyPage } from './browser-binding.js';
import { claimOnce } from '../db/once.js';
import type { LaunchBindingInfo } from './provider.js';
import { isLearner, isStaff, parseRoles } from './roles.js';

export const SUPPORTED_LOCALES = ['en', 'es'] as const;

export function pickLocale(raw: unknown): string {
  const lang = typeof raw === 'string' ? raw.toLowerCase().split(/[-_]/)[0] : undefined;
  return (SUPPORTED_LOCALES as readonly string[]).includes(lang ?? '') ? lang! : 'en';
}

const str = (v: unknown, max = 1000): string | undefined => (typeof v === 'string' && v.length <= max ? v : undefined);

export function createLaunchHandler(sessions: SessionIssuer) {
  return async (checked: CheckedLaunch, req: Request, res: Response): Promise<void> => {
    const c = checked.claims;
    const tenantId = checked.tenant.id;
    const roles = parseRoles(c[CLAIM.roles]);
    const messageType = c[CLAIM.messageType];
    const context = (c[CLAIM.context] ?? {}) as { id?: unknown; title?: unknown; label?: unknown };
    const resourceLink = (c[CLAIM.resourceLink] ?? {}) as { id?: unknown; title?: unknown };
    const ags = (c[CLAIM.ags] ?? undefined) as { lineitems?: unknown; lineitem?: unknown; scope?: unknown } | undefined;
    const nrps = (c[CLAIM.nrps] ?? undefined) as { context_memberships_url?: unknown } | undefined;
    const presentation = (c[CLAIM.launchPresentation] ?? {}) as { locale?: unknown; return_url?: unknown };
    const locale = pickLocale(presentation.locale);

    if (!isStaff(roles) && !isLearner(roles)) {
      throw new LaunchRejected('Growthline is for students and teachers of this course; your role here is neither.', 'unsupported-role', 403);
    }
    if (messageType === 'LtiDeepLinkingRequest' && !isStaff(roles)) {
      throw new LaunchRejected('Only teachers can add Growthline activities to a course.', 'learner-deep-link', 403);
    }

    // A launch without a context claim (allowed by LTI) still needs a course to file data under.
    const contextId = str(context.id, 255) ?? `no-context:${str(resourceLink.id, 255) ?? 'deep-linking'}`;
    const course = await upsertCourse({
      tenantId, contextId, title: str(context.title, 500), label: str(context.label, 200),
      lineItemsUrl: str(ags?.lineitems), membershipsUrl: str(nrps?.context_memberships_url),
      agsScopes: Array.isArray(ags?.scope) ? ags!.scope.filter((s): s is string => typeof s === 'string') : undefined,
    });
    const name = str(c.name, 300) ?? ([str(c.given_name, 150), str(c.family_name, 150)].filter(Boolean).join(' ') || undefined);
    const person = await upsertPerson({ tenantId, sub: c.sub as string, name });

    const origin = req.get('origin');
    if (origin && origin !== 'null') await rememberFrameOrigin(checked.platform.id, origin);

    const ctx: LaunchContext = {
      tenantId, platformId: checked.platform.id, userId: person.id, roles, courseId: course.id,
      kind: messageType === 'LtiDeepLinkingRequest' ? 'deep-linking' : 'resource-link', locale,
    };
    let page: PageName;
    let title: string;
    if (ctx.kind === 'deep-linking') {
      const dl = c[CLAIM.deepLinking] as Record<string, unknown>;
      const now = new Date();
      const launch = await DeepLinkLaunchModel.create({
        tenantId, personId: person.id, courseId: course.id,
        returnUrl: dl.deep_link_return_url, data: str(dl.data, 4096),
        acceptTypes: Array.isArray(dl.accept_types) ? dl.accept_types.filter((s) => typeof s === 'string') : [],
        acceptPresentationDocumentTargets: Array.isArray(dl.accept_presentation_document_targets) ? dl.accept_presentation_document_targets.filter((s) => typeof s === 'string') : [],
        acceptMultiple: dl.accept_multiple === true || dl.accept_multiple === 'true',
        autoCreate: dl.auto_create === true || dl.auto_create === 'true',
        title: str(dl.title, 300), createdAt: now, expiresAt: new Date(now.getTime() + DEEP_LINK_LAUNCH_SECONDS * 1000),
      });
      ctx.launchId = String(launch._id);
      page = 'picker';
      title = 'Add a Growthline assessment';
    } else {
      const custom = (c[CLAIM.custom] ?? {}) as Record<string, unknown>;
      const placement = await upsertPlacement({
        tenantId, courseId: course.id, resourceLinkId: resourceLink.id as string,
        title: str(resourceLink.title, 500), assessmentId: str(custom.growthline_assessment, 100), lineItemUrl: str(ags?.lineitem),
      });
      ctx.placementId = placement.id;
      page = isStaff(roles) ? 'teacher' : 'student';
      title = placement.title || course.title || 'Growthline';
    }
    const binding = res.locals.glBinding as LaunchBindingInfo | undefined;
    if (binding?.binding === 'storage') {
      // Cookies were blocked: the session is issued only once the browser proves, through the
      // LMS's storage frame, that it started this login.
      const now = new Date();
      const pending = await PendingLaunchModel.create({
        state: checked.login.state, nonce: checked.login.nonce, storageTarget: checked.login.storageTarget!, platformOrigin: binding.platformOrigin,
        context: ctx, page, title, createdAt: now, expiresAt: new Date(now.getTime() + PENDING_LAUNCH_SECONDS * 1000),
      });
      res.status(200).type('html').send(storageVerifyPage({
        target: checked.login.storageTarget!, platformOrigin: binding.platformOrigin, state: checked.login.state, nonce: checked.login.nonce,
        pending: String(pending._id), relaunch: `/lti/relaunch?state=${encodeURIComponent(checked.login.state)}`,
      }));
      return;
    }
    const token = await sessions.issue(ctx);
    res.status(200).type('html').send(await renderWidgetPage(page, { token, title, locale }));
  };
}

const CompleteSchema = z.object({ pending: z.string().regex(/^[a-f0-9]{24}$/), state: z.string().min(1).max(200), nonce: z.string().min(1).max(500) });

/**
 * Completes a launch parked for platform-storage verification. Only our own verify page can call
 * this: it must carry the X-Growthline-Launch header, which a cross-site form cannot send and a
 * cross-origin fetch cannot send without a CORS preflight the tool never grants — so nobody can log
 * a student into someone else's launch (login CSRF). Once, within its lifetime, with the exact
 * state and nonce the login stored in the LMS's frame.
 */
export const COMPLETE_HEADER = 'x-growthline-launch';
export function mountLaunchCompletion(app: Express, sessions: SessionIssuer, toolUrl: string): void {
  app.post('/lti/launch/complete', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res, next) => {
    try {
      const origin = req.get('origin');
      const foreign = origin !== undefined && origin !== 'null' && origin !== new URL(toolUrl).origin;
      if (req.get(COMPLETE_HEADER) !== 'complete' || foreign) throw new LaunchRejected('This launch could not be verified.', 'complete-not-from-tool', 403);
      const body = CompleteSchema.safeParse(req.body);
      if (!body.success) throw new LaunchRejected('This launch could not be verified.', 'complete-malformed', 400);
      const pending = await PendingLaunchModel.findOne({ _id: body.data.pending, expiresAt: { $gt: new Date() } }).lean();
      if (!pending) throw new LaunchRejected('This launch expired or was already used. Open the activity again from your course.', 'complete-unknown', 401);
      if (!safeEqual(body.data.state, pending.state) || !safeEqual(body.data.nonce, pending.nonce)) {
        throw new LaunchRejected('This launch could not be verified: it did not start in this browser.', 'complete-mismatch', 401);
      }
      // Exactly once, even for two concurrent completions (db/once.ts).
      if (!(await claimOnce('pending-launch', String(pending._id), pending.expiresAt))) {
        throw new LaunchRejected('This launch expired or was already used. Open the activity again from your course.', 'complete-unknown', 401);
      }
      await PendingLaunchModel.deleteOne({ _id: pending._id });
      const ctx = pending.context as LaunchContext;
      const token = await sessions.issue(ctx);
      res.status(200).type('html').send(await renderWidgetPage(pending.page as PageName, { token, title: pending.title ?? 'Growthline', locale: ctx.locale }));
    } catch (err) {
      next(err);
    }
  });
}
