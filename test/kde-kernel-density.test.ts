// KernelDensity: scores against hand-computed values and a naive reference, exactness at tiny
// bandwidths, sample moments against their closed forms, bad input, determinism.
//
// scikit-learn itself cannot run here (no PyPI), so the reference is a naive implementation written
// below: every kernel term with Math.exp, shifted by the largest term, summed with Neumaier's
// compensated summation — exact to about one ulp, independent of the code under test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  KernelDensity,
  expNeg,
  logAddExpInto,
  logKernelNorm,
  logKernelSums,
  parseBandwidth,
  resolveBandwidth,
  sampleKde,
} from '../lib/settings/kde/kernel-density';
import { createRng } from '../lib/core/random';
import { ConfigError } from '../lib/core/setting';

/** Naive log density, d arbitrary: direct sums over all points. */
function referenceLogDensity(points: number[][], query: number[], kernel: 'gaussian' | 'tophat', h: number): number {
  const d = query.length;
  const m = points.length;
  const sq = points.map((p) => p.reduce((acc, v, c) => acc + (v - query[c]) ** 2, 0));
  if (kernel === 'tophat') {
    const count = sq.filter((s) => Math.sqrt(s) < h).length;
    const logVolume = (d / 2) * Math.log(Math.PI) - logGamma(d / 2 + 1) + d * Math.log(h);
    return Math.log(count) - Math.log(m) - logVolume;
  }
  const exponents = sq.map((s) => -s / (2 * h * h));
  const top = Math.max(...exponents);
  let sum = 0;
  let comp = 0; // Neumaier compensation
  for (const e of exponents) {
    const term = Math.exp(e - top);
    const t = sum + term;
    comp += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
    sum = t;
  }
  return top + Math.log(sum + comp) - Math.log(m) - (d / 2) * Math.log(2 * Math.PI * h * h);
}

// log Γ(x) for x a positive multiple of 1/2, by the recursion (independent of the library's).
function logGamma(x: number): number {
  if (x === 1 || x === 2) return 0;
  if (x === 0.5) return 0.5 * Math.log(Math.PI);
  return Math.log(x - 1) + logGamma(x - 1);
}

/**
 * Relative error of a log density: relative to |log p| where that is at least 1, else the error of
 * log p itself — the relative error of the density p (near log p = 0 the log's own relative error
 * is meaningless: a rounding of O(1)-sized terms divided by a number crossing zero).
 */
function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1);
}

function randomPoints(n: number, d: number, seed: number, scale = 1): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => scale * rng.normal()));
}

test('one point: the Gaussian log density by hand', () => {
  const kde = new KernelDensity({ kernel: 'gaussian', bandwidth: 0.5 }).fit([[0, 0]]);
  const [v] = kde.scoreSamples([[0.3, 0.4]]); // ‖x‖² = 0.25, 2h² = 0.5
  const expected = -0.25 / 0.5 - Math.log(2 * Math.PI * 0.25);
  assert.ok(relErr(v, expected) < 1e-14, `${v} vs ${expected}`);
});

test('two points: Gaussian and top-hat log densities by hand, 2-D and 3-D', () => {
  const g = new KernelDensity({ kernel: 'gaussian', bandwidth: 1 }).fit([[0, 0], [1, 0]]);
  const [a] = g.scoreSamples([[0, 0]]);
  assert.ok(relErr(a, Math.log(1 + Math.exp(-0.5)) - Math.log(2) - Math.log(2 * Math.PI)) < 1e-14);

  const t = new KernelDensity({ kernel: 'tophat', bandwidth: 1 }).fit([[0, 0], [1, 0]]);
  const [both, one, none, edge] = t.scoreSamples([[0.5, 0], [1.5, 0], [3, 0], [2, 0]]);
  assert.ok(relErr(both, -Math.log(Math.PI)) < 1e-14); // 2 points within h: 2 / (2 · π h²)
  assert.ok(relErr(one, -Math.log(2 * Math.PI)) < 1e-14);
  assert.equal(none, -Infinity);
  assert.equal(edge, -Infinity, 'a point exactly at distance h is outside (scikit-learn: d < h)');

  const t3 = new KernelDensity({ kernel: 'tophat', bandwidth: 2 }).fit([[0, 0, 0], [0, 0, 1]]);
  const [in3] = t3.scoreSamples([[0, 0, 0.5]]);
  assert.ok(relErr(in3, -Math.log((4 / 3) * Math.PI * 8)) < 1e-14); // 2 / (2 · (4/3)π h³)
});

