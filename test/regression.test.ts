// The linear-regression setting: the pseudo-inverse solver (both branches), incremental Accumulate and the
// subsample fit against brute-force refits on the stacked rows, the test MSE, the closed forms of
// Gerstgrasser et al. (statistically, |estimate − theory| ≤ 4 standard errors), input checks and
// reproducibility.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRng, type Rng } from '../lib/core/random';
import { ConfigError } from '../lib/core/setting';
import { runLoop, WORKFLOWS, type Workflow } from '../lib/core/workflows';
import { psdSolver, RegressionModel, symmetricEigen, REGRESSION_TEST_POINTS, type LabelledRows } from '../lib/settings/regression/model';
import { regressionSetting } from '../lib/settings/regression/setting';
import { accumulateExpectedMse, regressionErrorScale, regressionTheoryOverlays, replaceExpectedMse } from '../lib/settings/regression/theory';

const Z = 4; // tolerance, in standard errors

function randomMatrix(rows: number, cols: number, rng: Rng): Float64Array {
  return rng.fillNormal(new Float64Array(rows * cols));
}

function matVec(A: Float64Array, rows: number, cols: number, x: Float64Array): Float64Array {
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) y[i] += A[i * cols + j] * x[j];
  return y;
}

function transposeTimes(A: Float64Array, rows: number, cols: number, B: Float64Array, bcols: number): Float64Array {
  // Aᵀ·B for A rows × cols and B rows × bcols
  const C = new Float64Array(cols * bcols);
  for (let r = 0; r < rows; r++) for (let i = 0; i < cols; i++) for (let j = 0; j < bcols; j++) C[i * bcols + j] += A[r * cols + i] * B[r * bcols + j];
  return C;
}

function norm(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}

function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const diff = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) diff[i] = a[i] - b[i];
  return norm(diff) / Math.max(norm(b), 1e-300);
}

/** Least squares by Householder QR of the (tall, full-column-rank) matrix itself: the brute-force reference. */
function qrLeastSquares(A0: Float64Array, m: number, d: number, b0: Float64Array): Float64Array {
  const A = Float64Array.from(A0);
  const b = Float64Array.from(b0);
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let i = j; i < m; i++) s += A[i * d + j] ** 2;
    const alpha = (A[j * d + j] > 0 ? -1 : 1) * Math.sqrt(s);
    const v = new Float64Array(m);
    for (let i = j; i < m; i++) v[i] = A[i * d + j];
    v[j] -= alpha;
    const vv = norm(v) ** 2;
    if (vv === 0) continue;
    for (let c = j; c < d; c++) {
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[i] * A[i * d + c];
      for (let i = j; i < m; i++) A[i * d + c] -= (2 * dot * v[i]) / vv;
    }
    let dot = 0;
    for (let i = j; i < m; i++) dot += v[i] * b[i];
    for (let i = j; i < m; i++) b[i] -= (2 * dot * v[i]) / vv;
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = b[i];
    for (let c = i + 1; c < d; c++) s -= A[i * d + c] * x[c];
    x[i] = s / A[i * d + i];
  }
  return x;
}

/** Solve a small square system by Gaussian elimination with partial pivoting (independent of lib). */
function gaussSolve(A0: Float64Array, k: number, b0: Float64Array): Float64Array {
  const A = Float64Array.from(A0);
  const b = Float64Array.from(b0);
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(A[r * k + c]) > Math.abs(A[p * k + c])) p = r;
    for (let j = 0; j < k; j++) [A[c * k + j], A[p * k + j]] = [A[p * k + j], A[c * k + j]];
    [b[c], b[p]] = [b[p], b[c]];
    for (let r = c + 1; r < k; r++) {
      const f = A[r * k + c] / A[c * k + c];
      for (let j = c; j < k; j++) A[r * k + j] -= f * A[c * k + j];
      b[r] -= f * b[c];
    }
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i];
    for (let j = i + 1; j < k; j++) s -= A[i * k + j] * x[j];
    x[i] = s / A[i * k + i];
  }
  return x;
}

