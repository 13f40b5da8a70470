// Starts the real tool for a test file: real app, real database (a fresh one per call), on a
// random loopback port. Use one per test file (ltijs is a process-wide singleton).
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/log.js';
import { startTool, type RunningTool } from '../../server/main.js';
import { freePort } from '../../server/db/embedded.js';

export function testDatabaseUri(): string {
  const uri = process.env.GL_TEST_MONGODB_URI;
  if (!uri) throw new Error('GL_TEST_MONGODB_URI is not set: run tests through vitest (test/support/global-setup.ts)');
  return uri;
}

export interface TestToolOptions {
  /** Serve under http://localhost:<port> (a different site from the 127.0.0.1 demo LMS: cross-site frames). */
  host?: 'localhost';
}

export async function startTestTool(env: Record<string, string> = {}, opts: TestToolOptions = {}): Promise<RunningTool> {
  const dbName = `gl_test_${randomBytes(6).toString('hex')}`;
  const base = testDatabaseUri().replace(/\/[^/]*$/, '/');
  const port = opts.host ? await freePort() : 0;
  const config = loadConfig({
    NODE_ENV: 'test', PORT: String(port), HOST: '127.0.0.1', MONGODB_URI: `${base}${dbName}`,
    LTI_KEY: randomBytes(24).toString('hex'), LOG_LEVEL: process.env.GL_TEST_LOG_LEVEL ?? 'silent',
    ...(opts.host ? { PUBLIC_URL: `http://${opts.host}:${port}` } : {}),
    // Tests that turn the admin API on, or set rate limits or the grade worker, set them in the process environment,
    // as an operator would.
    ...Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v && (k === 'ADMIN_TOKEN' || k.startsWith('RATE_LIMIT_') || k.startsWith('GRADES_')))),
    ...env,
  });
  return startTool(config, createLogger(config.logLevel));
}
