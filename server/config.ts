// Reads the tool's settings from the environment once, validated, so a typo fails at start-up
// with a message that names the variable instead of surfacing later as a strange launch error.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { parseEnv } from './env-schema.js';
import { gradeWorkerSettingsFromEnv, type GradeWorkerEnvSettings } from './grades/worker-env.js';
import { rateLimitSettings, type RateLimitSettings } from './http/rate-limit.js';

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  // The URL LMSs and browsers use to reach the tool; launch, login and key URLs are built from it.
  PUBLIC_URL: z.string().url().optional(),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'MONGODB_URI must start with mongodb:// or mongodb+srv://').optional(),
  DATA_DIR: z.string().default('data'),
  // Signs cookies and ltijs's stored keys, and our API session tokens. Required in production.
  LTI_KEY: z.string().min(16, 'LTI_KEY must be at least 16 characters').optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_HOURS: z.coerce.number().min(0.1).max(24).default(8),
  BODY_LIMIT: z.string().default('100kb'),
  // Turns on the admin API and page for this bearer token; too short a token leaves them off and the
  // page says so (server/admin/admin.routes.ts, adminApiEnabled).
  ADMIN_TOKEN: z.string().optional(),
});

export interface Config {
  port: number;
  host: string;
  publicUrl: string | undefined;
  mongodbUri: string | undefined;
  dataDir: string;
  ltiKey: string;
  production: boolean;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  sessionSeconds: number;
  bodyLimit: string;
  adminToken: string | undefined;
  /** RATE_LIMIT_* (server/http/rate-limit.ts). */
  rateLimits: RateLimitSettings;
  /** GRADES_* (server/grades/worker-env.ts). */
  gradeWorker: GradeWorkerEnvSettings;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const e = parseEnv(EnvSchema, env);
  const production = e.NODE_ENV === 'production';
  if (production && !e.LTI_KEY) throw new Error('Invalid configuration:\n  LTI_KEY: required when NODE_ENV=production');
  if (production && !e.PUBLIC_URL) throw new Error('Invalid configuration:\n  PUBLIC_URL: required when NODE_ENV=production');
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    mongodbUri: e.MONGODB_URI,
    dataDir: path.resolve(e.DATA_DIR),
    // Outside production a random key per process is fine: sessions simply end on restart.
    ltiKey: e.LTI_KEY ?? randomBytes(32).toString('hex'),
    production,
    logLevel: e.LOG_LEVEL,
    sessionSeconds: Math.round(e.SESSION_HOURS * 3600),
    bodyLimit: e.BODY_LIMIT,
    adminToken: e.ADMIN_TOKEN,
    rateLimits: rateLimitSettings(env),
    gradeWorker: gradeWorkerSettingsFromEnv(env),
  };
}
