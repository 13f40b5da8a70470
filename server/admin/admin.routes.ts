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
import { addDeployment, getPlatform } from '../tenants/tenant.service.js';
import { removePlatform } from './platform-removal.js';

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
}).strict();
const DeploymentBody = z.object({ deploymentId: z.string().min(1).max(300) }).strict();
const RotateBody = z.object({ graceHours: z.number().min(0).max(8760).default(DEFAULT_GRACE_HOURS) }).strict();
const RemoveQuery = z.object({ confirm: z.string().min(1, 'repeat the client id to confirm') });
const IdParam = z.string().regex(/^[0-9a-f]{24}$/i, 'not a platform id');

const digest = (s: string) => createHash('sha256').update(s).digest();

function requireAdmin(adminToken: string | undefined) {
  const expected = adminToken && adminToken.length >= MIN_TOKEN_LENGTH ? digest(adminToken) : undefined;
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!expected) return next(new NotFound(`The admin API is off. Set ADMIN_TOKEN (at least ${MIN_TOKEN_LENGTH} random characters) to turn it on.`));
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    // Compare digests: constant time, whatever the length of what was sent.
    if (!given || !timingSafeEqual(digest(given), expected)) return next(new NotAuthenticated('The admin API needs Authorization: Bearer <ADMIN_TOKEN>.'));
    next();
  };
}

const handle = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => { fn(req, res).catch(next); };

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
    res.json({ platforms: await Promise.all(platforms.map(async (p) => ({ ...p, services: await platformServiceStatus(p.id) }))) });
  }));

  r.post('/admin/platforms', handle(async (req, res) => {
    const b = parseInput(PlatformBody, req.body, 'platform registration');
    if (!b.deploymentIds.length && !b.acceptNewDeployments) throw new InvalidInput('Give at least one deployment id, or acceptNewDeployments: true.', [{ field: 'deploymentIds', message: 'at least one' }]);
    const { platform, tenants } = await registerLmsPlatform(deps.lti, {
      ...b, productFamily: b.productFamily ?? 'unknown', scopes: b.scopes ?? TOOL_SCOPES, registeredVia: 'manual',
    });
    res.status(201).json({ id: String(platform._id), issuer: platform.issuer, clientId: platform.clientId, name: platform.name, deploymentIds: tenants.map((t) => t.deploymentId) });
  }));

  r.post('/admin/platforms/:id/deployments', handle(async (req, res) => {
    const id = parseInput(IdParam, req.params.id, 'platform id');
    const b = parseInput(DeploymentBody, req.body, 'deployment');
    await getPlatform(id);
    const t = await addDeployment(id, b.deploymentId);
    res.status(201).json({ deploymentId: t.deploymentId });
  }));

  // DELETE /api/admin/platforms/:id?confirm=<client id>: the platform, its tenants and all their data.
  r.delete('/admin/platforms/:id', handle(async (req, res) => {
    const id = parseInput(IdParam, req.params.id, 'platform id');
    const q = parseInput(RemoveQuery, req.query, 'confirmation');
    const platform = await getPlatform(id);
    if (q.confirm !== platform.clientId) throw new InvalidInput('The confirmation must repeat the platform\'s client id.', [{ field: 'confirm', message: 'does not match the client id' }]);
    res.json(await removePlatform(deps.lti, platform.issuer, platform.clientId));
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
