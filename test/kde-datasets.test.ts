// The toy data sets: shapes as scikit-learn's generators make them, and their moments.
// Noise-free draws (noise = 0) check the geometry exactly; the same stream with noise then differs
// from them by exactly the noise, whose moments are checked in standard errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDataSource, DATASETS, datasetDimension, drawBlobCenters, makeBlobs, makeCircles, makeMoons, makeSwissRoll, parseDataset, toRows } from '../lib/settings/kde/datasets';
import { createRng } from '../lib/core/random';
import { ConfigError } from '../lib/core/setting';

function meanAndSe(values: number[]): { mean: number; se: number; variance: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n), variance };
}

/** Sample variance with its standard error, sqrt((m4 − s⁴)/n). */
function varianceAndSe(values: number[], knownMean: number): { variance: number; se: number } {
  const sq = values.map((v) => (v - knownMean) ** 2);
  const { mean, se } = meanAndSe(sq);
  return { variance: mean, se };
}

function noiseOf(noisy: Float64Array, clean: Float64Array): number[] {
  return Array.from(noisy, (v, i) => v - clean[i]);
}

test('every data set has n rows of its dimension, for odd and even n', () => {
  for (const name of DATASETS) {
    const d = datasetDimension(name);
    for (const n of [1, 2, 7, 10, 501]) {
      const x = createDataSource(name, createRng(`shape-${name}`)).draw(n, createRng(n));
      assert.equal(x.length, n * d, `${name} n=${n}`);
      assert.ok(x.every(Number.isFinite));
    }
  }
  assert.deepEqual(toRows(Float64Array.of(1, 2, 3, 4, 5, 6), 3), [[1, 2, 3], [4, 5, 6]]);
});

test('circles: floor(n/2) points on the unit circle at angles 2πk/count, the rest at radius 0.8; noise N(0, 0.05²)', () => {
  const n = 1001;
  const clean = makeCircles(n, createRng('c'), 0);
  const rows = toRows(clean, 2);
  const radii = rows.map(([x, y]) => Math.hypot(x, y));
  const outer = rows.filter((_, i) => Math.abs(radii[i] - 1) < 1e-12);
  const inner = rows.filter((_, i) => Math.abs(radii[i] - 0.8) < 1e-12);
  assert.equal(outer.length, 500);
  assert.equal(inner.length, 501);
  // angles equally spaced without the endpoint: on the outer circle 2πk/500, k = 0..499
  const angles = outer.map(([x, y]) => (Math.atan2(y, x) + 2 * Math.PI) % (2 * Math.PI)).sort((a, b) => a - b);
  angles.forEach((a, k) => assert.ok(Math.abs(a - (2 * Math.PI * k) / 500) < 1e-9 || (k === 0 && Math.abs(a - 2 * Math.PI) < 1e-9), `angle ${k}: ${a}`));

  const noise = noiseOf(makeCircles(n, createRng('c')), clean);
  const m = meanAndSe(noise);
  assert.ok(Math.abs(m.mean) < 4 * m.se, `noise mean ${m.mean}`);
  const v = varianceAndSe(noise, 0);
  assert.ok(Math.abs(v.variance - 0.0025) < 4 * v.se, `noise variance ${v.variance}`);
});

test('moons: upper half of the unit circle and a lower half circle centred at (1, 0.5), endpoints included', () => {
  const n = 402; // 201 per half: the middle angle π/2 is on the grid, so the extremes are attained
  const rows = toRows(makeMoons(n, createRng('m'), 0), 2);
  const upper = rows.filter(([x, y]) => Math.abs(Math.hypot(x, y) - 1) < 1e-12 && y >= -1e-15);
  const lower = rows.filter(([x, y]) => Math.abs(Math.hypot(x - 1, y - 0.5) - 1) < 1e-12 && y <= 0.5 + 1e-15);
  assert.equal(upper.length + lower.length, n, 'every point on one of the two half circles');
  assert.equal(upper.length, 201);
  const xs = rows.map((r) => r[0]), ys = rows.map((r) => r[1]);
  assert.ok(Math.abs(Math.min(...xs) + 1) < 1e-12 && Math.abs(Math.max(...xs) - 2) < 1e-12, 'x spans [−1, 2]');
  assert.ok(Math.abs(Math.min(...ys) + 0.5) < 1e-12 && Math.abs(Math.max(...ys) - 1) < 1e-12, 'y spans [−0.5, 1]');
  // both endpoints of each half circle are present (numpy's linspace includes the endpoint)
  for (const [px, py] of [[1, 0], [-1, 0], [0, 0.5], [2, 0.5]]) {
    assert.ok(rows.some(([x, y]) => Math.hypot(x - px, y - py) < 1e-12), `endpoint (${px}, ${py})`);
  }
  const noise = noiseOf(makeMoons(n, createRng('m')), makeMoons(n, createRng('m'), 0));
  const v = varianceAndSe(noise, 0);
  assert.ok(Math.abs(v.variance - 0.0025) < 4 * v.se, `noise variance ${v.variance}`);
});

