// Statistical checks of the Gaussian setting against its closed forms (the paper's §2; lib/settings/gaussian/theory.ts).
// Each comparison allows 4 standard errors of the mean over seeds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gaussianSetting } from '../lib/settings/gaussian/setting';
import { accumulateExpectations, accumulateSquaredErrorBound, replaceDetRatio, replaceSquaredError, replaceTraceRatio } from '../lib/settings/gaussian/theory';
import type { Trajectory } from '../lib/core/workflows';
import { assertWithinSe } from './helpers';

function runs(workflow: string, dim: number, samples: number, iterations: number, seeds: number): Trajectory[] {
  const config = gaussianSetting.validate({ workflow, dim, samples, iterations, sigma2: 1 });
  return Array.from({ length: seeds }, (_, s) => gaussianSetting.run(config, s));
}
const at = (rs: Trajectory[], metric: string, t: number) => Float64Array.from(rs, (r) => r.metrics[metric][t - 1]);

test('Replace: E[trace ratio] = ((n−1)/n)^t and E‖μ̂_t‖² = dσ²(1 − ((n−1)/n)^t)', () => {
  const d = 3, n = 10, T = 20;
  const rs = runs('replace', d, n, T, 800);
  for (const t of [1, 2, 5, 10, 20]) {
    assertWithinSe(at(rs, 'trace_ratio', t), replaceTraceRatio(n, t), `trace ratio, t=${t}`);
    assertWithinSe(at(rs, 'squared_error_of_mean', t), replaceSquaredError(d, 1, n, t), `squared error, t=${t}`);
  }
});

test('Replace, d = 1: the fitted variance shrinks as ((n−1)/n)^t; the determinant as (Π(n−i)/n)^t', () => {
  const rs = runs('replace', 1, 5, 10, 1500);
  for (const t of [1, 3, 10]) assertWithinSe(at(rs, 'mean_variance', t), Math.pow(4 / 5, t), `fitted variance, t=${t}`);
  const r3 = runs('replace', 3, 20, 3, 1500);
  for (const t of [1, 2, 3]) assertWithinSe(at(r3, 'det_ratio', t), replaceDetRatio(3, 20, t), `det ratio, t=${t}`);
});

test('Replace collapses: the covariance goes to zero', () => {
  const rs = runs('replace', 2, 4, 300, 20);
  for (const r of rs) assert.ok(r.metrics.trace_ratio[299] < 1e-6, `trace ratio at t=300 is ${r.metrics.trace_ratio[299]}`);
});

test('Accumulate: exact expectations, and the error stays below (π²/6)·dσ²/n', () => {
  const d = 3, n = 10, T = 30;
  const rs = runs('accumulate', d, n, T, 800);
  const theory = accumulateExpectations(d, 1, n, T);
  const bound = accumulateSquaredErrorBound(d, 1, n);
  for (const t of [1, 2, 5, 15, 30]) {
    assertWithinSe(at(rs, 'squared_error_of_mean', t), theory.squaredError[t - 1], `squared error, t=${t}`);
    assertWithinSe(at(rs, 'trace_ratio', t), theory.traceRatio[t - 1], `trace ratio, t=${t}`);
    assert.ok(theory.squaredError[t - 1] < bound, 'exact expectation below the π²/6 bound');
  }
  // the bound holds at the last iteration, with the sampling error of 800 seeds (4 SE) allowed for
  const last = at(rs, 'squared_error_of_mean', T);
  const mean = last.reduce((a, b) => a + b, 0) / last.length;
  assert.ok(mean < bound, `mean squared error at T = ${mean} above the bound ${bound}`);
  // no collapse: E trace ratio = ((n−1)/n)·Π_k (1 − 1/(k²n)) ≥ ((n−1)/n)·(1 − (π²/6 − 1)/n) > 0 for every t
  const floor = ((n - 1) / n) * (1 - (Math.PI ** 2 / 6 - 1) / n);
  for (let t = 1; t <= T; t++) assert.ok(theory.traceRatio[t - 1] >= floor, `trace ratio expectation at t=${t} below ${floor}`);
  assertWithinSe(at(rs, 'trace_ratio', T), theory.traceRatio[T - 1], 'trace ratio at T (no collapse)');
});

