// HTTP for delivery: students take an attempt (start/resume, save, flag, submit, results) and staff
// manage a placement (attempts list, assessment, accommodations). Thin: validate, call the service.
import express, { type Request } from 'express';
import { z } from 'zod';
import { requireSession, type SessionIssuer } from '../auth/session.js';
import { ResponseValueSchema } from '../content/item.schema.js';
import { parseInput } from '../http/validate.js';
import { isStaff, STAFF_ROLES } from '../lti/roles.js';
import {
  changePlacementAssessment, getAttempt, getResults, listPlacementAttempts, saveResponse, setAccommodation, setFlags,
  startOrResume, submitAttempt,
} from './attempt.service.js';
import { announceActivity, type AttemptActivity } from './events.js';
import { handle } from '../http/async-route.js';

const SaveBody = z.object({ value: ResponseValueSchema, seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });
const PositionParam = z.coerce.number().int().min(1).max(10_000);
const FlagsBody = z.object({ flags: z.array(z.number().int().min(1).max(10_000)).max(500) });
const AssessmentBody = z.object({ assessmentId: z.string().min(1).max(100) });
const AccommodationBody = z.object({
  // Extended time from 1× to 10×; null grants unlimited time.
  timeMultiplier: z.number().min(1).max(10).nullable(),
  readAloud: z.boolean(),
});


/** Tells listeners (grade progress) what a student did, after the answer is decided; never for staff previews. */
function announce(req: Request, kind: AttemptActivity['kind'], attemptId: string, at: string): void {
  const s = req.session!;
  if (isStaff(s.roles) || !s.placementId) return;
  announceActivity({ kind, tenantId: s.tenantId, courseId: s.courseId, placementId: s.placementId, personId: s.userId, attemptId, at: new Date(at) });
}

export function deliveryRoutes(deps: { sessions: SessionIssuer }): express.Router {
  const r = express.Router();
  const anyone = requireSession(deps.sessions);
  const staff = requireSession(deps.sessions, STAFF_ROLES);

  r.post('/attempts', anyone, handle(async (req, res) => {
    const { view, created } = await startOrResume(req.session!);
    res.status(created ? 201 : 200).json(view);
    if (view.status === 'in-progress' && !view.preview) announce(req, created ? 'started' : 'resumed', view.id, created ? view.startedAt : view.serverTime);
  }));
  r.get('/attempts/:id', anyone, handle(async (req, res) => {
    res.json(await getAttempt(req.session!, req.params.id!));
  }));
  r.put('/attempts/:id/responses/:position', anyone, handle(async (req, res) => {
    const position = parseInput(PositionParam, req.params.position, 'question position');
    const body = parseInput(SaveBody, req.body, 'answer');
    const saved = await saveResponse(req.session!, req.params.id!, position, body.value, body.seq);
    res.json(saved);
    if (!saved.stale) announce(req, 'answer-saved', req.params.id!, saved.savedAt);
  }));
  r.put('/attempts/:id/flags', anyone, handle(async (req, res) => {
    const body = parseInput(FlagsBody, req.body, 'list of flagged questions');
    res.json(await setFlags(req.session!, req.params.id!, body.flags));
  }));
  r.post('/attempts/:id/submit', anyone, handle(async (req, res) => {
    res.json({ results: await submitAttempt(req.session!, req.params.id!) });
  }));
  r.get('/attempts/:id/results', anyone, handle(async (req, res) => {
    res.json(await getResults(req.session!, req.params.id!));
  }));

  r.get('/placements/:id/attempts', staff, handle(async (req, res) => {
    res.json(await listPlacementAttempts(req.session!, req.params.id!));
  }));
  r.put('/placements/:id', staff, handle(async (req, res) => {
    const body = parseInput(AssessmentBody, req.body, 'placement');
    res.json(await changePlacementAssessment(req.session!, req.params.id!, body.assessmentId));
  }));
  r.put('/placements/:id/accommodations/:personId', staff, handle(async (req, res) => {
    const body = parseInput(AccommodationBody, req.body, 'accommodation');
    res.json(await setAccommodation(req.session!, req.params.id!, req.params.personId!, body));
  }));
  return r;
}
