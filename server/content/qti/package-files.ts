// Reads the files of a QTI package, from zip bytes or a folder, refusing what could hurt the server:
// too many entries, too many bytes once inflated (checked before anything is inflated), and entry
// names that would climb out of the package. Everything wrong is reported, nothing is thrown.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { posix } from 'node:path';
import { unzipSync } from 'fflate';

export interface QtiProblem {
  /** Path inside the package ("imsmanifest.xml", "items/q1.xml"), or "(package)" for the package as a whole. */
  file: string;
  /** The element (local name) the problem is about, when there is one. */
  element?: string;
  reason: string;
}

export interface QtiPackageLimits {
  /** Most entries (files and folders) a package may hold. */
  maxEntries: number;
  /** Most bytes all files may add up to once uncompressed. */
  maxTotalBytes: number;
}

export const DEFAULT_QTI_LIMITS: QtiPackageLimits = { maxEntries: 2000, maxTotalBytes: 50 * 1024 * 1024 };

export const PACKAGE = '(package)';

const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/** Why an entry name is unsafe, or undefined when it is a plain relative path. */
export function unsafePathReason(name: string): string | undefined {
  if (name.includes('\0')) return 'entry name contains a NUL character';
  if (name.includes('\\')) return 'entry name contains a backslash';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'entry name is an absolute path';
  if (name.split('/').includes('..')) return 'entry name climbs out of the package ("../")';
  return undefined;
}

class LimitExceeded extends Error {}

/** Files read, problems found, and whether the package is refused outright (unsafe or over a limit). */
export interface PackageFiles {
  files: Map<string, Uint8Array>;
  problems: QtiProblem[];
  refused: boolean;
}

export function readZip(bytes: Uint8Array, limits: QtiPackageLimits): PackageFiles {
  const problems: QtiProblem[] = [];
  const files = new Map<string, Uint8Array>();
  const refused = () => ({ files: new Map<string, Uint8Array>(), problems, refused: true });
  let unsafeEntries = false;
  let entries = 0;
  let total = 0;
  const seen = new Set<string>();
  if (bytes.length > limits.maxTotalBytes) {
    problems.push({ file: PACKAGE, reason: `package is larger than ${mb(limits.maxTotalBytes)}` });
    return refused();
  }
  let unzipped: Record<string, Uint8Array>;
  try {
    unzipped = unzipSync(bytes, {
      // Runs on the central directory, before a byte is inflated.
      filter(info) {
        entries++;
        if (entries > limits.maxEntries) throw new LimitExceeded(`package has more than ${limits.maxEntries} entries`);
        const unsafe = unsafePathReason(info.name);
        if (unsafe) {
          problems.push({ file: info.name, reason: `${unsafe}; nothing from this package is imported` });
          unsafeEntries = true;
          return false;
        }
        if (info.name.endsWith('/')) return false;
        const name = posix.normalize(info.name);
        if (seen.has(name)) {
          problems.push({ file: name, reason: 'the package holds two entries with this name' });
          return false;
        }
        seen.add(name);
        if (info.compression !== 0 && info.compression !== 8) {
          problems.push({ file: name, reason: `compression method ${info.compression} is not supported (only stored and deflate)` });
          return false;
        }
        // A stored entry is as large as its compressed size; a deflated one as large as it claims, no
        // larger (fflate inflates into a buffer of exactly the declared size).
        total += Math.max(info.originalSize, info.compression === 0 ? info.size : 0);
        if (total > limits.maxTotalBytes) throw new LimitExceeded(`package inflates to more than ${mb(limits.maxTotalBytes)}`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof LimitExceeded) problems.push({ file: PACKAGE, reason: `${e.message}; nothing was extracted` });
    else problems.push({ file: PACKAGE, reason: `not a readable zip archive: ${e instanceof Error ? e.message : String(e)}` });
    return refused();
  }
  if (unsafeEntries) return refused();
  for (const [name, data] of Object.entries(unzipped)) files.set(posix.normalize(name), data);
  return { files, problems, refused: false };
}

export function readFolder(dir: string, limits: QtiPackageLimits): PackageFiles {
  const problems: QtiProblem[] = [];
  const found: { name: string; path: string }[] = [];
  let total = 0;
  const walk = (path: string): boolean => {
    let names: string[];
    try {
      names = readdirSync(path).sort();
    } catch (e) {
      problems.push({ file: relative(dir, path).split(sep).join('/') || PACKAGE, reason: `cannot read folder: ${e instanceof Error ? e.message : String(e)}` });
      return false;
    }
    for (const n of names) {
      const full = join(path, n);
      const name = relative(dir, full).split(sep).join('/');
      const stat = lstatSync(full);
      if (found.length >= limits.maxEntries) {
        problems.push({ file: PACKAGE, reason: `package has more than ${limits.maxEntries} entries; nothing was read` });
        return false;
      }
      if (stat.isSymbolicLink()) {
        problems.push({ file: name, reason: 'symbolic links are not followed' });
      } else if (stat.isDirectory()) {
        if (!walk(full)) return false;
      } else if (stat.isFile()) {
        total += stat.size;
        if (total > limits.maxTotalBytes) {
          problems.push({ file: PACKAGE, reason: `package is larger than ${mb(limits.maxTotalBytes)}; nothing was read` });
          return false;
        }
        found.push({ name, path: full });
      }
    }
    return true;
  };
  const files = new Map<string, Uint8Array>();
  if (!walk(dir)) return { files, problems, refused: true };
  for (const f of found) files.set(f.name, new Uint8Array(readFileSync(f.path)));
  return { files, problems, refused: false };
}
