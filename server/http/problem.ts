// One error type per failure a caller can act on, mapped to one HTTP status here and nowhere else.
// API clients get application/problem+json (RFC 9457); launch pages get a plain-words HTML page.
import type { ErrorRequestHandler, Request, Response } from 'express';
import type { Logger } from '../log.js';

export interface FieldProblem { field: string; message: string }

export class AppError extends Error {
  readonly status: number = 500;
  readonly title: string = 'Something went wrong';
  constructor(message: string, readonly extra: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
  }
}
/** The request is malformed or fails validation: the fields say what is wrong. */
export class InvalidInput extends AppError {
  override readonly status = 400;
  override readonly title = 'The request is not valid';
  constructor(message: string, readonly problems: FieldProblem[] = []) { super(message, { errors: problems }); }
}
/** No valid session token: launch the tool again from the LMS. */
export class NotAuthenticated extends AppError { override readonly status = 401; override readonly title = 'Not signed in'; }
/** Signed in, but this role or user may not do this. */
export class NotAllowed extends AppError { override readonly status = 403; override readonly title = 'Not allowed'; }
/** Nothing with that id exists for this user (also used when it exists in another tenant or course). */
export class NotFound extends AppError { override readonly status = 404; override readonly title = 'Not found'; }
/** The request conflicts with the current state (e.g. a placement already has attempts). */
export class Conflict extends AppError { override readonly status = 409; override readonly title = 'Conflict'; }
export class TooLarge extends AppError { override readonly status = 413; override readonly title = 'Request too large'; }
export class TooManyRequests extends AppError {
  override readonly status = 429; override readonly title = 'Too many requests';
  constructor(message: string, readonly retryAfterSeconds: number) { super(message); }
}
/** The database cannot be reached: nothing was saved; the widget retries after Retry-After. */
export class Unavailable extends AppError {
  override readonly status = 503; override readonly title = 'Temporarily unavailable';
  constructor(message: string, readonly retryAfterSeconds = 5) { super(message); }
}

const DATABASE_DOWN = new Set(['MongoNetworkError', 'MongoServerSelectionError', 'MongoNotConnectedError', 'MongoNetworkTimeoutError', 'MongoTopologyClosedError']);

/** An LTI launch or login was refused; rendered as an HTML page, never as JSON. */
export class LaunchRejected extends AppError {
  override readonly status: number = 400;
  override readonly title = 'This activity could not be opened';
  constructor(message: string, readonly reason: string, status = 400) { super(message); this.status = status; }
}

export function problemBody(err: AppError, req: Request) {
  return { type: 'about:blank', title: err.title, status: err.status, detail: err.message, instance: req.originalUrl.split('?')[0], ...err.extra };
}

export function sendProblem(res: Response, req: Request, err: AppError): void {
  if (err instanceof TooManyRequests || err instanceof Unavailable) res.setHeader('Retry-After', String(err.retryAfterSeconds));
  res.status(err.status).type('application/problem+json').send(JSON.stringify(problemBody(err, req)));
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function renderErrorPage(title: string, message: string, hint = 'Go back to your course and open the activity again. If this keeps happening, tell your teacher or your school\'s LMS administrator.'): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — Growthline</title>
<style>body{font:1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}h1{font-size:1.4rem}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p>${escapeHtml(hint)}</p></main></body></html>`;
}

/** Converts body-parser and other framework errors into our types, so every error takes one path. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; message?: string; limit?: number };
  if (e?.type === 'entity.too.large') return new TooLarge(`The request body is larger than the limit of ${e.limit ?? '?'} bytes.`);
  if (e?.type === 'entity.parse.failed') return new InvalidInput('The request body is not valid JSON.');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new InvalidInput('The request body uses an unsupported encoding.');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new InvalidInput(e.message ?? 'Bad request');
  const name = (err as { name?: string })?.name ?? '';
  if (DATABASE_DOWN.has(name) || /buffering timed out|client must be connected|connection .* closed/i.test(e?.message ?? '')) {
    return new Unavailable('The service is briefly unavailable. Nothing was lost: try again in a few seconds.');
  }
  return new AppError('An unexpected error happened on the server. It has been logged.');
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const appErr = toAppError(err);
    if (appErr.status >= 500 && !(appErr instanceof Unavailable)) log.error({ err, path: req.path, method: req.method }, 'request failed');
    const wantsHtml = appErr instanceof LaunchRejected || (!req.path.startsWith('/api/') && req.accepts(['html', 'json']) === 'html');
    if (wantsHtml) {
      res.status(appErr.status).type('html').send(renderErrorPage(appErr.title, appErr.message));
      return;
    }
    sendProblem(res, req, appErr);
  };
}
