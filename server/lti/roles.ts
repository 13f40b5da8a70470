// Turns the LTI roles claim into the few roles Growthline acts on. Context (course) roles decide
// when present; institution and system roles are used only when the launch has no context role,
// so a teacher enrolled as a learner in a training course sees the student view there. The one
// exception: an institution or system Administrator with a staff role in the course stays administrator.
export type Role = 'learner' | 'instructor' | 'teaching-assistant' | 'content-developer' | 'administrator' | 'mentor';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/';
const CONTEXT: Record<string, Role> = {
  Learner: 'learner', Instructor: 'instructor', ContentDeveloper: 'content-developer',
  Administrator: 'administrator', Mentor: 'mentor', TeachingAssistant: 'teaching-assistant',
};
const INSTITUTION: Record<string, Role> = {
  Student: 'learner', Learner: 'learner', Instructor: 'instructor', Faculty: 'instructor',
  Administrator: 'administrator', Mentor: 'mentor',
};
const SYSTEM: Record<string, Role> = { Administrator: 'administrator', SysAdmin: 'administrator' };

export const STAFF_ROLES: readonly Role[] = ['instructor', 'teaching-assistant', 'content-developer', 'administrator'];

export function parseRoles(claim: unknown): Role[] {
  if (!Array.isArray(claim)) return [];
  const context = new Set<Role>();
  const wider = new Set<Role>();
  for (const raw of claim) {
    if (typeof raw !== 'string') continue;
    const r = raw.trim();
    if (r.startsWith(`${LIS}membership/`)) {
      // Sub-role, e.g. membership/Instructor#TeachingAssistant
      const sub = r.slice(`${LIS}membership/`.length).split('#')[1];
      const role = sub ? CONTEXT[sub] : undefined;
      if (role) context.add(role);
    } else if (r.startsWith(`${LIS}membership#`)) {
      const role = CONTEXT[r.slice(`${LIS}membership#`.length)];
      if (role) context.add(role);
    } else if (r.startsWith(`${LIS}institution/person#`)) {
      const role = INSTITUTION[r.slice(`${LIS}institution/person#`.length)];
      if (role) wider.add(role);
    } else if (r.startsWith(`${LIS}system/person#`)) {
      const role = SYSTEM[r.slice(`${LIS}system/person#`.length)];
      if (role) wider.add(role);
    } else if (!r.includes(':') && !r.includes('/')) {
      // LTI 1.3 allows simple names for context roles.
      const role = CONTEXT[r];
      if (role) context.add(role);
    }
  }
  // A district administrator enrolled as staff in a course (Moodle sends site administrators as Instructor too)
  // keeps the administrator role there: it is what opens the district roll-up. Never added to a learner.
  if (wider.has('administrator') && [...context].some((r) => STAFF_ROLES.includes(r))) context.add('administrator');
  return [...(context.size ? context : wider)].sort();
}

export const isStaff = (roles: readonly Role[]) => roles.some((r) => STAFF_ROLES.includes(r));
export const isLearner = (roles: readonly Role[]) => roles.includes('learner') && !isStaff(roles);