test('blobs: n split evenly (first n mod 3 centres get one more), each cluster N(centre, I)', () => {
  const centers = Float64Array.of(-60, 0, 0, 0, 60, 5); // far apart: each point's nearest centre is its own
  const n = 30001;
  const rows = toRows(makeBlobs(n, createRng('b'), centers), 2);
  const groups: number[][][] = [[], [], []];
  for (const r of rows) {
    let best = 0;
    for (let c = 1; c < 3; c++) if (Math.hypot(r[0] - centers[2 * c], r[1] - centers[2 * c + 1]) < Math.hypot(r[0] - centers[2 * best], r[1] - centers[2 * best + 1])) best = c;
    groups[best].push(r);
  }
  assert.deepEqual(groups.map((g) => g.length), [10001, 10000, 10000]);
  groups.forEach((g, c) => {
    for (let k = 0; k < 2; k++) {
      const coords = g.map((r) => r[k]);
      const m = meanAndSe(coords);
      assert.ok(Math.abs(m.mean - centers[2 * c + k]) < 4 * m.se, `cluster ${c} coord ${k}: mean ${m.mean}`);
      const v = varianceAndSe(coords, centers[2 * c + k]);
      assert.ok(Math.abs(v.variance - 1) < 4 * v.se, `cluster ${c} coord ${k}: variance ${v.variance}`);
    }
  });
  // rows are shuffled: the first 100 rows are not all from one cluster
  assert.ok(new Set(rows.slice(0, 100).map((r) => Math.round(r[0] / 60))).size > 1);
});

test('blob centres: uniform in [−10, 10]² (mean 0, variance 100/3), drawn once per run and shared by every draw', () => {
  const all: number[] = [];
  for (let s = 0; s < 2000; s++) all.push(...drawBlobCenters(createRng(`centres-${s}`)));
  assert.ok(all.every((v) => v >= -10 && v <= 10));
  const m = meanAndSe(all);
  assert.ok(Math.abs(m.mean) < 4 * m.se);
  const v = varianceAndSe(all, 0);
  assert.ok(Math.abs(v.variance - 100 / 3) < 4 * v.se, `variance ${v.variance}`);

  const source = createDataSource('blobs', createRng('run'));
  assert.ok(source.centers !== null && source.centers.length === 6);
  // Train and test from the same source: both have their mean at the centres' mean (even split).
  const centreMean = [0, 1].map((k) => (source.centers![k] + source.centers![2 + k] + source.centers![4 + k]) / 3);
  for (const label of ['train', 'test']) {
    const rows = toRows(source.draw(3000, createRng(label)), 2);
    for (const k of [0, 1]) {
      // within-cluster noise has variance 1: SE of the mean of 3000 points is 1/√3000 (centres fixed)
      const mean = rows.reduce((a, r) => a + r[k], 0) / rows.length;
      assert.ok(Math.abs(mean - centreMean[k]) < 4 / Math.sqrt(3000), `${label} coord ${k}: ${mean} vs ${centreMean[k]}`);
    }
  }
});

test('swiss roll: t = 1.5π(1 + 2U) ∈ [1.5π, 4.5π], (t cos t, 21U′, t sin t); moments of t and height', () => {
  const n = 20000;
  const clean = toRows(makeSwissRoll(n, createRng('s'), 0), 3);
  const ts = clean.map(([x, , z]) => Math.hypot(x, z));
  for (const [i, [x, y, z]] of clean.entries()) {
    const t = ts[i];
    assert.ok(t >= 1.5 * Math.PI - 1e-9 && t <= 4.5 * Math.PI + 1e-9, `t = ${t}`);
    assert.ok(Math.abs(x - t * Math.cos(t)) < 1e-9 && Math.abs(z - t * Math.sin(t)) < 1e-9, 'on the spiral');
    assert.ok(y >= 0 && y <= 21);
  }
  const mt = meanAndSe(ts);
  assert.ok(Math.abs(mt.mean - 3 * Math.PI) < 4 * mt.se, `E t = ${mt.mean}`);
  const my = meanAndSe(clean.map((r) => r[1]));
  assert.ok(Math.abs(my.mean - 10.5) < 4 * my.se, `E height = ${my.mean}`);
  const vy = varianceAndSe(clean.map((r) => r[1]), 10.5);
  assert.ok(Math.abs(vy.variance - (21 * 21) / 12) < 4 * vy.se, `var height = ${vy.variance}`);
  const noise = noiseOf(makeSwissRoll(n, createRng('s')), makeSwissRoll(n, createRng('s'), 0));
  const v = varianceAndSe(noise, 0);
  assert.ok(Math.abs(v.variance - 0.0025) < 4 * v.se, `noise variance ${v.variance}`);
});

test('same stream, same data (bit-identical); different streams differ', () => {
  for (const name of DATASETS) {
    const a = createDataSource(name, createRng('x')).draw(50, createRng(1));
    const b = createDataSource(name, createRng('x')).draw(50, createRng(1));
    const c = createDataSource(name, createRng('x')).draw(50, createRng(2));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  }
});

test('unknown data set: ConfigError naming it', () => {
  assert.throws(() => parseDataset('spiral'), (e: unknown) => e instanceof ConfigError && e.message.includes("'spiral'"));
  assert.equal(parseDataset('swiss_roll'), 'swiss_roll');
});
