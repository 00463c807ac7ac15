// The setting contract, for every registered setting and for a toy one declared here: uniform validation
// (unknown keys refused by name, defaults filled), the CLI's help derived from the declaration, a toy
// setting's sweep (on worker threads from its module, in this thread inline) against its closed form, and
// the run cache's checks (damaged entries are reported by name and recomputed; Infinity and NaN survive).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decode, encode } from '../lib/core/codec';
import { getSetting, settingModule, settingNames } from '../lib/core/registry';
import { ConfigError, defineSetting } from '../lib/core/setting';
import { sweep, sweepColumns, type Columns } from '../lib/core/sweep';
import { toyExpected, toySetting, toySpec } from './fixtures/toy-setting';
import { assertWithinSe } from './helpers';

const root = path.join(__dirname, '..');

// ---------------------------------------------------------------- validation

for (const name of settingNames()) {
  test(`${name}: an unknown key is refused by name; {} takes every parameter's default`, () => {
    const s = getSetting(name);
    const expected = new RegExp(`unknown parameter 'bogus' for setting ${name.replace(/[-]/g, '\\-')} \\(expected: `);
    assert.throws(() => s.validate({ bogus: 1 }), (e: unknown) => e instanceof ConfigError && expected.test(e.message) && !e.message.includes('\n'));
    const defaults = s.validate({});
    assert.deepEqual(Object.keys(defaults), Object.keys(s.params));
    for (const [k, p] of Object.entries(s.params)) assert.equal(defaults[k], p.default, `${name}.${k}`);
    // the message lists every known parameter
    try {
      s.validate({ bogus: 1 });
    } catch (e) {
      for (const k of Object.keys(s.params)) assert.ok((e as Error).message.includes(k), `${name}: '${k}' missing from ${(e as Error).message}`);
    }
  });
}

test("gaussian: a misspelt key is named, even beside good ones", () => {
  assert.throws(() => getSetting('gaussian').validate({ dimm: 50, samples: 10 }), (e: unknown) => e instanceof ConfigError && /unknown parameter 'dimm' for setting gaussian \(expected: workflow, iterations, dim, samples, sigma2\)/.test(e.message));
});

// ---------------------------------------------------------------- the command line (runs dist/: npm run build)

function collapse(...args: string[]) {
  return spawnSync(process.execPath, [path.join(root, 'bin', 'collapse.js'), ...args], { encoding: 'utf8', cwd: os.tmpdir(), env: { ...process.env, COLLAPSE_CACHE_DIR: path.join(os.tmpdir(), 'collapse-settings-cli-cache') } });
}

for (const name of settingNames()) {
  test(`collapse run ${name} --help / -h: every flag, the CSV columns, exit 0`, () => {
    const s = getSetting(name);
    for (const flag of ['--help', '-h']) {
      const r = collapse('run', name, flag);
      assert.equal(r.status, 0, r.stderr);
      for (const k of [...Object.keys(s.params), 'seeds', 'out']) assert.match(r.stdout, new RegExp(`^\\s*--${k}\\b`, 'm'), `${name} ${flag}: --${k}`);
      assert.ok(r.stdout.includes('CSV columns'), r.stdout);
      assert.ok(r.stdout.includes(s.metrics[0]), `${name} ${flag}: metric ${s.metrics[0]}`);
      assert.ok(r.stdout.includes(s.summary), `${name} ${flag}: summary`);
    }
  });
}

test('collapse --help lists every setting; collapse --version prints the package version', () => {
  const r = collapse('--help');
  assert.equal(r.status, 0, r.stderr);
  for (const name of settingNames()) assert.match(r.stdout, new RegExp(`^\\s+${name}\\s`, 'm'), name);
  const v = collapse('--version');
  assert.equal(v.status, 0, v.stderr);
  assert.equal(v.stdout.trim(), JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version);
});

// ---------------------------------------------------------------- a toy setting

const toyGrid = { workflow: ['replace', 'accumulate'], samples: [5], iterations: [6] };
const SEEDS = 200;

const f64 = (c: Columns, k: string) => c[k] as Float64Array;

