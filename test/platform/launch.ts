// Starting a launch (what happens when a person clicks an activity in the LMS) and
// assembling the id_token claims the platform will sign for it. Both are plain
// calculations over the platform state: no I/O, so claim shape is easy to test.

import { randomBytes } from 'node:crypto';
import { isInstructor } from './roster.js';
import { activeRegistration, findRegistration, findUser, platformUrls, type PendingLaunch, type PlatformState } from './state.js';
import type { LaunchRequest, ToolRegistration } from './types.js';
import { agsScopes, claim, courseOfferingType, scope } from './vocabulary.js';

/** A pending launch lives this long; a page reload within it re-uses the same lti_message_hint. */
const pendingLaunchLifetimeMs = 60 * 60 * 1000;
const idTokenLifetimeSeconds = 5 * 60;

function messageTarget(reg: ToolRegistration, type: string): string {
  return reg.messages.find((m) => m.type === type)?.targetLinkUri ?? reg.targetLinkUri;
}

export function pendingLaunchFor(state: PlatformState, req: LaunchRequest, now = Date.now()): PendingLaunch {
  const user = findUser(state, req.userId);
  if (!user) throw new Error(`unknown demo user id ${req.userId}`);
  const reg = req.clientId ? findRegistration(state, req.clientId) : activeRegistration(state);
  if (!reg) throw new Error(`no registration with client id ${req.clientId}`);
  const messageType = req.messageType ?? 'LtiResourceLinkRequest';
  if (messageType === 'LtiDeepLinkingRequest' && !reg.messages.some((m) => m.type === messageType)) {
    throw new Error('the tool did not register for LtiDeepLinkingRequest, so the platform offers no deep linking');
  }
  const base = {
    messageHint: randomBytes(18).toString('base64url'),
    userId: user.id,
    clientId: reg.clientId,
    deploymentId: reg.deploymentId,
    messageType,
    includeAgs: req.includeAgs ?? true,
    includeNrps: req.includeNrps ?? true,
    locale: req.locale ?? 'en-US',
    documentTarget: req.documentTarget ?? 'iframe',
    expiresAt: now + pendingLaunchLifetimeMs,
  } as const;
  if (messageType === 'LtiDeepLinkingRequest') {
    return {
      ...base,
      targetLinkUri: req.targetLinkUri ?? messageTarget(reg, messageType),
      custom: { ...reg.customParameters, ...req.custom },
      deepLinking: {
        acceptMultiple: req.deepLinking?.acceptMultiple ?? true,
        // The platform always sends data so it can match the tool's answer to this request.
        data: req.deepLinking?.data ?? `dl-${randomBytes(12).toString('base64url')}`,
        acceptTypes: req.deepLinking?.acceptTypes ?? ['ltiResourceLink'],
      },
    };
  }
  const linkId = req.resourceLinkId ?? state.placements[0]?.resourceLinkId ?? 'rl-default';
  const placement = state.placements.find((p) => p.resourceLinkId === linkId);
  return {
    ...base,
    targetLinkUri: req.targetLinkUri ?? placement?.targetLinkUri ?? messageTarget(reg, messageType),
    resourceLink: { id: linkId, title: req.resourceLinkTitle ?? placement?.title ?? linkId },
    custom: { ...reg.customParameters, ...placement?.custom, ...req.custom },
  };
}

/** The third-party-initiated login URL on the tool (LTI 1.3 core §4.1 / OIDC login initiation). */
export function loginInitiationUrlFor(state: PlatformState, launch: PendingLaunch): string {
  const reg = findRegistration(state, launch.clientId);
  if (!reg) throw new Error(`no registration with client id ${launch.clientId}`);
  const url = new URL(reg.initiateLoginUri);
  url.searchParams.set('iss', platformUrls(state).issuer);
  url.searchParams.set('login_hint', launch.userId);
  url.searchParams.set('target_link_uri', launch.targetLinkUri);
  url.searchParams.set('lti_message_hint', launch.messageHint);
  url.searchParams.set('client_id', launch.clientId);
  url.searchParams.set('lti_deployment_id', launch.deploymentId);
  if (state.quirks.storageTarget) url.searchParams.set('lti_storage_target', state.quirks.storageTarget);
  return url.toString();
}

