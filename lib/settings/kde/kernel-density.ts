// Kernel density estimation, as scikit-learn's `KernelDensity` defines it, computed exactly.
//
//   gaussian: log p(x) = logsumexp_i(−‖x − x_i‖² / (2h²)) − log m − (d/2)·log(2πh²)
//   tophat:   p(x) = #{i : ‖x − x_i‖ < h} / (m · V_d · h^d),  V_d the volume of the unit d-ball
//
// scikit-learn evaluates these with a tree and tolerances; here every score is a direct sum, in
// log space, so nothing underflows even at h = 0.001 (a Gaussian density never scores −Infinity).
//
// The work is split so the workflow loop can reuse it: `logKernelSums` scores one batch of points
// against fixed query points (the unnormalised log kernel sum), `logAddExpInto` pools two batches'
// sums, and `logDensityFromSums` normalises. A pooled sum equals the sum over the pooled points, so
// Accumulate adds only its newest batch each iteration (lib/kde/setting.ts).
//
// Points are row-major Float64Arrays (point i is x[i*d .. i*d + d)); the number[][] interface of the
// KernelDensity class converts at the boundary only.
import { createRng, type Rng } from '../../core/random';
import { ConfigError } from '../../core/errors';
import { choice, numberOrChoice, parseParam } from '../../core/params';

export const KERNELS = ['gaussian', 'tophat'] as const;
export type Kernel = (typeof KERNELS)[number];
export const BANDWIDTH_RULES = ['scott', 'silverman'] as const;
export type BandwidthRule = (typeof BANDWIDTH_RULES)[number];
/** A bandwidth: a number > 0, or a rule that sets it from the number of points fit on. */
export type BandwidthSpec = number | BandwidthRule;

// The estimator's own arguments, checked by the same rules as a setting's parameters.
const KERNEL = choice(KERNELS, { default: 'gaussian', help: 'the kernel' });
const BANDWIDTH = numberOrChoice(BANDWIDTH_RULES, { default: 1, help: 'the bandwidth' });

export function parseKernel(value: unknown): Kernel {
  return parseParam('kernel', KERNEL, value) as Kernel;
}

/** A number > 0 (or its decimal string), 'scott' or 'silverman'; anything else is a ConfigError. */
export function parseBandwidth(value: unknown): BandwidthSpec {
  return parseParam('bandwidth', BANDWIDTH, value) as BandwidthSpec;
}

/**
 * The bandwidth in use when fitting m points in d dimensions. As scikit-learn: the rules do not
 * scale by the data's spread: scott = m^(−1/(d+4)), silverman = (m(d+2)/4)^(−1/(d+4)).
 */
export function resolveBandwidth(spec: BandwidthSpec, m: number, d: number): number {
  if (spec === 'scott') return Math.pow(m, -1 / (d + 4));
  if (spec === 'silverman') return Math.pow((m * (d + 2)) / 4, -1 / (d + 4));
  return spec;
}

/** log Γ(d/2 + 1) for integer d ≥ 0, exactly, by Γ(x + 1) = x·Γ(x) down to Γ(1) = 1 or Γ(1/2) = √π. */
function logGammaHalfPlusOne(d: number): number {
  // Not stdlib's gammaln: it differs in the last bit for 773 of d = 0..1000 (d = 1, 8, 9, …), which would move tophat numbers.
  let x = d / 2 + 1;
  let acc = 0;
  while (x > 1) {
    x -= 1;
    acc += Math.log(x);
  }
  return x === 1 ? acc : acc + 0.5 * Math.log(Math.PI);
}

/**
 * log of the kernel's normalising constant: density = Σ_i k(x − x_i) / (m · exp(logKernelNorm)).
 * gaussian: (d/2)·log(2πh²); tophat: log(V_d h^d), V_d = π^(d/2) / Γ(d/2 + 1).
 */
export function logKernelNorm(kernel: Kernel, h: number, d: number): number {
  if (kernel === 'gaussian') return 0.5 * d * Math.log(2 * Math.PI * h * h);
  return 0.5 * d * Math.log(Math.PI) - logGammaHalfPlusOne(d) + d * Math.log(h);
}

