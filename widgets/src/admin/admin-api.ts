// The admin page's way to /api/admin: the administrator's token as a Bearer header, kept in this tab's
// sessionStorage only (never localStorage, a cookie or a URL), so closing the tab or "Sign out" forgets it.
import { ApiError } from '../shared/api.js';

const TOKEN_KEY = 'growthline.admin-token';

export function storedToken(): string {
  try { return sessionStorage.getItem(TOKEN_KEY) ?? ''; } catch { return ''; }
}
export function rememberToken(token: string): void {
  try { sessionStorage.setItem(TOKEN_KEY, token); } catch { /* storage off: the token lives as long as the page */ }
}
export function forgetToken(): void {
  try { sessionStorage.removeItem(TOKEN_KEY); } catch { /* nothing stored */ }
}

export interface AdminApi {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  del<T>(path: string): Promise<T>;
}

export function createAdminApi(token: string, base = '/api/admin'): AdminApi {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
    const text = await res.text();
    let data: unknown;
    try { data = text ? JSON.parse(text) : undefined; } catch { data = undefined; }
    const problem = data as { detail?: string; title?: string } | undefined;
    if (!res.ok) throw new ApiError(res.status, problem?.detail || problem?.title || `Request failed (${res.status})`, data);
    return data as T;
  }
  return { get: (p) => call('GET', p), post: (p, b) => call('POST', p, b), put: (p, b) => call('PUT', p, b), del: (p) => call('DELETE', p) };
}

/** A 401 means the token stopped working (changed on the server): the page signs out. */
export const isUnauthorized = (err: unknown) => err instanceof ApiError && err.status === 401;
