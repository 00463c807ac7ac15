import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import {
  aggregate, CONFIDENCE, incompleteBeta, logGamma, meanCi, normalQuantile, normalUpperTail, tCdf, tQuantile,
} from '../lib/tables/stats';
import { ConfigError } from '../lib/core/setting';

function close(actual: number, expected: number, relTol: number, what: string): void {
  const err = Math.abs(actual - expected) / Math.max(1e-300, Math.abs(expected));
  assert.ok(err <= relTol, `${what}: got ${actual}, expected ${expected} (relative error ${err.toExponential(2)} > ${relTol})`);
}

test('t quantiles match published table values (4 decimals)', () => {
  // Any printed t table: two-sided 95 % critical values.
  const table: [number, number][] = [[1, 12.7062], [2, 4.3027], [3, 3.1824], [5, 2.5706], [9, 2.2622], [19, 2.0930], [29, 2.0452], [99, 1.9842]];
  for (const [df, value] of table) assert.ok(Math.abs(tQuantile(0.975, df) - value) < 5e-5, `t(0.975, ${df}) = ${tQuantile(0.975, df)}, table ${value}`);
  assert.ok(Math.abs(tQuantile(0.995, 1) - 63.6567) < 5e-5);
  assert.ok(Math.abs(tQuantile(0.95, 10) - 1.8125) < 5e-5);
});

test('t quantiles match 17-digit reference values (mpmath root of the exact CDF) to 1e-12', () => {
  const reference: [number, number, number][] = [
    [0.975, 1, 12.706204736174693],
    [0.975, 2, 4.3026527297494618],
    [0.975, 3, 3.1824463052837084],
    [0.975, 9, 2.262157162798205],
    [0.975, 99, 1.9842169515864171],
    [0.995, 5, 4.0321429835552272],
    [0.95, 30, 1.6972608865939574],
    [0.975, 2.5, 3.5746548420036818],
    [0.9999999, 3, 222.57159098625124],
    [0.999, 1000, 3.0984021639129226],
  ];
  for (const [p, df, value] of reference) close(tQuantile(p, df), value, 1e-12, `t(${p}, ${df})`);
});

test('t quantile: symmetry, edge cases, and the CDF round trip over a wide grid', () => {
  assert.equal(tQuantile(0.5, 7), 0);
  assert.equal(tQuantile(0, 7), -Infinity);
  assert.equal(tQuantile(1, 7), Infinity);
  assert.ok(Number.isNaN(tQuantile(1.5, 7)));
  assert.ok(Number.isNaN(tQuantile(0.9, 0)));
  close(tQuantile(0.975, Infinity), normalQuantile(0.975), 1e-15, 'df = ∞ is the normal quantile');
  for (const df of [1, 1.5, 2, 3, 4, 7, 10, 30, 99, 500, 5000, 1e5, 1e6]) {
    for (const p of [1e-12, 1e-6, 0.001, 0.025, 0.2, 0.45, 0.55, 0.8, 0.975, 0.999, 1 - 1e-6]) {
      const t = tQuantile(p, df);
      const mirrored = 1 - p; // compare at exactly mirrored inputs: 1 − (1 − p) need not equal p in floating point
      close(tQuantile(mirrored, df), -tQuantile(1 - mirrored, df), 1e-12, `symmetry at p=${p}, df=${df}`);
      const back = p < 0.5 ? tCdf(t, df) : 1 - tCdf(t, df);
      const target = p < 0.5 ? p : 1 - p;
      close(back, target, 1e-9, `CDF round trip at p=${p}, df=${df}`);
    }
  }
  // Large df approaches the normal quantile from above, as it must.
  assert.ok(tQuantile(0.975, 1e6) > normalQuantile(0.975));
  assert.ok(tQuantile(0.975, 1e6) - normalQuantile(0.975) < 1e-5);
});

