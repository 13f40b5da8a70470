// HTTP for grade passback: a course's staff see whether each student's score reached the LMS
// gradebook (and why not), can send one again, and choose the activity's gradebook settings (mastery
// columns per standard). Thin: validate, call the outbox and settings services.
import express from 'express';
import { z } from 'zod';
import { requireSession, type SessionIssuer } from '../auth/session.js';
import { parseInput } from '../http/validate.js';
import { STAFF_ROLES } from '../lti/roles.js';
import { listPlacementGrades, resendGrade } from './outbox.service.js';
import { getGradeSettings, updateGradeSettings } from './settings.service.js';
import { handle } from '../http/async-route.js';

const Id = z.string().regex(/^[0-9a-f]{24}$/i, 'must be an id as the API gives it');
const GradesParams = z.object({ id: Id });
const ResendParams = z.object({ id: Id, personId: Id });
const SettingsBody = z.object({ standardLineItems: z.boolean() }).strict();


export function gradeRoutes(deps: { sessions: SessionIssuer }): express.Router {
  const r = express.Router();
  const staff = requireSession(deps.sessions, STAFF_ROLES);

  r.get('/placements/:id/grades', staff, handle(async (req, res) => {
    const { id } = parseInput(GradesParams, req.params, 'activity id');
    res.json({ grades: await listPlacementGrades(req.session!, id) });
  }));
  r.post('/placements/:id/grades/:personId/resend', staff, handle(async (req, res) => {
    const { id, personId } = parseInput(ResendParams, req.params, 'activity and student ids');
    res.status(202).json(await resendGrade(req.session!, id, personId));
  }));
  r.get('/placements/:id/grade-settings', staff, handle(async (req, res) => {
    const { id } = parseInput(GradesParams, req.params, 'activity id');
    res.json(await getGradeSettings(req.session!, id));
  }));
  r.put('/placements/:id/grade-settings', staff, handle(async (req, res) => {
    const { id } = parseInput(GradesParams, req.params, 'activity id');
    const body = parseInput(SettingsBody, req.body, 'gradebook settings');
    res.json(await updateGradeSettings(req.session!, id, body));
  }));
  return r;
}