test('toy setting from a module: tidy columns, and the mean over seeds matches the closed form (4 SE)', async () => {
  assert.equal(settingModule(toySetting), path.join(__dirname, 'fixtures', 'toy-setting.ts'), 'declared in a module: its runs go to the workers');
  const t = await sweep(toySetting, { grid: toyGrid, seeds: SEEDS, workers: 2, cache: false, progress: false });
  assert.deepEqual(t.columnNames(), ['workflow', 'samples', 'seed', 'iteration', 'squared_mean', 'training_size']);
  assert.equal(t.numRows(), 2 * SEEDS * 6);
  const wf = t.array('workflow') as string[];
  const it = t.array('iteration') as ArrayLike<number>;
  const y = t.array('squared_mean') as ArrayLike<number>;
  const size = t.array('training_size') as ArrayLike<number>;
  for (const workflow of ['replace', 'accumulate'] as const) {
    for (let k = 1; k <= 6; k++) {
      const rows = Array.from({ length: t.numRows() }, (_, i) => i).filter((i) => wf[i] === workflow && it[i] === k);
      assert.equal(rows.length, SEEDS);
      assertWithinSe(rows.map((i) => y[i]), toyExpected(workflow, 5, k), `${workflow} t=${k}`);
      assert.ok(rows.every((i) => size[i] === (workflow === 'replace' ? 5 : 5 * k)), `${workflow} training size at t=${k}`);
    }
  }
});

test('toy setting declared inline runs in this thread and gives the same numbers as the module one; sweeps replay bit for bit', async () => {
  const inline = defineSetting({ ...toySpec });
  assert.equal(settingModule(inline), undefined, 'declared in a test, not exported by a module: runs in this thread');
  const options = { grid: toyGrid, seeds: 30, cache: false, progress: false };
  const fromModule = await sweepColumns(toySetting, { ...options, workers: 2 });
  const again = await sweepColumns(toySetting, { ...options, workers: 2 });
  const here = await sweepColumns(inline, options);
  assert.deepEqual(Object.keys(here), Object.keys(fromModule));
  for (const k of Object.keys(fromModule)) {
    const a = fromModule[k];
    if (a instanceof Float64Array) {
      assert.deepEqual(Buffer.from(f64(again, k).buffer), Buffer.from(a.buffer), `two sweeps, ${k}`);
      assert.deepEqual(Buffer.from(f64(here, k).buffer), Buffer.from(a.buffer), `module vs inline, ${k}`);
    } else {
      assert.deepEqual(again[k], a, k);
      assert.deepEqual(here[k], a, k);
    }
  }
  // and one run is the sweep's row: the same streams
  const one = inline.run(inline.validate({ workflow: 'accumulate', samples: 5, iterations: 6 }), 7);
  const rows = Array.from(f64(fromModule, 'seed').keys()).filter((i) => f64(fromModule, 'seed')[i] === 7 && fromModule.workflow[i] === 'accumulate');
  assert.deepEqual(rows.map((i) => f64(fromModule, 'squared_mean')[i]), Array.from(one.metrics.squared_mean));
});

// ---------------------------------------------------------------- the cache

