import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  backoffMs, createAnswerQueue, outcomeForStatus, readQueue, restoreAnswers, storageKey,
  type KeyValueStorage, type QueuedAnswer, type SendAnswer, type SendOutcome,
} from './answer-queue.js';
import type { ResponseValue, StoredResponse } from './types.js';

const memoryStorage = (): KeyValueStorage & { data: Map<string, string> } => {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => { data.set(k, v); }, removeItem: (k) => { data.delete(k); } };
};
const text = (t: string): ResponseValue => ({ type: 'text', text: t });
const choice = (c: string): ResponseValue => ({ type: 'single', choice: c });
const stored = (s: KeyValueStorage, id = 'a1') => readQueue(s, id).answers;

/** A sender whose answers the test decides, one call at a time. */
function manualSender() {
  const calls: { answer: QueuedAnswer; resolve: (o: SendOutcome) => void }[] = [];
  const send: SendAnswer = (answer) => new Promise((resolve) => { calls.push({ answer, resolve }); });
  return { send, calls };
}

/** The server's rule (docs/api.md): keep a response only if its seq is newer; otherwise answer stale. */
function fakeServer() {
  const responses: Record<string, StoredResponse> = {};
  const put = (a: QueuedAnswer): SendOutcome => {
    const cur = responses[a.position];
    if (cur && cur.seq >= a.seq) return { kind: 'saved', seq: cur.seq, stale: true };
    responses[a.position] = { value: a.value, seq: a.seq };
    return { kind: 'saved', seq: a.seq, stale: false };
  };
  return { responses, put };
}

beforeEach(() => { vi.useFakeTimers(); });
afterEach(() => { vi.useRealTimers(); });

