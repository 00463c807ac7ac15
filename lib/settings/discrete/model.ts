// Discrete distributions (the paper's appendix). The truth is uniform over K outcomes; the model is
// the empirical distribution of its training data (the proportions of the counts); sampling draws n
// outcomes from those proportions. Under Replace this is the neutral Wright–Fisher chain of population
// genetics: an outcome whose proportion hits 0 never comes back, and eventually one outcome is left
// (entropy exactly 0). Under Accumulate the real data stay in the pool, so it is a Pólya urn: every
// outcome seen in the real data keeps a positive proportion and the entropy stays positive.
//
// Why counts, stored sparsely: a batch of n draws is fully described by its counts, and only outcomes
// with a positive count matter. Outcomes absent from the real data can never appear later (samples
// come only from outcomes with positive proportion), so every cost here follows the number of outcomes
// still alive — at most min(K, n) — never K or n itself. Multinomial sampling splits n draws outcome by
// outcome with exact binomials (Rng.binomial, O(log n) each); subsampling without replacement splits
// them with exact hypergeometrics. A collapsed batch (one outcome) costs O(1) per iteration.
import { batchOf, batchStarts } from '../../core/batches';
import { stirlingTail, type Rng } from '../../core/random';
import type { Metrics, Model } from '../../core/workflows';

// ---------------------------------------------------------------------------------------------------
// Sparse counts

/** Counts over outcomes, only those with a positive count. Treated as immutable once built. */
export interface Counts {
  /** Outcome ids in [0, K), strictly ascending. */
  readonly ids: Int32Array;
  /** Positive counts aligned with `ids` (integers stored as doubles: exact up to 2^53). */
  readonly counts: Float64Array;
  /** Sum of `counts`. */
  readonly total: number;
}

/** Counts from dense per-outcome counts (zeros dropped). Mostly for tests and small examples. */
export function countsFromDense(dense: ArrayLike<number>): Counts {
  let alive = 0;
  for (let i = 0; i < dense.length; i++) if (dense[i] > 0) alive++;
  const ids = new Int32Array(alive);
  const counts = new Float64Array(alive);
  let total = 0;
  for (let i = 0, j = 0; i < dense.length; i++) {
    if (dense[i] > 0) {
      ids[j] = i;
      counts[j++] = dense[i];
      total += dense[i];
    }
  }
  return { ids, counts, total };
}

/** Dense per-outcome counts (length K) from sparse counts. */
export function countsToDense(c: Counts, outcomes: number): Float64Array {
  const dense = new Float64Array(outcomes);
  for (let j = 0; j < c.ids.length; j++) dense[c.ids[j]] = c.counts[j];
  return dense;
}

/** The counts of the union of two multisets of outcomes (a sorted merge, O(alive in a + alive in b)). */
export function mergeCounts(a: Counts, b: Counts): Counts {
  const ids = new Int32Array(a.ids.length + b.ids.length);
  const counts = new Float64Array(ids.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.ids.length && j < b.ids.length) {
    const x = a.ids[i];
    const y = b.ids[j];
    if (x === y) {
      ids[k] = x;
      counts[k++] = a.counts[i++] + b.counts[j++];
    } else if (x < y) {
      ids[k] = x;
      counts[k++] = a.counts[i++];
    } else {
      ids[k] = y;
      counts[k++] = b.counts[j++];
    }
  }
  while (i < a.ids.length) {
    ids[k] = a.ids[i];
    counts[k++] = a.counts[i++];
  }
  while (j < b.ids.length) {
    ids[k] = b.ids[j];
    counts[k++] = b.counts[j++];
  }
  return { ids: ids.subarray(0, k), counts: counts.subarray(0, k), total: a.total + b.total };
}

/** Shannon entropy (nats) of the proportions counts/total; exactly 0 when one outcome is left. */
export function entropyOf(c: Counts): number {
  let h = 0;
  for (let j = 0; j < c.counts.length; j++) {
    const p = c.counts[j] / c.total;
    h -= p * Math.log(p); // p = 1 gives exactly 0, so a collapsed distribution has entropy exactly 0
  }
  return h;
}

// ---------------------------------------------------------------------------------------------------
// Exact samplers

/**
 * n draws from the uniform distribution over K outcomes, as counts. Cost O(min(n, K)·log): with fewer
 * draws than outcomes, draw each and count; otherwise split the draws outcome by outcome with binomials.
 */