test('psdSolver, Cholesky branch: a well-conditioned Gram matrix gives the QR least-squares solution', () => {
  const rng = createRng('psd-cholesky');
  const [m, d] = [40, 8];
  const B = randomMatrix(m, d, rng);
  const c = rng.fillNormal(new Float64Array(m));
  const solver = psdSolver(transposeTimes(B, m, d, B, d), d);
  assert.equal(solver.method, 'cholesky');
  assert.equal(solver.rank, d);
  const x = solver.solve(transposeTimes(B, m, d, c, 1));
  const reference = qrLeastSquares(B, m, d, c);
  assert.ok(relativeDifference(x, reference) < 1e-12, `relative difference ${relativeDifference(x, reference)} ≥ 1e-12`);
});

test('psdSolver, eigen branch: a rank-deficient matrix gives the minimum-norm (pseudo-inverse) solution', () => {
  const rng = createRng('psd-eigen');
  const [k, r] = [9, 4];
  const B = randomMatrix(k, r, rng); // A = B·Bᵀ has rank r < k
  const A = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) for (let p = 0; p < r; p++) A[i * k + j] += B[i * r + p] * B[j * r + p];
  const solver = psdSolver(A, k);
  assert.equal(solver.method, 'eigen');
  assert.equal(solver.rank, r);
  const b = rng.fillNormal(new Float64Array(k));
  const x = solver.solve(b);
  // A⁺ = B·(BᵀB)⁻²·Bᵀ for B of full column rank.
  const M = transposeTimes(B, k, r, B, r);
  const reference = matVec(B, k, r, gaussSolve(M, r, gaussSolve(M, r, transposeTimes(B, k, r, b, 1))));
  assert.ok(relativeDifference(x, reference) < 1e-10, `relative difference ${relativeDifference(x, reference)} ≥ 1e-10`);
  // The eigendecomposition itself: A·V = V·Λ and VᵀV = I.
  const { values, vectors } = symmetricEigen(A, k);
  for (let i = 0; i < k; i++) {
    const v = Float64Array.from({ length: k }, (_, row) => vectors[row * k + i]);
    const Av = matVec(A, k, k, v);
    for (let row = 0; row < k; row++) assert.ok(Math.abs(Av[row] - values[i] * v[row]) < 1e-12 * norm(A), 'A·v = λ·v');
    assert.ok(Math.abs(norm(v) - 1) < 1e-13, 'unit eigenvectors');
  }
});

/** The model with `sample` and `take` recorded, so a test can rebuild each iteration's training set. */
function recordingModel(dim: number, sigma2: number, samples: number, seed: string) {
  const model = new RegressionModel(dim, sigma2, samples, createRng(seed));
  const sampled: LabelledRows[] = [];
  const taken: LabelledRows[] = [];
  const sample = model.sample.bind(model);
  const take = model.take.bind(model);
  model.sample = (fit, n, rng) => {
    const b = sample(fit, n, rng);
    sampled.push(b);
    return b;
  };
  model.take = (batches, indices) => {
    const b = take(batches, indices);
    taken.push(b);
    return b;
  };
  return { model, sampled, taken };
}

/** Design rows and labels of a list of batches, stacked. */
function stack(model: RegressionModel, batches: readonly LabelledRows[]): { A: Float64Array; y: Float64Array; m: number } {
  const d = model.dim;
  const m = batches.reduce((s, b) => s + b.rows.length, 0);
  const A = new Float64Array(m * d);
  const y = new Float64Array(m);
  let i = 0;
  for (const b of batches) {
    for (let j = 0; j < b.rows.length; j++, i++) {
      A.set(model.X.subarray(b.rows[j] * d, b.rows[j] * d + d), i * d);
      y[i] = b.y[j];
    }
  }
  return { A, y, m };
}

/** The distinct rows of A (m × d), as the columns of a d × k matrix. */
function distinctRowsAsColumns(A: Float64Array, m: number, d: number): { D: Float64Array; k: number } {
  const seen = new Set<string>();
  const keep: number[] = [];
  for (let i = 0; i < m; i++) {
    const key = Array.from(A.subarray(i * d, i * d + d)).join(',');
    if (!seen.has(key)) {
      seen.add(key);
      keep.push(i);
    }
  }
  const k = keep.length;
  const D = new Float64Array(d * k);
  keep.forEach((row, c) => {
    for (let j = 0; j < d; j++) D[j * k + c] = A[row * d + j];
  });
  return { D, k };
}