describe('answer queue', () => {
  it('stores an answer on the device before sending it, and keeps it until the server acknowledges', async () => {
    const storage = memoryStorage();
    const { send, calls } = manualSender();
    const q = createAnswerQueue({ attemptId: 'a1', storage, send });
    q.answer(1, choice('b'));
    expect(stored(storage)).toEqual({ 1: { value: choice('b'), seq: 1 } });
    expect(calls.map((c) => c.answer)).toEqual([{ position: 1, value: choice('b'), seq: 1 }]);
    expect(q.status()).toMatchObject({ pending: 1, sending: true });
    calls[0]!.resolve({ kind: 'saved', seq: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(storage.data.has(storageKey('a1'))).toBe(false);
    expect(q.status()).toMatchObject({ pending: 0, sending: false, offline: false });
  });

  it('numbers each position’s changes 1, 2, 3 … independently of other positions', async () => {
    const server = fakeServer();
    const sent: QueuedAnswer[] = [];
    const q = createAnswerQueue({ attemptId: 'a1', storage: memoryStorage(), send: async (a) => { sent.push(a); return server.put(a); } });
    q.answer(1, choice('a'));
    await vi.advanceTimersByTimeAsync(0);
    q.answer(2, choice('c'));
    await vi.advanceTimersByTimeAsync(0);
    q.answer(1, choice('b'));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((a) => [a.position, a.seq])).toEqual([[1, 1], [2, 1], [1, 2]]);
    expect(server.responses[1]).toEqual({ value: choice('b'), seq: 2 });
  });

  it('treats a stale answer as acknowledged', async () => {
    const storage = memoryStorage();
    const q = createAnswerQueue({ attemptId: 'a1', storage, send: async () => ({ kind: 'saved', seq: 7, stale: true }) });
    q.answer(3, text('x'));
    await vi.advanceTimersByTimeAsync(0);
    expect(stored(storage)).toEqual({});
    // The next change must outrank what the server holds.
    const seq = q.answer(3, text('y'));
    expect(seq).toBe(8);
  });

  it('retries after network errors with growing waits, keeping the answer stored meanwhile', async () => {
    const storage = memoryStorage();
    const times: number[] = [];
    let fail = 3;
    const q = createAnswerQueue({
      attemptId: 'a1', storage, random: () => 1,
      send: async () => { times.push(Date.now()); return fail-- > 0 ? { kind: 'retry' } : { kind: 'saved' }; },
    });
    const t0 = Date.now();
    q.answer(1, choice('a'));
    await vi.advanceTimersByTimeAsync(0);
    expect(stored(storage)[1]).toBeDefined();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(times.map((t) => t - t0)).toEqual([0, 1000, 3000, 7000]);
    expect(stored(storage)).toEqual({});
  });

  it('throws nothing away when the sender itself throws (e.g. fetch rejects)', async () => {
    const storage = memoryStorage();
    let n = 0;
    const q = createAnswerQueue({ attemptId: 'a1', storage, random: () => 0, send: async () => { if (n++ === 0) throw new TypeError('Failed to fetch'); return { kind: 'saved' }; } });
    q.answer(1, choice('a'));
    await vi.advanceTimersByTimeAsync(0);
    expect(stored(storage)[1]).toBeDefined();
    await vi.advanceTimersByTimeAsync(1000);
    expect(stored(storage)).toEqual({});
  });

  it('honours Retry-After on 429', async () => {
    const times: number[] = [];
    let first = true;
    const q = createAnswerQueue({
      attemptId: 'a1', storage: memoryStorage(), random: () => 0,
      send: async () => { times.push(Date.now()); if (first) { first = false; return outcomeForStatus(429, 'slow down', 20); } return { kind: 'saved' }; },
    });
    const t0 = Date.now();
    q.answer(1, choice('a'));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(times.map((t) => t - t0)).toEqual([0, 20_000]);
  });

  it('keeps a newer answer queued when the acknowledgement of an older one arrives', async () => {
    const storage = memoryStorage();
    const { send, calls } = manualSender();
    const q = createAnswerQueue({ attemptId: 'a1', storage, send });
    q.answer(1, choice('a'));
    q.answer(1, choice('b'));
    expect(calls).toHaveLength(1);
    calls[0]!.resolve({ kind: 'saved', seq: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(stored(storage)).toEqual({ 1: { value: choice('b'), seq: 2 } });
    expect(calls[1]!.answer).toEqual({ position: 1, value: choice('b'), seq: 2 });
  });

  it('sends typing once the student pauses, with the latest text, and at once on flush', async () => {
    const storage = memoryStorage();
    const sent: QueuedAnswer[] = [];
    const q = createAnswerQueue({ attemptId: 'a1', storage, debounceMs: 400, send: async (a) => { sent.push(a); return { kind: 'saved' }; } });
    q.answer(2, text('1'), { debounce: true });
    await vi.advanceTimersByTimeAsync(200);
    q.answer(2, text('12'), { debounce: true });
    expect(stored(storage)[2]).toEqual({ value: text('12'), seq: 2 });
    await vi.advanceTimersByTimeAsync(399);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([{ position: 2, value: text('12'), seq: 2 }]);
    q.answer(2, text('123'), { debounce: true });
    q.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.at(-1)).toEqual({ position: 2, value: text('123'), seq: 3 });
  });

  it('after a reload restores acknowledged and queued answers, the higher seq winning, and re-sends only the newer', async () => {
    const storage = memoryStorage();
    storage.setItem(storageKey('a1'), JSON.stringify({ v: 1, answers: { 1: { value: choice('new'), seq: 3 }, 2: { value: choice('old'), seq: 1 } } }));
    const sent: QueuedAnswer[] = [];
    const { send, calls } = manualSender();
    const q = createAnswerQueue({
      attemptId: 'a1', storage, send: (a, o) => { sent.push(a); return send(a, o); },
      serverResponses: { 1: { value: choice('older'), seq: 2 }, 2: { value: choice('newer'), seq: 2 }, 4: { value: text('kept'), seq: 1 } },
    });
    expect(Object.fromEntries(q.answers())).toEqual({ 1: choice('new'), 2: choice('newer'), 4: text('kept') });
    expect(sent).toEqual([{ position: 1, value: choice('new'), seq: 3 }]);
    expect(Object.keys(stored(storage))).toEqual(['1']);
    expect(q.answer(2, choice('x'))).toBe(3);
    expect(q.answer(1, choice('y'))).toBe(4);
    calls[0]!.resolve({ kind: 'saved', seq: 3 });
  });

  it('stops and says why on 409, keeping the answers on the device', async () => {
    const storage = memoryStorage();
    let calls = 0;
    const q = createAnswerQueue({ attemptId: 'a1', storage, send: async () => { calls++; return outcomeForStatus(409, 'Time is up.'); } });
    q.answer(1, choice('a'));
    await expect(q.drained()).rejects.toThrow('Time is up.');
    q.answer(2, choice('b'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(1);
    expect(q.status()).toMatchObject({ closed: 'Time is up.' });
    expect(Object.keys(stored(storage)).sort()).toEqual(['1', '2']);
  });

  it('halts without retrying when the session has expired, keeping the answers', async () => {
    const storage = memoryStorage();
    let calls = 0;
    const q = createAnswerQueue({ attemptId: 'a1', storage, send: async () => { calls++; return outcomeForStatus(401, 'Session expired'); } });
    q.answer(1, choice('a'));
    await expect(q.drained()).rejects.toThrow('Session expired');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(1);
    expect(stored(storage)[1]).toBeDefined();
  });

  it('waits while the device is offline and sends as soon as it is back', async () => {
    let online = false;
    const sent: QueuedAnswer[] = [];
    const statuses: boolean[] = [];
    const q = createAnswerQueue({
      attemptId: 'a1', storage: memoryStorage(), isOnline: () => online,
      send: async (a) => { sent.push(a); return { kind: 'saved' }; }, onChange: (s) => statuses.push(s.offline),
    });
    q.answer(1, choice('a'));
    q.answer(2, choice('b'));
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent).toEqual([]);
    expect(q.status()).toMatchObject({ offline: true, pending: 2 });
    let drained = false;
    void q.drained().then(() => { drained = true; });
    online = true;
    q.resume();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((a) => a.position)).toEqual([1, 2]);
    expect(drained).toBe(true);
    expect(q.status().offline).toBe(false);
    expect(statuses).toContain(true);
  });

  it('keeps working in memory when the device refuses to store, and says so', async () => {
    const storage: KeyValueStorage = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); }, removeItem: () => undefined };
    const sent: QueuedAnswer[] = [];
    const q = createAnswerQueue({ attemptId: 'a1', storage, isOnline: () => false, send: async (a) => { sent.push(a); return { kind: 'saved' }; } });
    q.answer(1, choice('a'));
    expect(q.status()).toMatchObject({ durable: false, pending: 1 });
    expect(q.answers().get(1)).toEqual(choice('a'));
  });

  it('reads a damaged stored record as empty instead of failing', () => {
    const storage = memoryStorage();
    storage.setItem(storageKey('a1'), '{not json');
    expect(readQueue(storage, 'a1')).toEqual({ v: 1, answers: {} });
    storage.setItem(storageKey('a1'), JSON.stringify({ answers: { 1: { seq: 'x' }, 2: { value: choice('a'), seq: 2 } } }));
    expect(readQueue(storage, 'a1').answers).toEqual({ 2: { value: choice('a'), seq: 2 } });
  });

  it('keeps flag changes until the server acknowledges them, and survives a reload', async () => {
    const storage = memoryStorage();
    const flagsSent: number[][] = [];
    let ok = false;
    const q = createAnswerQueue({
      attemptId: 'a1', storage, random: () => 0, send: async () => ({ kind: 'saved' }),
      sendFlags: async (f) => { flagsSent.push(f); return ok ? { kind: 'saved' } : { kind: 'retry' }; },
    });
    q.setFlags([2, 5]);
    await vi.advanceTimersByTimeAsync(0);
    expect(readQueue(storage, 'a1').flags).toEqual([2, 5]);
    q.dispose();
    ok = true;
    const again = createAnswerQueue({ attemptId: 'a1', storage, send: async () => ({ kind: 'saved' }), sendFlags: async (f) => { flagsSent.push(f); return { kind: 'saved' }; } });
    await again.drained();
    expect(flagsSent.at(-1)).toEqual([2, 5]);
    expect(readQueue(storage, 'a1').flags).toBeUndefined();
  });

  it('forget() clears the device after submit', async () => {
    const storage = memoryStorage();
    const q = createAnswerQueue({ attemptId: 'a1', storage, isOnline: () => false, send: async () => ({ kind: 'saved' }) });
    q.answer(1, choice('a'));
    q.forget();
    expect(storage.data.size).toBe(0);
  });

  it('never loses the last answer per question, whatever fails, is lost in transit, or reloads', async () => {
    vi.useRealTimers();
    type Step =
      | { op: 'answer'; position: number; text: string; debounce: boolean }
      | { op: 'fail'; how: 'network' | 'ack-lost' | '500' }
      | { op: 'reload' }
      | { op: 'offline'; on: boolean };
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 5, arbitrary: fc.record({ op: fc.constant('answer' as const), position: fc.integer({ min: 1, max: 4 }), text: fc.string({ maxLength: 3 }), debounce: fc.boolean() }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('fail' as const), how: fc.constantFrom('network' as const, 'ack-lost' as const, '500' as const) }) },
      { weight: 1, arbitrary: fc.constant({ op: 'reload' as const }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('offline' as const), on: fc.boolean() }) },
    );
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(step, fc.integer({ min: 0, max: 300 })), { maxLength: 40 }), async (steps) => {
      vi.useFakeTimers();
      try {
        const storage = memoryStorage();
        const server = fakeServer();
        const expected = new Map<number, ResponseValue>();
        let failNext: 'network' | 'ack-lost' | '500' | undefined;
        let online = true;
        const send: SendAnswer = async (a) => {
          // Answers in transit for a while, so the student keeps changing them meanwhile.
          await new Promise((r) => setTimeout(r, 120));
          const how = failNext;
          failNext = undefined;
          if (!online || how === 'network') return { kind: 'retry', offline: !online };
          if (how === '500') return outcomeForStatus(500, 'oops');
          const outcome = server.put(a);
          return how === 'ack-lost' ? { kind: 'retry' } : outcome;
        };
        const open = () => createAnswerQueue({ attemptId: 'a1', storage, send, isOnline: () => online, random: () => 0.5, serverResponses: structuredClone(server.responses) });
        let q = open();
        for (const [s, wait] of steps) {
          if (s.op === 'answer') { q.answer(s.position, text(s.text), { debounce: s.debounce }); expected.set(s.position, text(s.text)); }
          if (s.op === 'fail') failNext = s.how;
          if (s.op === 'reload') { q.dispose(); q = open(); }
          if (s.op === 'offline') { online = !s.on; if (online) q.resume(); }
          await vi.advanceTimersByTimeAsync(wait);
          // What the student sees is always their latest answer.
          for (const [pos, v] of expected) expect(q.answers().get(pos)).toEqual(v);
        }
        online = true;
        q.resume();
        q.flush();
        await vi.advanceTimersByTimeAsync(120_000);
        await q.drained();
        for (const [pos, v] of expected) expect(server.responses[pos]?.value).toEqual(v);
        expect(storage.data.size).toBe(0);
        q.dispose();
      } finally {
        vi.useRealTimers();
      }
    }), { numRuns: 150 });
  });
});

