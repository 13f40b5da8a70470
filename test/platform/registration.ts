// LTI Dynamic Registration 1.0, platform side: the openid-configuration a tool reads,
// the one-time registration URL an admin opens, and the registration endpoint that
// validates the tool's client metadata and assigns its client_id and deployment_id.

import { randomBytes } from 'node:crypto';
import express, { type Router } from 'express';
import { z } from 'zod';
import { errorHandler, parseOr400, PlatformError } from './errors.js';
import { platformUrls, type PlatformState } from './state.js';
import type { RegisteredMessage, ToolRegistration } from './types.js';
import { claim, serviceScopes } from './vocabulary.js';

const registrationTokenLifetimeMs = 60 * 60 * 1000;
const supportedMessages = ['LtiResourceLinkRequest', 'LtiDeepLinkingRequest'];

export function openidConfiguration(state: PlatformState): Record<string, unknown> {
  const urls = platformUrls(state);
  const placements = state.quirks.messagePlacements;
  const messages = [
    { type: 'LtiResourceLinkRequest', ...(placements.resourceLink ? { placements: placements.resourceLink } : {}) },
    { type: 'LtiDeepLinkingRequest', ...(placements.deepLinking ? { placements: placements.deepLinking } : {}) },
  ];
  const personal = state.options.privacy === 'public' ? ['name', 'given_name', 'family_name', 'email'] : [];
  return {
    issuer: urls.issuer,
    authorization_endpoint: urls.authorize,
    token_endpoint: urls.token,
    registration_endpoint: urls.registrationEndpoint,
    jwks_uri: urls.jwks,
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', ...serviceScopes],
    response_types_supported: ['id_token'],
    subject_types_supported: ['public', 'pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    claims_supported: ['iss', 'sub', 'aud', ...personal, 'locale'],
    [claim.platformConfiguration]: {
      product_family_code: state.quirks.family,
      version: state.quirks.version,
      messages_supported: state.options.messagesSupportedAsStrings ? messages.map((m) => m.type) : messages,
    },
  };
}

/** The URL an admin's browser opens on the tool; the token inside it is good for one registration. */
export function dynamicRegistrationUrl(state: PlatformState, opts: { token?: boolean } = {}): string {
  if (!state.quirks.supportsDynamicRegistration) {
    throw new Error(`${state.quirks.family} has no Dynamic Registration; use registration() values for a manual registration`);
  }
  const url = new URL(`${state.options.toolUrl}/lti/register`);
  url.searchParams.set('openid_configuration', platformUrls(state).openidConfiguration);
  if (opts.token === false) {
    state.openRegistrations += 1;
  } else {
    const token = randomBytes(32).toString('base64url');
    state.registrationTokens.set(token, Date.now() + registrationTokenLifetimeMs);
    url.searchParams.set('registration_token', token);
  }
  return url.toString();
}

const toolMessage = z
  .object({
    type: z.string().min(1),
    target_link_uri: z.string().url().optional(),
    label: z.string().optional(),
    icon_uri: z.string().url().optional(),
    custom_parameters: z.record(z.string()).optional(),
    placements: z.array(z.string()).optional(),
    roles: z.array(z.string()).optional(),
  })
  .passthrough();

const toolConfiguration = z
  .object({
    domain: z.string().min(1),
    secondary_domains: z.array(z.string().min(1)).optional(),
    target_link_uri: z.string().url(),
    custom_parameters: z.record(z.string()).optional(),
    description: z.string().optional(),
    messages: z.array(toolMessage).default([]),
    claims: z.array(z.string()).default([]),
  })
  .passthrough();

const registrationRequest = z
  .object({
    application_type: z.literal('web'),
    response_types: z.array(z.string()).refine((a) => a.length === 1 && a[0] === 'id_token', 'must be ["id_token"]'),
    grant_types: z
      .array(z.string())
      .refine((a) => a.includes('implicit') && a.includes('client_credentials'), 'must include implicit and client_credentials'),
    initiate_login_uri: z.string().url(),
    redirect_uris: z.array(z.string().url()).min(1),
    client_name: z.string().min(1).optional(),
    logo_uri: z.string().url().optional(),
    jwks_uri: z.string().url(),
    token_endpoint_auth_method: z.literal('private_key_jwt'),
    scope: z.string().default(''),
    contacts: z.array(z.string().email()).optional(),
    [claim.toolConfiguration]: toolConfiguration,
  })
  .passthrough();
type RegistrationRequest = z.infer<typeof registrationRequest>;

export function registrationRouter(state: PlatformState): Router {
  const router = express.Router();
  const config: express.RequestHandler = (_req, res) => {
    res.set('Cache-Control', 'no-store').json(openidConfiguration(state));
  };
  router.get('/.well-known/openid-configuration', config);
  router.get('/lti/openid-configuration', config);
  router.post('/lti/registrations', express.json({ type: () => true, limit: '100kb' }), (req, res) => {
    if (!req.is('application/json')) throw new PlatformError(415, 'Content-Type must be application/json', 'invalid_request');
    if (!state.quirks.supportsDynamicRegistration) throw new PlatformError(404, 'this platform has no Dynamic Registration');
    const consume = authorizeRegistration(state, req.get('authorization'));
    const request = parseOr400(registrationRequest, req.body, 'client metadata', 'invalid_client_metadata');
    checkDomains(request);
    const reg = registrationFrom(state, request);
    consume();
    state.registrations.push(reg);
    res.json({
      ...request,
      client_id: reg.clientId,
      scope: reg.scopes.join(' '),
      [claim.toolConfiguration]: {
        ...request[claim.toolConfiguration],
        ...(state.quirks.registrationAnswerHasDeploymentId ? { deployment_id: reg.deploymentId } : {}),
      },
    });
  });
  router.use('/lti/registrations', errorHandler('oauth'));
  return router;
}

/** Checks the registration token now; returns the step that spends it once the registration succeeds. */
function authorizeRegistration(state: PlatformState, authorization: string | undefined): () => void {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (token) {
    const expiresAt = state.registrationTokens.get(token);
    if (!expiresAt || expiresAt < Date.now()) throw new PlatformError(401, 'registration token is unknown, expired or already used', 'invalid_token');
    return () => state.registrationTokens.delete(token);
  }
  if (state.openRegistrations > 0) return () => { state.openRegistrations -= 1; };
  throw new PlatformError(401, 'registration needs Authorization: Bearer <registration_token> from the registration URL', 'invalid_token');
}

function onDomain(url: string, domains: string[]): boolean {
  const u = new URL(url);
  return domains.includes(u.host) || domains.includes(u.hostname);
}

/** Every URL the platform will send people or tokens to must sit on the tool's declared domains. */
function checkDomains(request: RegistrationRequest): void {
  const cfg = request[claim.toolConfiguration];
  const domains = [cfg.domain, ...(cfg.secondary_domains ?? [])];
  const urls = [request.initiate_login_uri, ...request.redirect_uris, cfg.target_link_uri, ...cfg.messages.flatMap((m) => m.target_link_uri ?? [])];
  const stray = urls.find((u) => !onDomain(u, domains));
  if (stray) throw new PlatformError(400, `${stray} is not on the tool's domain ${cfg.domain}`, 'invalid_client_metadata');
}

function registrationFrom(state: PlatformState, request: RegistrationRequest): ToolRegistration {
  const cfg = request[claim.toolConfiguration];
  state.sequence.deployment += 1;
  const messages: RegisteredMessage[] = cfg.messages
    .filter((m) => supportedMessages.includes(m.type))
    .map((m) => ({
      type: m.type,
      ...(m.target_link_uri ? { targetLinkUri: m.target_link_uri } : {}),
      ...(m.label ? { label: m.label } : {}),
      ...(m.custom_parameters ? { customParameters: m.custom_parameters } : {}),
    }));
  return {
    kind: 'dynamic',
    clientId: state.quirks.newClientId(),
    deploymentId: state.quirks.newDeploymentId(state.sequence.deployment),
    ...(request.client_name ? { clientName: request.client_name } : {}),
    initiateLoginUri: request.initiate_login_uri,
    redirectUris: request.redirect_uris,
    jwksUri: request.jwks_uri,
    targetLinkUri: cfg.target_link_uri,
    domain: cfg.domain,
    // Only what the platform offers; the response's scope tells the tool what it actually got.
    scopes: request.scope.split(/\s+/).filter((s) => serviceScopes.includes(s)),
    messages,
    claims: cfg.claims,
    customParameters: cfg.custom_parameters ?? {},
    registeredAt: new Date().toISOString(),
  };
}
