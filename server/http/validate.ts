// Validation at the edge: every body, query and path parameter goes through a zod schema once,
// and failures become one InvalidInput error that lists each field and what is wrong with it.
import type { z } from 'zod';
import { InvalidInput } from './problem.js';

export function parseInput<S extends z.ZodTypeAny>(schema: S, input: unknown, what = 'request'): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const problems = r.error.issues.slice(0, 50).map((i) => ({ field: i.path.join('.') || '(root)', message: i.message }));
  const first = problems[0];
  throw new InvalidInput(`The ${what} is not valid${first ? `: ${first.field}: ${first.message}` : ''}.`, problems);
}
