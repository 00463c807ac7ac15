// The paper's second setting, kernel density estimation (§2 and §3 of the paper; bandwidths and the
// top-hat kernel in its appendix), on the one workflow loop.
//
// Real data: n points of a toy data set; test set: 500 fresh points of the same distribution, fixed
// for the run. Each iteration fits a KDE on the workflow's training set and records
// test_nll = −mean log density of the test points.
//
// Why it is fast. A KDE's "fit" is its training points, and its test scores are a sum over them:
// log p(y) = log Σ_i k(y − x_i) − log m − log(norm). So the summary of a training set keeps, per test
// point, the log kernel sum over its points; pooling two sets adds the sums (log-add-exp). Accumulate
// scores only its newest batch each iteration, O(n · 500 · d), whatever the iteration — the pool is
// never rescored — and gives the numbers a full rescore gives (test/kde-setting.test.ts).
//
// The exception, said plainly: with a bandwidth rule (scott/silverman) the bandwidth depends on the
// number of points m = t·n, so under Accumulate it changes every iteration, and kernel sums at the
// old bandwidth say nothing exact about the new one. Then the pool IS rescored at the new bandwidth,
// O(t·n · 500 · d) at iteration t, O(T²·n·500·d) per run. Replace and Accumulate-Subsample always fit
// n points, so their bandwidth is constant and they cost as with a fixed bandwidth.
//
// Sampling never needs the test scores, so a run may record test_nll at fewer iterations
// (`evaluate_at: 'log'`: t = 1…10, 20, 30…100, 200…1000, …; NaN elsewhere). The samples, and so every
// recorded number, are exactly those of a run that records every iteration; only the scoring that
// nobody reads is skipped. That is what makes the T = 1000 appendix affordable with bandwidth rules:
// a rescore at 28 iterations instead of 1000 (Σ t ≈ 6·10³ instead of 5·10⁵ pool sizes of n).
import { gatherRows } from '../../core/batches';
import type { Rng } from '../../core/random';
import type { LoopContext, Metrics, Model } from '../../core/workflows';
import { createDataSource, type DatasetName, type DataSource } from './datasets';
import {
  logAddExpInto,
  logDensityFromSums,
  logKernelSums,
  resolveBandwidth,
  sampleKde,
  type BandwidthSpec,
  type Kernel,
} from './kernel-density';

/** Size of the fixed real test set of every run. */
export const KDE_TEST_POINTS = 500;

export const EVALUATION_SCHEDULES = ['all', 'log'] as const;
export type EvaluationSchedule = (typeof EVALUATION_SCHEDULES)[number];

export interface KdeConfig {
  dataset: DatasetName;
  kernel: Kernel;
  bandwidth: BandwidthSpec;
  /** n: real points, and synthetic points per iteration. */
  samples: number;
  /** Iterations whose test NLL is computed: every one (default), or t = a·10^k, a = 1…9 ('log'). */
  evaluate_at?: EvaluationSchedule;
}

/** Is iteration t recorded under the schedule? 'log': t is one non-zero digit followed by zeros. */
export function isEvaluated(schedule: EvaluationSchedule, t: number): boolean {
  if (schedule === 'all') return true;
  while (t % 10 === 0) t /= 10;
  return t < 10;
}

/**
 * What a fit needs from a training set: its points (a list of batch arrays, kept by reference,
 * never copied) and, per test point, the log kernel sum over them at bandwidth `sumsBandwidth`
 * (null until computed, or after a merge changed the bandwidth).
 */
export interface KdeSummary {
  batches: Float64Array[];
  count: number;
  sums: Float64Array | null;
  sumsBandwidth: number;
}

export interface KdeFit {
  kernel: Kernel;
  bandwidth: number;
  dimension: number;
  /** The training points (batch references, in order) and their number. */
  batches: readonly Float64Array[];
  count: number;
  /** Log density of each test point; −Infinity where it is zero (top-hat). Null at an iteration not evaluated. */
  testLogDensity: Float64Array | null;
}

/** The KDE model of one run. Points are row-major Float64Arrays. */
export class KdeModel implements Model<Float64Array, KdeSummary, KdeFit> {
  readonly real: Float64Array;
  readonly test: Float64Array;
  readonly source: DataSource;
  readonly dimension: number;
  /** Number of training points scored against the test set so far: a counter for the cost tests and the benchmark, read by nothing that computes. */
  scoredPoints = 0;

