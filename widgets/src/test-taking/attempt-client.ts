// The Delivery API calls the test needs (docs/api.md, "Delivery"), with what shared/api.ts lacks
// for flaky school Wi-Fi: a timeout on every call, `keepalive` for saves sent while the page is
// closing, and save answers classified (saved / retry / closed / halted) for the answer queue.
import { ApiError } from '../shared/api.js';
import { outcomeForStatus, type SendAnswer, type SendFlags, type SendOutcome } from './answer-queue.js';
import type { AttemptView, PartOutcome, ResultView } from './types.js';

export interface AttemptClient {
  /** Starts or resumes the attempt for the session's placement; `receivedAt` is this device's clock then. */
  start(): Promise<{ attempt: AttemptView; receivedAt: number }>;
  attempt(attemptId: string): Promise<AttemptView>;
  sendAnswer(attemptId: string): SendAnswer;
  sendFlags(attemptId: string): SendFlags;
  submit(attemptId: string): Promise<ResultView>;
  /** Adaptive tests: finishes part `part` (safe to repeat) and gives the next part or the results. */
  submitPart(attemptId: string, part: number): Promise<PartOutcome>;
  results(attemptId: string): Promise<ResultView>;
}

interface Answer { status: number; data: unknown; retryAfter?: number }

const messageOf = (a: Answer) => {
  const d = a.data as { detail?: string; title?: string } | undefined;
  return d?.detail || d?.title || `Request failed (${a.status})`;
};

export function createAttemptClient(token: string, o: { base?: string; timeoutMs?: number } = {}): AttemptClient {
  const base = o.base ?? '/api';
  const timeoutMs = o.timeoutMs ?? 20_000;

  /** Throws only when no HTTP answer arrived (offline, timeout, connection reset). */
  async function request(method: string, path: string, body?: unknown, keepalive = false): Promise<Answer> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
      keepalive,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let data: unknown;
    try { data = text ? JSON.parse(text) : undefined; } catch { data = undefined; }
    const retryAfter = Number(res.headers.get('retry-after'));
    return { status: res.status, data, ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfter } : {}) };
  }

  async function json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const a = await request(method, path, body);
    if (a.status < 200 || a.status >= 300) throw new ApiError(a.status, messageOf(a), a.data);
    return a.data as T;
  }

  async function save(method: string, path: string, body: unknown, urgent: boolean): Promise<SendOutcome> {
    let a: Answer;
    try {
      a = await request(method, path, body, urgent);
    } catch {
      return { kind: 'retry', offline: typeof navigator !== 'undefined' && !navigator.onLine };
    }
    if (a.status >= 200 && a.status < 300) {
      const d = a.data as { seq?: number; stale?: boolean } | undefined;
      return { kind: 'saved', ...(typeof d?.seq === 'number' ? { seq: d.seq } : {}), stale: d?.stale === true };
    }
    return outcomeForStatus(a.status, messageOf(a), a.retryAfter);
  }

  return {
    async start() {
      const attempt = await json<AttemptView>('POST', '/attempts', {});
      return { attempt, receivedAt: Date.now() };
    },
    attempt: (id) => json<AttemptView>('GET', `/attempts/${encodeURIComponent(id)}`),
    sendAnswer: (id) => (a, { urgent }) =>
      save('PUT', `/attempts/${encodeURIComponent(id)}/responses/${a.position}`, { value: a.value, seq: a.seq }, urgent),
    sendFlags: (id) => (flags, { urgent }) => save('PUT', `/attempts/${encodeURIComponent(id)}/flags`, { flags }, urgent),
    submit: (id) => json<{ results: ResultView }>('POST', `/attempts/${encodeURIComponent(id)}/submit`, {}).then((r) => r.results),
    submitPart: (id, part) => json<PartOutcome>('POST', `/attempts/${encodeURIComponent(id)}/parts/${part}/submit`, {}),
    results: (id) => json<ResultView>('GET', `/attempts/${encodeURIComponent(id)}/results`),
  };
}

/** Network trouble (no answer, 5xx, 408, 429) as opposed to a refusal worth showing. */
export function isTransient(err: unknown): boolean {
  if (err instanceof ApiError) return err.status >= 500 || err.status === 408 || err.status === 429;
  return true;
}
