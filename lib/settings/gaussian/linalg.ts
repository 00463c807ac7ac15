// Dense linear algebra on flat row-major Float64Arrays: the sufficient statistics of a point set
// (count, mean, scatter matrix), their exact pooling, and a pivoted Cholesky factor that works for
// positive semi-definite matrices — including singular and near-zero ones, which Replace produces.
// The two O(n·d²) loops, the scatter of a point set and the forming of n draws, also run in WebAssembly
// SIMD (lib/linalg.wat), bit for bit the same (at d = 100, n = 1000: the scatter about 5× faster, the
// draws about 2×, their normals still drawn in JavaScript); the JavaScript loops remain the fallback and
// the reference.
import { loadWasm, wasmHeap, type WasmMemory } from '../../core/wasm';

/** Sufficient statistics of m points in d dimensions: mean and scatter Σ (x − x̄)(x − x̄)ᵀ (d × d). */
export interface PointStats {
  count: number;
  dim: number;
  mean: Float64Array;
  scatter: Float64Array;
}

/**
 * Mean and scatter of the rows of `x` (m × d, row-major). Two passes (mean, then centred products)
 * keep the scatter accurate when the mean is large relative to the spread. Cost m·d²/2.
 */
export function pointStats(x: Float64Array, m: number, d: number): PointStats {
  const mean = new Float64Array(d);
  for (let r = 0; r < m; r++) {
    const o = r * d;
    for (let i = 0; i < d; i++) mean[i] += x[o + i];
  }
  for (let i = 0; i < d; i++) mean[i] /= m;
  const scatter = (useWasm && scatterWasm(x, m, d, mean)) || scatterJs(x, m, d, mean);
  mirrorLower(scatter, d);
  return { count: m, dim: d, mean, scatter };
}

interface LinalgKernel {
  memory: WasmMemory;
  scatterAdd: (x: number, m: number, d: number, mean: number, c: number, s: number) => void;
  formPoints: (L: number, r: number, d: number, perm: number, mean: number, z: number, n: number, out: number, scratch: number) => void;
}

let useWasm = process.env.COLLAPSE_LINALG_WASM !== '0';

/** Turn the WebAssembly kernels of pointStats and sampleWithFactor off or on (tests compare them with the JavaScript loops). */
export function useLinalgWasm(on: boolean): void {
  useWasm = on;
}

/** Lower triangle of Σ_r (x_r − mean)(x_r − mean)ᵀ in WebAssembly SIMD (lib/linalg.wat), or null. */
function scatterWasm(x: Float64Array, m: number, d: number, mean: Float64Array): Float64Array | null {
  if (d < 2) return null;
  const k = loadWasm<LinalgKernel>('settings/gaussian/linalg');
  if (!k) return null;
  const p = d + (d % 2);
  // layout (bytes): x | mean | 4 scratch rows of p | s (d × p)
  const xAt = 0, meanAt = x.length * 8, cAt = meanAt + d * 8, sAt = cAt + 4 * p * 8;
  const heap = wasmHeap(k.memory, sAt + d * p * 8);
  heap.set(x.subarray(0, m * d), 0);
  heap.set(mean, meanAt / 8);
  heap.fill(0, sAt / 8, sAt / 8 + d * p);
  k.scatterAdd(xAt, m, d, meanAt, cAt, sAt);
  const scatter = new Float64Array(d * d);
  for (let i = 0; i < d; i++) scatter.set(heap.subarray(sAt / 8 + i * p, sAt / 8 + i * p + i + 1), i * d);
  return scatter;
}

/**
 * sampleWithFactor's points in WebAssembly SIMD (lib/linalg.wat): the normals drawn first, row after
 * row (the order in which the JavaScript loop draws them), then the points formed four at a time.
 */