  constructor(readonly config: KdeConfig, rng: Rng) {
    // One distribution per run (for blobs: the centres), shared by the real data and the test set.
    this.source = createDataSource(config.dataset, rng.derive('distribution'));
    this.dimension = this.source.dimension;
    this.real = this.source.draw(config.samples, rng.derive('train'));
    this.test = this.source.draw(KDE_TEST_POINTS, rng.derive('test'));
  }

  bandwidthFor(m: number): number {
    return resolveBandwidth(this.config.bandwidth, m, this.dimension);
  }

  size(batch: Float64Array): number {
    return batch.length / this.dimension;
  }

  /** Lazy: the kernel sums are computed when a fit or a merge needs them, at the bandwidth it needs. */
  summarize(batch: Float64Array): KdeSummary {
    return { batches: [batch], count: this.size(batch), sums: null, sumsBandwidth: NaN };
  }

  merge(into: KdeSummary, other: KdeSummary): KdeSummary {
    const h = this.bandwidthFor(into.count + other.count);
    if (into.sums !== null && into.sumsBandwidth === h) {
      // Fixed bandwidth: add the new points' kernel sums to the running ones. O(other · test · d).
      logAddExpInto(into.sums, this.sumsAt(other, h));
    } else {
      into.sums = null; // the bandwidth changed with m: rescored at fit time
    }
    for (const b of other.batches) into.batches.push(b);
    into.count += other.count;
    return into;
  }

  take(batches: readonly Float64Array[], indices: Int32Array): Float64Array {
    return gatherRows(batches, this.dimension, indices);
  }

  fit(summary: KdeSummary, { iteration, workflow }: LoopContext): KdeFit {
    const h = this.bandwidthFor(summary.count);
    const { kernel, bandwidth, evaluate_at: evaluateAt = 'all' } = this.config;
    // The test scores are computed when this iteration is recorded, and under Accumulate with a fixed
    // bandwidth at every iteration, since the next iteration adds to them. Otherwise nobody reads them.
    const evaluated = isEvaluated(evaluateAt, iteration);
    const keepRunning = typeof bandwidth === 'number' && workflow === 'accumulate';
    const sums = evaluated || keepRunning ? this.sumsAt(summary, h) : null;
    return {
      kernel,
      bandwidth: h,
      dimension: this.dimension,
      batches: summary.batches.slice(), // later merges append to the summary's list, not to this fit's
      count: summary.count,
      testLogDensity: evaluated && sums !== null ? logDensityFromSums(sums, kernel, h, this.dimension, summary.count) : null,
    };
  }

  sample(fit: KdeFit, n: number, rng: Rng): Float64Array {
    return sampleKde(fit.kernel, fit.bandwidth, fit.dimension, fit.batches, n, rng);
  }

  evaluate(fit: KdeFit): Metrics {
    if (fit.testLogDensity === null) return { test_nll: NaN, zero_density_share: NaN, test_nll_on_support: NaN };
    return kdeMetrics(fit.testLogDensity);
  }

  /** The summary's per-test-point log kernel sums at bandwidth h, computing (and keeping) them if needed. */
  private sumsAt(summary: KdeSummary, h: number): Float64Array {
    if (summary.sums !== null && summary.sumsBandwidth === h) return summary.sums;
    const { kernel } = this.config;
    const q = this.test.length / this.dimension;
    const sums = new Float64Array(q).fill(-Infinity);
    const part = summary.batches.length > 1 ? new Float64Array(q) : sums;
    for (const b of summary.batches) {
      logKernelSums(kernel, h, this.dimension, b, this.test, part);
      if (part !== sums) logAddExpInto(sums, part);
      this.scoredPoints += b.length / this.dimension;
    }
    summary.sums = sums;
    summary.sumsBandwidth = h;
    return sums;
  }
}

/**
 * test_nll = −mean log density (+Infinity when any test point has zero density);
 * zero_density_share = share of test points with zero density (top-hat; always 0 for Gaussian);
 * test_nll_on_support = −mean log density over the test points with non-zero density (NaN if none).
 */
export function kdeMetrics(logDensity: Float64Array): Metrics {
  let total = 0;
  let finiteTotal = 0;
  let zeros = 0;
  for (const v of logDensity) {
    total += v;
    if (v === -Infinity) zeros++;
    else finiteTotal += v;
  }
  const q = logDensity.length;
  return {
    test_nll: -total / q,
    zero_density_share: zeros / q,
    test_nll_on_support: zeros === q ? NaN : -finiteTotal / (q - zeros),
  };
}
