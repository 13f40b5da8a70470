// Shared by the grade passback tests: fast worker settings, registering the simulator with a tool by
// hand, real launches whose ids come from the tool's own session token, and a patient wait.
import type { DemoUser, Platform, ProductFamily } from '../platform/index.js';
import { launchSessionToken, registerSimulator, startToolWithLms, type ToolWithLms } from '../support/lti.js';
import { TOOL_SCOPES } from '../../server/lti/registration.js';
import type { RunningTool } from '../../server/main.js';

/** Small, fast retries for tests; the worker reads GRADES_* when a tool starts. */
export const FAST_GRADES_ENV: Record<string, string> = {
  GRADES_BACKOFF_BASE_MS: '20', GRADES_BACKOFF_CAP_MS: '200', GRADES_TIMEOUT_MS: '400', GRADES_POLL_MS: '200', GRADES_LEASE_MS: '5000',
};

/** A test tool and the simulator as `productFamily`, registered by hand with the grade and roster services granted. */
export function startToolWithGradebook(productFamily: ProductFamily): Promise<ToolWithLms> {
  return startToolWithLms({ productFamily, scopes: TOOL_SCOPES });
}

/** Registers the simulator as an administrator would by hand, grade and roster services granted; resolves with the tenant id. */
export async function registerByHand(tool: RunningTool, platform: Platform): Promise<string> {
  const { tenants } = await registerSimulator(tool, platform, { scopes: TOOL_SCOPES });
  return String(tenants[0]!._id);
}

export interface Launched {
  token: string;
  auth: { authorization: string };
  tenantId: string; courseId: string; personId: string; placementId: string;
}

/** A real launch from the simulator; the ids come from the tool's own session token. */
export async function launch(platform: Platform, userId: string, resourceLinkId?: string): Promise<Launched> {
  const token = await launchSessionToken(platform, userId, resourceLinkId);
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { ten: string; crs: string; sub: string; plc: string };
  return { token, auth: { authorization: `Bearer ${token}` }, tenantId: claims.ten, courseId: claims.crs, personId: claims.sub, placementId: claims.plc };
}

/** One after another, as students arrive (the first launches of a new activity are not raced here). */
export async function launchAll(platform: Platform, users: DemoUser[], link: string): Promise<Launched[]> {
  const out: Launched[] = [];
  for (const u of users) out.push(await launch(platform, u.id, link));
  return out;
}

/** A student the LMS knows, with a made-up id (for volume tests and late enrolments). */
export function extraStudent(platform: Platform, id: string, name = `Student ${id}`): DemoUser {
  const like = platform.users.find((u) => u.roleLabel === 'Student')!;
  return { id, name, givenName: name.split(' ')[0]!, familyName: name.split(' ').slice(1).join(' '), email: '', roles: [...like.roles], roleLabel: 'Student' };
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
