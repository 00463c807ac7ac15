import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeStats, pivotedCholesky, pointStats, sampleStatsWithFactor, sampleWithFactor } from '../lib/settings/gaussian/linalg';
import { gatherRows } from '../lib/core/batches';
import { createRng } from '../lib/core/random';
import { assertClose, assertWithinSe } from './helpers';

test('mean and scatter of a small known case', () => {
  // points (1,2), (3,6), (5,4): mean (3,4); centred (−2,−2), (0,2), (2,0)
  const s = pointStats(Float64Array.from([1, 2, 3, 6, 5, 4]), 3, 2);
  assert.deepEqual(Array.from(s.mean), [3, 4]);
  // scatter = [[4+0+4, 4+0+0], [4, 4+4+0]] = [[8, 4], [4, 8]]; biased covariance = scatter / 3
  assert.deepEqual(Array.from(s.scatter), [8, 4, 4, 8]);
});

test('five points exercise the 4-at-a-time path and its remainder', () => {
  const x = Float64Array.from([1, 0, 2, 1, 3, 5, 4, 4, 10, -2]);
  const s = pointStats(x, 5, 2);
  const mean = [4, 1.6];
  let sxx = 0, sxy = 0, syy = 0;
  for (let r = 0; r < 5; r++) {
    const a = x[2 * r] - mean[0], b = x[2 * r + 1] - mean[1];
    sxx += a * a; sxy += a * b; syy += b * b;
  }
  assertClose(s.mean[1], 1.6, 1e-15, 'mean y');
  assertClose(s.scatter[0], sxx, 1e-14, 'sxx');
  assertClose(s.scatter[1], sxy, 1e-14, 'sxy');
  assertClose(s.scatter[2], sxy, 1e-14, 'syx');
  assertClose(s.scatter[3], syy, 1e-14, 'syy');
});

test('pooling statistics equals computing them on the union (to 1e-12)', () => {
  const r = createRng('merge');
  const d = 4;
  const a = r.fillNormal(new Float64Array(7 * d)).map((v) => 3 + v);
  const b = r.fillNormal(new Float64Array(13 * d)).map((v) => -1 + 2 * v);
  const union = new Float64Array([...a, ...b]);
  const pooled = mergeStats(pointStats(a, 7, d), pointStats(b, 13, d));
  const direct = pointStats(union, 20, d);
  assert.equal(pooled.count, 20);
  for (let i = 0; i < d; i++) assertClose(pooled.mean[i], direct.mean[i], 1e-12, `mean ${i}`);
  for (let i = 0; i < d * d; i++) assertClose(pooled.scatter[i], direct.scatter[i], 1e-12, `scatter ${i}`);
});

function reconstruct(f: ReturnType<typeof pivotedCholesky>): Float64Array {
  const { dim: d, rank: r, perm, lower } = f;
  const a = new Float64Array(d * d);
  for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) {
    let s = 0;
    for (let c = 0; c < r; c++) s += lower[k * r + c] * lower[l * r + c];
    a[perm[k] * d + perm[l]] = s;
  }
  return a;
}

test('pivoted Cholesky: full rank, singular, tiny and zero covariances', () => {
  const full = Float64Array.from([4, 2, 0.4, 2, 5, 1, 0.4, 1, 3]);
  const f = pivotedCholesky(full, 3);
  assert.equal(f.rank, 3);
  reconstruct(f).forEach((v, i) => assertClose(v, full[i], 1e-13, `full[${i}]`));
  // log det by cofactor expansion: 4(15−1) − 2(6−0.4) + 0.4(2−2) = 44.8
  assertClose(f.logDet, Math.log(44.8), 1e-13, 'log det');

  // rank 2 in 3-D: u uᵀ + v vᵀ
  const u = [1, 2, 3], v = [0, 1, -1];
  const sing = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) sing[i * 3 + j] = u[i] * u[j] + v[i] * v[j];
  const g = pivotedCholesky(sing, 3);
  assert.equal(g.rank, 2);
  assert.equal(g.logDet, -Infinity);
  reconstruct(g).forEach((x, i) => assert.ok(Math.abs(x - sing[i]) < 1e-12, `singular[${i}] ${x} vs ${sing[i]}`));

  // the same matrix scaled to 1e-300 factors the same way: the tolerance is relative
  const tiny = sing.map((x) => x * 1e-300);
  const h = pivotedCholesky(tiny, 3);
  assert.equal(h.rank, 2);
  reconstruct(h).forEach((x, i) => assert.ok(Math.abs(x - tiny[i]) < 1e-312, `tiny[${i}]`));

  const zero = pivotedCholesky(new Float64Array(9), 3);
  assert.equal(zero.rank, 0);
  const draws = sampleWithFactor(Float64Array.from([1, 2, 3]), zero, 5, () => 1);
  for (let i = 0; i < 15; i++) assert.equal(draws[i], [1, 2, 3][i % 3], 'a zero covariance samples its mean');
});

