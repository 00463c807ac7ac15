import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, streamFor, canonicalJson, Rng } from '../lib/core/random';
import { assertWithinSe, meanAndSe } from './helpers';

test('same seed gives the same stream; different seeds and derived streams differ', () => {
  const a = createRng(42), b = createRng(42), c = createRng(43);
  const xa = Array.from({ length: 100 }, () => a.nextUint32());
  const xb = Array.from({ length: 100 }, () => b.nextUint32());
  const xc = Array.from({ length: 100 }, () => c.nextUint32());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
  const parent = createRng(1);
  const child1 = parent.derive('x').uniform();
  assert.equal(parent.derive('x').uniform(), child1, 'derive is a pure function of (key, label)');
  assert.notEqual(parent.derive('y').uniform(), child1);
});

test('stream of a configuration does not depend on key order', () => {
  assert.equal(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] }), '{"a":[1,{"c":3,"d":2}],"b":1}');
  assert.equal(streamFor('s', { a: 1, b: 2 }, 3).uniform(), streamFor('s', { b: 2, a: 1 }, 3).uniform());
  assert.notEqual(streamFor('s', { a: 1 }, 3).uniform(), streamFor('s', { a: 1 }, 4).uniform());
});

test('uniform: range, mean 1/2 and variance 1/12 (4 SE)', () => {
  const r = createRng('uniform');
  const n = 200_000;
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    u[i] = r.uniform();
    assert.ok(u[i] >= 0 && u[i] < 1);
  }
  assertWithinSe(u, 0.5, 'uniform mean');
  assertWithinSe(u.map((x) => (x - 0.5) ** 2), 1 / 12, 'uniform variance');
});

test('normal: mean 0, variance 1, fourth moment 3 (4 SE)', () => {
  const r = createRng('normal');
  const n = 200_000;
  const z = r.fillNormal(new Float64Array(n));
  assertWithinSe(z, 0, 'normal mean');
  assertWithinSe(z.map((x) => x * x), 1, 'normal variance');
  assertWithinSe(z.map((x) => x ** 4), 3, 'normal fourth moment');
  // tail share beyond 1.96 should be 5 %
  assertWithinSe(z.map((x) => (Math.abs(x) > 1.959963984540054 ? 1 : 0)), 0.05, 'normal two-sided 5% tail');
});

test('int(n) is uniform over [0, n)', () => {
  const r = createRng('int');
  const counts = new Float64Array(7);
  const n = 70_000;
  for (let i = 0; i < n; i++) counts[r.int(7)]++;
  for (let k = 0; k < 7; k++) {
    const p = 1 / 7, se = Math.sqrt(n * p * (1 - p));
    assert.ok(Math.abs(counts[k] - n * p) < 4 * se, `bucket ${k}: ${counts[k]} vs ${n * p} (4 SE = ${4 * se})`);
  }
});

for (const [label, n, k] of [['sparse (Floyd)', 1000, 10], ['dense (Fisher–Yates)', 20, 15]] as const) {
  test(`choice without replacement, ${label}: distinct, in range, each item included with probability k/n`, () => {
    const r = createRng(`choice-${label}`);
    const reps = 4000;
    const included = new Float64Array(n);
    const firstPos = new Float64Array(n);
    for (let rep = 0; rep < reps; rep++) {
      const c = r.choice(n, k);
      assert.equal(c.length, k);
      assert.equal(new Set(c).size, k, 'no repeats');
      for (const v of c) {
        assert.ok(v >= 0 && v < n);
        included[v]++;
      }
      firstPos[c[0]]++;
    }
    const p = k / n;
    const se = Math.sqrt(reps * p * (1 - p));
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(included[i] - reps * p) / se);
    // max over n items of |z|: allow 4.5 SE (Bonferroni over up to 1000 items at ~1e-5 each)
    assert.ok(worst < 4.5, `worst inclusion deviation ${worst} SE`);
    // the order is random too: the first element is uniform
    const p1 = 1 / n, se1 = Math.sqrt(reps * p1 * (1 - p1));
    for (let i = 0; i < n; i++) assert.ok(Math.abs(firstPos[i] - reps * p1) < 5 * se1, `first position of ${i}`);
  });
}

test('choice rejects k > n', () => {
  assert.throws(() => createRng(1).choice(3, 4), /k must be an integer in \[0, 3\], got 4/);
});

