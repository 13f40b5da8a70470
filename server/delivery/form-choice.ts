// Which of an assessment's parallel forms a student gets: deterministic per student and placement,
// so a reload, a second device or a restarted server always shows the same questions.
import { createHash } from 'node:crypto';

export function pickFormIndex(formCount: number, seed: { tenantId: string; placementId: string; personId: string }): number {
  if (!Number.isInteger(formCount) || formCount < 1) throw new RangeError(`an assessment needs at least one form, got ${formCount}`);
  if (formCount === 1) return 0;
  const digest = createHash('sha256').update(`${seed.tenantId}:${seed.placementId}:${seed.personId}`).digest();
  return digest.readUInt32BE(0) % formCount;
}
