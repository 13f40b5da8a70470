// The tool's JSON API as one launched user, for tests that drive a flow (a student taking a test)
// through the API rather than the page: any answer that is not a success fails the test there.
import { expect } from 'vitest';

export type SessionCall = (method: string, path: string, body?: unknown) => Promise<any>;

export function sessionApi(toolUrl: string, token: string): SessionCall {
  return async (method, path, body) => {
    const res = await fetch(`${toolUrl}/api${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    expect(res.status, `${method} ${path}`).toBeLessThan(300);
    return res.json();
  };
}