/** The line item the AGS claim names for a resource link: only when exactly one is bound to it. */
export function lineItemOfLink(state: PlatformState, resourceLinkId: string): string | undefined {
  const bound = state.lineItems.filter((li) => li.resourceLinkId === resourceLinkId);
  return bound.length === 1 ? bound[0]?.id : undefined;
}

export function launchClaims(state: PlatformState, launch: PendingLaunch, nonce: string, now = Date.now()): Record<string, unknown> {
  const user = findUser(state, launch.userId);
  const reg = findRegistration(state, launch.clientId);
  if (!user || !reg) throw new Error('launch refers to a user or registration that no longer exists');
  const urls = platformUrls(state);
  const iat = Math.floor(now / 1000);
  const claims: Record<string, unknown> = {
    iss: urls.issuer,
    aud: reg.clientId,
    azp: reg.clientId,
    sub: user.id,
    iat,
    exp: iat + idTokenLifetimeSeconds,
    nonce,
    [claim.deploymentId]: launch.deploymentId,
    [claim.messageType]: launch.messageType,
    [claim.version]: '1.3.0',
    [claim.targetLinkUri]: launch.targetLinkUri,
    [claim.roles]: [...user.roles],
    [claim.context]: { id: state.course.id, label: state.course.label, title: state.course.title, type: [courseOfferingType] },
    [claim.toolPlatform]: {
      guid: `growthline-sim-${state.quirks.family}`,
      product_family_code: state.quirks.family,
      name: state.quirks.platformName,
      version: state.quirks.version,
    },
    [claim.launchPresentation]: { document_target: launch.documentTarget, return_url: urls.returnUrl, locale: launch.locale },
  };
  if (state.options.privacy === 'public') {
    Object.assign(claims, { name: user.name, given_name: user.givenName, family_name: user.familyName, email: user.email });
  }
  if (Object.keys(launch.custom).length > 0) claims[claim.custom] = { ...launch.custom };
  if (launch.resourceLink) claims[claim.resourceLink] = { ...launch.resourceLink };
  const ags = agsClaim(state, reg, launch);
  if (ags) claims[claim.agsEndpoint] = ags;
  if (launch.includeNrps && reg.scopes.includes(scope.contextMembershipReadOnly)) {
    claims[claim.nrps] = { context_memberships_url: urls.memberships, service_versions: ['2.0'] };
  }
  if (launch.deepLinking) claims[claim.deepLinkingSettings] = deepLinkingSettings(state, launch.deepLinking, isInstructor(user));
  return claims;
}

function agsClaim(state: PlatformState, reg: ToolRegistration, launch: PendingLaunch): Record<string, unknown> | undefined {
  const granted = reg.scopes.filter((s) => agsScopes.includes(s));
  if (!launch.includeAgs || granted.length === 0) return undefined;
  const ags: Record<string, unknown> = { scope: granted, lineitems: platformUrls(state).lineItems };
  const lineitem = launch.resourceLink ? lineItemOfLink(state, launch.resourceLink.id) : undefined;
  if (lineitem) ags.lineitem = lineitem;
  return ags;
}

function deepLinkingSettings(state: PlatformState, dl: NonNullable<PendingLaunch['deepLinking']>, byInstructor: boolean) {
  return {
    deep_link_return_url: platformUrls(state).deepLinkReturn,
    accept_types: dl.acceptTypes,
    accept_presentation_document_targets: ['iframe', 'window'],
    accept_multiple: dl.acceptMultiple,
    accept_lineitem: true,
    // Only a teacher's selection goes straight into the course.
    auto_create: byInstructor,
    title: 'Add a Growthline activity',
    data: dl.data,
  };
}
