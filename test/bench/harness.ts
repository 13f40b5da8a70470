// What every benchmark section shares: the database server, the tool processes under test, load
// runs with autocannon, and the statistics (percentiles, medians of runs) the report prints.
// Nothing here measures anything by itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort, startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/db/embedded.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const FROM_SOURCE = process.argv.includes('--source');

export const say = (line: string) => process.stderr.write(`${line}\n`);
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Statistics

/** Nearest-rank percentile of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (!samples.length) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export const median = (values: readonly number[]) => percentile(values, 50);

export const round = (n: number, digits = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);

// ---------------------------------------------------------------------------------------------
// Database

export interface BenchDatabase {
  /** Server URI without a database name, ending in "/" before any query. */
  engine: string;
  /** The database server's process id when the bench started it (to read its CPU time). */
  pid?: number;
  uriFor(dbName: string): string;
  stop(): Promise<void>;
}

/** MONGODB_URI when set, else a throwaway FerretDB in a temporary directory (as the test setup does). */
export async function startDatabase(): Promise<BenchDatabase> {
  const external = process.env.MONGODB_URI;
  let embedded: EmbeddedDatabase | undefined;
  let dir: string | undefined;
  let uri = external;
  if (!uri) {
    dir = mkdtempSync(path.join(os.tmpdir(), 'growthline-bench-db-'));
    embedded = await startEmbeddedDatabase({ dataDir: dir, say });
    uri = embedded.uri;
  }
  const [base, query] = uri.split('?') as [string, string | undefined];
  const server = base.replace(/^(mongodb(?:\+srv)?:\/\/[^/]+).*$/, '$1');
  return {
    engine: embedded ? embedded.engine : 'external (MONGODB_URI)',
    ...(embedded?.pid ? { pid: embedded.pid } : {}),
    uriFor: (dbName) => `${server}/${dbName}${query ? `?${query}` : ''}`,
    async stop() {
      await embedded?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined where there is none (not Linux). */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 a second on Linux)
  } catch {
    return undefined;
  }
}

export const freshDbName = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex')}`;

// ---------------------------------------------------------------------------------------------
// Child processes

export interface ChildTool {
  url: string;
  pid: number;
  child: ChildProcess;
  /** process.memoryUsage().rss of the child, asked over IPC (undefined when it has no probe). */
  rss(): Promise<number | undefined>;
  stop(): Promise<void>;
}

// Loaded into the tool process with --import: answers "rss" messages from this process.
const RSS_PROBE = `data:text/javascript,${encodeURIComponent(
  "process.on('message', (m) => { if (m === 'rss') process.send({ rss: process.memoryUsage().rss }); });",
)}`;

/** Only what a tool needs from this environment, so a developer's own settings do not leak in. */
function baseEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG'];
  return Object.fromEntries(keep.filter((k) => process.env[k]).map((k) => [k, process.env[k]!]));
}

function spawnAndWait(args: string[], env: Record<string, string>, ready: RegExp, name: string, timeoutMs = 90_000): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...baseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-4000); });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${err}`)); }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = ready.exec(out);
      if (match) { clearTimeout(timer); resolve({ child, match }); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${name} exited (${code}) before it was ready:\n${err}`)); });
  });
}

function childHandle(child: ChildProcess, url: string): ChildTool {
  let exited = child.exitCode !== null;
  child.once('exit', () => { exited = true; });
  return {
    url,
    pid: child.pid!,
    child,
    rss() {
      if (exited || !child.send) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const timer = setTimeout(() => { child.off('message', onMessage); resolve(undefined); }, 2000);
        const onMessage = (m: unknown) => {
          if (m && typeof m === 'object' && 'rss' in m) { clearTimeout(timer); child.off('message', onMessage); resolve((m as { rss: number }).rss); }
        };
        child.on('message', onMessage);
        child.send('rss');
      });
    },
    async stop() {
      if (exited) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const late = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await gone;
      clearTimeout(late);
    },
  };
}

/**
 * Every request of the bench comes from 127.0.0.1, as if a whole district sat behind one address, so
 * the rate limits (server/http/rate-limit.ts) are raised out of reach: the limiter still counts every
 * request, it just never answers 429. Its defaults are a policy; the bench measures capacity.
 */
export const UNLIMITED_RATES: Record<string, string> = Object.fromEntries(
  ['RATE_LIMIT_API_PER_IP', 'RATE_LIMIT_API_PER_TENANT', 'RATE_LIMIT_API_PER_USER', 'RATE_LIMIT_LTI_PER_IP', 'RATE_LIMIT_LTI_PER_TENANT'].map((k) => [k, '100000000']),
);

/**
 * Growthline as production runs it (`npm start`: node dist/server/main.js, i.e. loadConfig + startTool),
 * with the settings test/support/tool.ts gives a test tool: NODE_ENV=test, loopback, its own database,
 * a fresh LTI_KEY, silent logs; and rate limits out of reach (UNLIMITED_RATES).
 */
export async function startGrowthlineProcess(o: { mongodbUri: string; ltiKey: string; env?: Record<string, string> }): Promise<ChildTool> {
  const port = await freePort();
  // `--source` (with --quick, for trying changes): the server from server/ through tsx, without a build.
  const entry = FROM_SOURCE ? ['--import', 'tsx', path.join(ROOT, 'server/main.ts')] : ['dist/server/main.js'];
  const { child, match } = await spawnAndWait(['--import', RSS_PROBE, ...entry], {
    NODE_ENV: 'test', PORT: String(port), HOST: '127.0.0.1', MONGODB_URI: o.mongodbUri, LTI_KEY: o.ltiKey, LOG_LEVEL: 'silent', ...UNLIMITED_RATES, ...o.env,
  }, /Growthline is running at (\S+)/, 'Growthline');
  return childHandle(child, match[1]!);
}

