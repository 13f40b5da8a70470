// Assignment and Grade Services 2.0 client: post a score to a line item, find or create the line
// item of a resource link. Every request has a timeout, so a hanging LMS never holds the worker, and
// every failure becomes one AgsError that says whether trying again could help and in plain words why.
import { SCOPES } from '../lti/registration.js';
import { getServiceToken, invalidateServiceToken, LmsServiceError } from '../lti/service-token.js';
import { parseRetryAfter } from './backoff.js';

export const AGS_MEDIA = {
  score: 'application/vnd.ims.lis.v1.score+json',
  lineItem: 'application/vnd.ims.lis.v2.lineitem+json',
  lineItemContainer: 'application/vnd.ims.lis.v2.lineitemcontainer+json',
} as const;

export const DEFAULT_AGS_TIMEOUT_MS = 10_000;
const MAX_LINE_ITEM_PAGES = 50;
const MAX_BODY_BYTES = 512 * 1024;

/** A score as AGS 2.0 §3.4 defines it (application/vnd.ims.lis.v1.score+json). */
export interface AgsScore {
  userId: string;
  scoreGiven?: number;
  scoreMaximum?: number;
  activityProgress: 'Initialized' | 'Started' | 'InProgress' | 'Submitted' | 'Completed';
  gradingProgress: 'FullyGraded' | 'Pending' | 'PendingManual' | 'Failed' | 'NotReady';
  timestamp: string;
  comment?: string;
}

export interface LineItemQuery {
  lineItemsUrl: string;
  resourceLinkId: string;
  resourceId?: string;
  /** Several columns share the tag (one per standard): the resourceId tells them apart. */
  matchResourceId?: boolean;
  tag: string;
  label: string;
  scoreMaximum: number;
}

export interface AgsRequestOptions {
  /** Per request, including reading the answer. */
  timeoutMs?: number;
  /** Aborts the request when the worker stops. */
  signal?: AbortSignal;
}

/**
 * A request the LMS did not accept. `status` is the HTTP status, or 0 when there was no answer
 * (timeout, connection refused or dropped). The message is written for a teacher.
 */
export class AgsError extends Error {
  constructor(message: string, readonly status: number, readonly retryable: boolean, readonly retryAfterSeconds?: number) {
    super(message);
    this.name = 'AgsError';
  }
}

/** AGS: scores go to the line item URL's path + /scores; any query (Moodle's ?type_id=) stays. */
export function scoresUrl(lineItemUrl: string): string {
  const u = new URL(lineItemUrl);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/scores`;
  return u.toString();
}

export async function postScore(tenantId: string, lineItemUrl: string, score: AgsScore, opts: AgsRequestOptions = {}): Promise<void> {
  const res = await agsFetch(tenantId, [SCOPES.score], scoresUrl(lineItemUrl), {
    method: 'POST',
    headers: { 'content-type': AGS_MEDIA.score, accept: 'application/json' },
    body: JSON.stringify(score),
  }, opts);
  // 200 (Canvas answers with a resultUrl), 201 or 204: the body holds nothing we need.
  await res.body?.cancel().catch(() => undefined);
}

/**
 * The line item bound to this resource link with our tag, created when the LMS has none. Used when
 * the launch named no line item (AGS §3.2: a tool may then manage its own columns).
 */
export async function findOrCreateLineItem(tenantId: string, q: LineItemQuery, opts: AgsRequestOptions = {}): Promise<{ id: string; created: boolean }> {
  const scopes = [SCOPES.lineItem];
  const first = new URL(q.lineItemsUrl);
  first.searchParams.set('resource_link_id', q.resourceLinkId);
  first.searchParams.set('tag', q.tag);
  if (q.matchResourceId && q.resourceId) first.searchParams.set('resource_id', q.resourceId);
  first.searchParams.set('limit', '100');
  let next: string | undefined = first.toString();
  for (let page = 0; next && page < MAX_LINE_ITEM_PAGES; page++) {
    const res = await agsFetch(tenantId, scopes, next, { method: 'GET', headers: { accept: AGS_MEDIA.lineItemContainer } }, opts);
    const items = asLineItems(await readJson(res));
    // Some LMSs ignore the filters: check them ourselves.
    const found = items.find((li) => li.resourceLinkId === q.resourceLinkId && li.tag === q.tag && typeof li.id === 'string'
      && (!q.matchResourceId || li.resourceId === q.resourceId));
    if (found) return { id: found.id as string, created: false };
    next = nextLink(res.headers.get('link'), first.origin);
  }
  const res = await agsFetch(tenantId, scopes, q.lineItemsUrl, {
    method: 'POST',
    headers: { 'content-type': AGS_MEDIA.lineItem, accept: AGS_MEDIA.lineItem },
    body: JSON.stringify({
      label: q.label.slice(0, 250) || 'Growthline', scoreMaximum: q.scoreMaximum, resourceLinkId: q.resourceLinkId,
      tag: q.tag, ...(q.resourceId ? { resourceId: q.resourceId } : {}),
    }),
  }, opts);
  const created = (await readJson(res)) as { id?: unknown } | null;
  if (!created || typeof created.id !== 'string' || !isHttpUrl(created.id)) {
    throw new AgsError('The LMS created the gradebook column but did not say where it is.', res.status, true);
  }
  return { id: created.id, created: true };
}

/** rel="next" from an RFC 8288 Link header, only when it stays on the LMS's own origin. */
export function nextLink(header: string | null, origin: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/s.exec(part);
    const rel = m ? /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(m[2] ?? '') : null;
    if (!m || !rel || !(rel[1] ?? rel[2] ?? '').toLowerCase().split(/\s+/).includes('next')) continue;
    try {
      const u = new URL(m[1]!);
      return u.origin === origin ? u.toString() : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The retry rules: no answer, 408, 425, 429 and 5xx may pass; other statuses will not. */
export function isRetryableStatus(status: number): boolean {
  return status === 0 || status === 408 || status === 425 || status === 429 || status >= 500;
}

/** One request with a service token; a 401 drops the cached token and tries once more with a new one. */
async function agsFetch(tenantId: string, scopes: string[], url: string, init: RequestInit, opts: AgsRequestOptions): Promise<Response> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_AGS_TIMEOUT_MS;
  for (let round = 0; ; round++) {
    const token = await tokenFor(tenantId, scopes);
    const signals = [AbortSignal.timeout(timeoutMs), ...(opts.signal ? [opts.signal] : [])];
    let res: Response;
    try {
      res = await fetch(url, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
        signal: AbortSignal.any(signals),
        redirect: 'error',
      });
    } catch (err) {
      throw noAnswer(err, timeoutMs, opts.signal);
    }
    if (res.status === 401 && round === 0) {
      await res.body?.cancel().catch(() => undefined);
      await invalidateServiceToken(tenantId, scopes, token);
      continue;
    }
    if (res.ok) return res;
    const text = await readText(res).catch(() => '');
    throw errorForStatus(res.status, text, parseRetryAfter(res.headers.get('retry-after'), Date.now()));
  }
}

async function tokenFor(tenantId: string, scopes: string[]): Promise<string> {
  try {
    return await getServiceToken(tenantId, scopes);
  } catch (err) {
    // A refused scope or rejected client is a registration problem that retrying cannot fix;
    // an unreachable or confused token endpoint may recover.
    if (err instanceof LmsServiceError) {
      const permanent = err.problem === 'scope-refused' || err.problem === 'client-rejected';
      throw new AgsError(`Growthline could not get the LMS's permission to use its gradebook. ${err.message}`, 0, !permanent);
    }
    throw err;
  }
}

