// Names and Role Provisioning Services 2.0 client: reads a course's membership container page by
// page (Link rel="next"), with the page size each LMS accepts, and keeps only what the teacher
// dashboard needs (LMS user id, display name, roles, status) — never email addresses.
import { LmsServiceError, serviceFetch } from './service-token.js';
import { SCOPES } from './registration.js';
import { parseRoles, type Role } from './roles.js';

export interface RosterMember {
  /** The LMS's user id (the `sub` of that person's launches). */
  sub: string;
  name?: string;
  roles: Role[];
  status: 'active' | 'inactive' | 'deleted';
}

const MEMBERSHIP_MEDIA_TYPE = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json';

// Page size asked for. Most LMSs clamp it themselves; Schoology answers at most 100 per page.
const DEFAULT_PAGE_LIMIT = 500;
const PAGE_LIMIT_CAP: Record<string, number> = { schoology: 100 };
// A course is never this big; the bound stops a platform whose "next" link loops.
const MAX_MEMBERS = 20_000;

/** The `limit` to send to this LMS: the requested size, within the LMS's own cap. */
export function pageLimitFor(productFamily: string | undefined, requested?: number): number {
  const cap = PAGE_LIMIT_CAP[(productFamily ?? '').toLowerCase()] ?? Number.POSITIVE_INFINITY;
  return Math.max(1, Math.min(Math.floor(requested ?? DEFAULT_PAGE_LIMIT), cap));
}

/** The rel="next" target of an RFC 8288 Link header, if any. */
export function nextLink(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  for (const m of header.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]+)*)/g)) {
    const params = m[2] ?? '';
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const values = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (values.includes('next')) return m[1];
  }
  return undefined;
}

const STATUS: Record<string, RosterMember['status']> = { active: 'active', inactive: 'inactive', deleted: 'deleted' };
const str = (v: unknown, max: number) => (typeof v === 'string' && v.trim() && v.length <= max ? v.trim() : undefined);

/** The members of one membership container page, reduced to what Growthline keeps. */
export function parseMembers(body: unknown): RosterMember[] {
  const members = (body as { members?: unknown })?.members;
  if (!Array.isArray(members)) throw new LmsServiceError('The LMS roster answer has no members list.', 'bad-answer');
  const out: RosterMember[] = [];
  for (const m of members as Record<string, unknown>[]) {
    const sub = str(m?.user_id, 255);
    if (!sub) continue;
    const name = str(m.name, 300) ?? ([str(m.given_name, 150), str(m.family_name, 150)].filter(Boolean).join(' ') || undefined);
    out.push({
      sub,
      ...(name ? { name } : {}),
      roles: parseRoles(m.roles),
      // NRPS: a member without a status is Active.
      status: STATUS[String(m.status ?? 'Active').toLowerCase()] ?? 'active',
    });
  }
  return out;
}

/**
 * Every member of the course behind `membershipsUrl`, each once. Follows rel="next" only on the
 * LMS's own origin, so the access token never goes anywhere else.
 */
export async function fetchCourseMembers(tenantId: string, membershipsUrl: string, o: { productFamily?: string; pageSize?: number } = {}): Promise<RosterMember[]> {
  const first = new URL(membershipsUrl);
  first.searchParams.set('limit', String(pageLimitFor(o.productFamily, o.pageSize)));
  const bySub = new Map<string, RosterMember>();
  const seenPages = new Set<string>();
  let url: string | undefined = first.toString();
  while (url) {
    if (seenPages.has(url)) break; // a "next" pointing back: we have every page already
    seenPages.add(url);
    const res = await serviceFetch(tenantId, [SCOPES.membership], url, { headers: { accept: MEMBERSHIP_MEDIA_TYPE } });
    if (res.status === 403) {
      await res.body?.cancel();
      throw new LmsServiceError('The LMS refused to share the course roster with Growthline.', 'scope-refused', [SCOPES.membership]);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new LmsServiceError(`The LMS roster service answered ${res.status}.`, res.status >= 500 || res.status === 429 ? 'unavailable' : 'bad-answer');
    }
    const text = await res.text();
    let body: unknown;
    try { body = JSON.parse(text); } catch { throw new LmsServiceError('The LMS roster answer is not JSON.', 'bad-answer'); }
    // The same person on two pages (the roster changed while paging): keep one.
    for (const m of parseMembers(body)) bySub.set(m.sub, m);
    if (bySub.size > MAX_MEMBERS) throw new LmsServiceError(`The LMS roster has more than ${MAX_MEMBERS} members.`, 'bad-answer');
    const next = nextLink(res.headers.get('link'));
    if (!next) break;
    const nextUrl: URL = new URL(next, url);
    if (nextUrl.origin !== first.origin) throw new LmsServiceError('The LMS roster pointed to another site for its next page.', 'bad-answer');
    url = nextUrl.toString();
  }
  return [...bySub.values()];
}
