// Records the course and person of each launch (one upsert each) and reads them back per tenant.
import { upsertRacing } from '../db/once.js';
import { createHash } from 'node:crypto';
import { CourseModel, PersonModel } from './course.model.js';

export interface CourseInput { tenantId: string; contextId: string; title?: string; label?: string; lineItemsUrl?: string; membershipsUrl?: string; agsScopes?: string[] }
export interface PersonInput { tenantId: string; sub: string; name?: string }

export async function upsertCourse(c: CourseInput): Promise<{ id: string; title: string }> {
  const set: Record<string, unknown> = { updatedAt: new Date() };
  if (c.title !== undefined) set.title = c.title;
  if (c.label !== undefined) set.label = c.label;
  if (c.lineItemsUrl !== undefined) set.lineItemsUrl = c.lineItemsUrl;
  if (c.membershipsUrl !== undefined) set.membershipsUrl = c.membershipsUrl;
  if (c.agsScopes !== undefined) set.agsScopes = c.agsScopes;
  const doc = await upsertRacing(() => CourseModel.findOneAndUpdate(
    { tenantId: c.tenantId, contextId: c.contextId },
    { $set: set, $setOnInsert: { tenantId: c.tenantId, contextId: c.contextId } },
    { upsert: true, new: true },
  ).lean());
  return { id: String(doc!._id), title: doc!.title ?? '' };
}

/** A label that identifies a student to their teacher when the LMS shares no name (privacy settings). */
export function pseudonymLabel(tenantId: string, sub: string): string {
  return `Student ${createHash('sha256').update(`${tenantId}:${sub}`).digest('hex').slice(0, 4).toUpperCase()}`;
}

export async function upsertPerson(p: PersonInput): Promise<{ id: string; displayName: string }> {
  const label = pseudonymLabel(p.tenantId, p.sub);
  const set: Record<string, unknown> = { updatedAt: new Date() };
  if (p.name) set.name = p.name;
  const doc = await upsertRacing(() => PersonModel.findOneAndUpdate(
    { tenantId: p.tenantId, sub: p.sub },
    { $set: set, $setOnInsert: { tenantId: p.tenantId, sub: p.sub, label } },
    { upsert: true, new: true },
  ).lean());
  return { id: String(doc!._id), displayName: doc!.name ?? doc!.label };
}

export async function getCourse(tenantId: string, courseId: string) {
  return CourseModel.findOne({ _id: courseId, tenantId }).lean();
}

export async function getPerson(tenantId: string, personId: string) {
  return PersonModel.findOne({ _id: personId, tenantId }).lean();
}
