// Section 1: full LTI launches at 50 concurrent, Growthline against a bare ltijs tool in the same run.
// Each autocannon connection is one browser: login initiation at the tool → authorization at the
// platform → id_token POST to the tool → (bare ltijs: its ltik redirect) → the page, then again.
import { KeyObject, sign } from 'node:crypto';
import type { DemoUser, Platform } from '../platform/index.js';
import { driveLaunch } from '../platform/index.js';
import { launchClaims } from '../platform/launch.js';
import { findRegistration } from '../platform/state.js';
import {
  cookieHeader, header, median, percentile, RESTART, round, runLoad, say, storeCookies, type Step,
} from './harness.js';

export interface LaunchTarget {
  name: string;
  /** The tool's origin (autocannon's target). */
  url: string;
  platform: Platform;
  /** Requests in one launch: Growthline 2 (login, id_token POST), bare ltijs 3 (… and its ltik redirect). */
  steps: number;
  /** Text only the launched page contains. */
  pageMarker: string;
}

export interface LaunchRun { launches: number; perSecond: number; p50: number; p95: number; failures: number; failureSample: string[] }

const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');

/**
 * The platform's authorization endpoint, run inline. autocannon keeps each connection on one origin,
 * so the hop to the platform cannot be one of its requests; the bench answers it itself, with the
 * simulator's own state, checks and claims (test/platform/oidc.ts), signing synchronously with the
 * simulator's key so the answer is ready before autocannon builds the next request.
 */
