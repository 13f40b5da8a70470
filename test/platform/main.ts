// Command line entry for the demo LMS: `tsx test/platform/main.ts --tool http://127.0.0.1:3000 --port 3001`.
// Prints where the course page is and the values for a manual registration; never
// prints registration tokens or anything about the demo people.

import { parseArgs } from 'node:util';
import { z } from 'zod';
import { zodMessage } from './errors.js';
import { createPlatform } from './index.js';

const cliOptions = z.object({
  tool: z.string().url().default('http://127.0.0.1:3000'),
  port: z.coerce.number().int().min(0).max(65535).default(3001),
  family: z.enum(['canvas', 'moodle', 'schoology']).default('moodle'),
  privacy: z.enum(['public', 'anonymous']).default('public'),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tool: { type: 'string' },
      port: { type: 'string' },
      family: { type: 'string' },
      privacy: { type: 'string' },
    },
  });
  const parsed = cliOptions.safeParse(values);
  if (!parsed.success) {
    process.stderr.write(`usage: main.ts --tool <url> --port <n> [--family canvas|moodle|schoology] [--privacy public|anonymous]\n${zodMessage(parsed.error)}\n`);
    process.exit(2);
  }
  const opts = parsed.data;
  const platform = createPlatform({ toolUrl: opts.tool, port: opts.port, productFamily: opts.family, privacy: opts.privacy });
  await platform.start();
  const reg = platform.registration();
  process.stdout.write(
    [
      `Demo LMS (${platform.productFamily}) at ${platform.url}`,
      `Open ${platform.url}/ to register the tool, launch activities and see the gradebook.`,
      'Manual registration values:',
      ...Object.entries(reg).map(([k, v]) => `  ${k}: ${v}`),
      '',
    ].join('\n'),
  );
  const shutdown = () => {
    platform.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo LMS failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