/** Run `f` with COLLAPSE_CACHE_DIR set to a fresh folder and stderr captured. */
async function withCache<T>(f: (dir: string, stderr: () => string) => Promise<T>): Promise<T> {
  const prior = process.env.COLLAPSE_CACHE_DIR;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-settings-cache-'));
  process.env.COLLAPSE_CACHE_DIR = dir;
  let captured = '';
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof process.stderr.write;
  try {
    return await f(dir, () => captured);
  } finally {
    process.stderr.write = write;
    if (prior === undefined) delete process.env.COLLAPSE_CACHE_DIR;
    else process.env.COLLAPSE_CACHE_DIR = prior;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const sameColumns = (a: Columns, b: Columns, what: string) => {
  assert.deepEqual(Object.keys(b), Object.keys(a), what);
  for (const k of Object.keys(a)) {
    const x = a[k];
    if (x instanceof Float64Array) assert.deepEqual(Buffer.from(f64(b, k).buffer), Buffer.from(x.buffer), `${what}: ${k}`);
    else assert.deepEqual(b[k], x, `${what}: ${k}`);
  }
};

test('a declaration in a notebook cell (no module file) is cached only when asked; one in a module file by default', async () => {
  await withCache(async (dir) => {
    const inline = defineSetting({ ...toySpec, name: 'toy-inline-cache' });
    const files = (name: string) => (fs.existsSync(path.join(dir, name)) ? fs.readdirSync(path.join(dir, name)).length : 0);
    await sweepColumns(inline, { grid: toyGrid, seeds: 2, progress: false });
    assert.equal(files('toy-inline-cache'), 0, 'not cached by default');
    await sweepColumns(inline, { grid: toyGrid, seeds: 2, progress: false, cache: true });
    assert.ok(files('toy-inline-cache') > 0, 'cached with cache: true');
    await sweepColumns(toySetting, { grid: toyGrid, seeds: 2, progress: false, workers: 1 });
    assert.ok(files(toySetting.name) > 0, 'a module declaration is cached by default');
  });
});

test('damaged cache entries (truncated, wrong shape, another run\'s file) are named on stderr and recomputed', async () => {
  await withCache(async (dir, stderr) => {
    const grid = { workflow: ['replace', 'accumulate'], dim: [2], samples: [5, 6], iterations: [4] };
    const options = { grid, seeds: 2, workers: 1, progress: false };
    const first = await sweepColumns('gaussian', options);
    const folder = path.join(dir, 'gaussian');
    const files = fs.readdirSync(folder).sort().map((f) => path.join(folder, f));
    assert.equal(files.length, 2 * 2 * 2);
    assert.equal(stderr(), '', 'a fresh cache: no warnings');
    const fromCache = await sweepColumns('gaussian', options);
    sameColumns(first, fromCache, 'read back');
    assert.equal(stderr(), '');

    const [truncated, wrongShape, overwritten, other] = files;
    const text = fs.readFileSync(truncated, 'utf8');
    fs.writeFileSync(truncated, text.slice(0, Math.floor(text.length / 2)));
    const entry = JSON.parse(fs.readFileSync(wrongShape, 'utf8'));
    fs.writeFileSync(wrongShape, JSON.stringify({ ...entry, value: { iterations: 4, trainingSize: [5, 5, 5, 5], metrics: {} } }));
    fs.copyFileSync(other, overwritten);

    const second = await sweepColumns('gaussian', options);
    sameColumns(first, second, 'after damage');
    const warnings = stderr().trim().split('\n');
    assert.equal(warnings.length, 3, stderr());
    for (const [file, problem] of [[truncated, /not valid JSON/], [wrongShape, /training sizes|metric/], [overwritten, /holds another result/]] as const) {
      const line = warnings.find((w) => w.includes(file));
      assert.ok(line, `no warning names ${file}:\n${stderr()}`);
      assert.match(line, new RegExp(`^collapse: cache entry ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
      assert.match(line, problem);
      assert.match(line, /; recomputing it$/);
    }
    // the recomputed entries were written back: a third sweep reads everything without a warning
    const before = stderr();
    sameColumns(first, await sweepColumns('gaussian', options), 'repaired');
    assert.equal(stderr(), before);
  });
});

test('Infinity and NaN survive the cache: the codec, and a top-hat KDE sweep read back', async () => {
  const value = { a: Infinity, b: -Infinity, c: NaN, d: 1.5, f: Float64Array.of(1, NaN, Infinity, -Infinity, 2 ** -1074), nested: [NaN, { x: -Infinity }] };
  const back = decode(encode(value)) as typeof value;
  assert.equal(back.a, Infinity);
  assert.equal(back.b, -Infinity);
  assert.ok(Number.isNaN(back.c));
  assert.equal(back.d, 1.5);
  assert.ok(back.f instanceof Float64Array);
  assert.deepEqual(Array.from(back.f), [1, NaN, Infinity, -Infinity, 2 ** -1074]);
  assert.ok(Number.isNaN(back.nested[0] as number));
  assert.deepEqual(back.nested[1], { x: -Infinity });

  await withCache(async (dir, stderr) => {
    const grid = { workflow: ['replace'], dataset: ['blobs'], kernel: ['tophat'], bandwidth: [0.1], samples: [10], iterations: [3] };
    const options = { grid, seeds: 2, workers: 1, progress: false };
    const first = await sweepColumns('kde', options);
    const nll = Array.from(f64(first, 'test_nll'));
    assert.ok(nll.includes(Infinity), `a top-hat KDE of ten points leaves blob test points at zero density: ${nll}`);
    assert.equal(fs.readdirSync(path.join(dir, 'kde')).length, 2);
    const again = await sweepColumns('kde', options);
    sameColumns(first, again, 'kde from the cache');
    assert.equal(stderr(), '');
  });
});
