// HTTP for item calibration: the newest calibration report of the caller's district (staff), and a new run on
// demand (instructors and administrators). Thin: validate, call calibration.service.ts.
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { requireSession, type SessionIssuer } from '../auth/session.js';
import { parseInput } from '../http/validate.js';
import { STAFF_ROLES, type Role } from '../lti/roles.js';
import { reportsForCourse, runCalibration } from './calibration.service.js';
import { handle } from '../http/async-route.js';

/** Who may start a run: it reads every submitted attempt of the district, so not every staff role. */
export const CALIBRATION_RUN_ROLES: readonly Role[] = ['instructor', 'administrator'];

const Framework = z.string().trim().min(1).max(80);
const ReportQuery = z.object({ framework: Framework.optional() }).strict();
const RunBody = z.object({ framework: Framework.optional() }).strict();


export function calibrationRoutes(deps: { sessions: SessionIssuer }): express.Router {
  const r = express.Router();
  const staff = requireSession(deps.sessions, STAFF_ROLES);
  const runners = requireSession(deps.sessions, CALIBRATION_RUN_ROLES);
  const noStore = (_req: Request, res: Response, next: NextFunction) => { res.setHeader('Cache-Control', 'no-store'); next(); };

  r.get('/calibration', staff, noStore, handle(async (req, res) => {
    const q = parseInput(ReportQuery, req.query, 'query');
    res.json({ reports: await reportsForCourse(req.session!, q.framework), canRun: req.session!.roles.some((x) => CALIBRATION_RUN_ROLES.includes(x)) });
  }));
  r.post('/calibration/run', runners, noStore, handle(async (req, res) => {
    const body = parseInput(RunBody, req.body ?? {}, 'calibration request');
    const outcomes = await runCalibration(req.session!.tenantId, { framework: body.framework, trigger: 'staff' });
    res.json({ reports: await reportsForCourse(req.session!, body.framework), canRun: true, stored: outcomes.filter((x) => x.fresh).length });
  }));
  return r;
}
