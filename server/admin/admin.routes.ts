// The district administrator's JSON API under /api/admin: registered LMSs (add, add a deployment,
// remove with all data), which LMS services are on, and the tool's signing keys. Off unless
// ADMIN_TOKEN is set; every call must carry it as a Bearer token. Never open.
import { listPlatforms } from '../tenants/tenant.service.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { InvalidInput, NotAuthenticated, NotFound } from '../http/problem.js';
import { parseInput } from '../http/validate.js';
import { canvasDeveloperKey } from '../lti/canvas-config.js';
import { DEFAULT_GRACE_HOURS, listToolKeys, rotateSigningKey } from '../lti/keys.js';
import type { LtiService } from '../lti/provider.js';
import { registerLmsPlatform, TOOL_SCOPES } from '../lti/registration.js';
import { platformServiceStatus } from '../lti/service-token.js';
import { platformProgressScores, setProgressScores } from '../grades/progress.js';
import { addDeployment, findTenant, getPlatform } from '../tenants/tenant.service.js';
import { removePlatform } from './platform-removal.js';
import { rollupQuery } from '../mastery/district.routes.js';
import { getDistrictRollup, getDistrictRollupCsv } from '../mastery/rollup.service.js';
import { getTenantRegistration } from '../tenants/tenant.service.js';
import { deleteStudentData, exportStudentData, findStudent } from '../privacy/privacy.service.js';
import { handle } from '../http/async-route.js';

export interface AdminDeps { lti: LtiService; toolUrl: string; adminToken: string | undefined }

// Shorter tokens are too easy to guess for an API that can delete a district's data.
const MIN_TOKEN_LENGTH = 24;

const PlatformBody = z.object({
  issuer: z.string().url(),
  clientId: z.string().min(1).max(300),
  deploymentIds: z.array(z.string().min(1).max(300)).max(1000).default([]),
  acceptNewDeployments: z.boolean().default(false),
  authEndpoint: z.string().url(),
  tokenEndpoint: z.string().url(),
  jwksUrl: z.string().url(),
  name: z.string().min(1).max(200).optional(),
  productFamily: z.enum(['canvas', 'schoology', 'moodle']).optional(),
  scopes: z.array(z.string().max(300)).max(50).optional(),
  // Origins besides the issuer's and the authorization endpoint's that may frame Growthline (e.g. a custom LMS domain).
  frameOrigins: z.array(z.string().url()).max(100).default([]),
  // AGS progress reports (Started/InProgress); absent = the product family's default.
  progressScores: z.boolean().optional(),
}).strict();
const ProgressScoresBody = z.object({ progressScores: z.boolean().nullable() }).strict();
const DeploymentBody = z.object({ deploymentId: z.string().min(1).max(300) }).strict();
const RotateBody = z.object({ graceHours: z.number().min(0).max(8760).default(DEFAULT_GRACE_HOURS) }).strict();
const RemoveQuery = z.object({ confirm: z.string().min(1, 'repeat the client id to confirm') });
const IdParam = z.string().regex(/^[0-9a-f]{24}$/i, 'not a platform id');
// A student of one deployment, by the LMS's user id (sub) or Growthline's person id.
const StudentBody = z.object({ platformId: IdParam, deploymentId: z.string().min(1).max(300), student: z.string().trim().min(1, 'give the student\'s LMS user id').max(300) }).strict();
const StudentDeletionBody = StudentBody.extend({ confirm: z.string().max(300) }).strict();

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether the admin API answers at all (the admin page says how to turn it on when not). */
export const adminApiEnabled = (adminToken: string | undefined) => !!adminToken && adminToken.length >= MIN_TOKEN_LENGTH;

function requireAdmin(adminToken: string | undefined) {
  const expected = adminApiEnabled(adminToken) ? digest(adminToken!) : undefined;
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!expected) return next(new NotFound(`The admin API is off. Set ADMIN_TOKEN (at least ${MIN_TOKEN_LENGTH} random characters) to turn it on.`));
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    // Compare digests: constant time, whatever the length of what was sent.
    if (!given || !timingSafeEqual(digest(given), expected)) return next(new NotAuthenticated('The admin API needs Authorization: Bearer <ADMIN_TOKEN>.'));
    next();
  };
}

/** The tenant and student an administrator named; 404 when either is unknown (nothing is created on the way). */
async function namedStudent(b: z.infer<typeof StudentBody>) {
  const platform = (await listPlatforms()).find((p) => p.id === b.platformId);
  if (!platform) throw new NotFound('No such platform.');
  const tenant = platform.deploymentIds.includes(b.deploymentId) ? await findTenant(b.platformId, b.deploymentId) : null;
  if (!tenant) throw new NotFound('That LMS has no deployment with this id.');
  const tenantId = String(tenant._id);
  const student = await findStudent(tenantId, b.student);
  if (!student) throw new NotFound('Growthline has no record of a student with this id in that deployment.');
  return { tenantId, student };
}


