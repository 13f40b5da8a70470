// The `growthline` command line as an administrator runs it: a child process (from source, through tsx)
// on a given database with logging off, so a test sees the exit code and exactly what was printed.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { testDatabaseUri } from './tool.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = path.join(REPO, 'node_modules', '.bin', 'tsx');
const CLI = path.join(REPO, 'server', 'cli', 'main.ts');

export interface CommandRun { code: number | null; stdout: string; stderr: string }

/** Runs any command against the database at `mongodbUri` (in `cwd`, if given) and collects its output. */
export function runCommand(command: string, args: string[], o: { mongodbUri: string; cwd?: string }): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: o.cwd, env: { ...process.env, MONGODB_URI: o.mongodbUri, LOG_LEVEL: 'silent' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `growthline …args` against the database at `mongodbUri`. */
export function growthlineCli(args: string[], o: { mongodbUri: string; cwd?: string }): Promise<CommandRun> {
  return runCommand(TSX, [CLI, ...args], o);
}

/** A database name of its own on the test server (`gl_test_<name>_<random>`), for a command run without a tool. */
export function freshDatabaseUri(name: string): string {
  return `${testDatabaseUri().replace(/\/[^/]*$/, '/')}gl_test_${name}_${randomBytes(6).toString('hex')}`;
}
