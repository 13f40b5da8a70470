// Records the course and person of each launch (a read, and a write only when something changed) and
// reads them back per tenant.
import mongoose from 'mongoose';
import { insertNew, keyedObjectId } from '../db/engine.js';
import { upsertRacing } from '../db/once.js';
import { createHash } from 'node:crypto';
import { CourseModel, PersonModel } from './course.model.js';

export interface CourseInput { tenantId: string; contextId: string; title?: string; label?: string; lineItemsUrl?: string; membershipsUrl?: string; agsScopes?: string[] }
export interface PersonInput { tenantId: string; sub: string; name?: string }

// Most launches come from a course and person already recorded and unchanged: each is found by its
// derived _id (the one filter FerretDB hands to SQLite instead of decoding every document) and nothing is written. Records made before ids
// were derived keep their ids and are found by their natural key.
const sameList = (a: string[] | undefined, b: string[] | undefined | null) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

export async function upsertCourse(c: CourseInput): Promise<{ id: string; title: string }> {
  const _id = keyedObjectId('course', c.tenantId, c.contextId);
  const seen = await CourseModel.findOne({ _id }).lean();
  const same = !!seen && String(seen.tenantId) === c.tenantId && seen.contextId === c.contextId;
  const set: Record<string, unknown> = {};
  if (c.title !== undefined && (!same || c.title !== seen.title)) set.title = c.title;
  if (c.label !== undefined && (!same || c.label !== seen.label)) set.label = c.label;
  if (c.lineItemsUrl !== undefined && (!same || c.lineItemsUrl !== seen.lineItemsUrl)) set.lineItemsUrl = c.lineItemsUrl;
  if (c.membershipsUrl !== undefined && (!same || c.membershipsUrl !== seen.membershipsUrl)) set.membershipsUrl = c.membershipsUrl;
  if (c.agsScopes !== undefined && (!same || !sameList(c.agsScopes, seen.agsScopes))) set.agsScopes = c.agsScopes;
  if (same && Object.keys(set).length === 0) return { id: String(seen._id), title: seen.title ?? '' };
  set.updatedAt = new Date();
  if (!seen) {
    const made = await insertNew(() => CourseModel.create({ _id, tenantId: c.tenantId, contextId: c.contextId, ...set }));
    if (made) return { id: String(made._id), title: made.title ?? '' };
  }
  const doc = await upsertRacing(() => CourseModel.findOneAndUpdate(
    same ? { _id } : { tenantId: c.tenantId, contextId: c.contextId },
    { $set: set, $setOnInsert: { _id, tenantId: c.tenantId, contextId: c.contextId } },
    { upsert: true, new: true },
  ).lean());
  return { id: String(doc!._id), title: doc!.title ?? '' };
}

/** A label that identifies a student to their teacher when the LMS shares no name (privacy settings). */
export function pseudonymLabel(tenantId: string, sub: string): string {
  return `Student ${createHash('sha256').update(`${tenantId}:${sub}`).digest('hex').slice(0, 4).toUpperCase()}`;
}

export async function upsertPerson(p: PersonInput): Promise<{ id: string; displayName: string }> {
  const _id = keyedObjectId('person', p.tenantId, p.sub);
  const seen = await PersonModel.findOne({ _id }).lean();
  const same = !!seen && String(seen.tenantId) === p.tenantId && seen.sub === p.sub;
  if (same && (!p.name || p.name === seen.name)) return { id: String(seen._id), displayName: seen.name ?? seen.label };
  const label = pseudonymLabel(p.tenantId, p.sub);
  const set: Record<string, unknown> = { updatedAt: new Date() };
  if (p.name) set.name = p.name;
  if (!seen) {
    const made = await insertNew(() => PersonModel.create({ _id, tenantId: p.tenantId, sub: p.sub, label, ...set }));
    if (made) return { id: String(made._id), displayName: made.name ?? made.label };
  }
  const doc = await upsertRacing(() => PersonModel.findOneAndUpdate(
    same ? { _id } : { tenantId: p.tenantId, sub: p.sub },
    { $set: set, $setOnInsert: { _id, tenantId: p.tenantId, sub: p.sub, label } },
    { upsert: true, new: true },
  ).lean());
  return { id: String(doc!._id), displayName: doc!.name ?? doc!.label };
}

// By _id alone, with the tenant compared here: FerretDB scans the whole collection for { _id, tenantId }.
export async function getCourse(tenantId: string, courseId: string) {
  const c = mongoose.isValidObjectId(courseId) ? await CourseModel.findOne({ _id: courseId }).lean() : null;
  return c && String(c.tenantId) === tenantId ? c : null;
}

export async function getPerson(tenantId: string, personId: string) {
  const p = mongoose.isValidObjectId(personId) ? await PersonModel.findOne({ _id: personId }).lean() : null;
  return p && String(p.tenantId) === tenantId ? p : null;
}
