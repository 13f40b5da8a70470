// One error type for every refusal the simulator makes, and the one place that turns
// it into an HTTP answer: OAuth shape for OAuth endpoints, problem+json for services,
// plain text for browser-facing steps. Refusal reasons are safe to show: no PII.

import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';

export type ErrorStyle = 'oauth' | 'problem' | 'text';

export class PlatformError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** RFC 6749 / RFC 7591 error code when the endpoint speaks OAuth. */
    readonly oauthError?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function zodMessage(error: ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}

/** Parse with a schema or refuse with 400 naming the fields that are wrong. */
export function parseOr400<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } }, value: unknown, what: string, oauthError?: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new PlatformError(400, `invalid ${what}: ${zodMessage(result.error)}`, oauthError);
  return result.data;
}

export function errorHandler(style: ErrorStyle): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const known = err instanceof PlatformError ? err : undefined;
    // body-parser errors carry a status (e.g. 400 malformed JSON, 413 too large).
    const status = known?.status ?? (typeof err?.status === 'number' ? err.status : 500);
    // A simulator bug should be easy to see from the failing test, so the 500 text names it.
    const message = known?.message ?? (status === 500 ? `platform simulator failed: ${String(err?.message ?? err)}` : String(err?.message ?? 'bad request'));
    if (known) res.set(known.headers);
    if (style === 'oauth') {
      res.status(status).json({ error: known?.oauthError ?? (status >= 500 ? 'server_error' : 'invalid_request'), error_description: message });
    } else if (style === 'problem') {
      res.status(status).type('application/problem+json').send(JSON.stringify({ type: 'about:blank', title: message, status }));
    } else {
      res.status(status).type('text/plain').send(message);
    }
  };
}
