// LTI helpers shared by integration tests: register the platform simulator with the tool by hand
// (as an administrator would), and launch like a browser that keeps cookies — following the
// platform-storage login page that Canvas-style launches get (its script would go on to the LMS).
import type { RunningTool } from '../../server/main.js';
import { registerLmsPlatform } from '../../server/lti/registration.js';
import { CookieJar, parseLaunchForm, type LaunchRequest, type Platform } from '../platform/index.js';

export async function registerSimulator(tool: RunningTool, p: Platform) {
  const r = p.registration();
  return registerLmsPlatform(tool.app.lti, {
    issuer: r.issuer, clientId: r.clientId, deploymentIds: [r.deploymentId], productFamily: p.productFamily,
    authEndpoint: r.authenticationEndpoint, tokenEndpoint: r.accesstokenEndpoint, jwksUrl: r.keysetUrl,
  });
}

export async function launchWithCookies(p: Platform, req: LaunchRequest, jar = new CookieJar()) {
  const loginUrl = p.loginInitiationUrl(req);
  const login = await fetch(loginUrl, { redirect: 'manual', headers: jar.header() });
  jar.store(login);
  let authorizeUrl = login.headers.get('location');
  if (!authorizeUrl && login.status === 200) {
    authorizeUrl = /data-redirect="([^"]+)"/.exec(await login.text())?.[1]?.replace(/&amp;/g, '&') ?? null;
  }
  if (!authorizeUrl) throw new Error(`login initiation answered ${login.status} with neither a redirect nor a storage page`);
  const page = await fetch(new URL(authorizeUrl, loginUrl), { headers: jar.header() });
  const form = parseLaunchForm(await page.text());
  const toolResponse = await fetch(form.action, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...jar.header() },
    body: new URLSearchParams({ id_token: form.idToken, state: form.state ?? '' }),
  });
  jar.store(toolResponse);
  return { form, toolResponse, jar };
}
