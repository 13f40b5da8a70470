// The adaptive test's one route of its own: submit the open part. Everything else (start, resume, save answers,
// results) goes through the delivery routes, which branch for adaptive attempts (docs/api.md, "Adaptive tests").
import express from 'express';
import { z } from 'zod';
import { requireSession, type SessionIssuer } from '../auth/session.js';
import { closedNow, getAttempt, getResults } from '../delivery/attempt.service.js';
import { parseInput } from '../http/validate.js';
import { submitPart } from './adaptive-delivery.js';
import { handle } from '../http/async-route.js';

const PartParam = z.coerce.number().int().min(1).max(1000);


export function adaptiveRoutes(deps: { sessions: SessionIssuer }): express.Router {
  const r = express.Router();
  const anyone = requireSession(deps.sessions);
  /**
   * Submits part N. Answers `{ attempt }` (the next part, as GET /attempts/:id) or `{ results }` when the test is over;
   * a retry of an already submitted part answers the same, without routing again.
   */
  r.post('/attempts/:id/parts/:part/submit', anyone, handle(async (req, res) => {
    const part = parseInput(PartParam, req.params.part, 'part number');
    const a = await submitPart(req.session!, req.params.id!, part, (x) => closedNow(x));
    if (a.status === 'submitted') res.json({ results: await getResults(req.session!, req.params.id!) });
    else res.json({ attempt: await getAttempt(req.session!, req.params.id!) });
  }));
  return r;
}
