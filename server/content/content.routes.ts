// The Content routes of docs/api.md: standards for anyone with a session; items and assessments for
// staff only (they carry answer keys, so learners get 403 on every one of them). Thin handlers: each
// validates its input once with parseInput and calls one service function.
import express from 'express';
import { z } from 'zod';
import { requireSession, type LaunchContext, type SessionIssuer } from '../auth/session.js';
import { parseInput } from '../http/validate.js';
import { STAFF_ROLES } from '../lti/roles.js';
import type { ContentScope } from './content.types.js';
import {
  AssessmentQuerySchema, BlueprintRequestSchema, ItemDraftSchema, ItemIdSchema, ItemQuerySchema, StandardQuerySchema,
  createAssessmentFromBlueprint, createItem, getAssessmentForCourse, getItemForCourse, listAssessments, listItems, listStandards, previewItem, updateItem,
} from './content.service.js';
import { handle as route } from '../http/async-route.js';


const scopeOf = (s: LaunchContext): ContentScope => ({ tenantId: s.tenantId, courseId: s.courseId, userId: s.userId });
const VersionQuery = z.object({ version: z.coerce.number().int().min(1).optional() });
const ItemParams = z.object({ id: ItemIdSchema });
const AssessmentParams = z.object({ id: z.string().min(1).max(200) });

export function contentRoutes(deps: { sessions: SessionIssuer }): express.Router {
  const r = express.Router();
  const anyone = requireSession(deps.sessions);
  const staff = requireSession(deps.sessions, STAFF_ROLES);

  r.get('/standards', anyone, route(async (req, res) => {
    const query = parseInput(StandardQuerySchema, req.query, 'query');
    res.json({ standards: await listStandards(req.session!.tenantId, query) });
  }));

  r.get('/items', staff, route(async (req, res) => {
    const query = parseInput(ItemQuerySchema, req.query, 'query');
    res.json(await listItems(scopeOf(req.session!), query));
  }));

  r.post('/items/preview', staff, route(async (req, res) => {
    const draft = parseInput(ItemDraftSchema, req.body, 'item');
    res.json(await previewItem(scopeOf(req.session!), draft));
  }));

  r.post('/items', staff, route(async (req, res) => {
    const draft = parseInput(ItemDraftSchema, req.body, 'item');
    res.status(201).json(await createItem(scopeOf(req.session!), draft));
  }));

  r.get('/items/:id', staff, route(async (req, res) => {
    const { id } = parseInput(ItemParams, req.params, 'item id');
    const { version } = parseInput(VersionQuery, req.query, 'query');
    res.json(await getItemForCourse(scopeOf(req.session!), id, version));
  }));

  r.put('/items/:id', staff, route(async (req, res) => {
    const { id } = parseInput(ItemParams, req.params, 'item id');
    const draft = parseInput(ItemDraftSchema, req.body, 'item');
    res.json(await updateItem(scopeOf(req.session!), id, draft));
  }));

  r.get('/assessments', staff, route(async (req, res) => {
    const query = parseInput(AssessmentQuerySchema, req.query, 'query');
    res.json({ assessments: await listAssessments(scopeOf(req.session!), query) });
  }));

  r.get('/assessments/:id', staff, route(async (req, res) => {
    const { id } = parseInput(AssessmentParams, req.params, 'assessment id');
    res.json(await getAssessmentForCourse(scopeOf(req.session!), id));
  }));

  r.post('/assessments', staff, route(async (req, res) => {
    const input = parseInput(BlueprintRequestSchema, req.body, 'assessment');
    res.status(201).json(await createAssessmentFromBlueprint(scopeOf(req.session!), input));
  }));

  // Anything else under these paths (e.g. POST /items/:id) is refused for learners before it is a 404,
  // so a learner can never learn which item or assessment ids exist.
  r.all(['/items', '/items/*', '/assessments', '/assessments/*'], staff);
  return r;
}
