// The teacher's edits to small groups before saving: move a student to another group (or out of every group),
// and the body PUT /api/placements/:id/groups takes. Pure, so the keyboard path and the tests share it.
import type { Group, StudentRef } from './types.js';

export interface GroupsDraft {
  groups: Group[];
  /** Students in no group (not graded yet, or taken out by the teacher). */
  ungrouped: StudentRef[];
}

type Member = Group['students'][number];

/** Moves a student to group number `to` (1-based), or out of every group with 0. Unknown students or groups change nothing. */
export function moveStudent(draft: GroupsDraft, personId: string, to: number): GroupsDraft {
  let member: Member | undefined;
  for (const g of draft.groups) member ??= g.students.find((s) => s.personId === personId);
  const loose = draft.ungrouped.find((s) => s.personId === personId);
  if (!member && loose) member = { personId, displayName: loose.displayName, needs: [] };
  if (!member || (to !== 0 && !draft.groups.some((g) => g.number === to))) return draft;
  const moving = member;
  const groups = draft.groups.map((g) => {
    const without = g.students.filter((s) => s.personId !== personId);
    return { ...g, students: g.number === to ? [...without, moving] : without };
  });
  const ungrouped = draft.ungrouped.filter((s) => s.personId !== personId);
  return { groups, ungrouped: to === 0 ? [...ungrouped, { personId, displayName: moving.displayName }] : ungrouped };
}

/** Which group a student is in (0 = none). */
export function groupOf(draft: GroupsDraft, personId: string): number {
  return draft.groups.find((g) => g.students.some((s) => s.personId === personId))?.number ?? 0;
}

export function saveBody(draft: GroupsDraft, rev: number) {
  return {
    rev,
    groups: draft.groups.map((g) => ({
      name: g.name, studentIds: g.students.map((s) => s.personId), reteach: g.reteach.map((r) => r.code),
      extend: g.extend.map((r) => r.code), practiceItemIds: g.practiceItems.map((p) => p.id),
    })),
  };
}