import { batchOf, batchStarts } from '../../core/batches';
import { buildCellGrid, tophatLogCountsGrid } from './cell-grid';
import { gaussianLogSumsWasm } from './wasm-kernel';
import { EXP_STEPS, EXP_TABLE, expNeg, logSumExpCutoff } from './exp-neg';
export { expNeg, logSumExpCutoff } from './exp-neg';

/**
 * out[j] = log Σ_i k(q_j − p_i): the unnormalised log kernel sum of each query over the points,
 * with k(r) = exp(−‖r‖²/(2h²)) (gaussian) or 1[‖r‖ < h] (tophat, −Infinity when no point is within h).
 * points: m×d row-major; queries: q×d row-major; out: length q. Cost O(m·q·d).
 */
export function logKernelSums(kernel: Kernel, h: number, d: number, points: Float64Array, queries: Float64Array, out: Float64Array): Float64Array {
  const m = points.length / d;
  const q = queries.length / d;
  if (out.length !== q) throw new RangeError(`logKernelSums: out has length ${out.length}, expected ${q}`);
  if (m === 0) return out.fill(-Infinity);
  if (kernel === 'tophat') {
    // With enough queries to pay for sorting the points into cells, visit only the cells within h.
    const grid = q >= GRID_MIN_QUERIES && m >= GRID_MIN_POINTS ? buildCellGrid(points, d, h) : null;
    return grid ? tophatLogCountsGrid(grid, h, queries, out) : tophatLogCounts(h * h, d, points, queries, out);
  }
  if (gaussianLogSumsWasm(h, d, points, queries, out)) return out;
  return gaussianLogSumsDirect(h, d, points, queries, out);
}

const GRID_MIN_QUERIES = 32;
const GRID_MIN_POINTS = 256;

/** The JavaScript loops: any d, and the fallback where WebAssembly SIMD is unavailable. */
function gaussianLogSumsDirect(h: number, d: number, points: Float64Array, queries: Float64Array, out: Float64Array): Float64Array {
  if (d === 2) return gaussianLogSums2(h, points, queries, out);
  if (d === 3) return gaussianLogSums3(h, points, queries, out);
  return gaussianLogSumsAnyDim(h, d, points, queries, out);
}

// The Gaussian log-sum-exp in one pass per query, shifted by the nearest point seen so far:
//   s = Σ_i exp(−(D_i − near)/(2h²)),  log-sum = log s − near/(2h²),
// where D_i is a squared distance and `near` the smallest so far. When a nearer point arrives the
// sum is rescaled (s ← s·exp(−(near − D)/(2h²)) + 1); in a random order that happens O(log m) times.
// Terms beyond the cutoff relative to the current nearest point are skipped (see logSumExpCutoff);
// they are beyond it relative to the final nearest point too, so the bound holds. The three
// functions below are this same loop written out for d = 2, d = 3 and any d, with expNeg inlined
// by hand: the scoring is the whole cost of the KDE sweeps, and a call per term costs ~2×.
function gaussianLogSums2(h: number, p: Float64Array, queries: Float64Array, out: Float64Array): Float64Array {
  const len = p.length;
  const inv2h2 = 1 / (2 * h * h);
  const cutoffSq = logSumExpCutoff(len / 2) / inv2h2;
  const table = EXP_TABLE;
  for (let j = 0; j < out.length; j++) {
    const x = queries[2 * j], y = queries[2 * j + 1];
    let near = Infinity;
    let s = 0;
    for (let k = 0; k < len; k += 2) {
      const dx = p[k] - x, dy = p[k + 1] - y;
      const dsq = dx * dx + dy * dy;
      if (dsq < near) {
        if (near - dsq < cutoffSq) {
          const z = (near - dsq) * inv2h2, i = (z * EXP_STEPS) | 0, f = i / EXP_STEPS - z;
          s = s * table[i] * (1 + f * (1 + f * (0.5 + f * (1 / 6 + f * (1 / 24 + f * (1 / 120 + f / 720)))))) + 1;
        } else s = 1;
        near = dsq;
      } else if (dsq - near < cutoffSq) {
        const z = (dsq - near) * inv2h2, i = (z * EXP_STEPS) | 0, f = i / EXP_STEPS - z;
        s += table[i] * (1 + f * (1 + f * (0.5 + f * (1 / 6 + f * (1 / 24 + f * (1 / 120 + f / 720))))));
      }
    }
    out[j] = Math.log(s) - near * inv2h2;
  }
  return out;
}

