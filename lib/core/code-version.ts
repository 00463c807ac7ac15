// The code version of a cached result: a hash of the code that actually computes it. That is the import
// closure of the module that declares the setting (or defines the job), followed through its non-type
// imports, in the form this process runs: the TypeScript sources under tsx, the compiled JavaScript of
// dist/ under node. So a source edit that was not rebuilt does not change the key of numbers the old
// build computes, and a rebuild does; nothing is listed by hand.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { projectRoot } from './project';

// `import x from './a'`, `export { y } from './b'` (not `import type` / `export type`), `require('./c')`;
// and the WebAssembly kernels a module loads by name (core/wasm.ts: loadWasm with the name settings/kde/kernel reads lib/settings/kde/kernel.wasm).
const IMPORT = /^\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+['"](\.[^'"]+)['"]|\brequire\(['"](\.[^'"]+)['"]\)/gm;
const WASM = /loadWasm(?:<[^>]*>)?\(['"]([^'"]+)['"]\)/g;

function resolveModule(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  const ext = path.extname(from);
  for (const c of [base + ext, path.join(base, 'index' + ext), base]) if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  return undefined;
}

/** Every file the module `entry` runs, itself included (absolute paths, sorted). */
export function moduleClosure(entry: string): string[] {
  const seen = new Set<string>();
  const todo = [entry];
  const wasmRoot = path.join(projectRoot(), 'lib');
  while (todo.length) {
    const file = todo.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!/\.(ts|js)$/.test(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const hit = resolveModule(file, m[1] ?? m[2]);
      if (hit) todo.push(hit);
    }
    for (const m of text.matchAll(WASM)) todo.push(path.join(wasmRoot, `${m[1]}.wasm`));
  }
  return [...seen].sort();
}

function filesUnder(p: string): string[] {
  if (!fs.existsSync(p)) return [];
  if (fs.statSync(p).isFile()) return [p];
  return fs.readdirSync(p).sort().flatMap((e) => (e === 'cache' ? [] : filesUnder(path.join(p, e))));
}

const versions = new Map<string, string>();

/**
 * Hash of the closure of `entry` (a module file), of the project files or folders `data` (relative to the
 * project), and of `extra` text (the source of a declaration that lives in a notebook cell).
 */
export function codeVersion(entry: string, data: readonly string[] = [], extra = ''): string {
  const memo = `${entry}|${data.join(',')}|${extra}`;
  const known = versions.get(memo);
  if (known) return known;
  const root = projectRoot();
  const h = createHash('sha256');
  const files = [...moduleClosure(entry), ...data.flatMap((d) => filesUnder(path.join(root, d)))];
  for (const file of files) h.update(path.relative(root, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  h.update(extra);
  const v = h.digest('hex').slice(0, 16);
  versions.set(memo, v);
  return v;
}