describe('answer queue rules', () => {
  it('maps HTTP statuses to retry, closed or halted', () => {
    expect(outcomeForStatus(200, '')).toEqual({ kind: 'saved' });
    expect(outcomeForStatus(503, '')).toEqual({ kind: 'retry' });
    expect(outcomeForStatus(408, '')).toEqual({ kind: 'retry' });
    expect(outcomeForStatus(429, '', 5)).toEqual({ kind: 'retry', retryAfterMs: 5000 });
    expect(outcomeForStatus(409, 'Submitted')).toEqual({ kind: 'closed', message: 'Submitted' });
    expect(outcomeForStatus(401, 'Expired')).toEqual({ kind: 'halted', status: 401, message: 'Expired' });
  });

  it('backs off exponentially with jitter, capped at 30 s', () => {
    expect(backoffMs(1, () => 1)).toBe(1000);
    expect(backoffMs(3, () => 1)).toBe(4000);
    expect(backoffMs(3, () => 0)).toBe(2000);
    expect(backoffMs(20, () => 1)).toBe(30_000);
  });

  it('restoreAnswers: the higher seq wins per position', () => {
    const r = restoreAnswers({ 1: { value: choice('s'), seq: 2 }, 2: { value: choice('s'), seq: 5 } }, { 1: { value: choice('q'), seq: 3 }, 2: { value: choice('q'), seq: 5 }, 3: { value: choice('q'), seq: 1 } });
    expect(r.answers).toEqual({ 1: { value: choice('q'), seq: 3 }, 2: { value: choice('s'), seq: 5 }, 3: { value: choice('q'), seq: 1 } });
    expect(Object.keys(r.pending)).toEqual(['1', '3']);
  });
});