function gaussianLogSums3(h: number, p: Float64Array, queries: Float64Array, out: Float64Array): Float64Array {
  const len = p.length;
  const inv2h2 = 1 / (2 * h * h);
  const cutoffSq = logSumExpCutoff(len / 3) / inv2h2;
  const table = EXP_TABLE;
  for (let j = 0; j < out.length; j++) {
    const x = queries[3 * j], y = queries[3 * j + 1], w = queries[3 * j + 2];
    let near = Infinity;
    let s = 0;
    for (let k = 0; k < len; k += 3) {
      const dx = p[k] - x, dy = p[k + 1] - y, dw = p[k + 2] - w;
      const dsq = dx * dx + dy * dy + dw * dw;
      if (dsq < near) {
        if (near - dsq < cutoffSq) {
          const z = (near - dsq) * inv2h2, i = (z * EXP_STEPS) | 0, f = i / EXP_STEPS - z;
          s = s * table[i] * (1 + f * (1 + f * (0.5 + f * (1 / 6 + f * (1 / 24 + f * (1 / 120 + f / 720)))))) + 1;
        } else s = 1;
        near = dsq;
      } else if (dsq - near < cutoffSq) {
        const z = (dsq - near) * inv2h2, i = (z * EXP_STEPS) | 0, f = i / EXP_STEPS - z;
        s += table[i] * (1 + f * (1 + f * (0.5 + f * (1 / 6 + f * (1 / 24 + f * (1 / 120 + f / 720))))));
      }
    }
    out[j] = Math.log(s) - near * inv2h2;
  }
  return out;
}

function gaussianLogSumsAnyDim(h: number, d: number, p: Float64Array, queries: Float64Array, out: Float64Array): Float64Array {
  const len = p.length;
  const inv2h2 = 1 / (2 * h * h);
  const cutoffSq = logSumExpCutoff(len / d) / inv2h2;
  for (let j = 0; j < out.length; j++) {
    const base = j * d;
    let near = Infinity;
    let s = 0;
    for (let k = 0; k < len; k += d) {
      let dsq = 0;
      for (let c = 0; c < d; c++) {
        const diff = p[k + c] - queries[base + c];
        dsq += diff * diff;
      }
      if (dsq < near) {
        s = near - dsq < cutoffSq ? s * expNeg((near - dsq) * inv2h2) + 1 : 1;
        near = dsq;
      } else if (dsq - near < cutoffSq) {
        s += expNeg((dsq - near) * inv2h2);
      }
    }
    out[j] = Math.log(s) - near * inv2h2;
  }
  return out;
}

function tophatLogCounts(h2: number, d: number, p: Float64Array, queries: Float64Array, out: Float64Array): Float64Array {
  const len = p.length;
  for (let j = 0; j < out.length; j++) {
    let count = 0;
    // Strictly inside, as scikit-learn's (d < h). `count += +(inside)` rather than `if`: about half
    // the points are inside at typical bandwidths, and a branch mispredicted that often costs ~5×.
    if (d === 2) {
      const x = queries[2 * j], y = queries[2 * j + 1];
      for (let k = 0; k < len; k += 2) {
        const dx = p[k] - x, dy = p[k + 1] - y;
        count += +(dx * dx + dy * dy < h2);
      }
    } else if (d === 3) {
      const x = queries[3 * j], y = queries[3 * j + 1], w = queries[3 * j + 2];
      for (let k = 0; k < len; k += 3) {
        const dx = p[k] - x, dy = p[k + 1] - y, dw = p[k + 2] - w;
        count += +(dx * dx + dy * dy + dw * dw < h2);
      }
    } else {
      const base = j * d;
      for (let k = 0; k < len; k += d) {
        let dsq = 0;
        for (let c = 0; c < d; c++) {
          const diff = p[k + c] - queries[base + c];
          dsq += diff * diff;
        }
        count += +(dsq < h2);
      }
    }
    out[j] = Math.log(count); // log 0 = −Infinity: no point within h
  }
  return out;
}

