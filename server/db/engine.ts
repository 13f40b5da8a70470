// Which engine the connection talks to: MongoDB (production) or FerretDB 1.24 (development, tests, CI).
// Hot paths use it to choose how a conditional write is done: FerretDB hands only a filter that is
// exactly { _id } to SQLite (every other filter decodes the whole collection in Go) and applies no conditional update atomically, so there the condition is
// checked in code between a read and a write by _id (ordered per record by delivery/one-at-a-time.ts).
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';

export type Engine = 'mongodb' | 'ferretdb';

const engines = new WeakMap<object, Promise<Engine>>();

/** The engine behind mongoose's current connection; asked once per connection. */
export function databaseEngine(): Promise<Engine> {
  const db = mongoose.connection.db;
  if (!db) return Promise.resolve('mongodb');
  let kind = engines.get(db);
  if (!kind) {
    kind = db.admin().command({ buildInfo: 1 }).then((i) => (i.ferretdbVersion ? 'ferretdb' : 'mongodb'), () => 'mongodb' as const);
    engines.set(db, kind);
  }
  return kind;
}

/**
 * An ObjectId derived from a record's natural key, so the record can be found by _id — the cheapest lookup
 * on every engine (an index on MongoDB, a scan inside SQLite on FerretDB) — without knowing its id in advance. Still a valid ObjectId, so ids
 * keep their format in URLs and references; its leading bytes are not a creation time.
 */
export function keyedObjectId(...parts: string[]): mongoose.Types.ObjectId {
  const hex = createHash('sha256').update(parts.map((p) => encodeURIComponent(p)).join(':')).digest('hex').slice(0, 24);
  return new mongoose.Types.ObjectId(hex);
}

/**
 * Inserts a record at its derived _id; null when that fails on a unique key: a concurrent launch made it
 * a moment ago, or it was stored before ids were derived. The caller then upserts by natural key.
 */
export async function insertNew<T>(create: () => Promise<T>): Promise<T | null> {
  try {
    return await create();
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return null;
    throw err;
  }
}
