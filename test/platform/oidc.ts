// The platform side of the LTI 1.3 OIDC launch: the JWKS the tool verifies with, and
// the authorization endpoint that checks the tool's authentication request (1EdTech
// Security Framework 1.0 §5.1.1.2) and answers with a self-posting id_token form.

import express, { type Router } from 'express';
import { z } from 'zod';
import { errorHandler, parseOr400, PlatformError } from './errors.js';
import { html, page } from './html.js';
import { jwks, signIdToken } from './keys.js';
import { launchClaims } from './launch.js';
import { findRegistration, rememberOnce, type PlatformState } from './state.js';

const authenticationRequest = z.object({
  scope: z.literal('openid'),
  response_type: z.literal('id_token'),
  response_mode: z.literal('form_post'),
  prompt: z.literal('none'),
  client_id: z.string().min(1),
  redirect_uri: z.string().url(),
  login_hint: z.string().min(1),
  lti_message_hint: z.string().min(1),
  nonce: z.string().min(1),
  state: z.string().min(1).optional(),
  lti_deployment_id: z.string().min(1).optional(),
});
type AuthenticationRequest = z.infer<typeof authenticationRequest>;

const nonceMemoryMs = 60 * 60 * 1000;

export function oidcRouter(state: PlatformState): Router {
  const router = express.Router();
  router.get('/.well-known/jwks.json', (_req, res) => {
    if (!state.keys) throw new PlatformError(503, 'platform simulator is not started');
    res.set('Cache-Control', 'no-store').json(jwks(state.keys));
  });
  const authorize: express.RequestHandler = (req, res, next) => {
    const input = req.method === 'POST' ? req.body : req.query;
    const request = parseOr400(authenticationRequest, input, 'authentication request');
    answerAuthentication(state, request)
      .then((form) => res.set('Cache-Control', 'no-store').type('html').send(form))
      .catch(next);
  };
  router.get('/lti/authorize', authorize);
  router.post('/lti/authorize', express.urlencoded({ extended: false }), authorize);
  router.use('/lti/authorize', errorHandler('text'));
  return router;
}

/** Every check a strict platform makes before it will speak for a user. */
function checkAuthentication(state: PlatformState, request: AuthenticationRequest) {
  const reg = findRegistration(state, request.client_id);
  if (!reg) throw new PlatformError(400, 'client_id is not registered with this platform');
  if (!reg.redirectUris.includes(request.redirect_uri)) {
    throw new PlatformError(400, 'redirect_uri is not one of the redirect URIs registered for this client_id');
  }
  const launch = state.pendingLaunches.get(request.lti_message_hint);
  if (!launch || launch.expiresAt < Date.now()) {
    throw new PlatformError(400, 'lti_message_hint does not match a launch in progress (expired or never started)');
  }
  if (launch.clientId !== request.client_id) throw new PlatformError(400, 'this launch was started for a different client_id');
  if (launch.userId !== request.login_hint) throw new PlatformError(400, 'login_hint does not match the user of this launch');
  if (request.lti_deployment_id !== undefined && request.lti_deployment_id !== launch.deploymentId) {
    throw new PlatformError(400, 'lti_deployment_id does not match this launch');
  }
  if (!rememberOnce(state.seenNonces, `auth:${request.client_id}:${request.nonce}`, Date.now() + nonceMemoryMs)) {
    throw new PlatformError(400, 'nonce was already used in an earlier authentication request');
  }
  return launch;
}

async function answerAuthentication(state: PlatformState, request: AuthenticationRequest): Promise<string> {
  const launch = checkAuthentication(state, request);
  if (!state.keys) throw new PlatformError(503, 'platform simulator is not started');
  const claims = launchClaims(state, launch, request.nonce);
  const idToken = await signIdToken(state.keys, claims, state.tampers.shift());
  return launchForm(request.redirect_uri, idToken, request.state);
}

/** The form_post response: tests find it by id="lti-launch"; people without JS get a button. */
export function launchForm(action: string, idToken: string, stateValue?: string): string {
  return page(
    'Opening Growthline…',
    html`<main>
<form id="lti-launch" method="post" action="${action}">
<input type="hidden" name="id_token" value="${idToken}">
${stateValue === undefined ? '' : html`<input type="hidden" name="state" value="${stateValue}">`}
<noscript><p>JavaScript is turned off, so the launch needs one more click.</p><button type="submit">Continue to Growthline</button></noscript>
</form>
</main>
<script>document.getElementById('lti-launch').submit();</script>`,
  );
}
