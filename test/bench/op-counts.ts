// Counts the database operations of one request on each hot path (launch, start, save, submit), with
// mongoose's debug hook, against a warm database — the table "database operations per request" in
// docs/performance.md. `npx tsx test/bench/op-counts.ts` (FerretDB in a temporary directory, or MONGODB_URI).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';

process.env.LOG_LEVEL ??= 'silent';

/** `--fill=N`: N more documents in the collections that grow with use, before measuring. */
const FILL = Number(/^--fill=(\d+)$/.exec(process.argv.find((a) => a.startsWith('--fill=')) ?? '')?.[1] ?? 0);

interface Op { collection: string; method: string; byIdOnly: boolean }

async function main(): Promise<void> {
  const { startDatabase, freshDbName, say } = await import('./harness.js');
  const { loadConfig } = await import('../../server/config.js');
  const { createLogger } = await import('../../server/log.js');
  const { startTool } = await import('../../server/main.js');
  const { createPlatform } = await import('../platform/index.js');
  const { launchWithCookies, registerSimulator } = await import('../support/lti.js');
  const { createTestTenant, sessionFor } = await import('../support/session.js');
  const { STARTER_PRETEST } = await import('./attempts.js');

  const db = await startDatabase();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'growthline-ops-'));
  const config = loadConfig({
    NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', MONGODB_URI: db.uriFor(freshDbName('gl_ops')), LTI_KEY: randomBytes(24).toString('hex'), LOG_LEVEL: 'silent',
  });
  const tool = await startTool(config, createLogger('silent'));
  const platform = createPlatform({ toolUrl: tool.url, productFamily: 'moodle' });
  let ops: Op[] | undefined;
  mongoose.set('debug', (collection: string, method: string, filter: unknown) => {
    const keys = filter && typeof filter === 'object' ? Object.keys(filter) : [];
    // Inserts have no filter to scan with; everything else is answered from an index on FerretDB only by { _id }.
    ops?.push({ collection, method, byIdOnly: /^insert/.test(method) || (keys.length === 1 && keys[0] === '_id') });
  });
  const count = async (name: string, work: () => Promise<unknown>) => {
    ops = [];
    await work();
    await new Promise((r) => setTimeout(r, 200)); // hooks that finish after the answer (grade outbox, mastery)
    const taken = ops;
    ops = undefined;
    const writes = taken.filter((o) => /insert|update|delete|replace|findOneAndUpdate|create|bulkWrite/i.test(o.method)).length;
    const notById = taken.filter((o) => !o.byIdOnly).map((o) => `${o.collection}.${o.method}`);
    say(`${name}: ${taken.length} operations, ${writes} writes; filters other than { _id }: ${notById.join(', ') || 'none'}`);
  };
  const timed = async (name: string, n: number, work: () => Promise<unknown>) => {
    const took: number[] = [];
    for (let i = 0; i < n; i++) { const t0 = performance.now(); await work(); took.push(performance.now() - t0); }
    took.sort((a, b) => a - b);
    say(`${name}: p50 ${took[Math.floor(n / 2)]!.toFixed(1)} ms, p95 ${took[Math.ceil(n * 0.95) - 1]!.toFixed(1)} ms (${n} requests)`);
  };
  try {
    await platform.start();
    await registerSimulator(tool, platform);
    const student = platform.state.users.find((u) => u.roles.some((r) => r.endsWith('#Learner')))!;
    await launchWithCookies(platform, { userId: student.id }); // warm: course, person and placement exist
    await count('launch (login + id_token POST)', () => launchWithCookies(platform, { userId: student.id }));
    await timed('launch, one at a time', 20, () => launchWithCookies(platform, { userId: student.id }));

    const tenant = await createTestTenant('ops-district');
    await sessionFor(tool, { tenant, roles: ['instructor'], resourceLinkId: 'ops-link', assessmentId: STARTER_PRETEST });
    const callAs = (who: { auth: Record<string, string> }) => (method: string, p: string, body: unknown) => fetch(`${tool.url}/api${p}`, {
      method, headers: { ...who.auth, 'content-type': 'application/json' }, body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: await r.json() as any }));
    if (FILL) {
      // What a district's database holds after a while: other students' attempts, people, logins and estimates.
      const other = callAs(await sessionFor(tool, { tenant, roles: ['learner'], resourceLinkId: 'ops-link' }));
      const started = (await other('POST', '/attempts', {})).body;
      await other('POST', `/attempts/${started.id}/submit`, {});
      await new Promise((r) => setTimeout(r, 500));
      const c = (name: string) => mongoose.connection.db!.collection(name);
      const clone = async (name: string, fresh: (d: any, i: number) => object) => {
        const docs = await c(name).find({}).limit(5).toArray();
        const n = docs.length ? FILL : 0;
        for (let i = 0; i < n; i += 500) await c(name).insertMany(Array.from({ length: Math.min(500, n - i) }, (_, k) => ({ ...docs[(i + k) % docs.length], ...fresh(docs[(i + k) % docs.length], i + k) })));
        say(`  filled ${name} with ${n} more documents`);
      };
      await clone('attempts', () => ({ _id: new mongoose.Types.ObjectId(), personId: new mongoose.Types.ObjectId() }));
      await clone('people', (_d, i) => ({ _id: new mongoose.Types.ObjectId(), sub: `fill-${i}` }));
      await clone('mastery_estimates', (_d, i) => ({ _id: `fill-${i}`, personId: new mongoose.Types.ObjectId(), code: `fill-${i}` }));
      await clone('lti_login_states', (_d, i) => ({ _id: `fill-${i}`, state: `fill-${i}` }));
      const one = await c('attempts').findOne({});
      say(`  an attempt is ${JSON.stringify(one).length} bytes as JSON`);
      await timed('  attempts.findOne({ _id })', 20, () => c('attempts').findOne({ _id: one!._id }));
      await timed('  attempts.updateOne({ _id })', 20, () => c('attempts').updateOne({ _id: one!._id }, { $inc: { rev: 1 } }));
    }
    const me = await sessionFor(tool, { tenant, roles: ['learner'], resourceLinkId: 'ops-link' });
    const call = callAs(me);
    let view: any;
    await count('POST /api/attempts (start)', async () => { view = (await call('POST', '/attempts', {})).body; });
    await count('POST /api/attempts (resume)', () => call('POST', '/attempts', {}));
    const item = view.items[0];
    const value = item.type === 'single' ? { type: 'single', choice: item.choices[0].id } : { type: 'numeric', text: '1' };
    await call('PUT', `/attempts/${view.id}/responses/${item.position}`, { value, seq: 1 });
    await count('PUT …/responses/:position (save)', () => call('PUT', `/attempts/${view.id}/responses/${item.position}`, { value, seq: 2 }));
    let seq = 10;
    await timed('save, one at a time', 200, () => call('PUT', `/attempts/${view.id}/responses/${item.position}`, { value, seq: ++seq }));
    await count('POST …/submit', () => call('POST', `/attempts/${view.id}/submit`, {}));
    if (FILL) await timed('launch, one at a time, after filling', 20, () => launchWithCookies(platform, { userId: student.id }));
    const submits: number[] = [];
    for (let i = 0; i < 10; i++) {
      const s2 = callAs(await sessionFor(tool, { tenant, roles: ['learner'], resourceLinkId: 'ops-link' }));
      const a = (await s2('POST', '/attempts', {})).body;
      const t0 = performance.now();
      await s2('POST', `/attempts/${a.id}/submit`, {});
      submits.push(performance.now() - t0);
    }
    submits.sort((a, b) => a - b);
    say(`submit, one at a time: p50 ${submits[5]!.toFixed(1)} ms (10 requests)`);
  } finally {
    mongoose.set('debug', false);
    await platform.stop();
    await tool.stop();
    await db.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(() => process.exit(), (err: Error) => { process.stderr.write(`${err.stack}\n`); process.exit(1); });