export interface BarePlatformSettings { issuer: string; clientId: string; authEndpoint: string; tokenEndpoint: string; jwksUrl: string }

/** The bare ltijs tool (test/bench/bare-ltijs.ts) on a port chosen here, registered with one platform. */
export async function startBareLtijsProcess(o: { port: number; mongodbUri: string; platform: BarePlatformSettings }): Promise<ChildTool> {
  const { child } = await spawnAndWait(['--import', 'tsx', 'test/bench/bare-ltijs.ts'], {
    BARE_PORT: String(o.port), BARE_MONGODB_URI: o.mongodbUri, BARE_KEY: randomBytes(24).toString('hex'),
    BARE_ISSUER: o.platform.issuer, BARE_CLIENT_ID: o.platform.clientId, BARE_AUTH_ENDPOINT: o.platform.authEndpoint,
    BARE_TOKEN_ENDPOINT: o.platform.tokenEndpoint, BARE_JWKS_URL: o.platform.jwksUrl,
  }, /bare ltijs ready/, 'bare ltijs tool');
  return childHandle(child, `http://127.0.0.1:${o.port}`);
}

// ---------------------------------------------------------------------------------------------
// Load

export type Step = autocannon.Request;

/** Ends a multi-step flow early: autocannon starts the connection's next flow from its first request. */
export const RESTART = null as unknown as autocannon.Request;

export interface LoadResult {
  /** Responses received while the run lasted. */
  responses: number;
  non2xx: number;
  errors: number;
  seconds: number;
  /** Per-response latencies in ms, as autocannon measured them (write of the request → end of the response). */
  latencies: number[];
}

/** One autocannon run; every response's latency is kept (autocannon's own histogram is per instance). */
export function runLoad(opts: autocannon.Options): Promise<LoadResult & { result: autocannon.Result }> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    let non2xx = 0;
    const started = performance.now();
    const instance = autocannon({ timeout: 20, ...opts }, (err, result) => {
      if (err) return reject(err);
      resolve({
        responses: latencies.length, non2xx, errors: result.errors + result.timeouts,
        seconds: (performance.now() - started) / 1000, latencies, result,
      });
    });
    instance.on('response', (_client, status, _bytes, ms) => {
      latencies.push(ms);
      if (status < 200 || status >= 300) non2xx++;
    });
  });
}

/**
 * A steady overall rate. autocannon's overallRate lets each connection send its share of a second
 * back to back at the start of every second, which turns "500/s" into one burst of 500 per second.
 * So the rate is split over `phases` autocannon instances started evenly across the first second:
 * the server sees a burst of rate/phases every 1/phases s instead. Latencies are raw (autocannon's
 * coordinated-omission correction is off), and the achieved rate is reported next to the target.
 */
export async function runAtRate(o: {
  url: string; rate: number; seconds: number; requests: Step[]; phases?: number;
}): Promise<LoadResult & { target: number; achieved: number }> {
  const phases = Math.max(1, Math.min(o.phases ?? 10, o.rate));
  const share = (i: number) => Math.floor(o.rate / phases) + (i < o.rate % phases ? 1 : 0);
  const runs = await Promise.all(Array.from({ length: phases }, async (_, i) => {
    await sleep((i * 1000) / phases);
    const rate = share(i);
    // Each connection sends at most 10 requests a second: it keeps up while a request takes < 100 ms.
    const connections = Math.max(2, Math.ceil(rate / 10));
    return runLoad({
      url: o.url, overallRate: rate, connections, duration: o.seconds, requests: o.requests, ignoreCoordinatedOmission: true,
    });
  }));
  const merged: LoadResult = {
    responses: runs.reduce((n, r) => n + r.responses, 0),
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    seconds: o.seconds,
    latencies: runs.flatMap((r) => r.latencies),
  };
  return { ...merged, target: o.rate, achieved: runs.reduce((n, r) => n + r.responses / r.seconds, 0) };
}

// ---------------------------------------------------------------------------------------------
// HTTP details the flows need

/** autocannon hands headers over with their names as sent; look them up case-insensitively. */
export function header(headers: Record<string, unknown> | undefined, name: string): string[] {
  if (!headers) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== name) continue;
    if (Array.isArray(v)) out.push(...v.map(String)); else if (v !== undefined) out.push(String(v));
  }
  return out;
}

/** A browser's cookie jar reduced to what one launch needs: name=value pairs, cleared ones dropped. */
export function storeCookies(jar: Record<string, string>, setCookie: string[]): void {
  for (const line of setCookie) {
    const [pair, ...attrs] = line.split(';');
    const eq = pair?.indexOf('=') ?? -1;
    if (!pair || eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const cleared = value === '' || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || attrs.some((a) => /^\s*expires=thu, 01 jan 1970/i.test(a));
    if (cleared) delete jar[name]; else jar[name] = value;
  }
}

export const cookieHeader = (jar: Record<string, string>) => Object.entries(jar).map(([k, v]) => `${k}=${v}`).join('; ');

/** Runs `work` over `items` with at most `limit` at once. */
export async function inBatches<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!, i);
    }
  }));
  return out;
}

export { freePort };
