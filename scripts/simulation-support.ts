// What the simulations (simulate-mastery.ts, simulate-adaptive.ts) share: the starter bank as plain items, the seeded
// normal draw and string hash that make a seed reproducible, and the command-line plumbing of running one as a script.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SimBankItem {
  id: string;
  version: number;
  standards: string[];
  /** Rasch difficulty in logits, as the author set it. */
  difficulty: number;
  /** The bank folder the item lives in (grade-6, …): a simulated student takes one grade's standards. */
  band: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const STARTER_BANK_DIR = path.resolve(here, '../server/content/bank/starter');

/** Every item of the starter bank with its standards, difficulty and grade band (top-level folder). */
export function loadStarterBank(dir: string = STARTER_BANK_DIR): SimBankItem[] {
  const items: SimBankItem[] = [];
  const walk = (d: string, band: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p, band || name);
      else if (name.endsWith('.json')) {
        const parsed: unknown = JSON.parse(readFileSync(p, 'utf8'));
        for (const raw of Array.isArray(parsed) ? parsed : [parsed]) {
          const it = raw as { id?: unknown; version?: unknown; standards?: unknown; difficulty?: unknown };
          if (typeof it.id !== 'string' || typeof it.difficulty !== 'number' || !Array.isArray(it.standards)) continue;
          items.push({ id: it.id, version: typeof it.version === 'number' ? it.version : 1, standards: it.standards.map(String), difficulty: it.difficulty, band: band || 'bank' });
        }
      }
    }
  };
  walk(dir, '');
  return items;
}

/** A standard normal draw (Box–Muller) from a seeded uniform generator. */
export function normal(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** FNV-1a, to turn a label such as `${seed}|${scenario}` into a seed for its own generator. */
export function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The number a `--flag value` option holds, or an error naming the flag. */
export function numberFlag(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${flag} needs a number`);
  return n;
}

/** Runs `simulate` when the file at `moduleUrl` is the script being executed (not when a test imports it): prints its
 *  markdown, the time taken on stderr, and exits 1 with the message on an error. */
export function runIfMain(moduleUrl: string, name: string, simulate: () => { markdown: string }): void {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  try {
    const started = Date.now();
    const result = simulate();
    process.stdout.write(`${result.markdown}\n`);
    process.stderr.write(`(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  } catch (err) {
    process.stderr.write(`${name}: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
