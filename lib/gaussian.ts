// Setting 1 of the paper: multivariate Gaussian estimation (PAPER.md §1).
// Real data: n draws from N(0, σ²I_d). Fit: sample mean and biased covariance (divide by the number of
// points fit on, as np.cov(bias=True)). Sample: n draws from N(μ̂, Σ̂), Σ̂ possibly singular.
import { gatherRows } from './batches';
import { BartlettStats, mergeStats, pivotedCholesky, pointStats, sampleStatsWithFactor, sampleWithFactor, type PointStats, type PsdFactor } from './linalg';
import type { Rng } from './random';
import { intParam, positiveParam, workflowParam, type RunConfig, type TaskSetting } from './setting';
import type { Model } from './workflows';
import { WORKFLOWS } from './workflows';

/** A batch of points: n × d, row-major. */
export interface PointBatch {
  n: number;
  d: number;
  x: Float64Array;
}

export interface GaussianFit {
  mean: Float64Array;
  /** Σ̂ = F Fᵀ with F of the covariance's numerical rank: what sampling and the determinant use. */
  factor: PsdFactor;
  /** tr Σ̂. */
  trace: number;
  /** Biased covariance, d × d row-major (formed on first use when the fit came with its factor). */
  readonly cov: Float64Array;
}

export interface GaussianConfig {
  dim: number;
  samples: number;
  sigma2: number;
}

/**
 * Fit mean and biased covariance from pooled statistics. Statistics drawn by Bartlett's decomposition
 * (Replace's synthetic batches) carry a factor of their covariance, so no Cholesky decomposition is needed.
 */
export function fitGaussian(stats: PointStats): GaussianFit {
  const d = stats.dim;
  if (stats instanceof BartlettStats) {
    const factor = stats.covarianceFactor();
    let trace = 0;
    const L = factor.lower;
    for (let i = 0; i < L.length; i++) trace += L[i] * L[i];
    let cov: Float64Array | undefined;
    return { mean: Float64Array.from(stats.mean), factor, trace, get cov() { return (cov ??= Float64Array.from(stats.scatter, (v) => v / stats.count)); } };
  }
  const cov = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++) cov[i] = stats.scatter[i] / stats.count;
  let trace = 0;
  for (let i = 0; i < d; i++) trace += cov[i * d + i];
  return { mean: Float64Array.from(stats.mean), cov, trace, factor: pivotedCholesky(cov, d) };
}

/** The paper's metrics against the true N(0, σ²I_d). */
export function gaussianMetrics(fit: GaussianFit, sigma2: number): Record<string, number> {
  const d = fit.mean.length;
  let sq = 0;
  for (let i = 0; i < d; i++) sq += fit.mean[i] * fit.mean[i];
  const logDetRatio = fit.factor.logDet - d * Math.log(sigma2);
  return {
    squared_error_of_mean: sq,
    trace_ratio: fit.trace / (d * sigma2),
    det_ratio: Math.exp(logDetRatio),
    log_det_ratio: logDetRatio,
    // for d = 1 this is the fitted variance itself
    mean_variance: fit.trace / d,
  };
}

/** The Gaussian model of one run: real data drawn from `rng`. */
export function gaussianModel(config: GaussianConfig, rng: Rng): Model<PointBatch, PointStats, GaussianFit> {
  const { dim: d, samples: n, sigma2 } = config;
  const sigma = Math.sqrt(sigma2);
  const real: PointBatch = { n, d, x: new Float64Array(n * d) };
  for (let i = 0; i < n * d; i++) real.x[i] = sigma * rng.normal();
  return {
    real,
    size: (b) => b.n,
    summarize: (b) => pointStats(b.x, b.n, d),
    merge: mergeStats,
    take: (batches, indices) => ({ n: indices.length, d, x: gatherRows(batches.map((b) => b.x), d, indices) }),
    fit: fitGaussian,
    sample: (fit, m, r) => ({ n: m, d, x: sampleWithFactor(fit.mean, fit.factor, m, () => r.normal()) }),
    // Replace and Accumulate only need the batch's mean and scatter: draw them directly (Bartlett),
    // O(d³) instead of O(n·d²). Below n − 1 < rank the scatter has no Bartlett form: draw the points.
    sampleSummary: (fit, m, r) => (m - 1 >= fit.factor.rank ? sampleStatsWithFactor(fit.mean, fit.factor, m, r) : undefined),
    evaluate: (fit) => gaussianMetrics(fit, sigma2),
  };
}