/**
 * Checks that w is the minimum-norm least-squares solution on the stacked rows (A, y) when they span
 * fewer than d dimensions: the normal equations Aᵀ(Aw − y) = 0 hold and w lies in the row space of A.
 */
function assertMinimumNorm(w: Float64Array, A: Float64Array, y: Float64Array, m: number, d: number, label: string): void {
  const residual = matVec(A, m, d, w).map((v, i) => v - y[i]);
  const normal = transposeTimes(A, m, d, residual, 1);
  const scale = norm(transposeTimes(A, m, d, y, 1));
  assert.ok(norm(normal) <= 1e-10 * scale, `${label}: normal equations off by ${norm(normal) / scale} (relative) > 1e-10`);
  const { D, k } = distinctRowsAsColumns(A, m, d);
  assert.ok(k < d, `${label}: expected fewer distinct rows than dimensions`);
  const projected = matVec(D, d, k, qrLeastSquares(D, d, k, w)); // projection of w on the row space
  assert.ok(relativeDifference(projected, w) < 1e-10, `${label}: w leaves the row space by ${relativeDifference(projected, w)} (relative) ≥ 1e-10`);
}

test('incremental Accumulate equals a brute-force refit on the stacked rows (n > d and n ≤ d)', () => {
  for (const [d, n] of [
    [3, 12],
    [10, 6],
  ]) {
    const T = 8;
    const { model, sampled } = recordingModel(d, 0.5, n, `stack-${d}-${n}`);
    const fits: Float64Array[] = [];
    runLoop(model, { workflow: 'accumulate', iterations: T, rng: createRng('loop'), onIteration: (_t, fit) => fits.push((fit as { w: Float64Array }).w) });
    for (let t = 1; t <= T; t++) {
      const { A, y, m } = stack(model, [model.real, ...sampled.slice(0, t - 1)]);
      if (n > d) {
        const reference = qrLeastSquares(A, m, d, y);
        const diff = relativeDifference(fits[t - 1], reference);
        assert.ok(diff < 1e-10, `d=${d}, n=${n}, iteration ${t}: relative difference ${diff} ≥ 1e-10`);
      } else {
        assertMinimumNorm(fits[t - 1], A, y, m, d, `d=${d}, n=${n}, iteration ${t}`);
      }
    }
  }
});

test('Accumulate-Subsample fits the picked rows exactly as a brute-force refit would', () => {
  for (const [d, n] of [
    [3, 12],
    [10, 6],
  ]) {
    const T = 8;
    const { model, taken } = recordingModel(d, 2, n, `subsample-${d}-${n}`);
    const fits: Float64Array[] = [];
    runLoop(model, { workflow: 'accumulate-subsample', iterations: T, rng: createRng('loop'), onIteration: (_t, fit) => fits.push((fit as { w: Float64Array }).w) });
    assert.equal(taken.length, T - 1);
    for (let t = 2; t <= T; t++) {
      const { A, y, m } = stack(model, [taken[t - 2]]);
      assert.equal(m, n);
      const label = `d=${d}, n=${n}, iteration ${t}`;
      // The picked rows repeat some design rows; while more than d distinct rows remain, QR applies.
      if (distinctRowsAsColumns(A, m, d).k > d) {
        const diff = relativeDifference(fits[t - 1], qrLeastSquares(A, m, d, y));
        assert.ok(diff < 1e-10, `${label}: relative difference ${diff} ≥ 1e-10`);
      } else assertMinimumNorm(fits[t - 1], A, y, m, d, label);
    }
  }
});