function formPointsWasm(mean: Float64Array, f: PsdFactor, n: number, normal: () => number): Float64Array | null {
  const k = loadWasm<LinalgKernel>('settings/gaussian/linalg');
  if (!k) return null;
  const { dim: d, rank: r, perm, lower: L } = f;
  // layout (bytes): L | mean | perm (i32, padded) | z | scratch (r × 4) | out
  const meanAt = L.length * 8, permAt = meanAt + d * 8, zAt = permAt + Math.ceil(d / 2) * 8;
  const scratchAt = zAt + n * r * 8, outAt = scratchAt + r * 4 * 8;
  const heap = wasmHeap(k.memory, outAt + n * d * 8);
  heap.set(L, 0);
  heap.set(mean, meanAt / 8);
  new Int32Array(k.memory.buffer, permAt, d).set(perm);
  const z = heap.subarray(zAt / 8, zAt / 8 + n * r);
  for (let i = 0; i < z.length; i++) z[i] = normal();
  k.formPoints(0, r, d, permAt, meanAt, zAt, n, outAt, scratchAt);
  return heap.slice(outAt / 8, outAt / 8 + n * d);
}

/** The same lower triangle in JavaScript: centred rows four at a time, each entry loaded and stored once per four. */
function scatterJs(x: Float64Array, m: number, d: number, mean: Float64Array): Float64Array {
  const scatter = new Float64Array(d * d);
  const c0 = new Float64Array(d), c1 = new Float64Array(d), c2 = new Float64Array(d), c3 = new Float64Array(d);
  let r = 0;
  for (; r + 4 <= m; r += 4) {
    const o = r * d;
    for (let i = 0; i < d; i++) {
      const mu = mean[i];
      c0[i] = x[o + i] - mu;
      c1[i] = x[o + d + i] - mu;
      c2[i] = x[o + 2 * d + i] - mu;
      c3[i] = x[o + 3 * d + i] - mu;
    }
    for (let i = 0; i < d; i++) {
      const a0 = c0[i], a1 = c1[i], a2 = c2[i], a3 = c3[i];
      const row = i * d;
      for (let j = 0; j <= i; j++) scatter[row + j] += a0 * c0[j] + a1 * c1[j] + a2 * c2[j] + a3 * c3[j];
    }
  }
  for (; r < m; r++) {
    const o = r * d;
    for (let i = 0; i < d; i++) c0[i] = x[o + i] - mean[i];
    for (let i = 0; i < d; i++) {
      const a0 = c0[i];
      const row = i * d;
      for (let j = 0; j <= i; j++) scatter[row + j] += a0 * c0[j];
    }
  }
  return scatter;
}

/**
 * Pool `b` into `a` in place (Chan, Golub & LeVeque's pairwise update): the statistics of the union,
 * exactly as if computed on all points at once, at cost O(d²) whatever the counts.
 */
export function mergeStats(into: PointStats, b: PointStats): PointStats {
  // Pooling into Bartlett statistics would leave their covariance factor stale: pool into a copy.
  const a = into instanceof BartlettStats ? { count: into.count, dim: into.dim, mean: Float64Array.from(into.mean), scatter: Float64Array.from(into.scatter) } : into;
  const d = a.dim;
  const n = a.count + b.count;
  const w = (a.count * b.count) / n;
  const delta = new Float64Array(d);
  for (let i = 0; i < d; i++) delta[i] = b.mean[i] - a.mean[i];
  for (let i = 0; i < d; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) a.scatter[row + j] += b.scatter[row + j] + w * delta[i] * delta[j];
  }
  for (let i = 0; i < d; i++) a.mean[i] += (delta[i] * b.count) / n;
  a.count = n;
  return a;
}

function mirrorLower(a: Float64Array, d: number): void {
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) a[j * d + i] = a[i * d + j];
}

/**
 * A factor of a positive semi-definite A: A = P L Lᵀ Pᵀ up to rounding, with L lower-triangular in the
 * pivoted order (d × rank, row-major) and P the pivot permutation (row k of L belongs to coordinate
 * perm[k]). logDet is log det A, or −Infinity when rank < d.
 */
export interface PsdFactor {
  dim: number;
  rank: number;
  perm: Int32Array;
  lower: Float64Array;
  logDet: number;
}

/**
 * Cholesky factorisation with diagonal pivoting, stopped when the largest remaining pivot falls
 * below tol = d·ε·max(diag A) (LAPACK's pstrf default). For a positive semi-definite A of rank r it
 * returns r columns, so sampling μ + P L z, z ~ N(0, I_r), is exact for singular covariances. The
 * tolerance is relative, so a covariance shrunk to 1e-300 still factors; an all-zero one has rank 0.
 */
