// Sessions for API tests: real tenant, course, person and placement records, and a real session
// token from the tool's own issuer — the same state a launch leaves behind, without the LTI dance
// (which test/integration/launch.test.ts covers end to end).
import { randomBytes } from 'node:crypto';
import type { LaunchContext } from '../../server/auth/session.js';
import { upsertCourse, upsertPerson } from '../../server/courses/course.service.js';
import type { Role } from '../../server/lti/roles.js';
import type { RunningTool } from '../../server/main.js';
import { upsertPlacement } from '../../server/placements/placement.service.js';
import { registerPlatform } from '../../server/tenants/tenant.service.js';

export interface TestTenant { tenantId: string; platformId: string }

export async function createTestTenant(name = `lms-${randomBytes(3).toString('hex')}`): Promise<TestTenant> {
  const issuer = `https://${name}.example.edu`;
  const { platform, tenants } = await registerPlatform({
    issuer, clientId: 'client', deploymentIds: ['dep-1'], authEndpoint: `${issuer}/auth`, tokenEndpoint: `${issuer}/token`, jwksUrl: `${issuer}/jwks`,
  });
  return { tenantId: String(tenants[0]!._id), platformId: String(platform._id) };
}

export interface SessionOptions {
  tenant: TestTenant;
  roles: Role[];
  userSub?: string;
  userName?: string;
  contextId?: string;
  resourceLinkId?: string;
  assessmentId?: string;
  kind?: LaunchContext['kind'];
  locale?: string;
}

export interface TestSession { token: string; ctx: LaunchContext; auth: { authorization: string } }

export async function sessionFor(tool: RunningTool, o: SessionOptions): Promise<TestSession> {
  const course = await upsertCourse({ tenantId: o.tenant.tenantId, contextId: o.contextId ?? 'course-1', title: 'Grade 7 Math' });
  const person = await upsertPerson({ tenantId: o.tenant.tenantId, sub: o.userSub ?? `user-${randomBytes(4).toString('hex')}`, name: o.userName });
  const placement = o.kind === 'deep-linking' ? undefined : await upsertPlacement({
    tenantId: o.tenant.tenantId, courseId: course.id, resourceLinkId: o.resourceLinkId ?? 'link-1', title: 'Pre-test', assessmentId: o.assessmentId,
  });
  const ctx: LaunchContext = {
    tenantId: o.tenant.tenantId, platformId: o.tenant.platformId, userId: person.id, roles: o.roles, courseId: course.id,
    placementId: placement?.id, kind: o.kind ?? 'resource-link', locale: o.locale ?? 'en',
  };
  const token = await tool.app.sessions.issue(ctx);
  return { token, ctx, auth: { authorization: `Bearer ${token}` } };
}