export function uniformCounts(outcomes: number, n: number, rng: Rng): Counts {
  if (n < outcomes) {
    const draws = new Int32Array(n);
    for (let i = 0; i < n; i++) draws[i] = rng.int(outcomes);
    draws.sort();
    const ids = new Int32Array(n);
    const counts = new Float64Array(n);
    let k = -1;
    for (let i = 0; i < n; i++) {
      if (k < 0 || ids[k] !== draws[i]) {
        ids[++k] = draws[i];
        counts[k] = 1;
      } else counts[k]++;
    }
    return { ids: ids.subarray(0, k + 1), counts: counts.subarray(0, k + 1), total: n };
  }
  const ids = new Int32Array(outcomes);
  const counts = new Float64Array(outcomes);
  let remaining = n;
  let k = 0;
  for (let i = 0; i < outcomes && remaining > 0; i++) {
    // Given the draws not yet placed, each lands on outcome i with probability 1/(outcomes left).
    const x = rng.binomial(remaining, 1 / (outcomes - i));
    if (x > 0) {
      ids[k] = i;
      counts[k++] = x;
      remaining -= x;
    }
  }
  return { ids: ids.subarray(0, k), counts: counts.subarray(0, k), total: n };
}

/**
 * n draws from the proportions counts/total (a multinomial), as counts. Sequential binomial splitting:
 * the draws landing on the j-th alive outcome, given those placed before it, are
 * Binomial(remaining draws, count_j / remaining mass). Exact; O(alive) binomial calls, and it stops as
 * soon as every draw is placed.
 */
export function sampleMultinomial(p: Counts, n: number, rng: Rng): Counts {
  const alive = p.ids.length;
  if (alive === 0) throw new RangeError('sampleMultinomial: no outcome has a positive count');
  const cap = Math.min(alive, n);
  const ids = new Int32Array(cap);
  const counts = new Float64Array(cap);
  let remaining = n;
  let mass = p.total;
  let k = 0;
  for (let j = 0; j < alive && remaining > 0; j++) {
    const c = p.counts[j];
    const x = c >= mass ? remaining : rng.binomial(remaining, c / mass);
    mass -= c;
    if (x > 0) {
      ids[k] = p.ids[j];
      counts[k++] = x;
      remaining -= x;
    }
  }
  return { ids: ids.subarray(0, k), counts: counts.subarray(0, k), total: n };
}

/**
 * n items drawn uniformly without replacement from the multiset `pool` (a multivariate
 * hypergeometric), as counts. Sequential splitting: the items taken from the j-th outcome, given those
 * taken before, are Hypergeometric(items left, count_j, draws left). Exact; O(alive) calls.
 */
export function sampleWithoutReplacement(pool: Counts, n: number, rng: Rng): Counts {
  if (!(Number.isInteger(n) && n >= 0 && n <= pool.total)) {
    throw new RangeError(`sampleWithoutReplacement: n must be an integer in [0, ${pool.total}], got ${n}`);
  }
  const alive = pool.ids.length;
  const cap = Math.min(alive, n);
  const ids = new Int32Array(cap);
  const counts = new Float64Array(cap);
  let remaining = n;
  let population = pool.total;
  let k = 0;
  for (let j = 0; j < alive && remaining > 0; j++) {
    const c = pool.counts[j];
    const x = hypergeometric(population, c, remaining, rng);
    population -= c;
    if (x > 0) {
      ids[k] = pool.ids[j];
      counts[k++] = x;
      remaining -= x;
    }
  }
  return { ids: ids.subarray(0, k), counts: counts.subarray(0, k), total: n };
}

/**
 * Hypergeometric draw: the number of successes among `draws` items taken without replacement from
 * `population` items of which `successes` are successes. Exact inversion, searching outward from the
 * mode, so the expected cost is O(1 + standard deviation); the probability at the mode is computed
 * with Loader's saddle-point expansion, accurate to about 1e-14 relative even for populations of 10^9.
 */
