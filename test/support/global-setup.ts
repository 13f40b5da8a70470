// Starts one database server for the whole test run in a temporary directory (FerretDB, or
// MONGODB_URI when set) and removes it afterwards. Test files each use a database of their own.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/db/embedded.js';

let db: EmbeddedDatabase | undefined;
let dir: string | undefined;

export async function setup(): Promise<void> {
  if (process.env.MONGODB_URI) {
    process.env.GL_TEST_MONGODB_URI = process.env.MONGODB_URI;
    return;
  }
  dir = mkdtempSync(path.join(os.tmpdir(), 'growthline-test-db-'));
  db = await startEmbeddedDatabase({ dataDir: dir, say: (l) => process.stderr.write(`${l}\n`) });
  process.env.GL_TEST_MONGODB_URI = db.uri;
  process.env.GL_TEST_DB_ENGINE = db.engine;
}

export async function teardown(): Promise<void> {
  await db?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