export function pivotedCholesky(a: Float64Array, d: number): PsdFactor {
  const perm = new Int32Array(d);
  for (let i = 0; i < d; i++) perm[i] = i;
  const diag = new Float64Array(d);
  let maxDiag = 0;
  for (let i = 0; i < d; i++) {
    diag[i] = a[i * d + i];
    if (diag[i] > maxDiag) maxDiag = diag[i];
  }
  const tol = d * Number.EPSILON * maxDiag;
  const L = new Float64Array(d * d); // pivoted order, row-major; the first `rank` columns are filled
  let rank = 0;
  let logDet = 0;
  for (let k = 0; k < d; k++) {
    let p = k;
    for (let j = k + 1; j < d; j++) if (diag[perm[j]] > diag[perm[p]]) p = j;
    const pivot = diag[perm[p]];
    if (!(pivot > tol)) break;
    if (p !== k) {
      const t = perm[k];
      perm[k] = perm[p];
      perm[p] = t;
      for (let c = 0; c < k; c++) {
        const u = L[k * d + c];
        L[k * d + c] = L[p * d + c];
        L[p * d + c] = u;
      }
    }
    const lkk = Math.sqrt(pivot);
    L[k * d + k] = lkk;
    logDet += Math.log(pivot);
    const pk = perm[k];
    const lk = k * d;
    for (let i = k + 1; i < d; i++) {
      const pi = perm[i];
      const li = i * d;
      let s = a[pi * d + pk];
      for (let c = 0; c < k; c++) s -= L[li + c] * L[lk + c];
      const lik = s / lkk;
      L[li + k] = lik;
      diag[pi] -= lik * lik;
    }
    rank = k + 1;
  }
  const lower = new Float64Array(d * rank);
  for (let i = 0; i < d; i++) lower.set(L.subarray(i * d, i * d + rank), i * rank);
  return { dim: d, rank, perm, lower, logDet: rank < d ? -Infinity : logDet };
}

/** n draws of μ + P L z into a new n × d row-major array; L's triangle halves the work. */
export function sampleWithFactor(mean: Float64Array, f: PsdFactor, n: number, normal: () => number): Float64Array {
  if (useWasm && f.dim >= 2) {
    const formed = formPointsWasm(mean, f, n, normal);
    if (formed) return formed;
  }
  const { dim: d, rank: r, perm, lower: L } = f;
  const out = new Float64Array(n * d);
  // Four draws at a time, so each entry of L is loaded once per four draws.
  const z0 = new Float64Array(r), z1 = new Float64Array(r), z2 = new Float64Array(r), z3 = new Float64Array(r);
  let s = 0;
  for (; s + 4 <= n; s += 4) {
    for (let c = 0; c < r; c++) z0[c] = normal();
    for (let c = 0; c < r; c++) z1[c] = normal();
    for (let c = 0; c < r; c++) z2[c] = normal();
    for (let c = 0; c < r; c++) z3[c] = normal();
    const o = s * d;
    for (let k = 0; k < d; k++) {
      const i = perm[k];
      let v0 = 0, v1 = 0, v2 = 0, v3 = 0;
      const row = k * r;
      const last = k < r ? k : r - 1;
      for (let c = 0; c <= last; c++) {
        const l = L[row + c];
        v0 += l * z0[c];
        v1 += l * z1[c];
        v2 += l * z2[c];
        v3 += l * z3[c];
      }
      const mu = mean[i];
      out[o + i] = mu + v0;
      out[o + d + i] = mu + v1;
      out[o + 2 * d + i] = mu + v2;
      out[o + 3 * d + i] = mu + v3;
    }
  }
  for (; s < n; s++) {
    for (let c = 0; c < r; c++) z0[c] = normal();
    const o = s * d;
    for (let k = 0; k < d; k++) {
      const i = perm[k];
      let v = 0;
      const row = k * r;
      const last = k < r ? k : r - 1;
      for (let c = 0; c <= last; c++) v += L[row + c] * z0[c];
      out[o + i] = mean[i] + v;
    }
  }
  return out;
}

/**
 * Statistics of n draws from N(mean, F Fᵀ) whose scatter was drawn by Bartlett's decomposition:
 * scatter = B Bᵀ with B = F·A (d × r, lower trapezoidal in F's pivoted order). B/√n is then a
 * factor of the fitted covariance scatter/n, so a fit on these statistics alone needs no Cholesky
 * decomposition, and the d × d scatter is formed only if something asks for it (pooling under
 * Accumulate): Replace's O(d³) per iteration drops to one triangular product.
 */