export function hypergeometric(population: number, successes: number, draws: number, rng: Rng): number {
  const N = population;
  if (!(Number.isInteger(N) && N >= 0)) throw new RangeError(`hypergeometric: population must be a non-negative integer, got ${N}`);
  if (!(Number.isInteger(successes) && successes >= 0 && successes <= N)) {
    throw new RangeError(`hypergeometric: successes must be an integer in [0, ${N}], got ${successes}`);
  }
  if (!(Number.isInteger(draws) && draws >= 0 && draws <= N)) throw new RangeError(`hypergeometric: draws must be an integer in [0, ${N}], got ${draws}`);
  // Symmetries keep both parameters at most N/2, where the search is shortest and the formulas tamest.
  if (draws > N / 2) return successes - hypergeometric(N, successes, N - draws, rng); // the items left behind
  if (successes > N / 2) return draws - hypergeometric(N, N - successes, draws, rng); // count failures instead
  const K = successes;
  const m = draws;
  if (K === 0 || m === 0) return 0;
  const lo = Math.max(0, m + K - N);
  const hi = Math.min(K, m);
  if (lo === hi) return lo;
  const mode = Math.min(hi, Math.max(lo, Math.floor(((m + 1) * (K + 1)) / (N + 2))));
  const pMode = Math.exp(logHypergeometricPmf(mode, N, K, m));
  const F = N - K - m; // so that P(k+1)/P(k) = (K−k)(m−k) / ((k+1)(F+k+1))
  for (;;) {
    // Walk the support outward from the mode, alternating sides, subtracting each probability from u:
    // an inversion of the distribution taken in a different (but fixed) order of its values.
    let u = rng.uniform() - pMode;
    if (u < 0) return mode;
    let up = mode;
    let pUp = pMode;
    let down = mode;
    let pDown = pMode;
    while (up < hi || down > lo) {
      if (up < hi) {
        pUp *= ((K - up) * (m - up)) / ((up + 1) * (F + up + 1));
        up++;
        u -= pUp;
        if (u < 0) return up;
      }
      if (down > lo) {
        pDown *= (down * (F + down)) / ((K - down + 1) * (m - down + 1));
        down--;
        u -= pDown;
        if (u < 0) return down;
      }
      if (pUp === 0 && pDown === 0) break; // both tails underflowed: u sat in the rounding gap, redraw
    }
  }
}