for (const [n, p] of [[10, 0.3], [1000, 0.002], [100_000, 0.37], [1_000_000, 0.9], [50, 0.5]] as const) {
  test(`binomial(${n}, ${p}): mean n·p and variance n·p·(1−p) (4 SE)`, () => {
    const r = createRng(`binomial-${n}-${p}`);
    const reps = 20_000;
    const x = new Float64Array(reps);
    for (let i = 0; i < reps; i++) {
      x[i] = r.binomial(n, p);
      assert.ok(Number.isInteger(x[i]) && x[i] >= 0 && x[i] <= n);
    }
    assertWithinSe(x, n * p, `binomial(${n}, ${p}) mean`);
    const { mean } = meanAndSe(x);
    // variance: the SE of the sample variance is ≈ σ²·sqrt(2/(reps−1)) for near-normal counts
    const v = meanAndSe(x.map((y) => (y - mean) ** 2)).mean * reps / (reps - 1);
    const sigma2 = n * p * (1 - p);
    const seVar = sigma2 * Math.sqrt(2 / (reps - 1)) * 1.2;
    assert.ok(Math.abs(v - sigma2) < 4 * seVar, `binomial variance ${v} vs ${sigma2} (4 SE = ${4 * seVar})`);
  });
}

/** Binomial pmf, by the ratio recursion in log space from k = 0 (independent of the sampler's formulas). */
function binomialPmf(n: number, p: number): Float64Array {
  const logPmf = new Float64Array(n + 1);
  logPmf[0] = n * Math.log1p(-p);
  for (let k = 0; k < n; k++) logPmf[k + 1] = logPmf[k] + Math.log((n - k) / (k + 1)) + Math.log(p / (1 - p));
  return logPmf.map(Math.exp);
}

// The BTPE branch (n·p ≥ 30) is a rejection sampler with five regions: a moment check would miss a
// region drawn with the wrong weight, a chi-squared test over the whole support does not. Cells hold
// single values near the mode and the pooled tails, each with at least 20 expected draws. The
// statistic is compared with its 1 − 1e-6 quantile (Wilson–Hilferty), so a correct sampler fails
// about once in a million runs; a 1 % error in any region's weight fails it.
for (const [n, p] of [[60, 0.5], [200, 0.2], [1000, 0.05], [5000, 0.5], [100_000, 0.001], [100_000, 0.3]] as const) {
  test(`binomial(${n}, ${p}): chi-squared goodness of fit to the exact pmf`, () => {
    const pmf = binomialPmf(n, p);
    const reps = 400_000;
    const counts = new Float64Array(n + 1);
    const r = createRng(`binomial-gof-${n}-${p}`);
    for (let i = 0; i < reps; i++) counts[r.binomial(n, p)]++;
    // cells: merge from each end until the expected count reaches 20
    const cells: { observed: number; expected: number }[] = [];
    let observed = 0, expected = 0, cdf = 0;
    for (let k = 0; k <= n; k++) {
      observed += counts[k];
      expected += reps * pmf[k];
      cdf += pmf[k];
      if (expected >= 20 && reps * (1 - cdf) >= 20) {
        cells.push({ observed, expected });
        observed = 0;
        expected = 0;
      }
    }
    cells[cells.length - 1].observed += observed;
    cells[cells.length - 1].expected += expected;
    const chi2 = cells.reduce((acc, c) => acc + (c.observed - c.expected) ** 2 / c.expected, 0);
    const df = cells.length - 1;
    const z = 4.753; // standard normal 1 − 1e-6 quantile
    const limit = df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
    assert.ok(chi2 < limit, `chi² = ${chi2.toFixed(1)} on ${df} df, limit ${limit.toFixed(1)}`);
  });
}

test('gamma and chi-squared: mean and variance', () => {
  const r = createRng('gamma');
  for (const a of [0.3, 1, 4.5, 50]) {
    const x = Float64Array.from({ length: 50_000 }, () => r.gamma(a));
    assertWithinSe(x, a, `gamma(${a}) mean`);
    const m = meanAndSe(x).mean;
    assertWithinSe(x.map((y) => (y - m) ** 2), a, `gamma(${a}) variance`, 5);
  }
  const c = Float64Array.from({ length: 50_000 }, () => r.chiSquared(7));
  assertWithinSe(c, 7, 'chi-squared(7) mean');
});

test('a stream replays bit-identically from its key', () => {
  const a = new Rng('k'), b = new Rng('k');
  for (let i = 0; i < 1000; i++) assert.equal(Object.is(a.normal(), b.normal()), true);
});
