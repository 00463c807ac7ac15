// Setting 2 of the paper: kernel density estimation (PAPER.md §2) on the one workflow loop.
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
import { gatherRows } from '../batches';
import type { Rng } from '../random';
import { choiceParam, ConfigError, intParam, workflowParam, type ConfigValue, type Grid, type RunConfig, type TaskSetting } from '../setting';
import type { Metrics, Model, Workflow } from '../workflows';
import { WORKFLOWS } from '../workflows';
import { createDataSource, DATASETS, parseDataset, type DatasetName, type DataSource } from './datasets';
import {
  logAddExpInto,
  logDensityFromSums,
  logKernelSums,
  parseBandwidth,
  parseKernel,
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
  evaluateAt?: EvaluationSchedule;
  /** The run's workflow, if known: only Accumulate needs running sums at iterations not evaluated. */
  workflow?: Workflow;
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
  /** Number of training points scored against the test set so far: for the cost tests and the benchmark. */
  scoredPoints = 0;
  /** Fits so far. The loop fits once per iteration, in order, so this is the current iteration. */
  private fits = 0;

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

  fit(summary: KdeSummary): KdeFit {
    const iteration = ++this.fits;
    const h = this.bandwidthFor(summary.count);
    const { kernel, bandwidth, evaluateAt = 'all', workflow } = this.config;
    // The test scores are computed when this iteration is recorded, and under Accumulate with a fixed
    // bandwidth at every iteration, since the next iteration adds to them. Otherwise nobody reads them.
    const evaluated = isEvaluated(evaluateAt, iteration);
    const keepRunning = typeof bandwidth === 'number' && (workflow === undefined || workflow === 'accumulate');
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

// ---- grids: the paper's, and small ones for CI and first looks ----

const SIZES = [10, 32, 100, 316, 1000];

/** Main figures (PAPER.md §2): 4 data sets × h ∈ {0.1, 0.5, 1} × n × T = 100, Gaussian kernel, 100 seeds. */
export const KDE_MAIN_GRID: Grid = { workflow: WORKFLOWS, dataset: DATASETS, kernel: ['gaussian'], bandwidth: [0.1, 0.5, 1.0], samples: SIZES, iterations: [100] };
export const KDE_MAIN_GRID_QUICK: Grid = { workflow: WORKFLOWS, dataset: DATASETS, kernel: ['gaussian'], bandwidth: [0.1, 1.0], samples: [10, 100], iterations: [20] };
export const KDE_MAIN_SEEDS = 100;
export const KDE_MAIN_SEEDS_QUICK = 3;

/** Appendix: the nine fixed bandwidths of the paper's sweep. */
export const KDE_SWEEP_BANDWIDTHS = [0.01, 0.0316, 0.1, 0.316, 1, 3.16, 10, 31.6, 100];

/**
 * Appendix bandwidth sweep, T = 1000: the nine fixed bandwidths (figure: NLL vs bandwidth, hue
 * iteration, columns workflow, rows n). The figure reads a few iterations, so test NLL is recorded
 * on the 'log' schedule (t = 1…10, 20…100, 200…1000).
 */
export const KDE_BANDWIDTH_GRID: Grid = { workflow: WORKFLOWS, dataset: DATASETS, kernel: ['gaussian'], bandwidth: KDE_SWEEP_BANDWIDTHS, samples: SIZES, iterations: [1000], evaluate_at: ['log'] };
export const KDE_BANDWIDTH_GRID_QUICK: Grid = { workflow: WORKFLOWS, dataset: ['moons'], kernel: ['gaussian'], bandwidth: [0.01, 0.1, 1, 10, 100], samples: [10, 100], iterations: [100], evaluate_at: ['log'] };
export const KDE_BANDWIDTH_SEEDS = 10;
export const KDE_BANDWIDTH_SEEDS_QUICK = 2;

/**
 * Appendix: Scott's and Silverman's rules, T = 1000. Under Accumulate the bandwidth follows m = t·n,
 * so each recorded iteration rescores the whole pool; the 'log' schedule keeps that to 28 rescores.
 */
export const KDE_RULE_GRID: Grid = { workflow: WORKFLOWS, dataset: DATASETS, kernel: ['gaussian'], bandwidth: ['scott', 'silverman'], samples: SIZES, iterations: [1000], evaluate_at: ['log'] };
export const KDE_RULE_GRID_QUICK: Grid = { workflow: WORKFLOWS, dataset: ['moons'], kernel: ['gaussian'], bandwidth: ['scott', 'silverman'], samples: [10, 100], iterations: [100], evaluate_at: ['log'] };
export const KDE_RULE_SEEDS = 10;
export const KDE_RULE_SEEDS_QUICK = 2;

/** Appendix: the top-hat kernel on the main grid. */
export const KDE_TOPHAT_GRID: Grid = { ...KDE_MAIN_GRID, kernel: ['tophat'] };
export const KDE_TOPHAT_GRID_QUICK: Grid = { ...KDE_MAIN_GRID_QUICK, kernel: ['tophat'] };
export const KDE_TOPHAT_SEEDS = 100;
export const KDE_TOPHAT_SEEDS_QUICK = 3;

export type KdeSweepName = 'main' | 'bandwidth' | 'rules' | 'tophat';

/** Grid and seed count of one of the KDE sweeps, for `sweep('kde', kdeSweep('bandwidth', quickMode()))`. */
export function kdeSweep(name: KdeSweepName, quick: boolean): { grid: Grid; seeds: number } {
  switch (name) {
    case 'main':
      return quick ? { grid: KDE_MAIN_GRID_QUICK, seeds: KDE_MAIN_SEEDS_QUICK } : { grid: KDE_MAIN_GRID, seeds: KDE_MAIN_SEEDS };
    case 'bandwidth':
      return quick ? { grid: KDE_BANDWIDTH_GRID_QUICK, seeds: KDE_BANDWIDTH_SEEDS_QUICK } : { grid: KDE_BANDWIDTH_GRID, seeds: KDE_BANDWIDTH_SEEDS };
    case 'rules':
      return quick ? { grid: KDE_RULE_GRID_QUICK, seeds: KDE_RULE_SEEDS_QUICK } : { grid: KDE_RULE_GRID, seeds: KDE_RULE_SEEDS };
    case 'tophat':
      return quick ? { grid: KDE_TOPHAT_GRID_QUICK, seeds: KDE_TOPHAT_SEEDS_QUICK } : { grid: KDE_TOPHAT_GRID, seeds: KDE_TOPHAT_SEEDS };
    default:
      throw new ConfigError(`unknown KDE sweep '${String(name)}' (expected one of: main, bandwidth, rules, tophat)`);
  }
}

const CONFIG_KEYS = ['workflow', 'iterations', 'dataset', 'kernel', 'bandwidth', 'samples', 'evaluate_at'];

/** Check a configuration (numbers or strings, as the CLI passes them) and fill the defaults. */
export function validateKdeConfig(c: Record<string, unknown>): RunConfig {
  for (const key of Object.keys(c)) {
    if (!CONFIG_KEYS.includes(key)) throw new ConfigError(`unknown kde parameter '${key}' (expected one of: ${CONFIG_KEYS.join(', ')})`);
  }
  const bandwidth: ConfigValue = parseBandwidth(c.bandwidth ?? 0.5);
  const config: RunConfig = {
    workflow: workflowParam(c.workflow ?? 'replace'),
    dataset: parseDataset(c.dataset ?? 'moons'),
    kernel: parseKernel(c.kernel ?? 'gaussian'),
    bandwidth,
    samples: intParam('samples', c.samples ?? 100, 1),
    iterations: intParam('iterations', c.iterations ?? 100, 1),
  };
  // Only a non-default schedule enters the configuration, so a default run's key (and so its
  // random streams and cache entry) is the same whether or not evaluate_at was spelled out.
  const schedule = choiceParam('evaluate_at', c.evaluate_at ?? 'all', EVALUATION_SCHEDULES);
  if (schedule !== 'all') config.evaluate_at = schedule;
  return config;
}

export function kdeConfigOf(config: RunConfig): KdeConfig {
  return {
    workflow: workflowParam(config.workflow),
    dataset: parseDataset(config.dataset),
    kernel: parseKernel(config.kernel),
    bandwidth: parseBandwidth(config.bandwidth),
    samples: intParam('samples', config.samples, 1),
    evaluateAt: choiceParam('evaluate_at', config.evaluate_at ?? 'all', EVALUATION_SCHEDULES),
  };
}

export const kdeSetting: TaskSetting = {
  name: 'kde',
  configColumns: ['dataset', 'kernel', 'bandwidth', 'samples'],
  metricColumns: ['test_nll', 'zero_density_share', 'test_nll_on_support'],
  flags: [
    { name: 'dataset', list: true },
    { name: 'bandwidth', list: true },
    { name: 'kernel', list: false },
    { name: 'samples', list: true },
    { name: 'evaluate_at', list: false },
  ],
  codeFiles: ['kde/setting.ts', 'kde/kernel-density.ts', 'kde/wasm-kernel.ts', 'kde/kernel.wasm', 'wasm.ts', 'kde/cell-grid.ts', 'kde/exp-neg.ts', 'kde/datasets.ts'],
  grid: (quick) => (quick ? KDE_MAIN_GRID_QUICK : KDE_MAIN_GRID),
  seeds: (quick) => (quick ? KDE_MAIN_SEEDS_QUICK : KDE_MAIN_SEEDS),
  validate: validateKdeConfig,
  createModel: (config, rng) => new KdeModel(kdeConfigOf(config), rng),
};
