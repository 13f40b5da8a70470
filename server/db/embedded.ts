// Starts a MongoDB-wire database for development, the demo and tests when MONGODB_URI is not set.
// Preference: FerretDB 1.24 (SQLite files under DATA_DIR, built from the Go module proxy on first
// use), then a `mongod` on PATH, then mongodb-memory-server if it is installed and can download.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';

export interface EmbeddedDatabase {
  uri: string;
  engine: 'ferretdb' | 'mongod' | 'mongodb-memory-server';
  /** Stops the engine if this process started it. Data stays in the data directory. */
  stop(): Promise<void>;
  /** The engine's process id, when it is a child of this process (tests use it to kill the engine). */
  pid?: number;
}

export interface EmbeddedOptions {
  dataDir: string;
  /** Where a built FerretDB binary is kept between projects and runs. */
  cacheDir?: string;
  say?: (line: string) => void;
}

export class NoDatabaseError extends Error {
  constructor(tried: string[]) {
    super(
      'No database is available. Set MONGODB_URI to a MongoDB 7 server, or install one of:\n' +
        '  • Go 1.21+ (Growthline then builds FerretDB 1.24 once, by itself), or\n' +
        '  • MongoDB (a `mongod` on PATH), or\n' +
        '  • the npm package mongodb-memory-server (needs to reach MongoDB downloads).\n' +
        `What was tried:\n${tried.map((t) => `  - ${t}`).join('\n')}`,
    );
    this.name = 'NoDatabaseError';
  }
}

export function defaultCacheDir(): string {
  return process.env.GROWTHLINE_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'growthline');
}

export async function startEmbeddedDatabase(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const say = opts.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  mkdirSync(opts.dataDir, { recursive: true });
  const tried: string[] = [];

  // Keep using the engine whose files are already in the data directory.
  const mongodDir = path.join(opts.dataDir, 'mongod');
  const preferMongod = existsSync(mongodDir) && !existsSync(path.join(opts.dataDir, 'ferretdb'));

  if (!preferMongod) {
    let bin = findFerretDB(cacheDir);
    if (!bin) {
      if (hasCommand('go')) {
        try {
          bin = buildFerretDB(cacheDir, say);
        } catch (err) {
          tried.push(`building FerretDB ${FERRETDB_VERSION} with Go failed: ${(err as Error).message}`);
        }
      } else {
        tried.push('FerretDB: no binary found and no Go toolchain to build it');
      }
    }
    if (bin) return startFerretDB(bin, opts.dataDir, say);
  }

  if (hasCommand('mongod')) return startMongod(mongodDir);
  tried.push('mongod: not on PATH');

  const memory = await startMemoryServer(opts.dataDir, say).catch((err: Error) => {
    tried.push(`mongodb-memory-server: ${err.message}`);
    return undefined;
  });
  if (memory) return memory;
  throw new NoDatabaseError(tried);
}

function hasCommand(cmd: string): boolean {
  const r = spawnSync(cmd, ['version'], { stdio: 'ignore' });
  return !r.error;
}

function ferretVersionOk(bin: string): boolean {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 && /version:\s*v1\.24\./.test(r.stdout);
}

function cachedBinary(cacheDir: string): string {
  return path.join(cacheDir, `ferretdb-${FERRETDB_VERSION}`, 'ferretdb');
}