test('scores match the naive reference to 1e-12 relative (Gaussian and top-hat, d = 1, 2, 3, 5)', () => {
  for (const d of [1, 2, 3, 5]) {
    const X = randomPoints(300, d, 10 + d);
    const Y = randomPoints(60, d, 20 + d, 1.5);
    for (const kernel of ['gaussian', 'tophat'] as const) {
      for (const h of [0.05, 0.3, 1, 4]) {
        const scores = new KernelDensity({ kernel, bandwidth: h }).fit(X).scoreSamples(Y);
        Y.forEach((y, j) => {
          const ref = referenceLogDensity(X, y, kernel, h);
          if (ref === -Infinity) assert.equal(scores[j], -Infinity, `d=${d} ${kernel} h=${h} query ${j}`);
          else assert.ok(relErr(scores[j], ref) <= 1e-12, `d=${d} ${kernel} h=${h} query ${j}: ${scores[j]} vs ${ref}`);
        });
      }
    }
  }
});

test('scores through the cell grid (wide data, small h) match the naive reference, including queries far from every point', () => {
  for (const d of [2, 3]) {
    const X = randomPoints(1200, d, 40 + d, 12); // spread over many cells at these bandwidths
    const Y = [...randomPoints(80, d, 50 + d, 14), ...randomPoints(8, d, 60 + d, 1).map((y) => y.map((v) => v + 200))];
    for (const kernel of ['gaussian', 'tophat'] as const) {
      for (const h of [0.1, 0.5, 1]) {
        const scores = new KernelDensity({ kernel, bandwidth: h }).fit(X).scoreSamples(Y);
        Y.forEach((y, j) => {
          const ref = referenceLogDensity(X, y, kernel, h);
          if (ref === -Infinity) assert.equal(scores[j], -Infinity, `d=${d} ${kernel} h=${h} query ${j}`);
          else assert.ok(relErr(scores[j], ref) <= 1e-12, `d=${d} ${kernel} h=${h} query ${j}: ${scores[j]} vs ${ref}`);
        });
      }
    }
  }
});

test('exact down to h = 0.001: finite everywhere, equal to the reference where every direct term underflows', () => {
  const X = randomPoints(400, 2, 3);
  const Y = randomPoints(100, 2, 4);
  for (const h of [0.01, 0.001]) {
    const scores = new KernelDensity({ kernel: 'gaussian', bandwidth: h }).fit(X).scoreSamples(Y);
    let underflowed = 0;
    Y.forEach((y, j) => {
      assert.ok(Number.isFinite(scores[j]), `h=${h}: query ${j} scored ${scores[j]}`);
      const ref = referenceLogDensity(X, y, 'gaussian', h);
      assert.ok(relErr(scores[j], ref) <= 1e-12, `h=${h} query ${j}: ${scores[j]} vs ${ref}`);
      if (X.every((x) => Math.exp(-((x[0] - y[0]) ** 2 + (x[1] - y[1]) ** 2) / (2 * h * h)) === 0)) underflowed++;
    });
    // The point of the test: a direct sum of exp() would give log 0 = −Infinity for these queries.
    if (h === 0.001) assert.ok(underflowed > Y.length / 2, `only ${underflowed} queries underflow at h=${h}`);
  }
});

test('expNeg is within 4 ulps of Math.exp over [0, 79]', () => {
  let worst = 0;
  for (let i = 0; i < 200000; i++) {
    const x = (79 * i) / 200000 + 1e-7 * (i % 7);
    const want = Math.exp(-x);
    worst = Math.max(worst, Math.abs(expNeg(x) - want) / want);
  }
  assert.ok(worst <= 4 * Number.EPSILON, `worst relative error ${worst}`);
});

