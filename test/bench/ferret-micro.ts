// Which single-document operations FerretDB 1.24 (SQLite) serves in constant time, and which read the
// whole collection however exact their filter: each operation 20 times on 100 and on 2,000 documents of
// about 2 KB. Then the database's own ceiling for answer saves: the bench's 500 saves/s offered for 5 s
// straight through the driver, with no application in the way, as today's save does its database work
// (find + update by _id) and as an insert-only answer journal would (find by _id + insert).
// `npx tsx test/bench/ferret-micro.ts`. The results are in docs/performance.md.
import mongoose from 'mongoose';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase } from '../../server/db/embedded.js';

const db = await startEmbeddedDatabase({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'fm-')), say: () => {} });
await mongoose.connect(db.uri, { dbName: 'micro' });
const c = mongoose.connection.db!.collection('t');
const pad = 'x'.repeat(2000);
for (const n of [100, 2000]) {
  await c.deleteMany({});
  const ids = Array.from({ length: n }, () => new mongoose.Types.ObjectId());
  for (let i = 0; i < n; i += 500) await c.insertMany(ids.slice(i, i + 500).map((_id) => ({ _id, t: 1, pad, r: { p1: { seq: 1 } }, rev: 0 })));
  const time = async (name: string, op: (id: mongoose.Types.ObjectId, i: number) => Promise<unknown>) => {
    const t0 = performance.now();
    // Documents spread over the whole collection: a scan that stops at the first match (findOne) is
    // quick for the first documents stored, so those alone would make it look like an index lookup.
    for (let i = 0; i < 20; i++) await op(ids[Math.floor(((i + 0.5) * n) / 20)]!, i);
    console.log(`${n} docs  ${name}: ${((performance.now() - t0) / 20).toFixed(1)} ms`);
  };
  await time('findOne {_id}', (id) => c.findOne({ _id: id }));
  await time('findOne {_id} of no document', () => c.findOne({ _id: new mongoose.Types.ObjectId() }));
  await time('findOne {_id} + projection', (id) => c.findOne({ _id: id }, { projection: { t: 1, 'r.p1': 1 } }));
  await time('updateOne {_id} $set+$inc', (id, i) => c.updateOne({ _id: id }, { $set: { 'r.p1': { seq: i } }, $inc: { rev: 1 } }));
  await time('replaceOne {_id}', (id) => c.replaceOne({ _id: id }, { t: 1, pad, r: { p1: { seq: 2 } }, rev: 1 }));
  await time('findOneAndUpdate {_id}', (id, i) => c.findOneAndUpdate({ _id: id }, { $set: { 'r.p1': { seq: i } } }));
  await time('findOne {_id, t}', (id) => c.findOne({ _id: id, t: 1 }));
  await time('insertOne', () => c.insertOne({ t: 2, pad }));
  await time('deleteOne {_id}', (id) => c.deleteOne({ _id: id }));
  await time('updateOne {_id} upsert', (id, i) => c.updateOne({ _id: id }, { $set: { x: i } }, { upsert: true }));
}

/** `rate` operations a second for `seconds`, each started on schedule whatever the others are doing. */
async function paced(name: string, rate: number, seconds: number, op: (i: number) => Promise<unknown>): Promise<void> {
  const latencies: number[] = [];
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: rate * seconds }, async (_, i) => {
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + (i * 1000) / rate - performance.now())));
    const s = performance.now();
    // Under this load FerretDB answers some writes with SQLITE_BUSY ("database is locked"): counted, not fatal.
    await op(i).catch(() => { failed++; });
    latencies.push(performance.now() - s);
  }));
  const took = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))]!.toFixed(0);
  console.log(`${rate}/s offered  ${name}: ${(latencies.length / took).toFixed(0)}/s achieved, p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, ${failed} failed`);
}

// 1,000 attempts of about 3 KB, as the bench's save section leaves them.
const attempts = mongoose.connection.db!.collection('attempts');
const journal = mongoose.connection.db!.collection('answers');
const ids = Array.from({ length: 1000 }, () => new mongoose.Types.ObjectId());
for (let i = 0; i < ids.length; i += 500) await attempts.insertMany(ids.slice(i, i + 500).map((_id) => ({ _id, t: 1, pad: 'x'.repeat(3000), responses: {}, rev: 0 })));
const answer = (i: number) => ({ type: 'single', choice: `c${i % 4}` });
await paced('insertOne', 500, 5, (i) => journal.insertOne({ _id: `a${i}`, value: answer(i) } as never));
await paced('findOne {_id} + insertOne', 500, 5, async (i) => {
  const id = ids[i % ids.length]!;
  await attempts.findOne({ _id: id }, { projection: { pad: 0 } });
  await journal.insertOne({ _id: `${id.toHexString()}:${i}`, value: answer(i) } as never);
});
// The same with the read served by a small record (what a save checks: owner, status, deadline) instead of the attempt.
const saveStates = mongoose.connection.db!.collection('save_states');
await saveStates.insertMany(ids.map((_id) => ({ _id, tenantId: 't', personId: 'p', status: 'in-progress', deadline: null })));
await paced('findOne {_id} of a small record + insertOne', 500, 5, async (i) => {
  const id = ids[i % ids.length]!;
  await saveStates.findOne({ _id: id });
  await journal.insertOne({ _id: `${id.toHexString()}:s${i}`, value: answer(i) } as never);
});
await paced('findOne {_id} + updateOne {_id}', 500, 5, async (i) => {
  const id = ids[i % ids.length]!;
  await attempts.findOne({ _id: id }, { projection: { pad: 0 } });
  await attempts.updateOne({ _id: id }, { $set: { [`responses.p${i % 30}`]: { value: answer(i), seq: i } }, $inc: { rev: 1 } });
});
await mongoose.disconnect();
await db.stop();
