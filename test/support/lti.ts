// LTI helpers shared by integration tests: register the platform simulator with the tool by hand
// (as an administrator would), and launch like a browser that keeps cookies — following the
// platform-storage login page that Canvas-style launches get (its script would go on to the LMS).
// Also the usual start of a launch test: a tool with the simulator registered.
import type { RunningTool } from '../../server/main.js';
import { registerLmsPlatform } from '../../server/lti/registration.js';
import { CookieJar, createPlatform, driveLaunch, parseLaunchForm, type DemoUser, type LaunchRequest, type Platform, type ProductFamily } from '../platform/index.js';
import { startTestTool } from './tool.js';

/** `scopes`: the LTI services the administrator grants (e.g. TOOL_SCOPES for grades and rosters); none by default. */
export async function registerSimulator(tool: RunningTool, p: Platform, o: { scopes?: string[] } = {}) {
  const r = p.registration();
  return registerLmsPlatform(tool.app.lti, {
    issuer: r.issuer, clientId: r.clientId, deploymentIds: [r.deploymentId], productFamily: p.productFamily,
    authEndpoint: r.authenticationEndpoint, tokenEndpoint: r.accesstokenEndpoint, jwksUrl: r.keysetUrl,
    ...(o.scopes ? { scopes: o.scopes } : {}),
  });
}

export interface ToolWithLms { tool: RunningTool; lms: Platform; tenantId: string; platformId: string }

/**
 * How most launch tests begin: a test tool, the platform simulator (its demo course plus `users`) started,
 * and registered with the tool by hand. Stop `lms` and then `tool` in afterAll.
 */
export async function startToolWithLms(o: { productFamily: ProductFamily; users?: DemoUser[]; scopes?: string[] }): Promise<ToolWithLms> {
  const tool = await startTestTool();
  const lms = createPlatform({ toolUrl: tool.url, productFamily: o.productFamily });
  lms.users.push(...(o.users ?? []));
  await lms.start();
  const { platform, tenants } = await registerSimulator(tool, lms, { scopes: o.scopes });
  return { tool, lms, tenantId: String(tenants[0]!._id), platformId: String(platform._id) };
}

/** A real launch through the simulator without a browser; resolves with the session token the tool's page carries. */
export async function launchSessionToken(p: Platform, userId: string, resourceLinkId?: string): Promise<string> {
  const { toolResponse } = await driveLaunch(p, { userId, ...(resourceLinkId ? { resourceLinkId } : {}) });
  const html = await toolResponse.text();
  const token = /session="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error(`launch failed (${toolResponse.status}): ${html.slice(0, 300)}`);
  return token;
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
