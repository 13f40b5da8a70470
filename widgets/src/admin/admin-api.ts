// The admin page's way to /api/admin: the administrator's token as a Bearer header, kept in this tab's
// sessionStorage only (never localStorage, a cookie or a URL), so closing the tab or "Sign out" forgets it.
import { ApiError, createApi, type Api } from '../shared/api.js';

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

export type AdminApi = Api;

/** Never from the browser's cache: what an administrator sees must be what is stored now. */
export function createAdminApi(token: string, base = '/api/admin'): AdminApi {
  return createApi(token, base, { cache: 'no-store' });
}

/** A 401 means the token stopped working (changed on the server): the page signs out. */
export const isUnauthorized = (err: unknown) => err instanceof ApiError && err.status === 401;
