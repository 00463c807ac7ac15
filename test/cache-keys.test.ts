// The run cache is keyed by the code version of the module that declares a setting: a hash of its import
// closure, followed through its non-type imports (lib/core/code-version.ts), with no hand-kept list. So:
// every setting's closure holds its model, the core loop and the WebAssembly kernel it loads; no plotting
// module is in any closure (a figure cannot change a number, and must not invalidate the cache); an edit to
// any file of a closure changes the version; and lib/ has no import cycles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { moduleClosure } from '../lib/core/code-version';
import { getSetting, settingNames } from '../lib/core/registry';

const lib = path.join(__dirname, '..', 'lib');
const rel = (file: string) => path.relative(lib, file).split(path.sep).join('/');

/** The WebAssembly kernel each setting's numbers run through, where it has one. */
const WASM: Record<string, string> = {
  gaussian: 'settings/gaussian/linalg.wasm',
  kde: 'settings/kde/kernel.wasm',
};

test('every setting declares itself in lib/settings/<folder>/setting.ts', () => {
  assert.ok(settingNames().length >= 6, settingNames().join(', '));
  for (const name of settingNames()) {
    const file = getSetting(name).file;
    assert.ok(file, `${name} has no declaring file`);
    assert.match(rel(file), /^settings\/[^/]+\/setting\.ts$/, name);
  }
});

for (const name of settingNames()) {
  test(`the cache key of '${name}' covers its model, the core loop and its kernel, and no plotting module`, () => {
    const file = getSetting(name).file!;
    const closure = moduleClosure(file).map(rel);
    const folder = path.dirname(rel(file));
    for (const needed of [rel(file), `${folder}/model.ts`, 'core/workflows.ts', 'core/random.ts', 'core/setting.ts', 'core/params.ts']) {
      assert.ok(closure.includes(needed), `${name}: ${needed} missing from the closure:\n${closure.join('\n')}`);
    }
    if (WASM[name]) assert.ok(closure.includes(WASM[name]), `${name}: ${WASM[name]} missing from the closure`);
    for (const f of closure) assert.ok(fs.existsSync(path.join(lib, f)), `${name}: ${f} in the closure does not exist`);
    const plots = closure.filter((f) => f.startsWith('plot/'));
    assert.deepEqual(plots, [], `${name}: plotting modules in the closure`);
    // every file of the closure is under lib/ (nothing outside is hashed by accident)
    assert.deepEqual(closure.filter((f) => f.startsWith('..')), []);
  });
}

test('the kernels are in the closures of exactly the settings that load them', () => {
  for (const name of settingNames()) {
    const wasm = moduleClosure(getSetting(name).file!).map(rel).filter((f) => f.endsWith('.wasm'));
    assert.deepEqual(wasm, WASM[name] ? [WASM[name]] : [], name);
  }
});

/** A fresh copy of lib/core/code-version.ts, so its memo of versions is empty. */
function freshCodeVersion(): typeof import('../lib/core/code-version').codeVersion {
  const id = require.resolve('../lib/core/code-version');
  delete require.cache[id];
  try {
    return (require(id) as typeof import('../lib/core/code-version')).codeVersion;
  } finally {
    delete require.cache[id];
  }
}

test('codeVersion follows the closure: an edit to an imported file changes it; an unimported or type-only one does not', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-closure-'));
  try {
    const a = path.join(dir, 'a.ts');
    const b = path.join(dir, 'b.ts');
    const c = path.join(dir, 'c.ts');
    const t = path.join(dir, 't.ts');
    fs.writeFileSync(a, "import { b } from './b';\nimport type { T } from './t';\nexport const a = (x: T) => b + x;\n");
    fs.writeFileSync(b, 'export const b = 1;\n');
    fs.writeFileSync(c, 'export const c = 1;\n');
    fs.writeFileSync(t, 'export type T = number;\n');
    assert.deepEqual(moduleClosure(a), [a, b].sort());

    const v0 = freshCodeVersion()(a);
    assert.match(v0, /^[0-9a-f]{16}$/);
    assert.equal(freshCodeVersion()(a), v0, 'the same files give the same version');
    fs.writeFileSync(c, 'export const c = 2;\n');
    fs.writeFileSync(t, 'export type T = string;\n');
    assert.equal(freshCodeVersion()(a), v0, 'files outside the closure do not enter the version');
    fs.writeFileSync(b, 'export const b = 2;\n');
    const v1 = freshCodeVersion()(a);
    assert.notEqual(v1, v0, 'an edit to an imported file changes the version');
    // ... and so does an edit of the entry itself, and a closure that grows
    fs.writeFileSync(a, "import { b } from './b';\nimport { c } from './c';\nexport const a = b + c;\n");
    const v2 = freshCodeVersion()(a);
    assert.notEqual(v2, v1);
    assert.deepEqual(moduleClosure(a), [a, b, c].sort());
    fs.writeFileSync(c, 'export const c = 3;\n');
    assert.notEqual(freshCodeVersion()(a), v2);
    // the extra text (a notebook declaration's source) enters the version too
    const codeVersion = freshCodeVersion();
    assert.notEqual(codeVersion(a, [], 'one'), codeVersion(a, [], 'two'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// The import graph of lib/, parsed as code-version.ts parses it: non-type `import … from` and
// `export … from` of relative modules, and `require('./…')`.
const IMPORT = /^\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+['"](\.[^'"]+)['"]|\brequire\(['"](\.[^'"]+)['"]\)/gm;

function libModules(dir = lib): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return libModules(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const base = path.resolve(path.dirname(file), m[1] ?? m[2]);
    const hit = [`${base}.ts`, path.join(base, 'index.ts'), base].find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
    if (hit && hit.endsWith('.ts')) out.push(hit);
  }
  return out;
}

test('the graph parsed here is the one moduleClosure follows', () => {
  for (const name of settingNames()) {
    const entry = getSetting(name).file!;
    const seen = new Set<string>();
    const todo = [entry];
    while (todo.length) {
      const f = todo.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      todo.push(...importsOf(f));
    }
    assert.deepEqual([...seen].sort(), moduleClosure(entry).filter((f) => f.endsWith('.ts')), name);
  }
});

test('no import cycles among lib/ modules', () => {
  const graph = new Map(libModules().map((f) => [f, importsOf(f)]));
  assert.ok(graph.size > 40, `only ${graph.size} modules found`);
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (f: string, stack: string[]) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      cycles.push([...stack.slice(stack.indexOf(f)), f].map(rel).join(' → '));
      return;
    }
    state.set(f, 'open');
    for (const g of graph.get(f) ?? importsOf(f)) visit(g, [...stack, f]);
    state.set(f, 'done');
  };
  for (const f of graph.keys()) visit(f, []);
  assert.deepEqual(cycles, []);
});
