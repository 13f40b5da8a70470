// Starts the tool: configuration, database (embedded when MONGODB_URI is unset), indexes, the app,
// the clean-up job, and a graceful shutdown on SIGTERM/SIGINT.
import { createServer, type Server } from 'node:http';
import { seedContent } from './content/seed.js';
import { registerGradeHooks } from './grades/hooks.js';
import { startGradeWorkerWith } from './grades/worker.js';
import { registerMasteryHooks } from './mastery/mastery.service.js';
import { createApp, type ToolApp } from './app.js';
import { loadConfig, type Config } from './config.js';
import { startCleanupJob } from './db/cleanup.js';
import { startReannounceJob } from './delivery/announce.js';
import { journalPruned, openJournal } from './delivery/answer-journal.js';
import { databaseEngine } from './db/engine.js';
import { connectDatabase, ensureIndexes, type DatabaseHandle } from './db/connection.js';
import { createLogger, type Logger } from './log.js';

export interface RunningTool { url: string; server: Server; db: DatabaseHandle; app: ToolApp; stop(): Promise<void> }

export async function startTool(config: Config = loadConfig(), log: Logger = createLogger(config.logLevel)): Promise<RunningTool> {
  const db = await connectDatabase({
    mongodbUri: config.mongodbUri, dataDir: config.dataDir,
    say: (line) => process.stderr.write(`${line}\n`),
  });
  log.info({ engine: db.engine, db: db.dbName }, 'database connected');
  // When the port is 0 (tests) the URL is only known after listening; PUBLIC_URL wins when set.
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const url = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  const toolApp = await createApp({ config, toolUrl: url, mongoUri: db.uri, dbName: db.dbName, log });
  const { app } = toolApp;
  await ensureIndexes();
  if ((await databaseEngine()) === 'ferretdb') await openJournal(); // before any save: see delivery/answer-journal.ts
  await seedContent({ log });
  // HOOKS: grades
  await registerGradeHooks();
  // HOOKS: mastery
  await registerMasteryHooks();
  server.on('request', app);
  const stopCleanup = startCleanupJob(log);
  const stopReannounce = startReannounceJob(log);
  // WORKERS: grades
  const gradeWorker = startGradeWorkerWith(config.gradeWorker, log);
  log.info({ url }, 'Growthline is listening');

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    stopCleanup();
    stopReannounce();
    await gradeWorker.stop(); // WORKERS: grades — finish or hand back scores in flight while the database is still open
    // Stop accepting, let in-flight requests finish (bounded), then close the database.
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      setTimeout(() => { server.closeAllConnections?.(); resolve(); }, 10_000).unref();
      server.closeIdleConnections?.();
    });
    await journalPruned();
    await db.close();
  })());
  return { url, server, db, app: toolApp, stop };
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  startTool(config, log).then((tool) => {
    process.stdout.write(`Growthline is running at ${tool.url}\n`);
    const shutdown = (signal: string) => {
      log.info({ signal }, 'shutting down');
      tool.stop().then(() => process.exit(0), (err: Error) => { log.error({ err: err.message }, 'shutdown failed'); process.exit(1); });
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  }, (err: Error) => {
    process.stderr.write(`Growthline could not start: ${err.message}\n`);
    process.exit(1);
  });
}