test('test MSE is the mean squared error on the 1000 test points against the noiseless targets', () => {
  const d = 4;
  const rng = createRng('test-points');
  const model = new RegressionModel(d, 1, 20, rng);
  const Xtest = rng.derive('test').fillNormal(new Float64Array(REGRESSION_TEST_POINTS * d)); // the model's own test stream
  const w = createRng('some-w').fillNormal(new Float64Array(d));
  const predicted = matVec(Xtest, REGRESSION_TEST_POINTS, d, w);
  const truth = matVec(Xtest, REGRESSION_TEST_POINTS, d, model.wStar);
  let direct = 0;
  for (let i = 0; i < REGRESSION_TEST_POINTS; i++) direct += (predicted[i] - truth[i]) ** 2;
  direct /= REGRESSION_TEST_POINTS;
  assert.ok(Math.abs(model.testError(w) - direct) < 1e-12 * direct, `${model.testError(w)} vs ${direct}`);
});

test('closed forms: E[MSE_t] = c·t (Replace) and c·Σ_{k≤t} 1/k² (Accumulate), c = σ²d/(n − d − 1)', () => {
  const T = 10;
  const seeds = 1500;
  for (const [dim, sigma2, samples] of [
    [3, 1, 32],
    [10, 10, 100],
  ]) {
    for (const workflow of ['replace', 'accumulate'] as Workflow[]) {
      const config = regressionSetting.validate({ workflow, dim, sigma2, samples, iterations: T });
      const mse = Array.from({ length: T }, () => new Float64Array(seeds));
      for (let seed = 0; seed < seeds; seed++) {
        const tr = regressionSetting.run(config, seed);
        for (let t = 0; t < T; t++) mse[t][seed] = tr.metrics.test_mse[t];
      }
      for (const t of [1, 2, 5, 10]) {
        let mean = 0;
        for (const v of mse[t - 1]) mean += v;
        mean /= seeds;
        let ss = 0;
        for (const v of mse[t - 1]) ss += (v - mean) ** 2;
        const se = Math.sqrt(ss / (seeds - 1) / seeds);
        const theory = workflow === 'replace' ? replaceExpectedMse(t, dim, sigma2, samples) : accumulateExpectedMse(t, dim, sigma2, samples);
        assert.ok(
          Math.abs(mean - theory) <= Z * se,
          `${workflow} d=${dim} σ²=${sigma2} n=${samples} t=${t}: mean MSE ${mean} vs theory ${theory}, |diff| ${Math.abs(mean - theory)} > ${Z} SE = ${Z * se}`,
        );
      }
    }
  }
});

test('theory helpers: c·t, the π²/6 bound, and NaN where n ≤ d + 1', () => {
  const c = regressionErrorScale(10, 2, 100);
  assert.equal(c, (2 * 10) / 89);
  assert.equal(replaceExpectedMse(7, 10, 2, 100), 7 * c);
  assert.ok(accumulateExpectedMse(1000, 10, 2, 100) < (c * Math.PI ** 2) / 6);
  assert.ok(Math.abs(accumulateExpectedMse(1e6, 10, 2, 100) - (c * Math.PI ** 2) / 6) < 1e-6 * c);
  assert.ok(Number.isNaN(regressionErrorScale(10, 1, 11)));
});

test('theory overlays: the closed forms for every (d, n) with n > d + 1, in the right panel', () => {
  const overlays = regressionTheoryOverlays([1, 10], 2, [10, 11, 12], 5);
  // (d=1: n = 10, 11, 12) and (d=10: n = 12 only) → 4 cells × (Replace, Accumulate, bound)
  assert.equal(overlays.length, 4 * 3);
  const replace = overlays.find((o) => o.col === 'replace' && o.row === 10 && o.hue === 12)!;
  assert.deepEqual(Array.from(replace.y), [1, 2, 3, 4, 5].map((t) => replaceExpectedMse(t, 10, 2, 12)));
  const accumulate = overlays.find((o) => o.col === 'accumulate' && o.row === 1 && o.hue === 10 && o.dash === undefined)!;
  assert.equal(accumulate.y[4], accumulateExpectedMse(5, 1, 2, 10));
  assert.equal(overlays.filter((o) => o.row === 10 && o.hue !== 12).length, 0);
});

