// The grade worker: claims due scores from the outbox with an atomic lease, sends them to the LMS
// with bounded concurrency per platform, retries with backoff, and on stop hands back what it holds.
// Any number of tool processes may run one: a lease is the only permission to send a record, and
// a crashed process's leases simply expire.
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { getAssessment } from '../content/content.service.js';
import { getCourse } from '../courses/course.service.js';
import type { Logger } from '../log.js';
import { SCOPES } from '../lti/registration.js';
import { getPlacement } from '../placements/placement.service.js';
import { AgsError, DEFAULT_AGS_TIMEOUT_MS, findOrCreateLineItem, postScore, type AgsScore, type LineItemQuery } from './ags.js';
import { afterFailure, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import type { GradeWorkerEnvSettings } from './worker-env.js';
import { GradeColumnModel, NO_LEASE, StandardColumnModel, type GradeOutboxDoc } from './outbox.model.js';
import { claimScore, findDueScores, onScoreQueued, releaseAllLeases, releaseScore, serialWrite, settleFailedTry, settleSent } from './outbox.service.js';

/** The tag Growthline puts on the gradebook columns it creates (deep linking uses the same). */
export const LINE_ITEM_TAG = 'growthline';
/** The tag of a per-standard mastery column; its resourceId is the standard's code. */
export const STANDARD_LINE_ITEM_TAG = 'growthline-standard';
/** Columns Growthline creates show a percentage, like the ones deep linking creates. */
const CREATED_COLUMN_MAXIMUM = 100;
/** A mastery column holds the level: 1 Beginning, 2 Developing, 3 Proficient, 4 Mastered. */
export const STANDARD_COLUMN_MAXIMUM = 4;

/** The label of a per-standard mastery column, as the gradebook shows it. */
export function standardColumnLabel(code: string, assessmentTitle: string): string {
  return `${code} mastery — ${assessmentTitle || 'Growthline'}`;
}
/** Due records read per look. */
const CANDIDATES = 100;

export interface GradeWorkerSettings {
  backoff: BackoffPolicy;
  /** Per LMS request. */
  requestTimeoutMs: number;
  /** How long a claim lasts; must cover a send (line item lookup included) with room to spare. */
  leaseMs: number;
  /** How often to look for due work when nothing woke the worker. */
  pollMs: number;
  /** Sends in flight at once to one LMS platform. */
  perPlatform: number;
  /** Sends in flight at once in this process. */
  maxInFlight: number;
  /** How long stop() waits for sends in flight before aborting them. */
  stopGraceMs: number;
}

export const DEFAULT_GRADE_WORKER: GradeWorkerSettings = {
  backoff: DEFAULT_BACKOFF,
  requestTimeoutMs: DEFAULT_AGS_TIMEOUT_MS,
  leaseMs: 120_000,
  pollMs: 2_000,
  perPlatform: 4,
  maxInFlight: 32,
  stopGraceMs: 5_000,
};

export interface GradeWorkerOptions extends Partial<Omit<GradeWorkerSettings, 'backoff'>> {
  log: Logger;
  backoff?: Partial<BackoffPolicy>;
  /** The clock the worker reads (ms since the epoch); tests move it. */
  now?: () => number;
  random?: () => number;
  /** Identifies this worker's leases; unique per process by default. */
  owner?: string;
}

export interface GradeWorker {
  readonly owner: string;
  /** Looks for due work now (after a test moves the clock, or a resend). */
  wake(): void;
  /** Resolves when nothing is in flight and nothing is due right now. */
  idle(): Promise<void>;
  /** Stops claiming, waits for sends in flight (bounded), aborts the rest, releases every lease. */
  stop(): Promise<void>;
}

/**
 * The worker main.ts starts: settings from the configuration (GRADES_*, server/config.ts), then `overrides`.
 * GRADES_WORKER=off runs none (another process sends the grades); stop() is then a no-op.
 */
export function startGradeWorkerWith(fromConfig: GradeWorkerEnvSettings, log: Logger, overrides: Partial<GradeWorkerOptions> = {}): GradeWorker {
  const { enabled, ...settings } = fromConfig;
  if (!enabled) {
    log.info('grade worker is off in this process (GRADES_WORKER=off)');
    return { owner: '', wake() {}, idle: async () => {}, stop: async () => {} };
  }
  return startGradeWorker({ ...settings, ...overrides, backoff: { ...settings.backoff, ...overrides.backoff }, log });
}

type LineItemAnswer = { url: string; ours: boolean } | { busy: true };

/** The fields GradeColumn and StandardColumn share: where the column is, and who is looking for it. */
interface ColumnFields { _id: mongoose.Types.ObjectId; lineItemUrl: string | null; lockUntil: Date; lockOwner: string | null; updatedAt: Date }
interface ColumnRecord { model: typeof GradeColumnModel | typeof StandardColumnModel; key: Record<string, unknown> }

export function startGradeWorker(o: GradeWorkerOptions): GradeWorker {
  const s: GradeWorkerSettings = {
    ...DEFAULT_GRADE_WORKER,
    ...Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && k in DEFAULT_GRADE_WORKER && k !== 'backoff')),
    backoff: { ...DEFAULT_BACKOFF, ...o.backoff },
  };
  const log = o.log;
  const now = o.now ?? Date.now;
  const random = o.random ?? Math.random;
  const owner = o.owner ?? `${process.pid}-${randomBytes(6).toString('hex')}`;
  const stopping = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const perPlatform = new Map<string, number>();
  let running = true;
  let filling = false;
  let fillAgain = false;
  let timer: NodeJS.Timeout | undefined;
  let idleWaiters: Array<() => void> = [];
  // Due records read in one query and claimed one by one as slots free up: one read serves many sends.
  let candidates: GradeOutboxDoc[] = [];
  let candidatesAt = 0;

  let timerAt = Infinity;
  /** Look for work again in `ms`, unless a look is already planned sooner. */
  const schedule = (ms: number) => {
    if (!running) return;
    const at = Date.now() + Math.max(0, ms);
    if (timer && timerAt <= at) return;
    if (timer) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(() => { timer = undefined; timerAt = Infinity; void fill(); }, Math.max(0, ms));
    timer.unref();
  };

  const notifyIdle = () => {
    if (inFlight.size || filling) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };

  async function fill(): Promise<void> {
    if (!running) return;
    if (filling) { fillAgain = true; return; }
    filling = true;
    try {
      do {
        fillAgain = false;
        let fetches = 0;
        while (running && inFlight.size < s.maxInFlight && mongoose.connection.readyState === 1) {
          const hasRoom = (c: GradeOutboxDoc) => (perPlatform.get(c.platformId) ?? 0) < s.perPlatform;
          let i = candidates.findIndex(hasRoom);
          if (i < 0) {
            // What is left waits for a busy platform; look for more only when the list is used up or old.
            if ((candidates.length && Date.now() - candidatesAt < s.pollMs) || fetches >= 3) break;
            fetches++;
            const busy = [...perPlatform].filter(([, n]) => n >= s.perPlatform).map(([p]) => p);
            candidates = await findDueScores(new Date(now()), CANDIDATES, busy);
            candidatesAt = Date.now();
            i = candidates.findIndex(hasRoom);
            if (i < 0) break;
          }
          const [found] = candidates.splice(i, 1);
          const job = await claimScore(found!, owner, new Date(now()), s.leaseMs);
          if (!job) continue; // another worker took it, or it changed: it comes back in a later look
          if (!running) { await releaseScore(job, owner); break; }
          track(job);
        }
      } while (fillAgain && running);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'grade worker could not claim work; will look again');
    } finally {
      filling = false;
      schedule(s.pollMs);
      notifyIdle();
    }
  }

  function track(job: GradeOutboxDoc) {
    const platform = job.platformId;
    perPlatform.set(platform, (perPlatform.get(platform) ?? 0) + 1);
    const p = deliver(job)
      .catch((err: Error) => log.error({ err: err.message, outboxId: String(job._id) }, 'grade delivery crashed; the lease will expire and it will be sent again'))
      .finally(() => {
        inFlight.delete(p);
        const n = (perPlatform.get(platform) ?? 1) - 1;
        if (n <= 0) perPlatform.delete(platform); else perPlatform.set(platform, n);
        if (running) void fill();
        notifyIdle();
      });
    inFlight.add(p);
  }

  async function deliver(job: GradeOutboxDoc): Promise<void> {
    const tenantId = String(job.tenantId);
    const ids = { tenantId, placementId: String(job.placementId), attemptId: job.attemptId };
    const agsOpts = { timeoutMs: s.requestTimeoutMs, signal: stopping.signal };
    let lineItem: LineItemAnswer | undefined;
    try {
      lineItem = await lineItemFor(job, agsOpts);
      if ('busy' in lineItem) {
        // Another process is finding or creating this activity's column: come back shortly, no try counted.
        await releaseScore(job, owner, new Date(now() + Math.min(1000, s.backoff.baseMs)));
        return;
      }
      const score: AgsScore = {
        userId: job.lmsUserId,
        // A progress report carries no score at all (AGS: scoreMaximum only beside a scoreGiven).
        ...(job.scoreGiven !== null && job.scoreGiven !== undefined ? { scoreGiven: job.scoreGiven, scoreMaximum: job.scoreMaximum ?? undefined } : {}),
        activityProgress: job.activityProgress as AgsScore['activityProgress'], gradingProgress: job.gradingProgress as AgsScore['gradingProgress'],
        timestamp: job.timestamp.toISOString(), ...(job.comment ? { comment: job.comment } : {}),
      };
      await postScore(tenantId, lineItem.url, score, agsOpts);
      const settled = await settleSent(job, owner, new Date(now()));
      log.info({ ...ids, tries: job.tries + 1, superseded: !settled }, 'score sent to the LMS');
    } catch (err) {
      if (stopping.signal.aborted) {
        await releaseScore(job, owner);
        return;
      }
      const e = err instanceof AgsError ? err : new AgsError('Growthline had a problem of its own while sending; it will try again.', 0, true);
      if (!(err instanceof AgsError)) log.warn({ ...ids, err: (err as Error).message }, 'grade delivery failed inside the tool');
      // A column Growthline found or created has gone: forget it, so a resend looks again.
      if (e.status === 404 && lineItem && 'ours' in lineItem && lineItem.ours) {
        if (job.standard) await StandardColumnModel.updateOne({ tenantId: job.tenantId, placementId: job.placementId, standard: job.standard, lineItemUrl: lineItem.url }, { $set: { lineItemUrl: null } });
        else await GradeColumnModel.updateOne({ tenantId: job.tenantId, placementId: job.placementId, lineItemUrl: lineItem.url }, { $set: { lineItemUrl: null } });
      }
      const decision = afterFailure(job.tries + 1, e.retryable, s.backoff, random, e.retryAfterSeconds);
      const retryAt = decision.retry ? new Date(now() + decision.delayMs) : null;
      await settleFailedTry(job, owner, new Date(now()), e.message, e.status || null, retryAt);
      log[decision.retry ? 'info' : 'warn']({ ...ids, status: e.status, tries: job.tries + 1, retryInMs: decision.retry ? decision.delayMs : undefined }, decision.retry ? 'score not accepted yet; will retry' : 'score could not be sent; marked failed');
      if (decision.retry) schedule(Math.min(s.pollMs, decision.delayMs + 1));
    }
  }

  /**
   * The gradebook column: the one the launch named, else the one Growthline found or created before,
   * else find or create it now, holding a lock so only one process does so for an activity. A
   * per-standard score goes to that standard's mastery column, which Growthline always manages itself.
   */
  async function lineItemFor(job: GradeOutboxDoc, agsOpts: { timeoutMs: number; signal: AbortSignal }): Promise<LineItemAnswer> {
    const tenantId = String(job.tenantId);
    const placement = await getPlacement(tenantId, String(job.placementId));
    if (!placement) throw new AgsError('This activity no longer exists in Growthline.', 0, false);
    if (job.standard) {
      const code = job.standard;
      const title = placement.assessmentId ? (await getAssessment(tenantId, placement.assessmentId))?.title : undefined;
      return ownColumn(job, { model: StandardColumnModel, key: { tenantId: job.tenantId, placementId: job.placementId, standard: code } }, {
        resourceLinkId: placement.resourceLinkId, resourceId: code, matchResourceId: true, tag: STANDARD_LINE_ITEM_TAG,
        label: standardColumnLabel(code, title || placement.title || ''), scoreMaximum: STANDARD_COLUMN_MAXIMUM,
      }, agsOpts);
    }
    if (placement.lineItemUrl) return { url: placement.lineItemUrl, ours: false };
    return ownColumn(job, { model: GradeColumnModel, key: { tenantId: job.tenantId, placementId: job.placementId } }, {
      resourceLinkId: placement.resourceLinkId, resourceId: placement.assessmentId ?? undefined,
      tag: LINE_ITEM_TAG, label: placement.title || 'Growthline assessment', scoreMaximum: CREATED_COLUMN_MAXIMUM,
    }, agsOpts);
  }

  /** A column Growthline manages: remembered once found or created; one process at a time looks (a lock on the record). */
  async function ownColumn(
    job: GradeOutboxDoc, column: ColumnRecord, q: Omit<LineItemQuery, 'lineItemsUrl'>, agsOpts: { timeoutMs: number; signal: AbortSignal },
  ): Promise<LineItemAnswer> {
    const tenantId = String(job.tenantId);
    const model = column.model as unknown as mongoose.Model<ColumnFields>;
    const known = await model.findOne(column.key).lean();
    if (known?.lineItemUrl) return { url: known.lineItemUrl, ours: true };

    const course = await getCourse(tenantId, String(job.courseId));
    if (!course?.lineItemsUrl) {
      throw new AgsError('The LMS gave Growthline no gradebook for this activity (its launches carry no grade service). Make the activity graded in the LMS, then resend.', 0, false);
    }
    const scopes = course.agsScopes ?? [];
    if (scopes.length && !scopes.includes(SCOPES.lineItem)) {
      throw new AgsError(job.standard
        ? 'The LMS does not let Growthline create gradebook columns, so mastery by standard cannot be shown there. An administrator can allow it (the line item scope).'
        : 'The LMS has no gradebook column for this activity and does not let Growthline create one. Make the activity graded in the LMS, then resend.', 0, false);
    }
    const at = new Date(now());
    let lock;
    try {
      lock = await serialWrite(() => model.findOneAndUpdate(
        { ...column.key, lineItemUrl: null, lockUntil: { $lt: at } },
        { $set: { lockUntil: new Date(at.getTime() + s.leaseMs), lockOwner: owner, updatedAt: at } },
        { upsert: true, new: true },
      ).lean());
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return { busy: true };
      throw err;
    }
    if (!lock) return { busy: true };
    try {
      const { id, created } = await findOrCreateLineItem(tenantId, { ...q, lineItemsUrl: course.lineItemsUrl }, agsOpts);
      await model.updateOne({ _id: lock._id, lockOwner: owner }, { $set: { lineItemUrl: id, lockUntil: NO_LEASE, lockOwner: null, updatedAt: new Date(now()) } });
      log.info({ tenantId, placementId: String(job.placementId), standard: job.standard ?? undefined, created }, created ? 'gradebook column created' : 'gradebook column found');
      return { url: id, ours: true };
    } catch (err) {
      await model.updateOne({ _id: lock._id, lockOwner: owner }, { $set: { lockUntil: NO_LEASE, lockOwner: null } }).catch(() => undefined);
      throw err;
    }
  }

  const unsubscribe = onScoreQueued(() => { void fill(); });
  void fill();

  let stopped: Promise<void> | undefined;
  return {
    owner,
    wake() { void fill(); },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        void fill();
      });
    },
    stop() {
      return (stopped ??= (async () => {
        running = false;
        unsubscribe();
        if (timer) clearTimeout(timer);
        const settled = Promise.allSettled([...inFlight]);
        const grace = new Promise<'late'>((r) => setTimeout(() => r('late'), s.stopGraceMs).unref());
        if ((await Promise.race([settled.then(() => 'done' as const), grace])) === 'late') {
          stopping.abort();
          await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, 2_000).unref())]);
        }
        if (mongoose.connection.readyState === 1) {
          await releaseAllLeases(owner).catch((err: Error) => log.warn({ err: err.message }, 'could not release grade leases; they will expire'));
        }
        for (const w of idleWaiters) w();
        idleWaiters = [];
      })());
    },
  };
}