export function findFerretDB(cacheDir: string = defaultCacheDir()): string | undefined {
  const candidates = [process.env.FERRETDB_BIN, cachedBinary(cacheDir)];
  const onPath = spawnSync('sh', ['-c', 'command -v ferretdb'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) candidates.push(onPath);
  return candidates.find((c): c is string => !!c && existsSync(c) && ferretVersionOk(c));
}

/**
 * Builds FerretDB from the Go module proxy. `go install …@v1.24.2` alone does not work: the module
 * zip lacks the generated build/version/version.txt, so the binary panics at start, and some proxies
 * refuse the version list that `go install` reads for deprecation notices. So: download the exact
 * version, copy it, write version.txt as FerretDB's docs instruct, and build from the copy.
 */
export function buildFerretDB(cacheDir: string, say: (line: string) => void): string {
  const out = cachedBinary(cacheDir);
  say(`Building FerretDB ${FERRETDB_VERSION} (SQLite backend) with Go — this happens once and takes a few minutes…`);
  const started = Date.now();
  const work = mkdtempSync(path.join(os.tmpdir(), 'growthline-ferretdb-'));
  try {
    say('  [1/3] downloading the FerretDB module and its dependencies');
    const dl = spawnSync('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
      cwd: work, encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod', GO111MODULE: 'on' }, maxBuffer: 16 << 20,
    });
    if (dl.status !== 0) throw new Error(`go mod download failed: ${(dl.stderr || dl.stdout).trim().slice(0, 2000)}`);
    const dir = (JSON.parse(dl.stdout) as { Dir?: string }).Dir;
    if (!dir) throw new Error('go mod download did not report the module directory');
    const src = path.join(work, 'src');
    cpSync(dir, src, { recursive: true });
    chmodRecursive(src);
    writeFileSync(path.join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    say('  [2/3] compiling (downloads dependencies on first use)');
    mkdirSync(path.dirname(out), { recursive: true });
    const build = spawnSync('go', ['build', '-trimpath', '-o', out, './cmd/ferretdb'], {
      cwd: src, encoding: 'utf8', env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' }, maxBuffer: 16 << 20,
    });
    if (build.status !== 0) throw new Error(`go build failed: ${(build.stderr || build.stdout).trim().slice(0, 2000)}`);
    if (!ferretVersionOk(out)) throw new Error('the built binary does not report version 1.24');
    say(`  [3/3] done in ${Math.round((Date.now() - started) / 1000)} s: ${out}`);
    return out;
  } finally {
    chmodRecursive(work);
    rmSync(work, { recursive: true, force: true });
  }
}

function chmodRecursive(dir: string): void {
  // Go's module cache is read-only; the copy must be writable to add version.txt and to be removed.
  spawnSync('chmod', ['-R', 'u+w', dir]);
  try { chmodSync(dir, 0o755); } catch { /* best effort */ }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export async function waitForPort(port: number, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`the database exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the database did not open port ${port} within ${timeoutMs} ms`);
}

interface PidFile { pid: number; port: number }

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

async function startFerretDB(bin: string, dataDir: string, say: (line: string) => void): Promise<EmbeddedDatabase> {
  const dbDir = path.join(dataDir, 'ferretdb');
  const stateDir = path.join(dataDir, 'ferretdb-state');
  mkdirSync(dbDir, { recursive: true });
  mkdirSync(stateDir, { recursive: true });
  const pidPath = path.join(dataDir, 'ferretdb.pid');

  // A FerretDB left running on these files (the tool was killed) is reused: two engines on the
  // same SQLite files would compete for them.
  let previousPort: number | undefined;
  if (existsSync(pidPath)) {
    try {
      const prev = JSON.parse(readFileSync(pidPath, 'utf8')) as PidFile;
      if (isAlive(prev.pid)) {
        await waitForPort(prev.port, 2000);
        say(`Using FerretDB already running on these data files (pid ${prev.pid}).`);
        return { uri: `mongodb://127.0.0.1:${prev.port}/`, engine: 'ferretdb', pid: prev.pid, stop: async () => stopPid(prev.pid, pidPath) };
      }
      previousPort = prev.port;
    } catch { /* stale or unreadable: start a new one */ }
  }

  // After a crash, come back on the same port when it is free: a tool still running reconnects by
  // itself (the driver keeps retrying the address it knows), and nothing has to be restarted with it.
  const port = previousPort && await portIsFree(previousPort) ? previousPort : await freePort();
  const child = spawn(bin, [
    '--handler=sqlite',
    `--sqlite-url=file:${dbDir}/`,
    `--state-dir=${stateDir}`,
    `--listen-addr=127.0.0.1:${port}`,
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=error',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  try {
    await waitForPort(port, 20_000, child);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`FerretDB did not start: ${(err as Error).message}\n${stderr}`);
  }
  writeFileSync(pidPath, JSON.stringify({ pid: child.pid ?? 0, port } satisfies PidFile));
  const onExit = () => { try { child.kill('SIGTERM'); } catch { /* already gone */ } };
  process.once('exit', onExit);
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    engine: 'ferretdb',
    pid: child.pid,
    stop: async () => {
      process.removeListener('exit', onExit);
      await stopChild(child);
      rmSync(pidPath, { force: true });
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function stopPid(pid: number, pidPath: string): Promise<void> {
  try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
  for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  rmSync(pidPath, { force: true });
}

async function startMongod(dbPath: string): Promise<EmbeddedDatabase> {
  mkdirSync(dbPath, { recursive: true });
  const port = await freePort();
  const child = spawn('mongod', ['--dbpath', dbPath, '--port', String(port), '--bind_ip', '127.0.0.1', '--quiet'], { stdio: 'ignore' });
  await waitForPort(port, 30_000, child);
  const onExit = () => { try { child.kill('SIGTERM'); } catch { /* gone */ } };
  process.once('exit', onExit);
  return {
    uri: `mongodb://127.0.0.1:${port}/`, engine: 'mongod', pid: child.pid,
    stop: async () => { process.removeListener('exit', onExit); await stopChild(child); },
  };
}

interface MemoryServerModule {
  MongoMemoryServer: { create(o: object): Promise<{ getUri(): string; stop(o?: object): Promise<unknown> }> };
}

async function startMemoryServer(dataDir: string, say: (line: string) => void): Promise<EmbeddedDatabase> {
  const name = 'mongodb-memory-server';
  let mod: MemoryServerModule;
  try {
    mod = (await import(name)) as MemoryServerModule;
  } catch {
    throw new Error('not installed (npm install mongodb-memory-server)');
  }
  say('Starting MongoDB through mongodb-memory-server (downloads MongoDB on first use)…');
  const dbPath = path.join(dataDir, 'mongod');
  mkdirSync(dbPath, { recursive: true });
  const server = await mod.MongoMemoryServer.create({ instance: { dbPath, storageEngine: 'wiredTiger', ip: '127.0.0.1' } });
  return { uri: server.getUri(), engine: 'mongodb-memory-server', stop: async () => { await server.stop({ doCleanup: false }); } };
}