function noAnswer(err: unknown, timeoutMs: number, stop?: AbortSignal): AgsError {
  if (stop?.aborted) return new AgsError('Growthline stopped while sending; it will send again.', 0, true);
  const name = (err as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new AgsError(`The LMS did not answer within ${Math.round(timeoutMs / 100) / 10} seconds.`, 0, true);
  }
  const cause = (err as { cause?: { code?: string } }).cause?.code;
  return new AgsError(`Growthline could not reach the LMS${cause ? ` (${cause})` : ''}.`, 0, true);
}

export function errorForStatus(status: number, body: string, retryAfterSeconds?: number): AgsError {
  const detail = lmsDetail(body);
  const said = detail ? ` The LMS said: "${detail}"` : '';
  let message: string;
  if (status === 401) message = 'The LMS did not accept Growthline\'s access token (401). An administrator may need to check the tool\'s registration.';
  else if (status === 403) message = 'The LMS does not allow Growthline to do this here (403). An administrator may need to grant the gradebook permissions to the tool.';
  else if (status === 404) message = 'The gradebook column for this activity was not found in the LMS (404). It may have been deleted.';
  else if (status === 429) message = 'The LMS asked Growthline to slow down (429).';
  else if (status >= 500) message = `The LMS had a problem of its own (${status}).`;
  else message = `The LMS refused the request (${status}).`;
  return new AgsError(`${message}${said}`, status, isRetryableStatus(status), retryAfterSeconds);
}

/** The LMS's own explanation, short and on one line: problem+json detail/title, OAuth error_description, or text. */
function lmsDetail(body: string): string {
  if (!body) return '';
  let text = body;
  try {
    const j = JSON.parse(body) as Record<string, unknown>;
    const pick = [j.detail, j.error_description, j.title, j.message, j.error, (j.errors as { message?: unknown })?.message].find((v) => typeof v === 'string');
    if (typeof pick === 'string') text = pick;
  } catch { /* plain text */ }
  if (/<html|<!doctype/i.test(text)) return '';
  return shortDetail(text);
}

function shortDetail(s: string): string {
  // eslint-disable-next-line no-control-regex
  const one = s.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return one.length > 200 ? `${one.slice(0, 197)}…` : one;
}

async function readText(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new AgsError('The LMS answered with more data than a gradebook answer should hold.', res.status, true);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(res: Response): Promise<unknown> {
  const text = await readText(res).catch((err: unknown) => {
    if (err instanceof AgsError) throw err;
    throw new AgsError('The LMS stopped answering half-way.', 0, true);
  });
  if (!text.trim()) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new AgsError('The LMS answered with something that is not JSON.', res.status, true);
  }
}

function asLineItems(body: unknown): Array<Record<string, unknown>> {
  if (!Array.isArray(body)) throw new AgsError('The LMS answered the gradebook column list in an unexpected shape.', 200, true);
  return body.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object');
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}