test('normal quantile and tail, log Γ, incomplete beta against known values', () => {
  close(normalQuantile(0.975), 1.959963984540054, 1e-14, 'Φ⁻¹(0.975)');
  close(normalQuantile(1e-10), -6.361340902404056, 1e-13, 'Φ⁻¹(1e-10)');
  close(normalUpperTail(1.959963984540054), 0.025, 1e-13, '1 − Φ(1.96)');
  close(normalUpperTail(10), 7.619853024160527e-24, 1e-12, '1 − Φ(10)');
  close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14, 'log Γ(1/2)');
  close(logGamma(10), Math.log(362880), 1e-14, 'log Γ(10) = log 9!');
  close(logGamma(171), 706.5730622457874, 1e-13, 'log Γ(171)');
  // I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 − (1 − x)^b.
  close(incompleteBeta(0.3, 1, 1), 0.3, 1e-14, 'I_0.3(1,1)');
  close(incompleteBeta(0.3, 4, 1), 0.3 ** 4, 1e-13, 'I_0.3(4,1)');
  close(incompleteBeta(0.3, 1, 5), 1 - 0.7 ** 5, 1e-13, 'I_0.3(1,5)');
});

test('meanCi by hand: mean, sample sd, t interval; NaN and null excluded and counted', () => {
  const r = meanCi([1, 2, 3, 4, NaN, null]);
  assert.equal(r.n, 4);
  assert.equal(r.nNaN, 2);
  assert.equal(r.mean, 2.5);
  close(r.sd, Math.sqrt(5 / 3), 1e-15, 'sd'); // Σ(x − 2.5)² = 5, over n − 1 = 3
  const half = (3.1824463052837084 * Math.sqrt(5 / 3)) / 2; // t(0.975, 3) · sd / √4
  close(r.ciLow, 2.5 - half, 1e-14, 'ci_low');
  close(r.ciHigh, 2.5 + half, 1e-14, 'ci_high');
  assert.equal(CONFIDENCE, 0.95);
  const single = meanCi([7]);
  assert.equal(single.mean, 7);
  assert.ok(Number.isNaN(single.sd) && Number.isNaN(single.ciLow) && Number.isNaN(single.ciHigh));
  assert.ok(Number.isNaN(meanCi([]).mean));
});

test('meanCi keeps infinities honest', () => {
  const pos = meanCi([1, 2, Infinity, NaN]);
  assert.equal(pos.mean, Infinity);
  assert.equal(pos.ciLow, Infinity);
  assert.equal(pos.ciHigh, Infinity);
  assert.equal(pos.n, 3);
  assert.equal(pos.nNaN, 1);
  assert.equal(meanCi([1, -Infinity]).mean, -Infinity);
  assert.ok(Number.isNaN(meanCi([Infinity, -Infinity]).mean));
});

test('aggregate: groups, order, means and intervals on a small known table', () => {
  const table = aq.table({
    workflow: ['replace', 'replace', 'replace', 'replace', 'accumulate', 'accumulate', 'accumulate', 'replace'],
    size: [32, 32, 10, 10, 10, 10, 10, 10],
    seed: [0, 1, 0, 1, 0, 1, 2, 2],
    value: [1, 3, 10, 20, 5, NaN, Infinity, 30],
  });
  const agg = aggregate(table, ['workflow', 'size'], 'value');
  assert.deepEqual(agg.columnNames(), ['workflow', 'size', 'mean', 'sd', 'n', 'n_nan', 'ci_low', 'ci_high']);
  const rows = agg.objects() as Record<string, number | string>[];
  // Strings keep first-appearance order, numbers ascend within.
  assert.deepEqual(rows.map((r) => [r.workflow, r.size]), [['replace', 10], ['replace', 32], ['accumulate', 10]]);
  const [r10, r32, acc] = rows;
  assert.equal(r10.mean, 20); // (10 + 20 + 30) / 3
  close(r10.sd as number, 10, 1e-15, 'sd of 10, 20, 30');
  const half10 = (4.3026527297494618 * 10) / Math.sqrt(3); // t(0.975, 2) · 10 / √3
  close(r10.ci_low as number, 20 - half10, 1e-14, 'ci_low');
  close(r10.ci_high as number, 20 + half10, 1e-14, 'ci_high');
  assert.equal(r32.mean, 2);
  // 1 and 3: sd = √2 and √n = √2, so the half-width is t(0.975, 1) itself.
  close(r32.ci_high as number, 2 + 12.706204736174693, 1e-14, 'ci_high, n = 2');
  // accumulate: 5, NaN, +∞ → NaN excluded and counted, the infinity wins the mean.
  assert.equal(acc.mean, Infinity);
  assert.equal(acc.ci_low, Infinity);
  assert.equal(acc.n, 2);
  assert.equal(acc.n_nan, 1);
});

