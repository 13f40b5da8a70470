// Which single-document operations FerretDB 1.24 (SQLite) serves in constant time, and which read the
// whole collection however exact their filter: each operation 20 times on 100 and on 2,000 documents of
// about 2 KB. `npx tsx test/bench/ferret-micro.ts`. The results are in docs/performance.md.
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
    for (let i = 0; i < 20; i++) await op(ids[i * 3]!, i);
    console.log(`${n} docs  ${name}: ${((performance.now() - t0) / 20).toFixed(1)} ms`);
  };
  await time('findOne {_id}', (id) => c.findOne({ _id: id }));
  await time('findOne {_id} + projection', (id) => c.findOne({ _id: id }, { projection: { t: 1, 'r.p1': 1 } }));
  await time('updateOne {_id} $set+$inc', (id, i) => c.updateOne({ _id: id }, { $set: { 'r.p1': { seq: i } }, $inc: { rev: 1 } }));
  await time('replaceOne {_id}', (id) => c.replaceOne({ _id: id }, { t: 1, pad, r: { p1: { seq: 2 } }, rev: 1 }));
  await time('findOneAndUpdate {_id}', (id, i) => c.findOneAndUpdate({ _id: id }, { $set: { 'r.p1': { seq: i } } }));
  await time('findOne {_id, t}', (id) => c.findOne({ _id: id, t: 1 }));
  await time('insertOne', () => c.insertOne({ t: 2, pad }));
  await time('deleteOne {_id}', (id) => c.deleteOne({ _id: id }));
  await time('updateOne {_id} upsert', (id, i) => c.updateOne({ _id: id }, { $set: { x: i } }, { upsert: true }));
}
await mongoose.disconnect();
await db.stop();
