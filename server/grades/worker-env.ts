// The grade worker's settings from GRADES_* environment variables, read once with the rest of the configuration
// (server/config.ts) so a bad value fails start-up with the others. Kept apart from worker.ts, which loads models.
import { z } from 'zod';
import { parseEnv } from '../env-schema.js';
import type { BackoffPolicy } from './backoff.js';
import type { GradeWorkerOptions } from './worker.js';

export type GradeWorkerEnvSettings = Omit<Partial<GradeWorkerOptions>, 'log' | 'now' | 'random' | 'owner'> & { enabled: boolean };

const EnvSchema = z.object({
  GRADES_WORKER: z.enum(['on', 'off']).optional(),
  GRADES_MAX_TRIES: z.coerce.number().int().min(1).max(100).optional(),
  GRADES_BACKOFF_BASE_MS: z.coerce.number().int().min(1).optional(),
  GRADES_BACKOFF_CAP_MS: z.coerce.number().int().min(1).optional(),
  GRADES_TIMEOUT_MS: z.coerce.number().int().min(10).max(300_000).optional(),
  GRADES_LEASE_MS: z.coerce.number().int().min(100).optional(),
  GRADES_POLL_MS: z.coerce.number().int().min(5).optional(),
  GRADES_PER_PLATFORM: z.coerce.number().int().min(1).max(100).optional(),
});

/** Settings from GRADES_* environment variables (unset ones keep their defaults); a bad value fails start-up. */
export function gradeWorkerSettingsFromEnv(env: NodeJS.ProcessEnv): GradeWorkerEnvSettings {
  const e = parseEnv(EnvSchema, env, 'GRADES_');
  const backoff: Partial<BackoffPolicy> = {
    ...(e.GRADES_MAX_TRIES ? { maxTries: e.GRADES_MAX_TRIES } : {}),
    ...(e.GRADES_BACKOFF_BASE_MS ? { baseMs: e.GRADES_BACKOFF_BASE_MS } : {}),
    ...(e.GRADES_BACKOFF_CAP_MS ? { capMs: e.GRADES_BACKOFF_CAP_MS } : {}),
  };
  return {
    enabled: e.GRADES_WORKER !== 'off',
    backoff,
    ...(e.GRADES_TIMEOUT_MS ? { requestTimeoutMs: e.GRADES_TIMEOUT_MS } : {}),
    ...(e.GRADES_LEASE_MS ? { leaseMs: e.GRADES_LEASE_MS } : {}),
    ...(e.GRADES_POLL_MS ? { pollMs: e.GRADES_POLL_MS } : {}),
    ...(e.GRADES_PER_PLATFORM ? { perPlatform: e.GRADES_PER_PLATFORM } : {}),
  };
}
