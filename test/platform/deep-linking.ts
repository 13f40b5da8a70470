// Deep Linking 2.0 return: the teacher picked activities in the tool, the tool posts
// a signed LtiDeepLinkingResponse back, and the platform turns each resource link
// into a course placement (with a gradebook column when the item carries a lineItem).

import express, { type Router } from 'express';
import { z } from 'zod';
import { createLineItem } from './ags.js';
import { errorHandler, parseOr400, PlatformError } from './errors.js';
import { html, page } from './html.js';
import { findRegistration, platformUrls, rememberOnce, type PendingLaunch, type PlatformState } from './state.js';
import { claimedIssuer, verifyToolJwt } from './tool-jwt.js';
import type { ContentItem, DeepLinkReturn, Placement } from './types.js';
import { claim } from './vocabulary.js';

const contentItem = z
  .object({
    type: z.string().min(1),
    title: z.string().optional(),
    text: z.string().optional(),
    url: z.string().url().optional(),
    custom: z.record(z.string()).optional(),
    lineItem: z
      .object({
        scoreMaximum: z.number().positive(),
        label: z.string().optional(),
        resourceId: z.string().optional(),
        tag: z.string().optional(),
        gradesReleased: z.boolean().optional(),
      })
      .optional(),
  })
  .passthrough();

const deepLinkingResponse = z.object({
  nonce: z.string().min(1),
  [claim.messageType]: z.literal('LtiDeepLinkingResponse'),
  [claim.version]: z.literal('1.3.0'),
  [claim.deploymentId]: z.string().min(1),
  [claim.dlData]: z.string().optional(),
  [claim.dlContentItems]: z.array(contentItem).default([]),
  [claim.dlMsg]: z.string().optional(),
  [claim.dlLog]: z.string().optional(),
  [claim.dlErrorMsg]: z.string().optional(),
  [claim.dlErrorLog]: z.string().optional(),
});

const nonceMemoryMs = 60 * 60 * 1000;

export function deepLinkingRouter(state: PlatformState): Router {
  const router = express.Router();
  router.post('/lti/deep-link-return', express.urlencoded({ extended: false, limit: '200kb' }), (req, res, next) => {
    const { JWT } = parseOr400(z.object({ JWT: z.string().min(1) }), req.body, 'deep linking return (form field JWT)');
    acceptDeepLinks(state, JWT)
      .then((received) => res.type('html').send(addedPage(state, received)))
      .catch(next);
  });
  router.use('/lti/deep-link-return', errorHandler('text'));
  return router;
}

async function acceptDeepLinks(state: PlatformState, jwt: string): Promise<DeepLinkReturn> {
  const clientId = claimedIssuer(jwt);
  const reg = clientId ? findRegistration(state, clientId) : undefined;
  if (!reg) throw new PlatformError(400, 'JWT iss is not a client_id registered with this platform');
  const payload = await verifyToolJwt(jwt, reg, {
    audience: platformUrls(state).issuer,
    requiredClaims: ['iss', 'aud', 'iat', 'exp', 'nonce'],
    failStatus: 400,
  });
  const message = parseOr400(deepLinkingResponse, payload, 'LtiDeepLinkingResponse');
  if (message[claim.deploymentId] !== reg.deploymentId) throw new PlatformError(400, 'deployment_id does not match the registration');
  if (!rememberOnce(state.seenNonces, `dl:${reg.clientId}:${message.nonce}`, Date.now() + nonceMemoryMs)) {
    throw new PlatformError(400, 'nonce was already used: deep linking responses cannot be replayed');
  }
  const request = pendingRequest(state, reg.clientId, message[claim.dlData]);
  const items = message[claim.dlContentItems] as ContentItem[];
  checkItemsAllowed(request, items);
  state.pendingLaunches.delete(request.messageHint);
  const received: DeepLinkReturn = {
    clientId: reg.clientId,
    deploymentId: reg.deploymentId,
    contentItems: items,
    placementsCreated: items.filter((i) => i.type === 'ltiResourceLink').map((i) => addPlacement(state, i)),
    receivedAt: new Date().toISOString(),
    ...definedOnly({
      data: message[claim.dlData],
      msg: message[claim.dlMsg],
      log: message[claim.dlLog],
      errormsg: message[claim.dlErrorMsg],
      errorlog: message[claim.dlErrorLog],
    }),
  };
  state.deepLinks.push(received);
  return received;
}

function definedOnly(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined));
}

/** The platform always sends data, so the echoed data names the request being answered. */
function pendingRequest(state: PlatformState, clientId: string, data: string | undefined): PendingLaunch & { deepLinking: NonNullable<PendingLaunch['deepLinking']> } {
  if (data === undefined) throw new PlatformError(400, 'the data claim is missing: a tool must return the data it received in deep_linking_settings');
  for (const launch of state.pendingLaunches.values()) {
    if (launch.deepLinking?.data === data && launch.clientId === clientId) return { ...launch, deepLinking: launch.deepLinking };
  }
  throw new PlatformError(400, 'the data claim does not match a deep linking request in progress (already answered, or never sent)');
}

function checkItemsAllowed(request: { deepLinking: { acceptMultiple: boolean; acceptTypes: string[] } }, items: ContentItem[]): void {
  if (!request.deepLinking.acceptMultiple && items.length > 1) {
    throw new PlatformError(400, 'accept_multiple was false but the response carries more than one content item');
  }
  const refused = items.find((i) => !request.deepLinking.acceptTypes.includes(i.type));
  if (refused) throw new PlatformError(400, `content item type ${refused.type} was not in accept_types`);
}

function addPlacement(state: PlatformState, item: ContentItem): string {
  state.sequence.placement += 1;
  const title = item.title ?? 'Growthline activity';
  const placement: Placement = {
    resourceLinkId: `rl-dl-${state.sequence.placement}`,
    title,
    createdBy: 'deep-linking',
    ...(item.url ? { targetLinkUri: item.url } : {}),
    ...(item.custom ? { custom: { ...item.custom } } : {}),
  };
  state.placements.push(placement);
  if (item.lineItem) {
    createLineItem(state, {
      label: item.lineItem.label ?? title,
      scoreMaximum: item.lineItem.scoreMaximum,
      resourceId: item.lineItem.resourceId,
      tag: item.lineItem.tag,
      gradesReleased: item.lineItem.gradesReleased,
      resourceLinkId: placement.resourceLinkId,
    });
  }
  return placement.resourceLinkId;
}

function addedPage(state: PlatformState, received: DeepLinkReturn): string {
  const count = received.contentItems.length;
  const titles = received.contentItems.map((i) => html`<li>${i.title ?? i.type}</li>`);
  return page(
    `Added ${count} item${count === 1 ? '' : 's'}`,
    html`<main>
<h1>Added ${count} item${count === 1 ? '' : 's'}</h1>
${received.msg ? html`<p role="status">${received.msg}</p>` : ''}
${received.errormsg ? html`<p role="alert">${received.errormsg}</p>` : ''}
<ul>${titles}</ul>
<p><a href="${platformUrls(state).issuer}/" target="_top">Back to ${state.course.title}</a></p>
</main>`,
  );
}
