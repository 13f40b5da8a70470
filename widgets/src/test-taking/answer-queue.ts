// Never lose an answer. Every change gets a per-position increasing `seq` and is written to durable
// storage (localStorage, key per attempt) before anything touches the network; it leaves storage
// only when the server acknowledges that seq (or a newer one). Network trouble means "try again
// later", never "drop". No DOM here: storage, sender and clock are injected so it tests in Node.
import type { ResponseValue, StoredResponse } from './types.js';

export interface QueuedAnswer { position: number; value: ResponseValue; seq: number }

/** The part of the Web Storage API the queue uses. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** What one send attempt came to. */
export type SendOutcome =
  /** The server stored it — or already had a newer seq (`stale`): both acknowledge the answer. */
  | { kind: 'saved'; seq?: number; stale?: boolean }
  /** Network error, timeout, 5xx, 429: keep it and try again later. */
  | { kind: 'retry'; offline?: boolean; retryAfterMs?: number }
  /** 409: the attempt is submitted or its time is over; nothing more will be accepted. */
  | { kind: 'closed'; message: string }
  /** 400/401/403/404: retrying cannot help (e.g. the session expired); answers stay on this device. */
  | { kind: 'halted'; status: number; message: string };

export type SendAnswer = (answer: QueuedAnswer, o: { urgent: boolean }) => Promise<SendOutcome>;
export type SendFlags = (flags: number[], o: { urgent: boolean }) => Promise<SendOutcome>;

/** The HTTP status of a PUT turned into what the queue should do about it. */
export function outcomeForStatus(status: number, message: string, retryAfterSeconds?: number): SendOutcome {
  if (status >= 200 && status < 300) return { kind: 'saved' };
  if (status === 409) return { kind: 'closed', message };
  if (status === 408 || status === 429 || status >= 500) {
    return { kind: 'retry', ...(retryAfterSeconds && retryAfterSeconds > 0 ? { retryAfterMs: Math.min(retryAfterSeconds, 300) * 1000 } : {}) };
  }
  return { kind: 'halted', status, message };
}

/** Exponential backoff with jitter: about 1 s, 2 s, 4 s … capped at 30 s. */
export function backoffMs(failures: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.5 + random() / 2));
}

interface StoredQueue { v: 1; answers: Record<string, StoredResponse>; flags?: number[] }

export const storageKey = (attemptId: string) => `growthline.answers.${attemptId}`;

/** What this device still holds for the attempt; a damaged or unreadable record reads as empty. */
export function readQueue(storage: KeyValueStorage, attemptId: string): StoredQueue {
  try {
    const raw = storage.getItem(storageKey(attemptId));
    const data = raw ? (JSON.parse(raw) as Partial<StoredQueue>) : undefined;
    if (!data || typeof data !== 'object' || typeof data.answers !== 'object' || data.answers === null) return { v: 1, answers: {} };
    const answers: Record<string, StoredResponse> = {};
    for (const [pos, a] of Object.entries(data.answers)) {
      if (a && typeof a === 'object' && Number.isInteger(a.seq) && a.seq >= 1 && a.value && typeof a.value === 'object') answers[pos] = { value: a.value, seq: a.seq };
    }
    return { v: 1, answers, ...(Array.isArray(data.flags) ? { flags: data.flags.filter((n) => Number.isInteger(n)) } : {}) };
  } catch {
    return { v: 1, answers: {} };
  }
}

/** False when the device refused to store it (quota, storage disabled): the answer is then only in memory. */
export function writeQueue(storage: KeyValueStorage, attemptId: string, q: StoredQueue): boolean {
  try {
    if (Object.keys(q.answers).length === 0 && !q.flags) storage.removeItem(storageKey(attemptId));
    else storage.setItem(storageKey(attemptId), JSON.stringify(q));
    return true;
  } catch {
    return false;
  }
}

/**
 * After a reload: what the server acknowledged plus what this device still queues. Per position the
 * higher seq wins; queued answers newer than the server's must be sent again.
 */
export function restoreAnswers(server: Record<string, StoredResponse>, queued: Record<string, StoredResponse>) {
  const answers: Record<string, StoredResponse> = { ...server };
  const pending: Record<string, StoredResponse> = {};
  for (const [pos, q] of Object.entries(queued)) {
    const s = server[pos];
    if (!s || q.seq > s.seq) {
      answers[pos] = q;
      pending[pos] = q;
    }
  }
  return { answers, pending };
}

