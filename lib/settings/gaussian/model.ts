// The paper's first setting, multivariate Gaussian estimation (§2 and §3 of the paper; its per-d figures in the appendix).
// Real data: n draws from N(0, σ²I_d). Fit: sample mean and biased covariance (divide by the number of
// points fit on, as np.cov(bias=True)). Sample: n draws from N(μ̂, Σ̂), Σ̂ possibly singular.
import { gatherRows } from '../../core/batches';
import { BartlettStats, mergeStats, pivotedCholesky, pointStats, sampleStatsWithFactor, sampleWithFactor, type PointStats, type PsdFactor } from './linalg';
import type { Rng } from '../../core/random';
import type { Model } from '../../core/workflows';

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

