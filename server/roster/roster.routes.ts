// Teacher-facing routes for the LMS connection: the course roster and which LMS services are on.
import express from 'express';
import { z } from 'zod';
import { requireSession, type SessionIssuer } from '../auth/session.js';
import { parseInput } from '../http/validate.js';
import { STAFF_ROLES } from '../lti/roles.js';
import { serviceStatus } from '../lti/service-token.js';
import { rosterView } from './roster.service.js';

const RosterQuery = z.object({ refresh: z.enum(['0', '1', 'true', 'false']).optional() }).strict();

export function rosterRoutes(deps: { sessions: SessionIssuer }): express.Router {
  const r = express.Router();
  const staff = requireSession(deps.sessions, STAFF_ROLES);

  // GET /api/roster → { available, reason?, fetchedAt?, members: RosterMemberView[] } for the session's course.
  r.get('/roster', staff, async (req, res, next) => {
    try {
      const q = parseInput(RosterQuery, req.query, 'roster query');
      const s = req.session!;
      res.json(await rosterView(s.tenantId, s.courseId, { refresh: q.refresh === '1' || q.refresh === 'true' }));
    } catch (err) { next(err); }
  });

  // GET /api/lms/services → { gradePassback: 'on'|'off', roster: 'on'|'off', reason?, details }.
  r.get('/lms/services', staff, async (req, res, next) => {
    try {
      res.json(await serviceStatus(req.session!.tenantId));
    } catch (err) { next(err); }
  });
  return r;
}
