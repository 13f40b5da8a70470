// Runs writes to the same record one at a time within this process.
// Why: FerretDB 1.24 (development, tests, CI) executes update and findAndModify as read, modify in Go,
// then replace the whole document by _id, outside any transaction (internal/handler/common/update.go),
// so two concurrent conditional updates of one attempt can both pass their filter and the later
// replace silently drops the earlier change. MongoDB applies each update atomically; queuing one
// document's writes here makes FerretDB behave the same for everything a single process does.

const queues = new Map<string, Promise<void>>();

export function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
  const before = queues.get(key) ?? Promise.resolve();
  const run = before.then(work);
  const done = run.then(() => undefined, () => undefined);
  queues.set(key, done);
  void done.then(() => { if (queues.get(key) === done) queues.delete(key); });
  return run;
}

/** How many records have writes queued or running (for tests: nothing leaks). */
export const queuedKeys = () => queues.size;
