// The content that every attempt start, attempt view, submit and mastery update reads, kept in memory:
// pinned item versions (immutable: an edit makes a new version) and standard descriptions (shown on
// results; a district's edit shows within STANDARDS_CACHE_MS). On FerretDB each content query reads its
// whole collection, and these run on every student request that shows or scores questions.
import { getItemVersions, getStandards } from '../content/content.service.js';
import type { Item } from '../content/item.schema.js';

const MAX_ENTRIES = 20_000;
export const STANDARDS_CACHE_MS = 60_000;

const items = new Map<string, Item>();
const descriptions = new Map<string, { at: number; description: string | null }>();

const bounded = <K, V>(m: Map<K, V>) => { if (m.size >= MAX_ENTRIES) m.clear(); };
const itemKey = (tenantId: string, id: string, version: number) => `${tenantId}\u0000${id}@${version}`;

/** As getItemVersions (the versions the tenant can use, in the order asked, each once), from memory where it can. */
export async function pinnedItemVersions(tenantId: string, refs: { id: string; version: number }[]): Promise<Item[]> {
  const missing = refs.filter((r) => !items.has(itemKey(tenantId, r.id, r.version)));
  if (missing.length) {
    const loaded = await getItemVersions(tenantId, missing);
    bounded(items);
    for (const it of loaded) items.set(itemKey(tenantId, it.id, it.version), it);
  }
  const seen = new Set<string>();
  const out: Item[] = [];
  for (const r of refs) {
    const key = itemKey(tenantId, r.id, r.version);
    const it = items.get(key);
    if (it && !seen.has(key)) { seen.add(key); out.push(it); }
  }
  return out;
}

/** Each code's description as the tenant sees it ('' when unknown), from memory where it is recent. */
export async function standardDescriptions(tenantId: string, codes: string[]): Promise<Map<string, string>> {
  const now = Date.now();
  const key = (code: string) => `${tenantId}\u0000${code}`;
  const stale = [...new Set(codes)].filter((c) => { const d = descriptions.get(key(c)); return !d || now - d.at >= STANDARDS_CACHE_MS; });
  if (stale.length) {
    const found = new Map((await getStandards(stale, undefined, tenantId)).map((s) => [s.code, s.description]));
    bounded(descriptions);
    for (const c of stale) descriptions.set(key(c), { at: now, description: found.get(c) ?? null });
  }
  return new Map(codes.map((c) => [c, descriptions.get(key(c))?.description ?? '']));
}