test('aggregate agrees with meanCi on every group, also for filtered tables and plain-array columns', () => {
  const rows = 5000;
  const g = Array.from({ length: rows }, (_, i) => (i * 7919) % 13);
  const h = Array.from({ length: rows }, (_, i) => ['a', 'b', 'c'][(i * 31) % 3]);
  const v = Array.from({ length: rows }, (_, i) => Math.sin(i * 1.7) * 10 + (i % 97 === 0 ? NaN : 0));
  const table = aq.table({ g, h, v }).filter((d: { g: number }) => d.g !== 5);
  const agg = aggregate(table, ['h', 'g'], 'v');
  assert.equal(agg.numRows(), 3 * 12);
  for (const row of agg.objects() as Record<string, number | string>[]) {
    const values = v.filter((_, i) => g[i] === row.g && h[i] === row.h);
    const expected = meanCi(values);
    close(row.mean as number, expected.mean, 1e-12, `mean of ${row.h}/${row.g}`);
    close(row.ci_low as number, expected.ciLow, 1e-10, `ci_low of ${row.h}/${row.g}`);
    assert.equal(row.n, expected.n);
    assert.equal(row.n_nan, expected.nNaN);
  }
});

test('aggregate rejects unknown and clashing columns before doing any work', () => {
  const table = aq.table({ a: [1, 2], v: [1, 2] });
  assert.throws(() => aggregate(table, ['b'], 'v'), (e: Error) => e instanceof ConfigError && /unknown column 'b'/.test(e.message));
  assert.throws(() => aggregate(table, ['a'], 'nope'), ConfigError);
  assert.throws(() => aggregate(aq.table({ mean: [1], v: [1] }), ['mean'], 'v'), ConfigError);
  assert.throws(() => aggregate(aq.table({ n: [1], v: [1] }), ['n'], 'v'), /clashes with an output column/);
  assert.throws(() => aggregate(table, ['a', 'a'], 'v'), ConfigError);
});

test('aggregate handles 750 000 rows into 7 500 groups quickly', () => {
  const workflows = ['replace', 'accumulate', 'accumulate-subsample'];
  const dims = [1, 3, 10, 31, 100];
  const sizes = [10, 32, 100, 316, 1000];
  const rows = 3 * 5 * 5 * 100 * 100;
  const workflow = new Array<string>(rows);
  const dim = new Float64Array(rows);
  const samples = new Float64Array(rows);
  const seed = new Float64Array(rows);
  const iteration = new Float64Array(rows);
  const value = new Float64Array(rows);
  let r = 0;
  for (const w of workflows) for (const d of dims) for (const n of sizes) for (let s = 0; s < 100; s++) for (let t = 1; t <= 100; t++) {
    workflow[r] = w; dim[r] = d; samples[r] = n; seed[r] = s; iteration[r] = t;
    value[r] = d / n + s; // mean over seeds 0..99 is d/n + 49.5 exactly representable enough
    r++;
  }
  const table = aq.table({ workflow, dim, samples, seed, iteration, value });
  const start = performance.now();
  const agg = aggregate(table, ['workflow', 'dim', 'samples', 'iteration'], 'value');
  const ms = performance.now() - start;
  console.log(`aggregate: ${rows} rows → ${agg.numRows()} groups in ${ms.toFixed(0)} ms`);
  assert.equal(agg.numRows(), 7500);
  const means = agg.array('mean') as Float64Array;
  const ds = agg.array('dim') as number[];
  const ns = agg.array('samples') as number[];
  for (let i = 0; i < agg.numRows(); i += 97) close(means[i], ds[i] / ns[i] + 49.5, 1e-12, `group ${i}`);
  assert.ok(ms < 5000, `aggregate took ${ms.toFixed(0)} ms`);
});
