// HTTP for the district roll-up: the launch of an LMS administrator sees their own district's aggregates (JSON and
// CSV); teachers and students are refused. Thin: validate the view asked for, call rollup.service.ts.
// The admin API's route for any tenant (behind ADMIN_TOKEN) lives in server/admin/admin.routes.ts.
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { requireSession, type SessionIssuer } from '../auth/session.js';
import { parseInput } from '../http/validate.js';
import type { Role } from '../lti/roles.js';
import { getDistrictRollup, getDistrictRollupCsv, type RollupQuery } from './rollup.service.js';
import { handle } from '../http/async-route.js';

/**
 * Who may see the district roll-up: the LTI `administrator` role — an institution or system Administrator
 * (institution/person#Administrator, system/person#Administrator or #SysAdmin) launching without a course role,
 * or a course-context Administrator (membership#Administrator). See docs/mastery.md, "District roll-up".
 */
export const DISTRICT_ROLES: readonly Role[] = ['administrator'];

/** `?by=course,grade`: the optional breakdowns. */
export const RollupQuerySchema = z.object({
  by: z.string().max(40).optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []))
    .pipe(z.array(z.enum(['course', 'grade'], { errorMap: () => ({ message: 'use "course", "grade" or "course,grade"' }) }))),
}).strict();

export function rollupQuery(raw: unknown): RollupQuery {
  const q = parseInput(RollupQuerySchema, raw, 'roll-up view');
  return { byCourse: q.by.includes('course'), byGrade: q.by.includes('grade') };
}


export function districtRoutes(deps: { sessions: SessionIssuer }): express.Router {
  const r = express.Router();
  const admin = requireSession(deps.sessions, DISTRICT_ROLES);
  // Aggregates only, but of a whole district: kept out of shared caches.
  const privateOnly = (_req: Request, res: Response, next: NextFunction) => { res.setHeader('Cache-Control', 'private, no-store'); next(); };

  r.get('/district/rollup', admin, privateOnly, handle(async (req, res) => {
    res.json(await getDistrictRollup(req.session!.tenantId, rollupQuery(req.query)));
  }));
  r.get('/district/rollup.csv', admin, privateOnly, handle(async (req, res) => {
    const { fileName, text } = await getDistrictRollupCsv(req.session!.tenantId, rollupQuery(req.query));
    res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
    res.type('text/csv; charset=utf-8').send(text);
  }));
  return r;
}