test('pooled log kernel sums (log-add-exp of parts) equal the sums over the union', () => {
  const X = randomPoints(500, 3, 7);
  const Y = randomPoints(40, 3, 8);
  const flat = (rows: number[][]) => Float64Array.from(rows.flat());
  for (const kernel of ['gaussian', 'tophat'] as const) {
    const whole = logKernelSums(kernel, 0.7, 3, flat(X), flat(Y), new Float64Array(40));
    const pooled = logKernelSums(kernel, 0.7, 3, flat(X.slice(0, 123)), flat(Y), new Float64Array(40));
    logAddExpInto(pooled, logKernelSums(kernel, 0.7, 3, flat(X.slice(123)), flat(Y), new Float64Array(40)));
    for (let j = 0; j < 40; j++) {
      if (whole[j] === -Infinity) assert.equal(pooled[j], -Infinity);
      else assert.ok(relErr(pooled[j], whole[j]) <= 1e-13, `${kernel} ${j}: ${pooled[j]} vs ${whole[j]}`);
    }
  }
  const a = Float64Array.of(-Infinity, -Infinity, 0);
  logAddExpInto(a, Float64Array.of(-Infinity, 2, -Infinity));
  assert.deepEqual(Array.from(a), [-Infinity, 2, 0]);
});

test('bandwidth rules as scikit-learn: scott = m^(-1/(d+4)), silverman = (m(d+2)/4)^(-1/(d+4))', () => {
  const X = randomPoints(250, 3, 1);
  const scott = new KernelDensity({ bandwidth: 'scott' }).fit(X);
  const silverman = new KernelDensity({ bandwidth: 'silverman' }).fit(X);
  assert.ok(relErr(scott.bandwidth_, Math.pow(250, -1 / 7)) < 1e-15);
  assert.ok(relErr(silverman.bandwidth_, Math.pow((250 * 5) / 4, -1 / 7)) < 1e-15);
  assert.equal(resolveBandwidth(0.3, 1000, 2), 0.3);
  const [v] = scott.scoreSamples([[0.1, 0.2, 0.3]]);
  assert.ok(relErr(v, referenceLogDensity(X, [0.1, 0.2, 0.3], 'gaussian', scott.bandwidth_)) <= 1e-12);
  // normalising constants: Gaussian (2πh²)^(d/2); top-hat the ball's volume 2h, πh², (4/3)πh³
  assert.ok(relErr(logKernelNorm('gaussian', 0.5, 1), 0.5 * Math.log(2 * Math.PI * 0.25)) < 1e-15);
  assert.ok(Math.abs(logKernelNorm('tophat', 0.5, 1) - Math.log(2 * 0.5)) < 1e-15);
  assert.ok(relErr(logKernelNorm('tophat', 0.5, 2), Math.log(Math.PI * 0.25)) < 1e-15);
  assert.ok(relErr(logKernelNorm('tophat', 3, 3), Math.log((4 / 3) * Math.PI * 27)) < 1e-15);
});

/** Mean, covariance, and standard errors of each mean and covariance entry from the rows. */
function moments(rows: Float64Array, d: number) {
  const n = rows.length / d;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mean[c] += rows[i * d + c] / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b] += ((rows[i * d + a] - mean[a]) * (rows[i * d + b] - mean[b])) / n;
  // standard error of a covariance entry: sd of the products (x_a − μ_a)(x_b − μ_b) over √n
  const covSe = new Float64Array(d * d);
  for (let a = 0; a < d; a++)
    for (let b = 0; b < d; b++) {
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const p = (rows[i * d + a] - mean[a]) * (rows[i * d + b] - mean[b]) - cov[a * d + b];
        s2 += p * p;
      }
      covSe[a * d + b] = Math.sqrt(s2 / n / n);
    }
  const meanSe = Array.from({ length: d }, (_, c) => Math.sqrt(cov[c * d + c] / n));
  return { mean, cov, meanSe, covSe };
}

test('sample moments: mean = data mean; covariance = data covariance + h²I (Gaussian), + h²/(d+2)·I (top-hat), within 4 SE', () => {
  const d = 2;
  const rng = createRng('moments');
  // anisotropic, correlated data: 200 points
  const data = new Float64Array(200 * d);
  for (let i = 0; i < 200; i++) {
    const u = rng.normal(), v = rng.normal();
    data[i * d] = 3 + 2 * u;
    data[i * d + 1] = -1 + u + 0.5 * v;
  }
  const dataMoments = moments(data, d);
  const N = 200000;
  for (const [kernel, h, extra] of [['gaussian', 0.7, 0.49], ['tophat', 0.9, 0.81 / (d + 2)]] as const) {
    const s = sampleKde(kernel, h, d, [data], N, createRng(`samples-${kernel}`));
    const got = moments(s, d);
    for (let c = 0; c < d; c++) {
      const z = (got.mean[c] - dataMoments.mean[c]) / got.meanSe[c];
      assert.ok(Math.abs(z) < 4, `${kernel} mean[${c}] off by ${z.toFixed(2)} SE`);
    }
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++) {
        const want = dataMoments.cov[a * d + b] + (a === b ? extra : 0);
        const z = (got.cov[a * d + b] - want) / got.covSe[a * d + b];
        assert.ok(Math.abs(z) < 4, `${kernel} cov[${a},${b}] = ${got.cov[a * d + b]} vs ${want}: ${z.toFixed(2)} SE`);
      }
  }
});

