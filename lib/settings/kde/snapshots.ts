// Pictures of a run: the real data, and points sampled from the fitted KDE at chosen iterations
// under each workflow, for the scatter figures that let the collapse be seen.
//
// The run uses exactly the streams of `runOne` (and so of the sweep): its real data, test set and
// test NLL are those of the sweep's run with the same configuration and seed. The pictured points
// are drawn from each pictured fit with a stream of their own, so taking the picture does not
// change the run.
import { canonicalJson, createRng } from '../../core/random';
import { runLoop, WORKFLOWS, type Workflow } from '../../core/workflows';
import type { KdeModel, KdeFit } from './model';
import { kdeSetting } from './setting';
import { logDensityFromSums, logKernelSums, sampleKde } from './kernel-density';

export interface KdeSnapshot {
  workflow: Workflow;
  iteration: number;
  /** Points fit on at this iteration, and the bandwidth in use. */
  trainingSize: number;
  bandwidth: number;
  /** `count` points drawn from this iteration's KDE, row-major. */
  samples: Float64Array;
  testNll: number;
}

export interface KdeSnapshotRun {
  dimension: number;
  real: Float64Array;
  test: Float64Array;
  snapshots: KdeSnapshot[];
}

/**
 * Run one configuration (dataset, kernel, bandwidth, samples) with one seed under each workflow up
 * to the largest requested iteration, keeping `count` samples (default n) of the fits at `iterations`.
 */
export function kdeSnapshots(
  config: Record<string, unknown>,
  seed: number,
  iterations: readonly number[],
  options: { workflows?: readonly Workflow[]; count?: number } = {},
): KdeSnapshotRun {
  const last = Math.max(...iterations);
  const wanted = new Set(iterations);
  const snapshots: KdeSnapshot[] = [];
  let first: KdeModel | undefined;
  for (const workflow of options.workflows ?? WORKFLOWS) {
    const validated = kdeSetting.validate({ ...config, workflow, iterations: last });
    const { model, loop } = kdeSetting.prepare(validated, seed); // the sweep's run for this seed
    const kde = model;
    first ??= kde;
    const count = options.count ?? kde.size(kde.real);
    const pictures = createRng(`kde-snapshot:${canonicalJson(kdeSetting.identity(validated))}:${seed}`);
    const trajectory = runLoop(model, {
      ...loop,
      onIteration: (t, f, trainingSize) => {
        if (!wanted.has(t)) return;
        const fit = f as KdeFit;
        const samples = sampleKde(fit.kernel, fit.bandwidth, fit.dimension, fit.batches, count, pictures.derive(`${t}`));
        snapshots.push({ workflow, iteration: t, trainingSize, bandwidth: fit.bandwidth, samples, testNll: NaN });
      },
    });
    for (const s of snapshots) if (s.workflow === workflow) s.testNll = trajectory.metrics.test_nll[s.iteration - 1];
  }
  return { dimension: first!.dimension, real: first!.real, test: first!.test, snapshots };
}

/** The two coordinates to draw: (x, y) for the 2-D sets, (x, z) for the swiss roll (its spiral). */
export function planeOf(points: Float64Array, d: number): { x: Float64Array; y: Float64Array } {
  const n = points.length / d;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const second = d === 3 ? 2 : 1;
  for (let i = 0; i < n; i++) {
    x[i] = points[i * d];
    y[i] = points[i * d + second];
  }
  return { x, y };
}

/**
 * The test NLL of each iteration's EXPECTED density, −mean_y log E[p_t(y)], for a Gaussian kernel at
 * a fixed bandwidth h, given a run's real data and test set: the expectation is over the synthetic
 * samples (and subsample draws), the real data held fixed. By Jensen's inequality a run's expected
 * test NLL, E[−log p_t(y)], lies above it; the gap is what the randomness of resampling costs.
 *
 * Why it has a closed form. Every synthetic point is a uniformly chosen earlier point plus
 * N(0, h²I), so it is a real point (uniform over the real data, by symmetry) plus a sum of D
 * independent kicks: D, its depth, counts its synthetic ancestors. Given the depth the point is
 * distributed as the real data's KDE at bandwidth h·√D (for D = 0, a real point), and a KDE on it
 * contributes, in expectation, the real data's KDE at bandwidth h·√(D + 1). So E[p_t] is a mixture of the real
 * data's KDEs at bandwidths h·√s, weighted by the depth distribution of the points fit on:
 *  - Replace fits model t on batch t−1, all of depth t−1: E[p_t] = real KDE at h·√t.
 *  - Accumulate fits on batches 0…t−1; a point of batch k has a parent uniform over batches
 *    0…k−1, so its depth is D_k = 1 + D_U, U uniform on {0…k−1}, D_0 = 0, and E[D_k] = H_k, the
 *    harmonic number: the smoothing grows like h·√(1 + log t), not h·√t.
 *  - Accumulate-Subsample: a point drawn from a uniform subsample of the pool is a uniform point of
 *    the pool, so its depths, and its expected density, are exactly Accumulate's. What differs is
 *    the variance: n points instead of t·n.
 * Returns one value per iteration t = 1…iterations. Cost O(T·n·q·d + T²·q) for q test points.
 */
export function expectedKdeNll(
  real: Float64Array,
  test: Float64Array,
  dimension: number,
  bandwidth: number,
  iterations: number,
  workflow: Workflow,
): Float64Array {
  const d = dimension;
  const n = real.length / d;
  const q = test.length / d;
  const T = iterations;
  // logKde[s − 1][y]: log density of test point y under the real data's KDE at bandwidth h·√s.
  const logKde: Float64Array[] = [];
  const sums = new Float64Array(q);
  for (let s = 1; s <= T; s++) {
    const h = bandwidth * Math.sqrt(s);
    logKernelSums('gaussian', h, d, real, test, sums);
    logKde.push(logDensityFromSums(sums, 'gaussian', h, d, n));
  }
  // weights[t − 1][j]: share of the points fit on at iteration t that have depth j.
  const weights: Float64Array[] = [];
  if (workflow === 'replace') {
    for (let t = 1; t <= T; t++) {
      const w = new Float64Array(T);
      w[t - 1] = 1;
      weights.push(w);
    }
  } else {
    const pooled = new Float64Array(T); // Σ over the batches so far of P(D_u = j)
    for (let k = 0; k < T; k++) {
      const p = new Float64Array(T); // P(D_k = j) = (1/k) Σ_{u<k} P(D_u = j − 1)
      if (k === 0) p[0] = 1;
      else for (let j = 1; j < T; j++) p[j] = pooled[j - 1] / k;
      for (let j = 0; j < T; j++) pooled[j] += p[j];
      weights.push(pooled.map((v) => v / (k + 1))); // iteration t = k + 1 fits batches 0…k
    }
  }
  const out = new Float64Array(T);
  const terms = new Float64Array(T);
  for (let t = 1; t <= T; t++) {
    const w = weights[t - 1];
    let total = 0;
    for (let y = 0; y < q; y++) {
      let hi = -Infinity;
      for (let j = 0; j < T; j++) {
        terms[j] = w[j] > 0 ? Math.log(w[j]) + logKde[j][y] : -Infinity;
        if (terms[j] > hi) hi = terms[j];
      }
      let s = 0;
      if (hi > -Infinity) for (let j = 0; j < T; j++) s += Math.exp(terms[j] - hi);
      total += hi === -Infinity ? -Infinity : hi + Math.log(s);
    }
    out[t - 1] = -total / q;
  }
  return out;
}
