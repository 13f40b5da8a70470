// Names and Role Provisioning Services 2.0: the course roster as a paged membership
// container. The default page is deliberately tiny so a tool that ignores
// Link rel="next" loses students in tests, not in a real classroom.

import express, { type Router } from 'express';
import { z } from 'zod';
import { parseOr400, PlatformError } from './errors.js';
import { faultInjection } from './faults.js';
import { linkHeader, pageOf } from './paging.js';
import { contextRoles } from './roster.js';
import { baseUrl, type PlatformState } from './state.js';
import type { DemoUser } from './types.js';
import { mediaType, scope } from './vocabulary.js';
import { requireScope } from './token.js';

const membershipsQuery = z.object({
  limit: z.coerce.number().int().positive().optional(),
  page: z.coerce.number().int().positive().default(1),
  role: z.string().min(1).optional(),
  rlid: z.string().min(1).optional(),
});

/** A role filter may be the full URI or the short name (Learner, Instructor). */
export function hasRole(roles: readonly string[], wanted: string): boolean {
  return roles.some((r) => r === wanted || r.endsWith(`#${wanted}`));
}

export function member(state: PlatformState, user: DemoUser): Record<string, unknown> {
  const base = { status: 'Active', user_id: user.id, roles: contextRoles(user) };
  if (state.options.privacy === 'anonymous') return base;
  return { ...base, name: user.name, given_name: user.givenName, family_name: user.familyName, email: user.email };
}

export function nrpsRouter(state: PlatformState): Router {
  const router = express.Router();
  router.get(
    '/api/lti/courses/:contextId/memberships',
    faultInjection(state, 'memberships'),
    requireScope(state, [scope.contextMembershipReadOnly]),
    (req, res) => {
      if (req.params.contextId !== state.course.id) throw new PlatformError(404, 'no course with this context id');
      const query = parseOr400(membershipsQuery, req.query, 'memberships query');
      if (query.rlid && !state.placements.some((p) => p.resourceLinkId === query.rlid)) {
        throw new PlatformError(400, 'rlid is not a resource link in this course');
      }
      const everyone = state.users.filter((u) => !query.role || hasRole(contextRoles(u), query.role));
      const cap = state.quirks.membershipsPageCap ?? Number.POSITIVE_INFINITY;
      const limit = Math.min(query.limit ?? state.options.membershipsPageSize, cap);
      const page = pageOf(everyone, limit, query.page);
      const requestUrl = new URL(req.originalUrl, baseUrl(state));
      res.set('Link', linkHeader(requestUrl, limit, page));
      res.type(mediaType.membershipContainer).send(JSON.stringify({
        id: requestUrl.toString(),
        context: { id: state.course.id, label: state.course.label, title: state.course.title },
        members: page.items.map((u) => member(state, u)),
      }));
    },
  );
  return router;
}
