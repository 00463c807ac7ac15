// The sweep runner: workers agree with one thread bit for bit; finished runs are cached atomically and
// an interrupted sweep resumes without redoing them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-sweep-'));
process.env.COLLAPSE_CACHE_DIR = dir;
import { sweepColumns, sweep } from '../lib/core/sweep';

const grid = { workflow: ['replace', 'accumulate-subsample'], dim: [2], samples: [6, 9], iterations: [5], sigma2: [1] };
const files = () => fs.readdirSync(path.join(dir, 'gaussian')).sort();

test('two worker threads give bit-identical results to one thread', async () => {
  const one = await sweepColumns('gaussian', { grid, seeds: 3, workers: 1, cache: false, progress: false });
  const two = await sweepColumns('gaussian', { grid, seeds: 3, workers: 2, cache: false, progress: false });
  assert.deepEqual(Object.keys(two), Object.keys(one));
  for (const k of Object.keys(one)) assert.deepEqual(Array.from(two[k] as ArrayLike<unknown>), Array.from(one[k] as ArrayLike<unknown>), k);
  assert.equal((one.iteration as Float64Array).length, 2 * 2 * 3 * 5);
});

test('an interrupted sweep resumes: cached runs are reused, missing ones recomputed, results unchanged', async () => {
  const first = await sweepColumns('gaussian', { grid, seeds: 4, workers: 2, progress: false });
  const cached = files();
  assert.equal(cached.length, 2 * 2 * 4, 'one cache file per (configuration, seed)');
  assert.ok(cached.every((f) => f.endsWith('.json')), 'no temporary files left behind');
  // simulate an interruption: drop three runs, and mark the survivors so a rewrite would show
  for (const f of cached.slice(0, 3)) fs.rmSync(path.join(dir, 'gaussian', f));
  const before = new Map(cached.slice(3).map((f) => [f, fs.statSync(path.join(dir, 'gaussian', f)).mtimeMs]));
  const old = new Date(Date.now() - 60_000);
  for (const f of before.keys()) fs.utimesSync(path.join(dir, 'gaussian', f), old, old);
  const second = await sweepColumns('gaussian', { grid, seeds: 4, workers: 2, progress: false });
  assert.deepEqual(files(), cached, 'the missing runs are back');
  // a rewrite would stamp it with the present, 60 s after `old` (compare loosely: mtimes round to the file system's precision)
  for (const f of before.keys()) assert.ok(Math.abs(fs.statSync(path.join(dir, 'gaussian', f)).mtimeMs - old.getTime()) < 1000, `${f} was rewritten`);
  for (const k of Object.keys(first)) assert.deepEqual(Array.from(second[k] as ArrayLike<unknown>), Array.from(first[k] as ArrayLike<unknown>), k);
});

test('the tidy table has the documented columns', async () => {
  const t = await sweep('gaussian', { grid, seeds: 2, progress: false });
  assert.deepEqual(t.columnNames().slice(0, 8), ['workflow', 'dim', 'samples', 'seed', 'iteration', 'squared_error_of_mean', 'trace_ratio', 'det_ratio']);
  assert.ok(t.columnNames().includes('training_size'));
  assert.equal(t.numRows(), 2 * 2 * 2 * 5);
});

test('a bad configuration fails before any run starts', async () => {
  const count = files().length;
  await assert.rejects(sweep('gaussian', { grid: { ...grid, samples: [6, 0] }, seeds: 2, progress: false }), /samples must be >= 2, got 0/);
  assert.equal(files().length, count);
});

test("iterations a run does not evaluate (KDE's evaluate_at 'log') are left out of the table; evaluated ones all kept", async () => {
  const kdeGrid = { workflow: ['replace', 'accumulate'], dataset: ['moons'], kernel: ['gaussian'], bandwidth: [0.5], samples: [10], iterations: [30], evaluate_at: ['log'] };
  const t = await sweep('kde', { grid: kdeGrid, seeds: 2, workers: 1, cache: false, progress: false });
  const evaluated = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30];
  assert.equal(t.numRows(), 2 * 2 * evaluated.length);
  assert.deepEqual([...new Set(Array.from(t.array('iteration') as ArrayLike<number>))].sort((a, b) => a - b), evaluated);
  assert.ok(Array.from(t.array('test_nll') as ArrayLike<number>).every((v) => Number.isFinite(v)));
});