test('Accumulate with n − 1 < d (points drawn, not Bartlett statistics) matches the same theory', () => {
  const d = 6, n = 4, T = 8;
  const rs = runs('accumulate', d, n, T, 1500);
  const theory = accumulateExpectations(d, 1, n, T);
  for (const t of [2, 8]) {
    assertWithinSe(at(rs, 'squared_error_of_mean', t), theory.squaredError[t - 1], `squared error, t=${t}`);
    assertWithinSe(at(rs, 'trace_ratio', t), theory.traceRatio[t - 1], `trace ratio, t=${t}`);
  }
});

test('Accumulate-Subsample: error above Accumulate and below Replace at the end (paired seeds)', () => {
  const d = 2, n = 10, T = 40, seeds = 300;
  const mean = (rs: Trajectory[]) => at(rs, 'squared_error_of_mean', T).reduce((a, b) => a + b, 0) / seeds;
  const acc = mean(runs('accumulate', d, n, T, seeds));
  const sub = mean(runs('accumulate-subsample', d, n, T, seeds));
  const rep = mean(runs('replace', d, n, T, seeds));
  assert.ok(acc < sub && sub < rep, `accumulate ${acc} < subsample ${sub} < replace ${rep}`);
});

test('training-set sizes: Replace n, Accumulate t·n, Accumulate-Subsample n', () => {
  for (const [wf, size] of [['replace', (t: number) => 7], ['accumulate', (t: number) => 7 * t], ['accumulate-subsample', (t: number) => 7]] as const) {
    const [r] = runs(wf, 2, 7, 6, 1);
    assert.deepEqual(Array.from(r.trainingSize), [1, 2, 3, 4, 5, 6].map(size), wf);
  }
});

test('every workflow fits the same real data at iteration 1; a seed replays bit-identically', () => {
  const first = ['replace', 'accumulate', 'accumulate-subsample'].map((wf) => runs(wf, 3, 8, 4, 1)[0].metrics.squared_error_of_mean[0]);
  assert.equal(first[0], first[1]);
  assert.equal(first[0], first[2]);
  const a = runs('accumulate-subsample', 3, 8, 10, 2);
  const b = runs('accumulate-subsample', 3, 8, 10, 2);
  assert.deepEqual(a, b);
});

test('validation names the bad value', () => {
  assert.throws(() => gaussianSetting.validate({ dim: 0 }), /dim must be >= 1, got 0/);
  assert.throws(() => gaussianSetting.validate({ samples: 1 }), /samples must be >= 2, got 1/);
  assert.throws(() => gaussianSetting.validate({ sigma2: 0 }), /sigma2 must be > 0, got 0/);
  assert.throws(() => gaussianSetting.validate({ sigma2: 'x' }), /sigma2 must be a number, got 'x'/);
  assert.throws(() => gaussianSetting.validate({ iterations: 2.5 }), /iterations must be an integer, got '2.5'/);
  assert.throws(() => gaussianSetting.validate({ workflow: 'keep' }), /unknown workflow 'keep'/);
});

test('share of real data in the training set: Replace 1 then 0, Accumulate 1/t, Subsample 1/t in expectation', async () => {
  const { provenanceModel } = await import('../lib/core/provenance');
  const { runLoop } = await import('../lib/core/workflows');
  const { createRng } = await import('../lib/core/random');
  const n = 50, T = 8;
  const rep = runLoop(provenanceModel(n, T), { workflow: 'replace', iterations: T, rng: createRng(1) });
  assert.deepEqual(Array.from(rep.metrics.real_share), [1, 0, 0, 0, 0, 0, 0, 0]);
  const acc = runLoop(provenanceModel(n, T), { workflow: 'accumulate', iterations: T, rng: createRng(1) });
  acc.metrics.real_share.forEach((v, i) => assert.ok(Math.abs(v - 1 / (i + 1)) < 1e-15));
  const subs = Array.from({ length: 400 }, (_, s) => runLoop(provenanceModel(n, T), { workflow: 'accumulate-subsample', iterations: T, rng: createRng(s) }));
  for (const t of [2, 4, 8]) assertWithinSe(Float64Array.from(subs, (r) => r.metrics.real_share[t - 1]), 1 / t, `subsample real share, t=${t}`);
});