export class BartlettStats implements PointStats {
  private scatterMatrix: Float64Array | undefined;
  constructor(
    readonly count: number,
    readonly dim: number,
    readonly mean: Float64Array,
    /** F·A, d × r row-major in the pivoted order `perm`. */
    private readonly b: Float64Array,
    private readonly rank: number,
    private readonly perm: Int32Array,
  ) {}

  /** scatter[perm[k], perm[l]] = B[k] · B[l], formed on first use. */
  get scatter(): Float64Array {
    if (this.scatterMatrix) return this.scatterMatrix;
    const { dim: d, rank: r, perm, b: B } = this;
    const scatter = new Float64Array(d * d);
    for (let k = 0; k < d; k++) {
      const rk = k * r;
      const pk = perm[k];
      for (let l = 0; l <= k; l++) {
        const rl = l * r;
        const lastC = l < r ? l : r - 1; // B[l, j] = 0 for j > l
        let v = 0;
        for (let j = 0; j <= lastC; j++) v += B[rk + j] * B[rl + j];
        const pl = perm[l];
        scatter[pk * d + pl] = v;
        scatter[pl * d + pk] = v;
      }
    }
    return (this.scatterMatrix = scatter);
  }

  /** A factor of the fitted (biased) covariance scatter/count: B/√count, same pivoted order. */
  covarianceFactor(): PsdFactor {
    const { dim: d, rank: r, perm } = this;
    const scale = 1 / Math.sqrt(this.count);
    const lower = new Float64Array(this.b.length);
    for (let i = 0; i < lower.length; i++) lower[i] = this.b[i] * scale;
    let logDet = r < d ? -Infinity : 0;
    for (let k = 0; k < r && logDet > -Infinity; k++) logDet += 2 * Math.log(Math.abs(lower[k * r + k]));
    return { dim: d, rank: r, perm, lower, logDet };
  }
}

/**
 * The sufficient statistics of n fresh draws from N(μ, P L Lᵀ Pᵀ), drawn directly instead of through
 * the points: x̄ = μ + P L z/√n and, independently, scatter = (P L A)(P L A)ᵀ with A A ~ Wishart(I_r, n−1)
 * by Bartlett's decomposition (A lower-triangular, A_jj² ~ χ²(n−1−j), normals below). Exact in
 * distribution, at cost O(d²r) instead of O(n·d·r): what Replace and Accumulate need, since they never
 * look at the points themselves. Needs n − 1 ≥ rank. The result
 * carries B = P L A, from which a fit gets its covariance factor without a Cholesky decomposition.
 */
export function sampleStatsWithFactor(mean: Float64Array, f: PsdFactor, n: number, rng: { normal(): number; chiSquared(k: number): number }): BartlettStats {
  const { dim: d, rank: r, perm, lower: L } = f;
  if (n - 1 < r) throw new RangeError(`sampleStatsWithFactor needs n - 1 >= rank, got n = ${n}, rank = ${r}`);
  const m = new Float64Array(d);
  const z = new Float64Array(r);
  for (let c = 0; c < r; c++) z[c] = rng.normal() / Math.sqrt(n);
  for (let k = 0; k < d; k++) {
    let v = 0;
    const last = k < r ? k : r - 1;
    for (let c = 0; c <= last; c++) v += L[k * r + c] * z[c];
    m[perm[k]] = mean[perm[k]] + v;
  }
  // Bartlett factor A (r × r, lower), row-major.
  const A = new Float64Array(r * r);
  for (let j = 0; j < r; j++) {
    A[j * r + j] = Math.sqrt(rng.chiSquared(n - 1 - j));
    for (let i = j + 1; i < r; i++) A[i * r + j] = rng.normal();
  }
  // B = L A (d × r, pivoted rows); both triangular: L[k, c] = 0 for c > k, A[c, j] = 0 for j > c.
  const B = new Float64Array(d * r);
  for (let k = 0; k < d; k++) {
    const lastC = k < r ? k : r - 1;
    for (let j = 0; j <= lastC; j++) {
      let v = 0;
      for (let c = j; c <= lastC; c++) v += L[k * r + c] * A[c * r + j];
      B[k * r + j] = v;
    }
  }
  return new BartlettStats(n, d, m, B, r, perm);
}
