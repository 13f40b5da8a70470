// Proves that the browser posting an id_token is the one that started the login (login CSRF
// protection, Security Framework §5.1.1.3), by whichever means the browser allows:
// 1. a cookie set at login (SameSite=None; Secure; Partitioned on https — survives an iframe
//    where partitioned cookies are allowed);
// 2. LTI platform storage (postMessage lti.put_data / lti.get_data through the LMS's frame) when
//    the LMS offers it and cookies are blocked;
// 3. otherwise the launch is restarted in a new window, where first-party cookies work.
// The state check is equally strict on every path: unverified means refused.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

export type Binding = 'cookie' | 'storage' | 'none';

const cookieName = (state: string) => `gl_login_${createHash('sha256').update(state).digest('hex').slice(0, 20)}`;
const proof = (secret: string, state: string) => createHmac('sha256', secret).update(`login-binding:${state}`).digest('base64url');

export function setBindingCookie(res: Response, secret: string, state: string, secure: boolean): void {
  const attrs = secure ? 'SameSite=None; Secure; Partitioned' : 'SameSite=Lax';
  res.append('Set-Cookie', `${cookieName(state)}=${proof(secret, state)}; Path=/lti; Max-Age=600; HttpOnly; ${attrs}`);
}

export function clearBindingCookie(res: Response, state: string, secure: boolean): void {
  const attrs = secure ? 'SameSite=None; Secure; Partitioned' : 'SameSite=Lax';
  res.append('Set-Cookie', `${cookieName(state)}=; Path=/lti; Max-Age=0; HttpOnly; ${attrs}`);
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function hasBindingCookie(req: Request, secret: string, state: string): boolean {
  const got = readCookie(req, cookieName(state));
  if (!got) return false;
  return safeEqual(got, proof(secret, state));
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** lti_storage_target names a frame: "_parent" or a frame name; anything else is ignored. */
export function validStorageTarget(v: unknown): string | null {
  return typeof v === 'string' && /^(_parent|_top|[A-Za-z0-9_-]{1,64})$/.test(v) ? v : null;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function shell(title: string, body: string, data: Record<string, string>): string {
  const attrs = Object.entries(data).map(([k, v]) => ` data-${k}="${esc(v)}"`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} — Growthline</title><link rel="stylesheet" href="/static/theme.css">
<script src="/static/lti-storage.js" defer></script></head>
<body><main class="gl-doc" id="gl-storage"${attrs}>${body}</main></body></html>`;
}

/** At login: store state and nonce in the LMS's storage frame, then continue to the LMS. */
export function storageLoginPage(o: { target: string; platformOrigin: string; state: string; nonce: string; redirect: string }): string {
  return shell('Opening your activity', `<h1>Opening your activity…</h1><p role="status">One moment.</p>
<p><a href="${esc(o.redirect)}">Continue</a> if nothing happens.</p>`,
  { mode: 'login', target: o.target, origin: o.platformOrigin, state: o.state, nonce: o.nonce, redirect: o.redirect });
}

/** At launch without a cookie: read state and nonce back from the LMS's storage frame, then complete. */
export function storageVerifyPage(o: { target: string; platformOrigin: string; state: string; nonce: string; pending: string; relaunch: string }): string {
  return shell('Checking your launch', `<h1>Checking your launch…</h1><p role="status" id="gl-status">One moment.</p>
<div id="gl-fallback" hidden><p>Your browser blocked what this activity needs inside the course page.</p>
<p><a class="button" href="${esc(o.relaunch)}" target="_blank" rel="opener">Open in a new window</a></p></div>`,
  { mode: 'verify', target: o.target, origin: o.platformOrigin, state: o.state, nonce: o.nonce, pending: o.pending });
}

/** No cookie and no platform storage: the launch can only be completed in a new window. */
export function newWindowPage(relaunch: string): string {
  return shell('Open this activity in a new window', `<h1>Open this activity in a new window</h1>
<p>Your browser blocks the cookies this activity needs inside the course page. It works in a window of its own.</p>
<p><a class="button" href="${esc(relaunch)}" target="_blank" rel="opener">Open in a new window</a></p>`, { mode: 'none' });
}