export interface QueueStatus {
  /** Answers not yet acknowledged. */
  pending: number;
  /** A change of flags not yet acknowledged. */
  flagsPending: boolean;
  sending: boolean;
  /** The device is offline or the last try could not reach the server. */
  offline: boolean;
  /** Set once the server refuses answers for good (409): the message says why. */
  closed?: string;
  /** Set when retrying cannot help (e.g. the session expired); answers stay queued on this device. */
  halted?: string;
  /** False when the device would not store answers (they are then held in memory only). */
  durable: boolean;
}

export interface AnswerQueueOptions {
  attemptId: string;
  storage: KeyValueStorage;
  send: SendAnswer;
  sendFlags?: SendFlags;
  /** AttemptView.responses: what the server already acknowledged. */
  serverResponses?: Record<string, StoredResponse>;
  /** How long to wait after a keystroke before sending (typing is debounced, choices are not). */
  debounceMs?: number;
  isOnline?: () => boolean;
  onChange?: (s: QueueStatus) => void;
  random?: () => number;
}

export interface AnswerQueue {
  /** Records a change now (durably) and sends it — after `debounceMs` when `debounce` is set. */
  answer(position: number, value: ResponseValue, o?: { debounce?: boolean }): number;
  /** The latest value this device knows for each position (acknowledged or not). */
  answers(): Map<number, ResponseValue>;
  setFlags(flags: number[]): void;
  /** Sends everything now, without waiting for debounce timers or backoff (blur, next, pagehide). */
  flush(o?: { urgent?: boolean }): void;
  /** Try again at once (the `online` event, a "retry" button). */
  resume(): void;
  /** Resolves when nothing is left to send; rejects if the server closed the attempt or sending halted. */
  drained(): Promise<void>;
  status(): QueueStatus;
  /** Drops this attempt's stored queue (after a successful submit). */
  forget(): void;
  dispose(): void;
}

export class QueueStopped extends Error {}

