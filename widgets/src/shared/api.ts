// The widgets' only way to the server: JSON over fetch with the session token in the
// Authorization header (no cookies), and problem+json errors turned into readable messages.
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly body?: unknown) { super(message); }
}

export interface Api {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  del<T>(path: string): Promise<T>;
}

/** `cache: 'no-store'` where an answer must never come from the browser's cache (the admin page). */
export function createApi(token: string, base = '/api', o: { cache?: RequestCache } = {}): Api {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      ...(o.cache ? { cache: o.cache } : {}),
    });
    const text = await res.text();
    // A proxy's HTML error page is not JSON: the status still makes a readable error.
    let data: unknown;
    try { data = text ? JSON.parse(text) : undefined; } catch { data = undefined; }
    const problem = data as { detail?: string; title?: string } | undefined;
    if (!res.ok) throw new ApiError(res.status, problem?.detail || problem?.title || `Request failed (${res.status})`, data);
    return data as T;
  }
  return { get: (p) => call('GET', p), post: (p, b) => call('POST', p, b), put: (p, b) => call('PUT', p, b), del: (p) => call('DELETE', p) };
}