test('top-hat samples lie within h of a data point; the radius follows h·U^(1/d)', () => {
  const X = randomPoints(20, 3, 5, 10); // spread out, so the nearest data point is the source
  const h = 0.4;
  const s = new KernelDensity({ kernel: 'tophat', bandwidth: h }).fit(X).sample(20000, createRng(9));
  let belowHalf = 0;
  for (const y of s) {
    const r = Math.min(...X.map((x) => Math.hypot(x[0] - y[0], x[1] - y[1], x[2] - y[2])));
    assert.ok(r < h + 1e-12, `sample at distance ${r} > h`);
    if (r < h / 2) belowHalf++;
  }
  // P(radius < h/2) = (1/2)^3 for a uniform point of a 3-ball; binomial SE
  const p = 1 / 8, se = Math.sqrt((p * (1 - p)) / s.length);
  assert.ok(Math.abs(belowHalf / s.length - p) < 4 * se, `share within h/2: ${belowHalf / s.length}`);
});

test('same seed, same samples (bit-identical); the default stream is deterministic', () => {
  const X = randomPoints(50, 2, 2);
  const kde = new KernelDensity({ bandwidth: 0.3 }).fit(X);
  assert.deepEqual(kde.sample(10, createRng(5)), kde.sample(10, createRng(5)));
  assert.notDeepEqual(kde.sample(10, createRng(5)), kde.sample(10, createRng(6)));
  const first = new KernelDensity({ bandwidth: 0.3 }).fit(X).sample(10);
  const again = new KernelDensity({ bandwidth: 0.3 }).fit(X);
  assert.deepEqual(again.sample(10), first);
  assert.notDeepEqual(again.sample(10), first, 'successive calls continue the default stream');
  assert.equal(kde.sample(0).length, 0);
});

test('bad input throws ConfigError naming the value', () => {
  const throwsNaming = (f: () => unknown, text: string) =>
    assert.throws(f, (e: unknown) => e instanceof ConfigError && e.message.includes(text) && !e.message.includes('\n'), `expected ConfigError mentioning ${text}`);
  throwsNaming(() => new KernelDensity({ kernel: 'epanechnikov' as any }), "'epanechnikov'");
  throwsNaming(() => new KernelDensity({ bandwidth: 0 }), "got '0'");
  throwsNaming(() => new KernelDensity({ bandwidth: -0.5 }), "got '-0.5'");
  throwsNaming(() => new KernelDensity({ bandwidth: 'wide' as any }), "'wide'");
  throwsNaming(() => new KernelDensity({ bandwidth: NaN }), "'NaN'");
  throwsNaming(() => parseBandwidth(Infinity), "'Infinity'");
  assert.equal(parseBandwidth('0.25'), 0.25);
  throwsNaming(() => new KernelDensity().fit([]), '0 rows');
  throwsNaming(() => new KernelDensity().fit([[1, 2], [3]]), 'X[1]');
  throwsNaming(() => new KernelDensity().fit([[1, NaN]]), "X[0][1] must be a finite number, got 'NaN'");
  const kde = new KernelDensity().fit([[0, 0], [1, 1]]);
  throwsNaming(() => kde.scoreSamples([[0, 0, 0]]), 'has 3 features per point but the estimator was fit on 2');
  throwsNaming(() => kde.scoreSamples([]), '0 rows');
  throwsNaming(() => kde.sample(-1), "'-1'");
  throwsNaming(() => kde.sample(2.5), "'2.5'");
  throwsNaming(() => new KernelDensity().scoreSamples([[0]]), 'not fitted');
});
