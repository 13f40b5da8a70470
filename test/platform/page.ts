// Routes of the demo LMS web page: course home, the course frame that hosts a
// launch, the LTI return URL and the admin's "register tool" step.

import express, { type Router } from 'express';
import { z } from 'zod';
import { errorHandler, parseOr400, PlatformError } from './errors.js';
import { courseHomePage, launchFramePage, returnPage } from './page-html.js';
import { dynamicRegistrationUrl } from './registration.js';
import { findUser, type PlatformState } from './state.js';
import type { LaunchRequest } from './types.js';

const launchQuery = z.object({
  user: z.string().min(1),
  placement: z.string().min(1).optional(),
  type: z.enum(['resource-link', 'deep-linking']).default('resource-link'),
  target: z.enum(['iframe', 'window']).default('iframe'),
});

const returnQuery = z.object({ lti_msg: z.string().optional(), lti_errormsg: z.string().optional() });

/** Starts a launch the way loginInitiationUrl() does and remembers it; returns the tool login URL. */
export type StartLaunch = (req: LaunchRequest) => string;

/** A launch the LMS cannot start (e.g. deep linking the tool never registered for) is the admin's to fix. */
function launchOr409(start: () => string): string {
  try {
    return start();
  } catch (err) {
    throw new PlatformError(409, err instanceof Error ? err.message : 'launch could not start');
  }
}

export function pageRouter(state: PlatformState, startLaunch: StartLaunch): Router {
  const router = express.Router();
  router.get('/', (_req, res) => {
    res.set('Cache-Control', 'no-store').type('html').send(courseHomePage(state));
  });

  router.get('/course/launch', (req, res) => {
    const query = parseOr400(launchQuery, req.query, 'launch');
    const user = findUser(state, query.user);
    if (!user) throw new PlatformError(404, 'no such person in this course');
    const deepLinking = query.type === 'deep-linking';
    const placement = state.placements.find((p) => p.resourceLinkId === query.placement);
    if (!deepLinking && !placement) throw new PlatformError(404, 'no such activity in this course');
    const loginUrl = launchOr409(() => startLaunch({
      userId: user.id,
      messageType: deepLinking ? 'LtiDeepLinkingRequest' : 'LtiResourceLinkRequest',
      documentTarget: query.target,
      ...(placement ? { resourceLinkId: placement.resourceLinkId } : {}),
    }));
    if (query.target === 'window') return res.redirect(302, loginUrl);
    const again = new URLSearchParams({ ...req.query as Record<string, string>, target: 'window' });
    res.type('html').send(launchFramePage(state, {
      title: deepLinking ? 'Add a Growthline activity' : placement?.title ?? 'Growthline',
      user,
      loginUrl,
      newWindowHref: `/course/launch?${again.toString()}`,
    }));
  });

  router.get('/course/return', (req, res) => {
    const query = parseOr400(returnQuery, req.query, 'return');
    res.type('html').send(returnPage(state, query.lti_msg, query.lti_errormsg));
  });

  router.get('/admin/register-tool', (_req, res) => {
    if (!state.quirks.supportsDynamicRegistration) throw new PlatformError(404, `${state.quirks.family} has no Dynamic Registration`);
    res.redirect(302, dynamicRegistrationUrl(state));
  });

  router.use(errorHandler('text'));
  return router;
}
