// Assignment and Grade Services 2.0: line items (the gradebook columns), score
// publishing and results. Strict about media types, scopes and score bodies, and it
// keeps the newest score by timestamp, as the spec requires of a platform.

import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import { parseOr400, PlatformError } from './errors.js';
import { faultInjection } from './faults.js';
import { linkHeader, pageOf } from './paging.js';
import { baseUrl, findUser, platformUrls, type PlatformState } from './state.js';
import type { LineItem, ScoreRecord } from './types.js';
import { mediaType, scope } from './vocabulary.js';
import { requireScope } from './token.js';

const isoDateTime = z.string().datetime({ offset: true });

const lineItemBody = z.object({
  id: z.string().optional(),
  label: z.string().trim().min(1),
  scoreMaximum: z.number().positive(),
  resourceId: z.string().optional(),
  tag: z.string().optional(),
  resourceLinkId: z.string().optional(),
  startDateTime: isoDateTime.optional(),
  endDateTime: isoDateTime.optional(),
  gradesReleased: z.boolean().optional(),
});
type LineItemFields = Omit<z.infer<typeof lineItemBody>, 'id'>;

const scoreBody = z
  .object({
    userId: z.string().min(1),
    scoreGiven: z.number().nonnegative().optional(),
    scoreMaximum: z.number().positive().optional(),
    activityProgress: z.enum(['Initialized', 'Started', 'InProgress', 'Submitted', 'Completed']),
    gradingProgress: z.enum(['FullyGraded', 'Pending', 'PendingManual', 'Failed', 'NotReady']),
    timestamp: isoDateTime,
    comment: z.string().optional(),
  })
  .refine((s) => s.scoreGiven === undefined || s.scoreMaximum !== undefined, {
    message: 'scoreMaximum is required when scoreGiven is present',
    path: ['scoreMaximum'],
  });

const listQuery = z.object({
  limit: z.coerce.number().int().positive().optional(),
  page: z.coerce.number().int().positive().default(1),
  resource_link_id: z.string().optional(),
  resource_id: z.string().optional(),
  tag: z.string().optional(),
  user_id: z.string().optional(),
});

