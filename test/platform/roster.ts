// The demo course and the people in it. Ids are stable across runs so tests and the
// README can name them; one name is non-ASCII to keep encodings honest.

import type { Course, DemoUser, Placement } from './types.js';
import { role } from './vocabulary.js';

export const demoUsers: readonly DemoUser[] = [
  {
    id: 'u1001', name: 'Maya Okafor', givenName: 'Maya', familyName: 'Okafor', email: 'maya.okafor@example.edu',
    roles: [role.instructor, role.institutionFaculty], roleLabel: 'Teacher',
  },
  {
    id: 'u1002', name: 'Sam Rivera', givenName: 'Sam', familyName: 'Rivera', email: 'sam.rivera@example.edu',
    // A sub-role travels with its principal role (LTI 1.3 core, role vocabularies).
    roles: [role.teachingAssistant, role.instructor], roleLabel: 'Teaching assistant',
  },
  {
    id: 'u2001', name: 'Aiyana Brooks', givenName: 'Aiyana', familyName: 'Brooks', email: 'aiyana.brooks@example.edu',
    roles: [role.learner, role.institutionStudent], roleLabel: 'Student',
  },
  {
    id: 'u2002', name: 'Diego Hernández', givenName: 'Diego', familyName: 'Hernández', email: 'diego.hernandez@example.edu',
    roles: [role.learner], roleLabel: 'Student',
  },
  {
    id: 'u2003', name: 'Lin Zhou', givenName: 'Lin', familyName: 'Zhou', email: 'lin.zhou@example.edu',
    roles: [role.learner], roleLabel: 'Student',
  },
];

export function demoCourse(title = 'Grade 7 Math — Period 2'): Course {
  return { id: 'course-g7-math-p2', title, label: 'MATH7-P2' };
}

export const defaultPlacement: Placement = {
  resourceLinkId: 'rl-ratios-pretest',
  title: 'Grade 7 Ratios — Pre-test',
  createdBy: 'platform',
};

/** Context roles only: NRPS lists membership in the course, not institution roles. */
export function contextRoles(user: DemoUser): string[] {
  return user.roles.filter((r) => r.includes('/membership'));
}

export function isInstructor(user: DemoUser): boolean {
  return user.roles.includes(role.instructor);
}
