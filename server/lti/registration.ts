// LTI Dynamic Registration 1.0 (/lti/register) and the one function every registration path uses
// (dynamic, CLI, admin page, tests) to record a platform both in our tenants and in ltijs.
// GET shows the administrator what will be registered; POST performs it and tells the LMS to close.
import express, { type Express, type Request, type Response } from 'express';
import { z } from 'zod';
import { InvalidInput, LaunchRejected, renderErrorPage } from '../http/problem.js';
import type { Logger } from '../log.js';
import { registerPlatform, type PlatformRegistration } from '../tenants/tenant.service.js';
import type { LtiService } from './provider.js';

export const SCOPES = {
  lineItem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
  resultRead: 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  membership: 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
} as const;
export const TOOL_SCOPES: string[] = Object.values(SCOPES);

export async function registerLmsPlatform(lti: LtiService, reg: PlatformRegistration) {
  const result = await registerPlatform(reg);
  await lti.registerPlatform({
    url: reg.issuer, name: reg.name ?? new URL(reg.issuer).host, clientId: reg.clientId,
    authenticationEndpoint: reg.authEndpoint, accesstokenEndpoint: reg.tokenEndpoint,
    authConfig: { method: 'JWK_SET', key: reg.jwksUrl },
  });
  return result;
}

const PlatformConfigSchema = z.object({
  issuer: z.string().url(),
  authorization_endpoint: z.string().url(),
  token_endpoint: z.string().url(),
  jwks_uri: z.string().url(),
  registration_endpoint: z.string().url(),
  scopes_supported: z.array(z.string()).default([]),
  claims_supported: z.array(z.string()).default([]),
  'https://purl.imsglobal.org/spec/lti-platform-configuration': z.object({
    product_family_code: z.string().default('unknown'),
    version: z.string().optional(),
    // Objects per the spec; plain strings from older Moodle versions.
    messages_supported: z.array(z.union([z.string(), z.object({ type: z.string(), placements: z.array(z.string()).optional() })])).default([]),
  }),
}).passthrough();
export type PlatformConfig = z.infer<typeof PlatformConfigSchema>;

const QuerySchema = z.object({
  openid_configuration: z.string().url().max(2000),
  registration_token: z.string().max(8000).optional(),
});

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function messagesSupported(cfg: PlatformConfig): string[] {
  return cfg['https://purl.imsglobal.org/spec/lti-platform-configuration'].messages_supported.map((m) => (typeof m === 'string' ? m : m.type));
}

/** The tool's registration request, adapted to the platform (Canvas placements and privacy level). */
export function buildRegistrationRequest(cfg: PlatformConfig, toolUrl: string): Record<string, unknown> {
  const family = cfg['https://purl.imsglobal.org/spec/lti-platform-configuration'].product_family_code.toLowerCase();
  const supported = new Set(cfg.scopes_supported);
  // Ask only for what we use, and only what the platform says it can grant (if it says at all).
  const scopes = supported.size ? TOOL_SCOPES.filter((s) => supported.has(s)) : TOOL_SCOPES;
  const canDeepLink = messagesSupported(cfg).includes('LtiDeepLinkingRequest') || messagesSupported(cfg).length === 0;
  const canvas = family === 'canvas';
  const messages: Record<string, unknown>[] = [
    { type: 'LtiResourceLinkRequest', target_link_uri: `${toolUrl}/lti/launch`, label: 'Growthline', ...(canvas ? { placements: ['link_selection'] } : {}) },
  ];
  if (canDeepLink) {
    messages.push({
      type: 'LtiDeepLinkingRequest', target_link_uri: `${toolUrl}/lti/launch`, label: 'Add a Growthline assessment',
      ...(canvas ? { placements: ['assignment_selection', 'link_selection'] } : {}),
    });
  }
  return {
    application_type: 'web',
    response_types: ['id_token'],
    grant_types: ['implicit', 'client_credentials'],
    initiate_login_uri: `${toolUrl}/lti/login`,
    redirect_uris: [`${toolUrl}/lti/launch`],
    client_name: 'Growthline',
    jwks_uri: `${toolUrl}/lti/keys`,
    logo_uri: `${toolUrl}/static/logo.svg`,
    token_endpoint_auth_method: 'private_key_jwt',
    scope: scopes.join(' '),
    'https://purl.imsglobal.org/spec/lti-tool-configuration': {
      domain: new URL(toolUrl).host,
      description: 'Standards-aligned diagnostic pre-tests and post-tests with per-standard mastery and growth.',
      target_link_uri: `${toolUrl}/lti/launch`,
      // Names let teachers recognise students; email is never requested.
      claims: ['iss', 'sub', 'name', 'given_name', 'family_name'],
      messages,
      ...(canvas ? { 'https://canvas.instructure.com/lti/privacy_level': 'name_only' } : {}),
    },
  };
}

async function fetchJson(url: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000), redirect: 'error' });
  const text = await res.text();
  if (text.length > 256 * 1024) throw new Error(`${url} answered with more than 256 KB`);
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

