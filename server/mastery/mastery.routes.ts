// HTTP for mastery: the teacher dashboard of a placement (completion, mastery map, growth, item analysis), one
// student's answers, the CSV export and small groups — staff of the placement's course only — and a student's own
// progress. Thin: validate, call dashboard.service.ts.
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { requireSession, type SessionIssuer } from '../auth/session.js';
import { parseInput } from '../http/validate.js';
import { STAFF_ROLES } from '../lti/roles.js';
import { getDashboard, getDashboardCsv, getMyMastery, getStudentDrilldown, saveGroups, suggestPlacementGroups } from './dashboard.service.js';
import { handle } from '../http/async-route.js';

const Id = z.string().regex(/^[a-f0-9]{24}$/i, 'must be a 24-character id');

const SuggestBody = z.object({
  groupSize: z.number().int().min(1).max(40).optional(),
  groupCount: z.number().int().min(1).max(20).optional(),
}).strict().refine((b) => b.groupSize === undefined || b.groupCount === undefined, { message: 'give a group size or a number of groups, not both' });

const SaveBody = z.object({
  // The revision the teacher edited (from the last answer); a newer save by someone else then gives 409.
  rev: z.number().int().min(0).optional(),
  groups: z.array(z.object({
    name: z.string().trim().max(80).nullable().optional(),
    studentIds: z.array(Id).max(200),
    reteach: z.array(z.string().min(1).max(40)).max(30).default([]),
    extend: z.array(z.string().min(1).max(40)).max(30).optional(),
    practiceItemIds: z.array(z.string().min(1).max(100)).max(20).default([]),
  }).strict()).max(40),
}).strict();


export function masteryRoutes(deps: { sessions: SessionIssuer }): express.Router {
  const r = express.Router();
  const anyone = requireSession(deps.sessions);
  const staff = requireSession(deps.sessions, STAFF_ROLES);
  // The dashboard carries names and answers: never cached by a browser or a proxy.
  const noStore = (_req: Request, res: Response, next: NextFunction) => { res.setHeader('Cache-Control', 'no-store'); next(); };

  r.get('/placements/:id/dashboard', staff, noStore, handle(async (req, res) => {
    res.json(await getDashboard(req.session!, req.params.id!));
  }));
  r.get('/placements/:id/students/:personId', staff, noStore, handle(async (req, res) => {
    res.json(await getStudentDrilldown(req.session!, req.params.id!, req.params.personId!));
  }));
  r.get('/placements/:id/export.csv', staff, noStore, handle(async (req, res) => {
    const { fileName, text } = await getDashboardCsv(req.session!, req.params.id!);
    res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
    res.type('text/csv; charset=utf-8').send(text);
  }));
  r.post('/placements/:id/groups', staff, noStore, handle(async (req, res) => {
    const body = parseInput(SuggestBody, req.body ?? {}, 'group request');
    const target = body.groupCount !== undefined ? { groupCount: body.groupCount } : body.groupSize !== undefined ? { groupSize: body.groupSize } : null;
    res.json(await suggestPlacementGroups(req.session!, req.params.id!, target));
  }));
  r.put('/placements/:id/groups', staff, noStore, handle(async (req, res) => {
    const body = parseInput(SaveBody, req.body, 'groups');
    res.json(await saveGroups(req.session!, req.params.id!, body));
  }));

  r.get('/me/mastery', anyone, noStore, handle(async (req, res) => {
    res.json(await getMyMastery(req.session!));
  }));
  return r;
}