/** Create a gradebook column; used by the line items endpoint and by deep linking. */
export function createLineItem(state: PlatformState, fields: LineItemFields): LineItem {
  state.sequence.lineItem += 1;
  const item: LineItem = { id: platformUrls(state).lineItem(state.sequence.lineItem), ...dropUndefined(fields) };
  state.lineItems.push(item);
  return item;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function lineItemAt(state: PlatformState, seq: string): LineItem {
  const item = state.lineItems.find((li) => li.id === platformUrls(state).lineItem(Number(seq)));
  if (!item) throw new PlatformError(404, 'no line item with this id');
  return item;
}

/** The score the gradebook currently shows for one student in one column. */
export function currentScore(state: PlatformState, lineItemId: string, userId: string): ScoreRecord | undefined {
  const applied = state.scores.filter((s) => s.lineItemId === lineItemId && s.userId === userId && !s.ignored);
  return applied[applied.length - 1];
}

/** AGS 2.0: a score older than the one on record must not replace it. Equal timestamps count as a resend. */
export function isStale(incoming: string, onRecord: ScoreRecord | undefined): boolean {
  return onRecord !== undefined && Date.parse(incoming) < Date.parse(onRecord.timestamp);
}

function requireContentType(type: string): RequestHandler {
  return (req, _res, next) => {
    next(req.is(type) ? undefined : new PlatformError(415, `Content-Type must be ${type}`));
  };
}

/** Moodle finds the tool by ?type_id= on every AGS URL; a tool that drops the query is refused. */
function requireAgsQuery(state: PlatformState): RequestHandler {
  return (req, _res, next) => {
    const q = state.quirks.agsQuery;
    if (!q || req.query[q.name] === q.value) return next();
    next(new PlatformError(400, `the ${q.name} query parameter is missing or wrong: use the service URL exactly as the platform gave it`));
  };
}

const parseJson = express.json({ type: ['application/json', 'application/*+json'], limit: '100kb' });

function sendJson(res: express.Response, type: string, body: unknown, status = 200): void {
  res.status(status).type(type).send(JSON.stringify(body));
}

export function agsRouter(state: PlatformState): Router {
  const router = express.Router();
  const course = '/api/lti/courses/:contextId';
  const read = requireScope(state, [scope.lineItem, scope.lineItemReadOnly]);
  const write = requireScope(state, [scope.lineItem]);
  const lineItems = [faultInjection(state, 'lineitems'), requireAgsQuery(state)];

  router.use(course, (req, _res, next) => {
    next(req.params.contextId === state.course.id ? undefined : new PlatformError(404, 'no course with this context id'));
  });

  router.get(`${course}/lineitems`, ...lineItems, read, (req, res) => {
    const query = parseOr400(listQuery, req.query, 'line items query');
    const matching = state.lineItems.filter((li) =>
      (!query.resource_link_id || li.resourceLinkId === query.resource_link_id) &&
      (!query.resource_id || li.resourceId === query.resource_id) &&
      (!query.tag || li.tag === query.tag));
    const limit = query.limit ?? Math.max(1, matching.length);
    const page = pageOf(matching, limit, query.page);
    if (query.limit) res.set('Link', linkHeader(new URL(req.originalUrl, baseUrl(state)), limit, page));
    sendJson(res, mediaType.lineItemContainer, page.items);
  });

  router.post(`${course}/lineitems`, ...lineItems, write, requireContentType(mediaType.lineItem), parseJson, (req, res) => {
    const { id: _ignored, ...fields } = parseOr400(lineItemBody, req.body, 'line item');
    if (fields.resourceLinkId && !state.placements.some((p) => p.resourceLinkId === fields.resourceLinkId)) {
      throw new PlatformError(400, 'resourceLinkId is not a resource link in this course');
    }
    const item = createLineItem(state, fields);
    res.location(item.id);
    sendJson(res, mediaType.lineItem, item, 201);
  });

  router.get(`${course}/lineitems/:seq(\\d+)`, ...lineItems, read, (req, res) => {
    sendJson(res, mediaType.lineItem, lineItemAt(state, req.params.seq ?? ''));
  });

  router.put(`${course}/lineitems/:seq(\\d+)`, ...lineItems, write, requireContentType(mediaType.lineItem), parseJson, (req, res) => {
    const item = lineItemAt(state, req.params.seq ?? '');
    const { id, resourceLinkId: _fixed, ...fields } = parseOr400(lineItemBody, req.body, 'line item');
    if (id !== undefined && id !== item.id) throw new PlatformError(400, 'id in the body does not match the line item URL');
    // The resource link binding is the platform's to decide, so a PUT cannot move it.
    const updated: LineItem = dropUndefined({ id: item.id, resourceLinkId: item.resourceLinkId, ...fields });
    state.lineItems[state.lineItems.indexOf(item)] = updated;
    sendJson(res, mediaType.lineItem, updated);
  });

  router.delete(`${course}/lineitems/:seq(\\d+)`, ...lineItems, write, (req, res) => {
    const item = lineItemAt(state, req.params.seq ?? '');
    state.lineItems.splice(state.lineItems.indexOf(item), 1);
    res.status(204).end();
  });

  router.get(`${course}/lineitems/:seq(\\d+)/results`, ...lineItems, requireScope(state, [scope.resultReadOnly]), (req, res) => {
    const item = lineItemAt(state, req.params.seq ?? '');
    const query = parseOr400(listQuery, req.query, 'results query');
    const results = state.users
      .filter((u) => !query.user_id || u.id === query.user_id)
      .flatMap((u) => {
        const s = currentScore(state, item.id, u.id);
        return s ? [resultOf(item, s)] : [];
      });
    const limit = query.limit ?? Math.max(1, results.length);
    const page = pageOf(results, limit, query.page);
    if (query.limit) res.set('Link', linkHeader(new URL(req.originalUrl, baseUrl(state)), limit, page));
    sendJson(res, mediaType.resultContainer, page.items);
  });

  router.post(
    `${course}/lineitems/:seq(\\d+)/scores`,
    faultInjection(state, 'scores'),
    requireAgsQuery(state),
    requireScope(state, [scope.score]),
    requireContentType(mediaType.score),
    parseJson,
    (req, res) => {
      const item = lineItemAt(state, req.params.seq ?? '');
      const score = parseOr400(scoreBody, req.body, 'score');
      if (!findUser(state, score.userId)) throw new PlatformError(422, 'userId is not a member of this course');
      const stale = isStale(score.timestamp, currentScore(state, item.id, score.userId));
      state.scores.push({
        ...score,
        lineItemId: item.id,
        ignored: stale,
        ...(stale ? { ignoredReason: 'timestamp is older than the score on record' } : {}),
        exceedsMaximum: score.scoreGiven !== undefined && score.scoreMaximum !== undefined && score.scoreGiven > score.scoreMaximum,
        clientId: String(res.locals.clientId),
        receivedAt: new Date().toISOString(),
      });
      if (state.quirks.scoreAnswer === 'result-url') {
        sendJson(res, 'application/json', { resultUrl: resultUrl(item, score.userId) });
      } else {
        res.status(204).end();
      }
    },
  );
  return router;
}

function resultUrl(item: LineItem, userId: string): string {
  const url = new URL(item.id);
  url.pathname += `/results/${encodeURIComponent(userId)}`;
  return url.toString();
}

/** A Result scales the tool's score to the line item's maximum (AGS 2.0 result service). */
export function resultOf(item: LineItem, s: ScoreRecord): Record<string, unknown> {
  const result: Record<string, unknown> = { id: resultUrl(item, s.userId), scoreOf: item.id, userId: s.userId, resultMaximum: item.scoreMaximum };
  if (s.scoreGiven !== undefined && s.scoreMaximum) result.resultScore = (s.scoreGiven / s.scoreMaximum) * item.scoreMaximum;
  if (s.comment !== undefined) result.comment = s.comment;
  return result;
}