export function inlineAuthorization(platform: Platform) {
  const keys = platform.state.keys;
  if (!keys) throw new Error('start the platform simulator first');
  const key = KeyObject.from(keys.current.privateKey);
  const protectedHeader = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: keys.current.kid }));
  const authorizeUrl = `${platform.url}/lti/authorize`;
  return {
    handles: (location: string) => location.startsWith(`${authorizeUrl}?`),
    /** The form_post the platform would answer with: where to POST and what. */
    answer(location: string): { action: string; body: string } | { error: string } {
      const q = new URL(location).searchParams;
      const get = (n: string) => q.get(n) ?? '';
      if (get('scope') !== 'openid' || get('response_type') !== 'id_token' || get('response_mode') !== 'form_post' || get('prompt') !== 'none') {
        return { error: 'malformed authentication request' };
      }
      const reg = findRegistration(platform.state, get('client_id'));
      if (!reg || !reg.redirectUris.includes(get('redirect_uri'))) return { error: 'unregistered client_id or redirect_uri' };
      const launch = platform.state.pendingLaunches.get(get('lti_message_hint'));
      if (!launch || launch.clientId !== reg.clientId || launch.userId !== get('login_hint') || !get('nonce')) {
        return { error: 'authentication request does not match a launch in progress' };
      }
      platform.state.pendingLaunches.delete(launch.messageHint); // one use here keeps the map small
      const payload = b64url(JSON.stringify(launchClaims(platform.state, launch, get('nonce'))));
      const input = `${protectedHeader}.${payload}`;
      const idToken = `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
      const form = new URLSearchParams({ id_token: idToken });
      if (q.has('state')) form.set('state', get('state'));
      return { action: get('redirect_uri'), body: form.toString() };
    },
  };
}

/** Adds `count` students to the simulator's course, so launches spread over many people. */
export function addStudents(platform: Platform, count: number, prefix: string): DemoUser[] {
  const template = platform.users.find((u) => u.roleLabel === 'Student')!;
  const added = Array.from({ length: count }, (_, i): DemoUser => ({
    id: `${prefix}${i}`, name: `Bench Student ${i}`, givenName: 'Bench', familyName: `Student ${i}`, email: '',
    roles: [...template.roles], roleLabel: 'Student',
  }));
  platform.users.push(...added);
  return added;
}

interface FlowContext {
  t0?: number;
  jar?: Record<string, string>;
  next?: { method: 'GET' | 'POST'; path: string; body?: string };
}

/** autocannon requests for one launch, and the counters they fill. */
function launchFlow(t: LaunchTarget, users: DemoUser[]) {
  const authorization = inlineAuthorization(t.platform);
  const origin = new URL(t.url).origin;
  const latencies: number[] = [];
  const failures: string[] = [];
  let failed = 0;
  let u = 0;
  const fail = (ctx: FlowContext, why: string) => {
    failed++;
    if (failures.length < 5) failures.push(why);
    ctx.next = undefined;
  };

  const onResponse = (status: number, body: string, context: object, headers: Step['headers']) => {
    const ctx = context as FlowContext;
    ctx.next = undefined;
    storeCookies(ctx.jar ??= {}, header(headers as Record<string, unknown>, 'set-cookie'));
    if (status >= 300 && status < 400) {
      const location = header(headers as Record<string, unknown>, 'location')[0];
      if (!location) return fail(ctx, `${status} without a Location`);
      const absolute = new URL(location, origin).toString();
      if (authorization.handles(absolute)) {
        const form = authorization.answer(absolute);
        if ('error' in form) return fail(ctx, `platform refused: ${form.error}`);
        const action = new URL(form.action);
        if (action.origin !== origin) return fail(ctx, `launch form posts to another origin: ${action.origin}`);
        ctx.next = { method: 'POST', path: action.pathname + action.search, body: form.body };
        return;
      }
      const target = new URL(absolute);
      if (target.origin !== origin) return fail(ctx, `redirect to another origin: ${target.origin}`);
      ctx.next = { method: 'GET', path: target.pathname + target.search };
      return;
    }
    if (status === 200 && body.includes(t.pageMarker)) {
      latencies.push(performance.now() - ctx.t0!);
      return;
    }
    fail(ctx, `${status}: ${body.replace(/\s+/g, ' ').slice(0, 160)}`);
  };

  const first: Step = {
    method: 'GET',
    setupRequest: (req, context) => {
      const ctx = context as FlowContext;
      const login = new URL(t.platform.loginInitiationUrl({ userId: users[u++ % users.length]!.id }));
      ctx.t0 = performance.now();
      ctx.jar = {};
      return { ...req, method: 'GET', path: login.pathname + login.search, headers: {}, body: undefined };
    },
    onResponse,
  };
  const later: Step = {
    setupRequest: (req, context) => {
      const ctx = context as FlowContext;
      const next = ctx.next;
      if (!next) return RESTART;
      ctx.next = undefined;
      const cookie = cookieHeader(ctx.jar ?? {});
      return {
        ...req, method: next.method, path: next.path, body: next.body,
        headers: {
          ...(cookie ? { cookie } : {}),
          ...(next.body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
      };
    },
    onResponse,
  };
  const requests = [first, ...Array.from({ length: t.steps - 1 }, () => ({ ...later }))];
  return { requests, latencies, failures, failedCount: () => failed };
}

export async function runLaunches(t: LaunchTarget, users: DemoUser[], o: { connections: number; seconds: number }): Promise<LaunchRun> {
  const flow = launchFlow(t, users);
  const r = await runLoad({ url: t.url, connections: o.connections, duration: o.seconds, timeout: 30, requests: flow.requests });
  return {
    launches: flow.latencies.length,
    perSecond: flow.latencies.length / r.seconds,
    p50: percentile(flow.latencies, 50),
    p95: percentile(flow.latencies, 95),
    failures: flow.failedCount() + r.errors,
    failureSample: flow.failures,
  };
}

/** One launch the slow, honest way (real HTTP to the platform's authorization endpoint), to prove the setup. */
export async function checkOneLaunch(t: LaunchTarget, userId: string): Promise<void> {
  const { toolResponse, jar } = await driveLaunch(t.platform, { userId });
  let res = toolResponse;
  for (let hops = 0; res.status >= 300 && res.status < 400 && hops < 3; hops++) {
    const next = new URL(res.headers.get('location')!, t.url);
    res = await fetch(next, { redirect: 'manual', headers: jar.header() });
    jar.store(res);
  }
  const html = await res.text();
  if (res.status !== 200 || !html.includes(t.pageMarker)) {
    throw new Error(`${t.name}: a launch through the platform simulator did not reach the page (${res.status}): ${html.slice(0, 300)}`);
  }
}

export interface LaunchComparison {
  connections: number;
  seconds: number;
  runs: Record<string, LaunchRun[]>;
  summary: Record<string, { perSecond: number; p50: number; p95: number; failures: number }>;
  ratio: number;
}

/** Warm-up for each, then `rounds` alternating runs, so drift in the machine's load hits both alike. */
export async function compareLaunches(targets: LaunchTarget[], users: Map<string, DemoUser[]>, o: { connections: number; seconds: number; rounds: number; warmupSeconds: number }): Promise<LaunchComparison> {
  for (const t of targets) await runLaunches(t, users.get(t.name)!, { connections: o.connections, seconds: o.warmupSeconds });
  const runs: Record<string, LaunchRun[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
  for (let round_ = 0; round_ < o.rounds; round_++) {
    for (const t of round_ % 2 ? [...targets].reverse() : targets) {
      const r = await runLaunches(t, users.get(t.name)!, { connections: o.connections, seconds: o.seconds });
      runs[t.name]!.push(r);
      say(`  ${t.name}: ${round(r.perSecond)} launches/s, p50 ${round(r.p50)} ms, p95 ${round(r.p95)} ms${r.failures ? `, ${r.failures} failed (${r.failureSample[0] ?? ''})` : ''}`);
    }
  }
  const summary = Object.fromEntries(Object.entries(runs).map(([name, rs]) => [name, {
    perSecond: median(rs.map((r) => r.perSecond)), p50: median(rs.map((r) => r.p50)), p95: median(rs.map((r) => r.p95)),
    failures: rs.reduce((n, r) => n + r.failures, 0),
  }]));
  const [a, b] = targets;
  return { connections: o.connections, seconds: o.seconds, runs, summary, ratio: summary[a!.name]!.perSecond / summary[b!.name]!.perSecond };
}