test('sampling from a singular covariance stays in its range and matches it (4 SE)', () => {
  const r = createRng('singular');
  // covariance of rank 1 along w = (1, −2, 2)/3
  const w = [1 / 3, -2 / 3, 2 / 3];
  const cov = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) cov[i * 3 + j] = 2.5 * w[i] * w[j];
  const f = pivotedCholesky(cov, 3);
  assert.equal(f.rank, 1);
  const mean = Float64Array.from([1, -1, 0.5]);
  const n = 20_000;
  const x = sampleWithFactor(mean, f, n, () => r.normal());
  const along = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    const c = [x[3 * s] - mean[0], x[3 * s + 1] - mean[1], x[3 * s + 2] - mean[2]];
    const proj = c[0] * w[0] + c[1] * w[1] + c[2] * w[2];
    const resid = Math.hypot(c[0] - proj * w[0], c[1] - proj * w[1], c[2] - proj * w[2]);
    assert.ok(resid < 1e-12, 'draw leaves the covariance range');
    along[s] = proj;
  }
  assertWithinSe(along, 0, 'mean along w');
  assertWithinSe(along.map((v) => v * v), 2.5, 'variance along w');
});

test('statistics drawn directly (Bartlett) match statistics of drawn points in distribution', () => {
  const r = createRng('bartlett');
  const cov = Float64Array.from([2, 0.5, 0, 0.5, 1, 0.3, 0, 0.3, 0.5]);
  const f = pivotedCholesky(cov, 3);
  const mean = Float64Array.from([0.5, 0, -1]);
  const n = 12, reps = 8000;
  const m0 = new Float64Array(reps), s00 = new Float64Array(reps), s12 = new Float64Array(reps), s22sq = new Float64Array(reps);
  for (let k = 0; k < reps; k++) {
    const s = sampleStatsWithFactor(mean, f, n, r);
    m0[k] = s.mean[0];
    s00[k] = s.scatter[0];
    s12[k] = s.scatter[1 * 3 + 2];
    s22sq[k] = s.scatter[8] ** 2;
  }
  // E x̄ = μ; E scatter = (n − 1)Σ; E S_22² = (n−1)(n+1)Σ_22² (Wishart second moment)
  assertWithinSe(m0, 0.5, 'mean of x̄_0');
  assertWithinSe(s00, (n - 1) * 2, 'E scatter_00');
  assertWithinSe(s12, (n - 1) * 0.3, 'E scatter_12');
  assertWithinSe(s22sq, (n - 1) * (n + 1) * 0.25, 'E scatter_22²');
});

test('Bartlett statistics carry a factor of their covariance: F Fᵀ = scatter / n; pooling into them copies', () => {
  const r = createRng('bartlett-factor');
  const d = 5;
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) a[i * d + j] = (i === j ? 2 : 0) + 0.3 * Math.cos(i + j);
  const f = pivotedCholesky(a, d);
  const n = 9;
  const s = sampleStatsWithFactor(new Float64Array(d), f, n, r);
  const F = s.covarianceFactor();
  assert.equal(F.rank, d);
  let logDet = 0;
  const cov = Float64Array.from(s.scatter, (v) => v / n);
  const refactored = pivotedCholesky(cov, d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let v = 0; // (P F Fᵀ Pᵀ)[i, j]
      const ki = Array.from(F.perm).indexOf(i), kj = Array.from(F.perm).indexOf(j);
      for (let c = 0; c < F.rank; c++) v += F.lower[ki * F.rank + c] * F.lower[kj * F.rank + c];
      assert.ok(Math.abs(v - cov[i * d + j]) <= 1e-12 * Math.abs(cov[i * d + i]), `cov[${i},${j}]`);
    }
    logDet += 2 * Math.log(F.lower[i * F.rank + i]);
  }
  assert.ok(Math.abs(F.logDet - logDet) < 1e-12 && Math.abs(F.logDet - refactored.logDet) < 1e-10, `log det ${F.logDet} vs ${refactored.logDet}`);
  const before = Float64Array.from(s.scatter);
  const pooled = mergeStats(s, pointStats(Float64Array.from({ length: 3 * d }, (_, i) => i % 7), 3, d));
  assert.notEqual(pooled, s, 'pooling into Bartlett statistics returns a new object');
  assert.deepEqual(Array.from(s.scatter), Array.from(before), 'and leaves them unchanged');
  assert.equal(pooled.count, n + 3);
});

test('gatherRows picks rows across blocks by global index', () => {
  const a = Float64Array.from([0, 0, 1, 1]);
  const b = Float64Array.from([2, 2, 3, 3, 4, 4]);
  assert.deepEqual(Array.from(gatherRows([a, b], 2, Int32Array.from([4, 0, 2]))), [4, 4, 0, 0, 2, 2]);
});
