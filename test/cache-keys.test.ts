// The run cache is keyed by a hash of the code that computes a setting's numbers (lib/cache.ts). A
// module that a setting imports but that is missing from that hash would let an edit to it go unseen,
// and stale results be read back. So: every lib/ module a setting's code reaches through its (non-type)
// imports is in the core files or in the setting's codeFiles, unless it cannot change a number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CORE_FILES } from '../lib/cache';
import { getSetting, SETTING_NAMES } from '../lib/settings';

const lib = path.join(__dirname, '..', 'lib');

/** Modules that move, store, show or schedule numbers but never compute one. */
const NUMBER_NEUTRAL = new Set([
  'cache.ts', 'pool.ts', 'progress.ts', 'project.ts', 'notebook.ts', 'settings.ts', 'sweep.ts', 'sweep-task.ts',
  'csv.ts', 'figures.ts', 'stats.ts', 'lm/paths.ts',
]);

/** Where each setting is defined (its module's imports are what its runs execute). */
const ENTRY: Record<string, string> = {
  gaussian: 'gaussian.ts', kde: 'kde/setting.ts', lm: 'lm/setting.ts', 'lm-value': 'lm/value.ts', discrete: 'discrete.ts', regression: 'regression.ts',
};

function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(lib, file), 'utf8');
  const out: string[] = [];
  // WebAssembly kernels a module loads (lib/wasm.ts: loadWasm('name') reads lib/name.wasm)
  for (const m of text.matchAll(/loadWasm<[^>]*>\('([^']+)'\)/g)) out.push(`${m[1]}.wasm`);
  const pattern = /^import\s+(?!type\b)[^;]*?from\s+'(\.[^']+)'|require\('(\.[^']+)'\)/gm;
  for (const m of text.matchAll(pattern)) {
    const spec = m[1] ?? m[2];
    const resolved = path.relative(lib, path.resolve(path.dirname(path.join(lib, file)), spec));
    const candidates = [`${resolved}.ts`, path.join(resolved, 'index.ts')];
    const hit = candidates.find((c) => fs.existsSync(path.join(lib, c)));
    if (hit) out.push(hit.split(path.sep).join('/'));
  }
  return out;
}

function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f) || NUMBER_NEUTRAL.has(f) || f.startsWith('plot/')) continue;
    seen.add(f);
    if (f.endsWith('.ts')) todo.push(...importsOf(f));
  }
  return seen;
}

for (const name of SETTING_NAMES) {
  test(`cache key of '${name}' covers every module its numbers depend on`, () => {
    const setting = getSetting(name);
    const hashed = new Set([...CORE_FILES, ...setting.codeFiles]);
    const missing = [...reachable(ENTRY[name])].filter((f) => !hashed.has(f));
    assert.deepEqual(missing, [], `add to ${name}'s codeFiles (or to NUMBER_NEUTRAL if it cannot change a number)`);
  });
}
