// Section 4: the grade outbox draining 1,000 scores into an LMS that takes 100 ms per score. The tool
// runs in this process (startTool, configured as test/support/tool.ts does) so queueing wakes its
// worker exactly as a submit does; the platform simulator delays every score post by 100 ms.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/log.js';
import { registerLmsPlatform, TOOL_SCOPES } from '../../server/lti/registration.js';
import { startTool } from '../../server/main.js';
import { createPlatform, driveLaunch } from '../platform/index.js';
import { round, say, sleep } from './harness.js';

export interface GradeResults {
  count: number;
  /** Scores the LMS holds at the end (less than count when the time limit came first). */
  delivered: number;
  lmsDelayMs: number;
  /** Time to store the scores in the outbox. */
  queueSeconds: number;
  /** From the start of queueing until the LMS holds every score. */
  deliverSeconds: number;
  /** … until every outbox record is marked sent. */
  settledSeconds: number;
  scoresPerSecond: number;
  perPlatformConcurrency: number;
  duplicates: number;
}

export async function runGradeOutbox(o: { mongodbUri: string; count: number; lmsDelayMs: number; timeoutMs: number }): Promise<GradeResults | { skipped: string }> {
  let synthetic: typeof import('../../server/grades/synthetic.js');
  let outbox: typeof import('../../server/grades/outbox.model.js');
  let worker: typeof import('../../server/grades/worker.js');
  try {
    [synthetic, outbox, worker] = await Promise.all([
      import('../../server/grades/synthetic.js'), import('../../server/grades/outbox.model.js'), import('../../server/grades/worker.js'),
    ]);
  } catch (err) {
    return { skipped: `the grades domain has no queueSyntheticScores yet (${(err as Error).message.split('\n')[0]})` };
  }
  const config = loadConfig({
    NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', MONGODB_URI: o.mongodbUri, LTI_KEY: randomBytes(24).toString('hex'), LOG_LEVEL: 'silent',
  });
  const tool = await startTool(config, createLogger(config.logLevel));
  const platform = createPlatform({ toolUrl: tool.url, productFamily: 'moodle' });
  try {
    await platform.start();
    const r = platform.registration();
    await registerLmsPlatform(tool.app.lti, {
      issuer: r.issuer, clientId: r.clientId, deploymentIds: [r.deploymentId], productFamily: 'moodle',
      authEndpoint: r.authenticationEndpoint, tokenEndpoint: r.accesstokenEndpoint, jwksUrl: r.keysetUrl, scopes: TOOL_SCOPES,
    });
    // The teacher's launch records the course and the activity with its gradebook column.
    const teacher = platform.users.find((u) => u.roleLabel === 'Teacher')!;
    const { toolResponse } = await driveLaunch(platform, { userId: teacher.id });
    const token = /session="([^"]+)"/.exec(await toolResponse.text())?.[1];
    if (!token) throw new Error(`the teacher's launch failed (${toolResponse.status})`);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { ten: string; crs: string; plc: string };
    const link = platform.placements[0]!.resourceLinkId;
    const column = platform.received.lineItems.find((li) => li.resourceLinkId === link);
    if (!column) throw new Error('the simulator has no gradebook column for its default activity');

    const prefix = `bench-grade-${randomBytes(3).toString('hex')}-`;
    const template = platform.users.find((u) => u.roleLabel === 'Student')!;
    for (let i = 0; i < o.count; i++) {
      platform.users.push({ id: `${prefix}${i}`, name: `Student ${i}`, givenName: 'S', familyName: String(i), email: '', roles: [...template.roles], roleLabel: 'Student' });
    }
    platform.faults.set('scores', Array.from({ length: o.count * 2 }, () => ({ delayMs: o.lmsDelayMs })));

    const inColumn = () => platform.received.scores.filter((s) => s.lineItemId === column.id);
    const started = performance.now();
    await synthetic.queueSyntheticScores({ tenantId: claims.ten, courseId: claims.crs, placementId: claims.plc, count: o.count, subPrefix: prefix });
    const queued = performance.now();
    say(`  ${o.count} scores queued in ${round((queued - started) / 1000, 2)} s`);
    let lastReport = started;
    const late = () => performance.now() - started > o.timeoutMs;
    while (inColumn().length < o.count && !late()) {
      if (performance.now() - lastReport > 10_000) { lastReport = performance.now(); say(`  … ${inColumn().length} delivered (${round((lastReport - started) / 1000)} s)`); }
      await sleep(20);
    }
    const delivered = performance.now();
    const placementFilter = { placementId: claims.plc, status: 'sent' };
    while (!late() && (await outbox.GradeOutboxModel.countDocuments(placementFilter)) < o.count) await sleep(100);
    const settled = performance.now();
    const users = new Set(inColumn().map((s) => s.userId));
    return {
      count: o.count, delivered: users.size, lmsDelayMs: o.lmsDelayMs,
      queueSeconds: (queued - started) / 1000,
      deliverSeconds: (delivered - started) / 1000,
      settledSeconds: (settled - started) / 1000,
      scoresPerSecond: users.size / ((delivered - started) / 1000),
      perPlatformConcurrency: worker.DEFAULT_GRADE_WORKER.perPlatform,
      duplicates: inColumn().length - users.size,
    };
  } finally {
    await platform.stop();
    await tool.stop();
  }
}
