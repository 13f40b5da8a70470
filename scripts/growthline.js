#!/usr/bin/env node
// `npx growthline …`: runs the command line (server/cli/main.ts) with tsx, passing the arguments through,
// from the caller's folder (so relative paths and ./data mean what the caller expects).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
// Prefer the repository's own tsx; a production install without dev tools runs the built command instead.
const localTsx = path.join(repo, 'node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx');
const built = path.join(repo, 'dist', 'server', 'cli', 'main.js');
const [cmd, args] = existsSync(localTsx)
  ? [localTsx, [path.join(repo, 'server', 'cli', 'main.ts')]]
  : existsSync(built)
    ? [process.execPath, [built]]
    : [npx, ['tsx', path.join(repo, 'server', 'cli', 'main.ts')]];

const child = spawn(cmd, [...args, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('error', (e) => {
  process.stderr.write(`growthline could not start: ${e.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