// ---- closed-form theory (PAPER.md §1; derivations in notebooks 01 and 02) ----

/** Replace: E[tr Σ̂_t / tr Σ_0] = ((n−1)/n)^t. */
export function replaceTraceRatio(n: number, t: number): number {
  return Math.pow((n - 1) / n, t);
}

/** Replace: E‖μ̂_t − μ_0‖² = dσ²·(1 − ((n−1)/n)^t). */
export function replaceSquaredError(d: number, sigma2: number, n: number, t: number): number {
  return d * sigma2 * (1 - Math.pow((n - 1) / n, t));
}

/** Replace: E[det Σ̂_t / det Σ_0] = (Π_{i=1..d} (n−i)/n)^t (Wishart moments; 0 when n ≤ d). */
export function replaceDetRatio(d: number, n: number, t: number): number {
  let c = 1;
  for (let i = 1; i <= d; i++) c *= Math.max(0, n - i) / n;
  return Math.pow(c, t);
}

/**
 * Accumulate, exact expectations. Pooling a batch of n points drawn from the fit on t·n points gives
 *   E tr Σ̂_{t+1} = E tr Σ̂_t · (1 − 1/((t+1)²n)),   E tr Σ̂_1 = dσ²(n−1)/n,
 *   E‖μ̂_{t+1}‖² = E‖μ̂_t‖² + E tr Σ̂_t / (n(t+1)²),  E‖μ̂_1‖² = dσ²/n,
 * so the covariance never collapses and the error stays below (π²/6)·dσ²/n.
 */
export function accumulateExpectations(d: number, sigma2: number, n: number, iterations: number): { traceRatio: Float64Array; squaredError: Float64Array } {
  const traceRatio = new Float64Array(iterations);
  const squaredError = new Float64Array(iterations);
  let tr = (n - 1) / n;
  let se = (d * sigma2) / n;
  for (let t = 1; t <= iterations; t++) {
    traceRatio[t - 1] = tr;
    squaredError[t - 1] = se;
    se += (tr * d * sigma2) / (n * (t + 1) * (t + 1));
    tr *= 1 - 1 / ((t + 1) * (t + 1) * n);
  }
  return { traceRatio, squaredError };
}

/** Accumulate's bound on the squared error of the mean: (π²/6)·dσ²/n. */
export function accumulateSquaredErrorBound(d: number, sigma2: number, n: number): number {
  return ((Math.PI * Math.PI) / 6) * ((d * sigma2) / n);
}

export const gaussianSetting: TaskSetting = {
  name: 'gaussian',
  configColumns: ['dim', 'samples'],
  metricColumns: ['squared_error_of_mean', 'trace_ratio', 'det_ratio', 'log_det_ratio', 'mean_variance'],
  flags: [
    { name: 'dim', list: true },
    { name: 'samples', list: true },
    { name: 'sigma2', list: false },
  ],
  codeFiles: ['gaussian.ts', 'linalg.ts', 'linalg.wasm', 'wasm.ts'],
  grid: (quick) =>
    quick
      ? { workflow: WORKFLOWS, dim: [1, 3, 10], samples: [10, 32, 100], iterations: [40], sigma2: [1] }
      : { workflow: WORKFLOWS, dim: [1, 3, 10, 31, 100], samples: [10, 32, 100, 316, 1000], iterations: [100], sigma2: [1] },
  seeds: (quick) => (quick ? 10 : 100),
  validate(c): RunConfig {
    return {
      workflow: workflowParam(c.workflow ?? 'replace'),
      iterations: intParam('iterations', c.iterations ?? 100, 1),
      dim: intParam('dim', c.dim ?? 1, 1),
      samples: intParam('samples', c.samples ?? 10, 2),
      sigma2: positiveParam('sigma2', c.sigma2 ?? 1),
    };
  },
  // Per iteration: O(n·d²) where points are drawn (Accumulate-Subsample), O(d³) elsewhere.
  cost: (c) => Number(c.iterations) * (c.workflow === 'accumulate-subsample' ? Number(c.samples) * Number(c.dim) ** 2 : Number(c.dim) ** 3 + Number(c.samples) * Number(c.dim)),
  createModel: (config, rng) => gaussianModel({ dim: Number(config.dim), samples: Number(config.samples), sigma2: Number(config.sigma2) }, rng),
};