test('every workflow fits the same real data at iteration 1 (paired comparison)', () => {
  const first = WORKFLOWS.map((workflow) => regressionSetting.run(regressionSetting.validate({ workflow, dim: 5, samples: 30, iterations: 3 }), 4).metrics.test_mse[0]);
  assert.equal(first[1], first[0]);
  assert.equal(first[2], first[0]);
});

test('same configuration and seed give bit-identical trajectories', () => {
  for (const workflow of WORKFLOWS) {
    const config = regressionSetting.validate({ workflow, dim: '10', sigma2: '0.1', samples: '32', iterations: '20' });
    const a = regressionSetting.run(config, 11).metrics.test_mse;
    const b = regressionSetting.run(config, 11).metrics.test_mse;
    assert.deepEqual(Buffer.from(a.buffer), Buffer.from(b.buffer), workflow);
    const c = regressionSetting.run(config, 12).metrics.test_mse;
    assert.notDeepEqual(Array.from(a), Array.from(c), 'another seed differs');
  }
});

test('bad input throws ConfigError naming the parameter and value', () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ workflow: 'replace', sigma2: 0 }, /sigma2.*0/],
    [{ workflow: 'replace', sigma2: '-1' }, /sigma2.*-1/],
    [{ workflow: 'replace', sigma2: 'noisy' }, /sigma2.*'noisy'/],
    [{ workflow: 'replace', sigma2: 'Infinity' }, /sigma2.*'Infinity'/],
    [{ workflow: 'replace', samples: 0 }, /samples.*0/],
    [{ workflow: 'replace', samples: '1e' }, /samples.*'1e'/],
    [{ workflow: 'replace', dim: 0 }, /dim.*0/],
    [{ workflow: 'replace', dim: 3.5 }, /dim.*3\.5/],
    [{ workflow: 'replace', iterations: -2 }, /iterations.*-2/],
    [{ workflow: 'accumulate', sigma: 1 }, /unknown parameter 'sigma'/],
  ];
  for (const [config, message] of bad) {
    assert.throws(() => regressionSetting.validate(config), (e: unknown) => e instanceof ConfigError && message.test(e.message) && !e.message.includes('\n'), JSON.stringify(config));
  }
  assert.deepEqual(regressionSetting.validate({ workflow: 'replace', dim: '3', sigma2: '0.1', samples: '10' }), {
    workflow: 'replace',
    iterations: 100,
    dim: 3,
    sigma2: 0.1,
    samples: 10,
  });
});

// The command line runs the compiled library (npm run build).
const cliTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-regression-cli-'));
function collapse(...args: string[]) {
  const env = { ...process.env, COLLAPSE_CACHE_DIR: path.join(cliTmp, 'cache'), COLLAPSE_WORKERS: '1' };
  return spawnSync(process.execPath, [path.join(__dirname, '..', 'bin', 'collapse.js'), ...args], { encoding: 'utf8', env, cwd: cliTmp });
}

test('collapse run regression: exact leading CSV columns, one row per run and iteration', () => {
  const out = path.join(cliTmp, 'regression.csv');
  const r = collapse('run', 'regression', '--workflow', 'accumulate', '--dim', '1,3', '--sigma2', '0.1,10', '--samples', '32', '--iterations', '4', '--seeds', '2', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
  assert.ok(lines[0].startsWith('workflow,dim,sigma2,samples,seed,iteration,test_mse'), lines[0]);
  assert.equal(lines.length, 1 + 1 * 2 * 2 * 1 * 2 * 4);
});

const badFlags: [string[], RegExp][] = [
  [['--sigma2', '0'], /sigma2 must be > 0, got 0/],
  [['--sigma2', '-1'], /sigma2 must be > 0, got -1/],
  [['--samples', '0'], /samples must be >= 1, got 0/],
  [['--dim', 'x'], /dim must be an integer, got 'x'/],
];
for (const [args, message] of badFlags) {
  test(`collapse run regression ${args.join(' ')}: one line, non-zero exit, no output`, () => {
    const out = path.join(cliTmp, `bad-${args.join('_')}.csv`);
    const r = collapse('run', 'regression', ...args, '--out', out);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(fs.existsSync(out), false);
  });
}