function allowedUrl(u: string, production: boolean): boolean {
  const url = new URL(u);
  if (url.protocol === 'https:') return true;
  return !production && url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

async function loadPlatformConfig(openidConfiguration: string, production: boolean): Promise<PlatformConfig> {
  if (!allowedUrl(openidConfiguration, production)) throw new InvalidInput('The openid_configuration URL must use https.');
  const cfg = PlatformConfigSchema.parse(await fetchJson(openidConfiguration));
  // Dynamic Registration §3.5.1: the configuration must come from the issuer's own host.
  if (new URL(cfg.issuer).host !== new URL(openidConfiguration).host) {
    throw new InvalidInput(`The platform's issuer (${cfg.issuer}) is not on the host that served its configuration.`);
  }
  return cfg;
}

export function mountDynamicRegistration(app: Express, o: { lti: LtiService; toolUrl: string; production: boolean; log: Logger }) {
  const frameFor = (res: Response, openidConfiguration: string) => {
    // The LMS shows this page in its own frame before the platform is registered.
    const origin = new URL(openidConfiguration).origin;
    res.setHeader('Content-Security-Policy', `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'self' ${origin}; form-action 'self'; base-uri 'none'`);
  };

  app.get('/lti/register', async (req: Request, res: Response, next) => {
    try {
      const q = QuerySchema.safeParse(req.query);
      if (!q.success) throw new LaunchRejected('This address is for LTI Dynamic Registration: open it from your LMS\'s "add tool by registration URL" screen.', 'bad-registration-query');
      const cfg = await loadPlatformConfig(q.data.openid_configuration, o.production).catch((err: Error) => {
        throw new LaunchRejected(`Growthline could not read your LMS's registration details: ${err.message}`, 'bad-platform-config', 502);
      });
      const request = buildRegistrationRequest(cfg, o.toolUrl);
      const family = cfg['https://purl.imsglobal.org/spec/lti-platform-configuration'].product_family_code;
      const scopes = String(request.scope).split(' ').filter(Boolean);
      const names: Record<string, string> = {
        [SCOPES.lineItem]: 'create gradebook columns', [SCOPES.score]: 'send scores to the gradebook',
        [SCOPES.resultRead]: 'read gradebook results', [SCOPES.membership]: 'read the course roster',
      };
      frameFor(res, q.data.openid_configuration);
      res.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Register Growthline</title><link rel="stylesheet" href="/static/theme.css"></head><body><main class="gl-doc">
<h1>Register Growthline with your LMS</h1>
<p>Your LMS (<strong>${esc(family)}</strong> at <code>${esc(cfg.issuer)}</code>) asked to register Growthline.</p>
<h2>Growthline will be allowed to</h2><ul>${scopes.map((s) => `<li>${esc(names[s] ?? s)}</li>`).join('')}</ul>
<p>Growthline asks for students' names (so teachers can recognise them) and never for email addresses.</p>
<form method="post" action="/lti/register">
<input type="hidden" name="openid_configuration" value="${esc(q.data.openid_configuration)}">
<input type="hidden" name="registration_token" value="${esc(q.data.registration_token ?? '')}">
<button type="submit">Register Growthline</button>
</form></main></body></html>`);
    } catch (err) {
      next(err);
    }
  });

  app.post('/lti/register', express.urlencoded({ extended: false, limit: '16kb' }), async (req: Request, res: Response, next) => {
    try {
      const body = QuerySchema.safeParse({ ...req.body, registration_token: req.body?.registration_token || undefined });
      if (!body.success) throw new LaunchRejected('The registration form was incomplete. Start the registration again from your LMS.', 'bad-registration-form');
      const cfg = await loadPlatformConfig(body.data.openid_configuration, o.production);
      const request = buildRegistrationRequest(cfg, o.toolUrl);
      const answer = z.object({
        client_id: z.string().min(1),
        scope: z.string().optional(),
        'https://purl.imsglobal.org/spec/lti-tool-configuration': z.object({ deployment_id: z.string().optional() }).passthrough().optional(),
      }).passthrough().parse(await fetchJson(cfg.registration_endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(body.data.registration_token ? { authorization: `Bearer ${body.data.registration_token}` } : {}) },
        body: JSON.stringify(request),
      }));
      const deploymentId = answer['https://purl.imsglobal.org/spec/lti-tool-configuration']?.deployment_id;
      const family = cfg['https://purl.imsglobal.org/spec/lti-platform-configuration'].product_family_code;
      await registerLmsPlatform(o.lti, {
        issuer: cfg.issuer, clientId: answer.client_id, name: `${family} (${new URL(cfg.issuer).host})`, productFamily: family,
        // Canvas creates deployments after registration: without a deployment id, accept the platform's deployments as they launch.
        deploymentIds: deploymentId ? [deploymentId] : [],
        acceptNewDeployments: !deploymentId,
        authEndpoint: cfg.authorization_endpoint, tokenEndpoint: cfg.token_endpoint, jwksUrl: cfg.jwks_uri,
        scopes: (answer.scope ?? String(request.scope)).split(' ').filter(Boolean),
        frameOrigins: [new URL(body.data.openid_configuration).origin],
        registeredVia: 'dynamic',
      });
      o.log.info({ issuer: cfg.issuer, family }, 'platform registered dynamically');
      frameFor(res, body.data.openid_configuration);
      res.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Growthline registered</title>
<link rel="stylesheet" href="/static/theme.css"><script src="/static/registration-done.js" defer></script></head>
<body><main class="gl-doc"><h1>Growthline is registered</h1><p>You can close this window. Teachers can now add Growthline assessments to their courses.</p></main></body></html>`);
    } catch (err) {
      if (err instanceof z.ZodError) return next(new LaunchRejected(`Your LMS answered the registration in an unexpected way: ${err.issues[0]?.path.join('.')} ${err.issues[0]?.message}`, 'bad-registration-answer', 502));
      if (err instanceof LaunchRejected || err instanceof InvalidInput) return next(err);
      o.log.warn({ err: (err as Error).message }, 'dynamic registration failed');
      res.status(502).type('html').send(renderErrorPage('Registration failed', `Growthline could not complete the registration with your LMS: ${(err as Error).message}`, 'Check the registration URL and try again.'));
    }
  });
}