/** a[j] ← log(exp a[j] + exp b[j]), without overflow or underflow; −Infinity is the empty sum. */
export function logAddExpInto(a: Float64Array, b: Float64Array): Float64Array {
  if (a.length !== b.length) throw new RangeError(`logAddExpInto: lengths ${a.length} and ${b.length} differ`);
  for (let j = 0; j < a.length; j++) {
    const x = a[j], y = b[j];
    const hi = x > y ? x : y;
    if (hi === -Infinity) continue; // both empty
    const lo = x > y ? y : x;
    a[j] = hi + Math.log1p(Math.exp(lo - hi));
  }
  return a;
}

/** Log densities from log kernel sums over m points: sums − log m − logKernelNorm. */
export function logDensityFromSums(sums: Float64Array, kernel: Kernel, h: number, d: number, m: number, out = new Float64Array(sums.length)): Float64Array {
  const shift = Math.log(m) + logKernelNorm(kernel, h, d);
  for (let j = 0; j < sums.length; j++) out[j] = sums[j] - shift;
  return out;
}

/**
 * n draws from the KDE over the pooled points (the batches in order, `total` points in all):
 * a point chosen uniformly, plus N(0, h²I) (gaussian) or a uniform point of the h-ball (tophat:
 * a direction from d normalised normals, radius h·U^(1/d)). Returns n×d row-major.
 */
export function sampleKde(kernel: Kernel, h: number, d: number, batches: readonly Float64Array[], n: number, rng: Rng): Float64Array {
  const starts = batchStarts(batches.map((b) => b.length / d));
  const total = starts[batches.length];
  if (total < 1) throw new RangeError('sampleKde: no points to sample from');
  const out = new Float64Array(n * d);
  const dir = new Float64Array(d);
  for (let s = 0; s < n; s++) {
    const g = rng.int(total);
    const lo = batchOf(starts, g);
    const src = batches[lo];
    const k = (g - starts[lo]) * d;
    const o = s * d;
    if (kernel === 'gaussian') {
      for (let c = 0; c < d; c++) out[o + c] = src[k + c] + h * rng.normal();
    } else {
      let norm2 = 0;
      do {
        norm2 = 0;
        for (let c = 0; c < d; c++) {
          dir[c] = rng.normal();
          norm2 += dir[c] * dir[c];
        }
      } while (norm2 === 0);
      const scale = (h * Math.pow(rng.uniform(), 1 / d)) / Math.sqrt(norm2);
      for (let c = 0; c < d; c++) out[o + c] = src[k + c] + scale * dir[c];
    }
  }
  return out;
}

/** Rows → one row-major array, checking the shape; ConfigError names the argument and the bad value. */
export function flattenRows(X: unknown, name: string, expectedDim?: number): { data: Float64Array; count: number; dim: number } {
  if (!Array.isArray(X) || X.length === 0) {
    throw new ConfigError(`${name} must be a non-empty array of points (number[][]), got ${Array.isArray(X) ? '0 rows' : `'${String(X)}'`}`);
  }
  const first = X[0];
  if (!Array.isArray(first) || first.length === 0) throw new ConfigError(`${name}[0] must be a non-empty array of numbers, got '${String(first)}'`);
  const dim = first.length;
  if (expectedDim !== undefined && dim !== expectedDim) {
    throw new ConfigError(`${name} has ${dim} features per point but the estimator was fit on ${expectedDim}`);
  }
  const data = new Float64Array(X.length * dim);
  for (let i = 0; i < X.length; i++) {
    const row = X[i];
    if (!Array.isArray(row) || row.length !== dim) {
      throw new ConfigError(`${name}[${i}] must have ${dim} coordinates, got ${Array.isArray(row) ? row.length : `'${String(row)}'`}`);
    }
    for (let c = 0; c < dim; c++) {
      const v = row[c];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(`${name}[${i}][${c}] must be a finite number, got '${String(v)}'`);
      data[i * dim + c] = v;
    }
  }
  return { data, count: X.length, dim };
}