export function createAnswerQueue(o: AnswerQueueOptions): AnswerQueue {
  const debounceMs = o.debounceMs ?? 400;
  const isOnline = o.isOnline ?? (() => true);
  const stored = readQueue(o.storage, o.attemptId);
  const restored = restoreAnswers(o.serverResponses ?? {}, stored.answers);

  const latest = new Map<number, StoredResponse>();
  const pending = new Map<number, StoredResponse & { dueAt: number }>();
  const lastSeq = new Map<number, number>();
  for (const [pos, a] of Object.entries(restored.answers)) {
    latest.set(Number(pos), a);
    lastSeq.set(Number(pos), a.seq);
  }
  for (const [pos, a] of Object.entries(restored.pending)) pending.set(Number(pos), { ...a, dueAt: 0 });
  let flags: number[] | undefined = stored.flags;

  let inFlight = false;
  let failures = 0;
  let retryAt = 0;
  let offline = false;
  let urgent = false;
  let durable = true;
  let closed: string | undefined;
  let halted: string | undefined;
  let disposed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];

  const persist = () => {
    const answers: Record<string, StoredResponse> = {};
    for (const [pos, a] of pending) answers[pos] = { value: a.value, seq: a.seq };
    durable = writeQueue(o.storage, o.attemptId, { v: 1, answers, ...(flags ? { flags } : {}) });
  };
  // Answers the server already had are dropped from storage straight away.
  if (Object.keys(stored.answers).length !== pending.size) persist();

  const status = (): QueueStatus => ({
    pending: pending.size, flagsPending: !!flags, sending: inFlight, offline,
    ...(closed ? { closed } : {}), ...(halted ? { halted } : {}), durable,
  });
  const isDrained = () => pending.size === 0 && !flags && !inFlight;
  const settle = () => {
    const stop = closed ?? halted;
    if (stop) {
      const w = waiters; waiters = [];
      for (const x of w) x.reject(new QueueStopped(stop));
    } else if (isDrained()) {
      const w = waiters; waiters = [];
      for (const x of w) x.resolve();
    }
  };
  const changed = () => { o.onChange?.(status()); settle(); };

  const schedule = (at: number) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => { timer = undefined; pump(); }, Math.max(0, at - Date.now()));
  };

  const handle = (outcome: SendOutcome, ack: (seq?: number) => void) => {
    switch (outcome.kind) {
      case 'saved':
        failures = 0; retryAt = 0; offline = false;
        ack(outcome.seq);
        break;
      case 'retry':
        failures += 1;
        offline = outcome.offline === true || !isOnline();
        retryAt = Date.now() + Math.max(backoffMs(failures, o.random), outcome.retryAfterMs ?? 0);
        break;
      case 'closed': closed = outcome.message; break;
      case 'halted': halted = outcome.message; break;
    }
  };

  function pump(): void {
    if (inFlight || disposed) return;
    if (closed || halted) { changed(); return; }
    const now = Date.now();
    if (pending.size === 0 && !flags) { changed(); return; }
    if (!isOnline()) {
      offline = true;
      // `online` calls resume(); the timer only covers browsers that never fire it.
      schedule(now + 30_000);
      changed();
      return;
    }
    if (retryAt > now) { schedule(retryAt); changed(); return; }
    let next: [number, StoredResponse & { dueAt: number }] | undefined;
    for (const entry of pending) if (entry[1].dueAt <= now && (!next || entry[1].dueAt < next[1].dueAt)) next = entry;
    const sendingUrgent = urgent;
    if (next) {
      const [position, sent] = next;
      inFlight = true;
      changed();
      void o.send({ position, value: sent.value, seq: sent.seq }, { urgent: sendingUrgent })
        .catch((): SendOutcome => ({ kind: 'retry' }))
        .then((outcome) => {
          inFlight = false;
          handle(outcome, (serverSeq) => {
            const acked = Math.max(sent.seq, serverSeq ?? 0);
            const now = pending.get(position);
            if (now && now.seq <= acked) pending.delete(position);
            if (acked > (lastSeq.get(position) ?? 0)) lastSeq.set(position, acked);
            persist();
          });
          pump();
        });
      return;
    }
    if (flags && o.sendFlags) {
      const sent = flags;
      inFlight = true;
      changed();
      void o.sendFlags(sent, { urgent: sendingUrgent })
        .catch((): SendOutcome => ({ kind: 'retry' }))
        .then((outcome) => {
          inFlight = false;
          handle(outcome, () => { if (flags === sent) { flags = undefined; persist(); } });
          pump();
        });
      return;
    }
    if (flags && !o.sendFlags) { flags = undefined; persist(); }
    urgent = false;
    let soonest = Infinity;
    for (const [, a] of pending) soonest = Math.min(soonest, a.dueAt);
    if (soonest < Infinity) schedule(soonest);
    changed();
  }

  // Whatever a reload restored goes out at once.
  pump();

  return {
    answer(position, value, opts = {}) {
      const seq = (lastSeq.get(position) ?? 0) + 1;
      lastSeq.set(position, seq);
      latest.set(position, { value, seq });
      pending.set(position, { value, seq, dueAt: Date.now() + (opts.debounce ? debounceMs : 0) });
      persist();
      pump();
      return seq;
    },
    answers: () => new Map([...latest].map(([pos, a]) => [pos, a.value])),
    setFlags(next) {
      flags = [...next];
      persist();
      pump();
    },
    flush(opts = {}) {
      for (const a of pending.values()) a.dueAt = 0;
      if (opts.urgent) urgent = true;
      retryAt = 0;
      pump();
    },
    resume() {
      failures = 0; retryAt = 0;
      if (isOnline()) offline = false;
      for (const a of pending.values()) a.dueAt = Math.min(a.dueAt, Date.now());
      pump();
    },
    drained() {
      return new Promise<void>((resolve, reject) => {
        waiters.push({ resolve, reject });
        settle();
      });
    },
    status,
    forget() {
      pending.clear();
      flags = undefined;
      try { o.storage.removeItem(storageKey(o.attemptId)); } catch { /* storage unavailable: nothing to remove */ }
    },
    dispose() {
      disposed = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}

/** localStorage when the browser lets this frame use it, else memory (answers then live as long as the page). */
export function browserStorage(): KeyValueStorage {
  try {
    const s = window.localStorage;
    const probe = 'growthline.probe';
    s.setItem(probe, '1');
    s.removeItem(probe);
    return s;
  } catch {
    const m = new Map<string, string>();
    return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => { m.set(k, v); }, removeItem: (k) => { m.delete(k); } };
  }
}
