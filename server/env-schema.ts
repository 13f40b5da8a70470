// Reading environment variables through a zod schema, shared by the main configuration (config.ts) and the
// parts that keep their own variables (rate limits, the grade worker), so every bad value fails start-up the same way.
import type { z } from 'zod';

/**
 * The variables in `env` (those starting with `prefix`, if given) parsed by `schema`. An empty variable, common in
 * compose files and CI, means "not set". A bad value throws "Invalid configuration:" with one line per variable.
 */
export function parseEnv<S extends z.ZodTypeAny>(schema: S, env: NodeJS.ProcessEnv, prefix = ''): z.infer<S> {
  const present = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith(prefix) && v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new Error(`Invalid configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  return parsed.data as z.infer<S>;
}