export interface KernelDensityOptions {
  /** 'gaussian' (default) or 'tophat'. */
  kernel?: Kernel;
  /** A number > 0 (default 1, as scikit-learn), 'scott' or 'silverman'. */
  bandwidth?: BandwidthSpec;
}

/** The stream `sample(n)` draws from when no rng is passed: one per estimator, so it is reproducible. */
export const DEFAULT_SAMPLE_SEED = 'KernelDensity.sample';

/**
 * A kernel density estimator in scikit-learn's shape:
 *
 *   const kde = new KernelDensity({ kernel: 'gaussian', bandwidth: 0.5 }).fit(X);
 *   kde.scoreSamples(Y);               // log densities (Float64Array), −Infinity where the density is 0
 *   kde.sample(100, createRng(42));    // 100 new points, number[][]
 *
 * Without an rng, `sample` draws from the estimator's own stream createRng('KernelDensity.sample'),
 * created with the estimator: successive calls continue it, and a new estimator starts it again.
 */
export class KernelDensity {
  readonly kernel: Kernel;
  readonly bandwidth: BandwidthSpec;
  /** The bandwidth in use after fit (scikit-learn's `bandwidth_`); NaN before. */
  bandwidth_ = NaN;
  /** Number of points fit on and their dimension; 0 before fit. */
  count = 0;
  dimension = 0;
  private points = new Float64Array(0);
  private readonly defaultRng: Rng = createRng(DEFAULT_SAMPLE_SEED);

  constructor(options: KernelDensityOptions = {}) {
    this.kernel = parseKernel(options.kernel ?? 'gaussian');
    this.bandwidth = parseBandwidth(options.bandwidth ?? 1);
  }

  /** Fit on the rows of X (m points, d coordinates each). Returns the estimator. */
  fit(X: number[][]): this {
    const { data, dim } = flattenRows(X, 'X');
    return this.fitFlat(data, dim);
  }

  /** Fit on m×d row-major points without copying them (the caller must not mutate them afterwards). */
  fitFlat(points: Float64Array, dim: number): this {
    if (!(Number.isInteger(dim) && dim >= 1)) throw new ConfigError(`dimension must be an integer >= 1, got ${dim}`);
    const count = points.length / dim;
    if (!(Number.isInteger(count) && count >= 1)) throw new ConfigError(`points must hold a positive multiple of ${dim} numbers, got ${points.length}`);
    this.points = points;
    this.count = count;
    this.dimension = dim;
    this.bandwidth_ = resolveBandwidth(this.bandwidth, count, dim);
    return this;
  }

  /** Log density of each row of X under the fitted estimator. */
  scoreSamples(X: number[][]): Float64Array {
    this.checkFitted();
    const { data } = flattenRows(X, 'X', this.dimension);
    return this.scoreSamplesFlat(data);
  }

  /** As scoreSamples, for q×d row-major queries. */
  scoreSamplesFlat(queries: Float64Array): Float64Array {
    this.checkFitted();
    const sums = logKernelSums(this.kernel, this.bandwidth_, this.dimension, this.points, queries, new Float64Array(queries.length / this.dimension));
    return logDensityFromSums(sums, this.kernel, this.bandwidth_, this.dimension, this.count, sums);
  }

  /** Total log likelihood of the rows of X (scikit-learn's `score`). */
  score(X: number[][]): number {
    let total = 0;
    for (const v of this.scoreSamples(X)) total += v;
    return total;
  }

  /** n new points drawn from the fitted density. */
  sample(n: number, rng?: Rng): number[][] {
    this.checkFitted();
    if (!(Number.isInteger(n) && n >= 0)) throw new ConfigError(`n must be an integer >= 0, got '${String(n)}'`);
    const flat = sampleKde(this.kernel, this.bandwidth_, this.dimension, [this.points], n, rng ?? this.defaultRng);
    const rows: number[][] = [];
    for (let i = 0; i < n; i++) rows.push(Array.from(flat.subarray(i * this.dimension, (i + 1) * this.dimension)));
    return rows;
  }

  private checkFitted(): void {
    if (this.count === 0) throw new ConfigError('KernelDensity is not fitted yet: call fit(X) first');
  }
}
