// Deep Linking 2.0 response: the teacher picked assessments in the picker; we answer the LMS with
// a signed LtiDeepLinkingResponse carrying one ltiResourceLink per assessment (custom parameter
// naming it, and a lineItem so the gradebook column is created). Honours accept_types,
// accept_multiple, accept_presentation_document_targets and echoes `data`.
import { randomBytes } from 'node:crypto';
import express from 'express';
import { z } from 'zod';
import { requireSession, type SessionIssuer } from '../auth/session.js';
import { Conflict, InvalidInput, NotAllowed, NotFound } from '../http/problem.js';
import { parseInput } from '../http/validate.js';
import { getTenantRegistration } from '../tenants/tenant.service.js';
import { DeepLinkLaunchModel } from './launch.model.js';
import { claimOnce } from '../db/once.js';
import { signAsTool } from './keys.js';
import { STAFF_ROLES } from './roles.js';

export interface LinkableAssessment { id: string; title: string; kind: string; itemCount: number; standards: string[] }

export interface DeepLinkDeps {
  sessions: SessionIssuer;
  toolUrl: string;
  /** Looks up an assessment visible to the tenant (content domain). */
  findAssessment(tenantId: string, assessmentId: string): Promise<LinkableAssessment | null>;
}

const BodySchema = z.object({ assessmentIds: z.array(z.string().min(1).max(100)).min(1, 'choose at least one assessment').max(20) }).strict();

const KIND_LABEL: Record<string, string> = { pre: 'Pre-test', post: 'Post-test', diagnostic: 'Diagnostic' };

export function contentItemFor(a: LinkableAssessment, toolUrl: string, documentTargets: string[]) {
  // An embedded frame is what students need; fall back to a window only when the LMS refuses frames.
  const target = documentTargets.length === 0 || documentTargets.includes('iframe') ? 'iframe' : documentTargets.includes('window') ? 'window' : undefined;
  return {
    type: 'ltiResourceLink',
    title: a.title,
    text: `${KIND_LABEL[a.kind] ?? 'Assessment'} · ${a.itemCount} questions · standards ${a.standards.join(', ')}`,
    url: `${toolUrl}/lti/launch`,
    custom: { growthline_assessment: a.id },
    lineItem: { scoreMaximum: 100, label: a.title, resourceId: a.id, tag: 'growthline' },
    ...(target === 'iframe' ? { iframe: { width: 1000, height: 800 } } : target === 'window' ? { window: { targetName: 'growthline' } } : {}),
  };
}

/** What the picker needs to know about the LMS screen it was opened from. */
export async function deepLinkingSettings(tenantId: string, launchId: string): Promise<{ acceptMultiple: boolean; acceptsLinks: boolean } | null> {
  const launch = await DeepLinkLaunchModel.findOne({ _id: launchId, tenantId }, { acceptMultiple: 1, acceptTypes: 1 }).lean();
  if (!launch) return null;
  return { acceptMultiple: launch.acceptMultiple, acceptsLinks: !launch.acceptTypes.length || launch.acceptTypes.includes('ltiResourceLink') };
}

export function deepLinkingRoutes(deps: DeepLinkDeps): express.Router {
  const router = express.Router();
  router.post('/deep-linking/response', requireSession(deps.sessions, STAFF_ROLES), async (req, res, next) => {
    try {
      const s = req.session!;
      if (s.kind !== 'deep-linking' || !s.launchId) throw new NotAllowed('This page was not opened from the LMS\'s "add content" screen.');
      const body = parseInput(BodySchema, req.body, 'deep linking choice');
      const launch = await DeepLinkLaunchModel.findOne({ _id: s.launchId, tenantId: s.tenantId, personId: s.userId }).lean();
      if (!launch || launch.expiresAt < new Date()) throw new NotFound('This "add content" session has expired. Start again from the LMS.');
      if (launch.acceptTypes.length && !launch.acceptTypes.includes('ltiResourceLink')) {
        throw new Conflict('This LMS screen does not accept activities (LTI resource links). Add Growthline from the assignment or activity screen instead.');
      }
      if (!launch.acceptMultiple && body.assessmentIds.length > 1) throw new InvalidInput('This LMS screen accepts only one assessment at a time.');
      const assessments: LinkableAssessment[] = [];
      for (const id of body.assessmentIds) {
        const a = await deps.findAssessment(s.tenantId, id);
        if (!a) throw new NotFound(`No assessment "${id}" is available to you.`);
        assessments.push(a);
      }
      const { platform, deploymentId } = await getTenantRegistration(s.tenantId);
      // Signed with the tool's current key (keys.ts), which /lti/keys publishes.
      const jwt = await signAsTool({
        'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiDeepLinkingResponse',
        'https://purl.imsglobal.org/spec/lti/claim/version': '1.3.0',
        'https://purl.imsglobal.org/spec/lti/claim/deployment_id': deploymentId,
        'https://purl.imsglobal.org/spec/lti-dl/claim/content_items': assessments.map((a) => contentItemFor(a, deps.toolUrl, launch.acceptPresentationDocumentTargets)),
        ...(launch.data !== undefined && launch.data !== null ? { 'https://purl.imsglobal.org/spec/lti-dl/claim/data': launch.data } : {}),
        'https://purl.imsglobal.org/spec/lti-dl/claim/msg': `Added ${assessments.length} Growthline assessment${assessments.length === 1 ? '' : 's'}.`,
        nonce: randomBytes(16).toString('hex'),
      }, { issuer: platform.clientId, audience: platform.issuer, expiresInSeconds: 300 });
      // One response per picker session, even for two concurrent clicks (db/once.ts).
      if (!(await claimOnce('deep-link-response', String(launch._id), launch.expiresAt))) throw new NotFound('This "add content" session was already used. Start again from the LMS.');
      await DeepLinkLaunchModel.deleteOne({ _id: launch._id });
      res.json({ returnUrl: launch.returnUrl, jwt });
    } catch (err) {
      next(err);
    }
  });
  return router;
}