/** log P(X = k) for X ~ Hypergeometric(N, K, m), as a ratio of three binomial densities at p = m/N. */
export function logHypergeometricPmf(k: number, N: number, K: number, m: number): number {
  if (k < Math.max(0, m + K - N) || k > Math.min(K, m)) return -Infinity;
  if (m === 0 || m === N) return 0;
  const p = m / N;
  const q = (N - m) / N;
  return logBinomialPmf(k, K, p, q) + logBinomialPmf(m - k, N - K, p, q) - logBinomialPmf(m, N, p, q);
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log of the Binomial(n, p) probability of x (q = 1 − p), in Loader's (2000) saddle-point form. */
function logBinomialPmf(x: number, n: number, p: number, q: number): number {
  if (x === 0) return n === 0 ? 0 : n * (p < 0.5 ? Math.log1p(-p) : Math.log(q));
  if (x === n) return n * (q < 0.5 ? Math.log1p(-q) : Math.log(p));
  return (
    stirlingError(n) - stirlingError(x) - stirlingError(n - x) - deviance(x, n * p) - deviance(n - x, n * q) +
    0.5 * Math.log(n / (x * (n - x))) - LOG_SQRT_2PI
  );
}

/** log(n!) − [(n + ½)·log n − n + log √(2π)]: the error of Stirling's formula, for integers n ≥ 1. */
const STIRLING_ERROR_TABLE: Float64Array = (() => {
  const table = new Float64Array(16);
  let factorial = 1; // exact in double up to 18!
  for (let n = 1; n < 16; n++) {
    factorial *= n;
    table[n] = Math.log(factorial) - (n + 0.5) * Math.log(n) + n - LOG_SQRT_2PI;
  }
  return table;
})();

/** The table below 16, Stirling's series (core/random's, shared with the binomial sampler) from 16 on. */
function stirlingError(n: number): number {
  return n < 16 ? STIRLING_ERROR_TABLE[n] : stirlingTail(n);
}

/** x·log(x/μ) + μ − x, computed without cancellation when x is close to μ. */
function deviance(x: number, mu: number): number {
  if (Math.abs(x - mu) < 0.1 * (x + mu)) {
    // With v = (x − μ)/(x + μ) this equals (x − μ)·v + 2x·Σ_{j≥1} v^(2j+1)/(2j+1).
    const v = (x - mu) / (x + mu);
    const v2 = v * v;
    let sum = (x - mu) * v;
    let term = 2 * x * v;
    for (let j = 1; j < 1000; j++) {
      term *= v2;
      const next = sum + term / (2 * j + 1);
      if (next === sum) return next;
      sum = next;
    }
    return sum;
  }
  return x * Math.log(x / mu) + mu - x;
}

// ---------------------------------------------------------------------------------------------------
// The model

/**
 * One run: the real data (n uniform draws over K outcomes) and the verbs the workflow loop drives.
 * Batches, summaries and fits are all Counts: the empirical distribution is its own sufficient statistic.
 */
export class DiscreteModel implements Model<Counts, Counts, Counts> {
  readonly real: Counts;
  readonly outcomes: number;
  /** Entropy of the uniform truth, log K: the denominator of entropy_fraction (as the authors define it). */
  readonly initialEntropy: number;
  // Accumulate-Subsample asks for a subsample of the whole history every iteration. The loop appends one
  // batch per iteration to the same array, so pooling only the new batches keeps each call O(alive). A memo,
  // not state: it is checked against the batches it was made from, and a different array is pooled afresh.
  private pool: { source: readonly Counts[]; merged: number; last: Counts; counts: Counts } | undefined;

  constructor(outcomes: number, samples: number, rng: Rng) {
    this.outcomes = outcomes;
    this.initialEntropy = Math.log(outcomes);
    this.real = uniformCounts(outcomes, samples, rng);
  }

  size(batch: Counts): number {
    return batch.total;
  }

  summarize(batch: Counts): Counts {
    return batch; // Counts are never mutated, so sharing is safe
  }

  merge(into: Counts, other: Counts): Counts {
    return mergeCounts(into, other);
  }

  take(batches: readonly Counts[], indices: Int32Array): Counts {
    // Global index g counts through the batches in order, each batch's draws listed by ascending outcome.
    const dense = new Map<number, number>();
    const starts = batchStarts(batches.map((b) => b.total));
    const total = starts[batches.length];
    for (const g of indices) {
      if (!(g >= 0 && g < total)) throw new RangeError(`take: index ${g} outside [0, ${total})`);
      const bi = batchOf(starts, g);
      const b = batches[bi];
      let r = g - starts[bi];
      let j = 0;
      while (r >= b.counts[j]) r -= b.counts[j++];
      dense.set(b.ids[j], (dense.get(b.ids[j]) ?? 0) + 1);
    }
    const ids = Int32Array.from([...dense.keys()].sort((a, b) => a - b));
    const counts = Float64Array.from(ids, (id) => dense.get(id) as number);
    return { ids, counts, total: indices.length };
  }

  subsample(batches: readonly Counts[], n: number, rng: Rng): Counts {
    return sampleWithoutReplacement(this.pooled(batches), Math.min(n, this.totalOf(batches)), rng);
  }

  fit(summary: Counts): Counts {
    return summary; // the fitted proportions are counts / total
  }

  sample(fit: Counts, n: number, rng: Rng): Counts {
    return sampleMultinomial(fit, n, rng);
  }

  evaluate(fit: Counts): Metrics {
    const alive = fit.ids.length;
    return {
      entropy_fraction: entropyOf(fit) / this.initialEntropy,
      zero_proportions: this.outcomes - alive,
      alive,
    };
  }

  private totalOf(batches: readonly Counts[]): number {
    let total = 0;
    for (const b of batches) total += b.total;
    return total;
  }

  private pooled(batches: readonly Counts[]): Counts {
    const cache = this.pool;
    if (cache && cache.source === batches && cache.merged <= batches.length && batches[cache.merged - 1] === cache.last) {
      let counts = cache.counts;
      for (let i = cache.merged; i < batches.length; i++) counts = mergeCounts(counts, batches[i]);
      this.pool = { source: batches, merged: batches.length, last: batches[batches.length - 1], counts };
      return counts;
    }
    let counts = batches[0];
    for (let i = 1; i < batches.length; i++) counts = mergeCounts(counts, batches[i]);
    this.pool = { source: batches, merged: batches.length, last: batches[batches.length - 1], counts };
    return counts;
  }
}
