// What a browser does during an LTI launch, for tests without a browser: follow the
// tool's login redirect to the platform, read the self-posting form, post it to the
// tool, carrying cookies the way a browser would (127.0.0.1 cookies ignore the port).

import type { LaunchRequest } from './types.js';

export interface LaunchForm {
  action: string;
  idToken: string;
  state?: string;
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m?.[1] === undefined ? undefined : decodeEntities(m[1]);
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Read the platform's id="lti-launch" form_post page. */
export function parseLaunchForm(htmlText: string): LaunchForm {
  const form = /<form\b[^>]*\bid="lti-launch"[^>]*>([\s\S]*?)<\/form>/.exec(htmlText);
  if (!form) throw new Error('no <form id="lti-launch"> in the page');
  const action = attr(form[0].slice(0, form[0].indexOf('>') + 1), 'action');
  const inputs = new Map<string, string>();
  for (const m of (form[1] ?? '').matchAll(/<input\b[^>]*>/g)) {
    const name = attr(m[0], 'name');
    const value = attr(m[0], 'value');
    if (name !== undefined && value !== undefined) inputs.set(name, value);
  }
  const idToken = inputs.get('id_token');
  if (!action || !idToken) throw new Error('launch form lacks an action or an id_token');
  const stateValue = inputs.get('state');
  return { action, idToken, ...(stateValue === undefined ? {} : { state: stateValue }) };
}

/** Cookies by name only: enough for tools on 127.0.0.1 that set a state cookie at login. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq <= 0) continue;
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  header(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
  }
}

export interface DrivenLaunch {
  loginUrl: string;
  authorizeUrl: string;
  form: LaunchForm;
  /** The tool's answer to the id_token POST, redirects not followed. */
  toolResponse: Response;
  jar: CookieJar;
}

export async function driveLaunch(
  platform: { loginInitiationUrl(req: LaunchRequest): string },
  req: LaunchRequest,
  jar = new CookieJar(),
): Promise<DrivenLaunch> {
  const loginUrl = platform.loginInitiationUrl(req);
  const login = await fetch(loginUrl, { redirect: 'manual', headers: jar.header() });
  jar.store(login);
  const location = login.headers.get('location');
  if (login.status < 300 || login.status >= 400 || !location) {
    throw new Error(`tool login initiation answered ${login.status} without a redirect: ${(await login.text()).slice(0, 300)}`);
  }
  const authorizeUrl = new URL(location, loginUrl).toString();
  const authorize = await fetch(authorizeUrl, { redirect: 'manual', headers: jar.header() });
  const page = await authorize.text();
  if (authorize.status !== 200) throw new Error(`platform refused the authentication request (${authorize.status}): ${page}`);
  const form = parseLaunchForm(page);
  const body = new URLSearchParams({ id_token: form.idToken, ...(form.state === undefined ? {} : { state: form.state }) });
  const toolResponse = await fetch(form.action, {
    method: 'POST',
    body,
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...jar.header() },
  });
  jar.store(toolResponse);
  return { loginUrl, authorizeUrl, form, toolResponse, jar };
}
