// The cache: one file per result under data/cache/<folder>/ (or $COLLAPSE_CACHE_DIR), named by a hash of
// the code version and the result's key, written atomically (a temporary file, then a rename), so an
// interrupted sweep leaves only whole files behind and resumes by skipping them, and many processes —
// or many machines sharing a folder — can write one cache. A file is checked when read: its folder, code
// version and key must be the ones asked for, and the value must pass the caller's shape check; an
// entry that fails (damaged, truncated, another run's file) is reported by name and recomputed.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { decode, encode } from './codec';
import { cacheDir, writeFileAtomic } from './project';

/** Where a result is cached: its folder, the code version that computes it, and its key (canonical text). */
export interface CacheSlot {
  folder: string;
  version: string;
  key: string;
}

export function cachePath(slot: CacheSlot): string {
  const hash = createHash('sha256').update(`${slot.version}|${slot.key}`).digest('hex').slice(0, 24);
  return path.join(cacheDir(), slot.folder, `${hash}.json`);
}

export type CacheRead<R> = { hit: true; value: R } | { hit: false; problem?: string };

/** Read a slot: a hit, a miss, or a miss with the problem of a file that exists but cannot be used. */
export function readCache<R>(slot: CacheSlot, check?: (value: unknown) => string | undefined): CacheRead<R> {
  const file = cachePath(slot);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { hit: false };
  }
  let entry: { folder?: unknown; version?: unknown; key?: unknown; value?: unknown };
  try {
    entry = decode(text) as typeof entry;
  } catch (err) {
    return { hit: false, problem: `${file}: not valid JSON (${(err as Error).message})` };
  }
  if (!entry || typeof entry !== 'object') return { hit: false, problem: `${file}: not a cache entry` };
  if (entry.folder !== slot.folder || entry.version !== slot.version || entry.key !== slot.key) return { hit: false, problem: `${file}: holds another result (its folder, code version or key differ)` };
  const problem = check?.(entry.value);
  if (problem) return { hit: false, problem: `${file}: ${problem}` };
  return { hit: true, value: entry.value as R };
}

export function writeCache(slot: CacheSlot, value: unknown): void {
  writeFileAtomic(cachePath(slot), encode({ ...slot, value }));
}

/** Read through the cache: the cached value, or `compute()` written to the slot. Problems are warned about by name. */
export function cached<R>(slot: CacheSlot | undefined, compute: () => R, check?: (value: unknown) => string | undefined): R {
  if (slot) {
    const r = readCache<R>(slot, check);
    if (r.hit) return r.value;
    if (r.problem) warnCache(r.problem);
  }
  const value = compute();
  if (slot) writeCache(slot, value);
  return value;
}

export function warnCache(problem: string): void {
  process.stderr.write(`collapse: cache entry ${problem}; recomputing it\n`);
}
