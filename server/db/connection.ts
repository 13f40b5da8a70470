// Owns the one mongoose connection the tool uses (ltijs shares it). MONGODB_URI wins; otherwise an
// embedded engine is started. Indexes are created here, explicitly, without TTL options, because
// FerretDB rejects `expireAfterSeconds`; expiry is done by the clean-up job instead (see cleanup.ts).
import mongoose from 'mongoose';
import path from 'node:path';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded.js';

// Must be set before any model is compiled, ltijs's included: with autoIndex on, mongoose would
// try to build ltijs's TTL indexes in the background and FerretDB would reject them.
mongoose.set('autoIndex', false);
mongoose.set('autoCreate', true);
mongoose.set('strictQuery', true);

export interface DatabaseHandle {
  uri: string;
  dbName: string;
  engine: EmbeddedDatabase['engine'] | 'external';
  embedded?: EmbeddedDatabase;
  close(): Promise<void>;
}

export interface ConnectOptions {
  mongodbUri?: string;
  dataDir: string;
  dbName?: string;
  say?: (line: string) => void;
}

export async function connectDatabase(opts: ConnectOptions): Promise<DatabaseHandle> {
  let uri = opts.mongodbUri;
  let embedded: EmbeddedDatabase | undefined;
  if (!uri) {
    embedded = await startEmbeddedDatabase({ dataDir: opts.dataDir, say: opts.say });
    uri = embedded.uri;
  }
  const dbName = opts.dbName ?? (dbNameFromUri(uri) || 'growthline');
  await mongoose.connect(uri, { dbName, serverSelectionTimeoutMS: 10_000, maxPoolSize: 50 });
  return {
    uri,
    dbName,
    engine: embedded?.engine ?? 'external',
    embedded,
    close: async () => {
      await mongoose.disconnect();
      await embedded?.stop();
    },
  };
}

function dbNameFromUri(uri: string): string {
  try {
    return decodeURIComponent(new URL(uri.replace(/^mongodb(\+srv)?:/, 'http:')).pathname.replace(/^\//, ''));
  } catch {
    return '';
  }
}

/**
 * Creates every registered model's indexes, minus TTL options, and reports which TTLs were left out
 * so the clean-up job can take them over. Safe to run on every start (createIndex is idempotent).
 */
export async function ensureIndexes(): Promise<void> {
  for (const name of mongoose.modelNames()) {
    const model = mongoose.model(name);
    await model.createCollection().catch(() => undefined);
    for (const [fields, options] of model.schema.indexes()) {
      const { expires, expireAfterSeconds, ...rest } = options as Record<string, unknown>;
      void expires; void expireAfterSeconds;
      await model.collection.createIndex(fields as Record<string, 1 | -1>, rest);
    }
  }
}

export function dataPath(dataDir: string, ...parts: string[]): string {
  return path.join(dataDir, ...parts);
}