export function adminRoutes(deps: AdminDeps): express.Router {
  const r = express.Router();
  r.use('/admin', requireAdmin(deps.adminToken));

  // What to paste into an LMS, derived from PUBLIC_URL.
  r.get('/admin/tool', handle(async (_req, res) => {
    res.json({
      loginUrl: `${deps.toolUrl}/lti/login`, launchUrl: `${deps.toolUrl}/lti/launch`, jwksUrl: `${deps.toolUrl}/lti/keys`,
      dynamicRegistrationUrl: `${deps.toolUrl}/lti/register`, canvasConfigUrl: `${deps.toolUrl}/lti/canvas.json`,
      domain: new URL(deps.toolUrl).host, scopes: TOOL_SCOPES, canvas: canvasDeveloperKey(deps.toolUrl),
    });
  }));

  r.get('/admin/platforms', handle(async (_req, res) => {
    const platforms = await listPlatforms();
    res.json({ platforms: await Promise.all(platforms.map(async (p) => {
      const [services, progress] = await Promise.all([platformServiceStatus(p.id), platformProgressScores(p.id)]);
      return { ...p, services, progressScores: progress.progressScores, progressScoresSource: progress.source };
    })) });
  }));

  r.post('/admin/platforms', handle(async (req, res) => {
    const b = parseInput(PlatformBody, req.body, 'platform registration');
    if (!b.deploymentIds.length && !b.acceptNewDeployments) throw new InvalidInput('Give at least one deployment id, or acceptNewDeployments: true.', [{ field: 'deploymentIds', message: 'at least one' }]);
    const { progressScores, ...registration } = b;
    const { platform, tenants } = await registerLmsPlatform(deps.lti, {
      ...registration, productFamily: b.productFamily ?? 'unknown', scopes: b.scopes ?? TOOL_SCOPES, registeredVia: 'manual',
    });
    const progress = progressScores === undefined ? await platformProgressScores(String(platform._id)) : await setProgressScores(String(platform._id), progressScores);
    res.status(201).json({
      id: String(platform._id), issuer: platform.issuer, clientId: platform.clientId, name: platform.name, deploymentIds: tenants.map((t) => t.deploymentId),
      progressScores: progress.progressScores,
    });
  }));

  r.post('/admin/platforms/:id/deployments', handle(async (req, res) => {
    const id = parseInput(IdParam, req.params.id, 'platform id');
    const b = parseInput(DeploymentBody, req.body, 'deployment');
    await getPlatform(id);
    const t = await addDeployment(id, b.deploymentId);
    res.status(201).json({ deploymentId: t.deploymentId });
  }));

  // Progress reports for an LMS registered either way; null returns to the product family's default.
  r.put('/admin/platforms/:id/progress-scores', handle(async (req, res) => {
    const id = parseInput(IdParam, req.params.id, 'platform id');
    const b = parseInput(ProgressScoresBody, req.body, 'progress scores');
    res.json(await setProgressScores(id, b.progressScores));
  }));

  // DELETE /api/admin/platforms/:id?confirm=<client id>: the platform, its tenants and all their data.
  r.delete('/admin/platforms/:id', handle(async (req, res) => {
    const id = parseInput(IdParam, req.params.id, 'platform id');
    const q = parseInput(RemoveQuery, req.query, 'confirmation');
    const platform = await getPlatform(id);
    if (q.confirm !== platform.clientId) throw new InvalidInput('The confirmation must repeat the platform\'s client id.', [{ field: 'confirm', message: 'does not match the client id' }]);
    res.json(await removePlatform(deps.lti, platform.issuer, platform.clientId));
  }));

  // A student's data for an access request (JSON), and its deletion (confirm repeats the student id).
  r.post('/admin/privacy/student-export', handle(async (req, res) => {
    const { tenantId, student } = await namedStudent(parseInput(StudentBody, req.body, 'student'));
    res.set('Cache-Control', 'no-store').json(await exportStudentData(tenantId, student));
  }));

  r.post('/admin/privacy/student-deletion', handle(async (req, res) => {
    const b = parseInput(StudentDeletionBody, req.body, 'student deletion');
    if (b.confirm.trim() !== b.student) throw new InvalidInput('The confirmation must repeat the student id.', [{ field: 'confirm', message: 'does not match the student id' }]);
    const { tenantId, student } = await namedStudent(b);
    res.json(await deleteStudentData(tenantId, student));
  }));

  // A district's roll-up (aggregates, small cells suppressed) for any tenant; ?by=course,grade; ?format=csv.
  r.get('/admin/tenants/:tenantId/rollup', handle(async (req, res) => {
    const tenantId = parseInput(IdParam, req.params.tenantId, 'tenant id');
    const { format, ...view } = parseInput(z.object({ format: z.enum(['json', 'csv']).default('json') }).passthrough(), req.query, 'roll-up view');
    await getTenantRegistration(tenantId);
    res.set('Cache-Control', 'private, no-store');
    if (format === 'json') { res.json(await getDistrictRollup(tenantId, rollupQuery(view))); return; }
    const { fileName, text } = await getDistrictRollupCsv(tenantId, rollupQuery(view));
    res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
    res.type('text/csv; charset=utf-8').send(text);
  }));

  r.get('/admin/keys', handle(async (_req, res) => {
    res.json({ keys: await listToolKeys() });
  }));

  r.post('/admin/keys/rotate', handle(async (req, res) => {
    const b = parseInput(RotateBody, req.body ?? {}, 'rotation');
    res.json(await rotateSigningKey({ graceHours: b.graceHours }));
  }));
  return r;
}
