// Linear regression (the paper's appendix; Gerstgrasser et al. 2024). w* ~ N(0, I_d); a fixed
// standard-normal design X (n × d); real labels y = X·w* + σε. The model is least squares (the
// minimum-norm solution, i.e. the pseudo-inverse, when X has n ≤ d rows); sampling keeps the design and
// draws new labels y = X·ŵ + σε. Test MSE: the mean over 1000 fresh test points, fixed per run, of
// (x·ŵ − x·w*)², the error against the noiseless targets.
//
// Why "rows of the fixed design": every training set here — real, synthetic, stacked, subsampled — is a
// multiset of rows of the one design X with labels. Least squares on such a set depends on it only
// through, per design row r, its multiplicity m_r and label sum s_r, since
//   Σ_i (x_{r(i)}·w − y_i)² = Σ_r m_r·(x_r·w − s_r/m_r)² + constant.
// So a summary is the pair (m, s) of length-n vectors and Accumulate's merge adds them: O(n) per batch,
// the same order as drawing the batch's labels (O(nd)), never a refit on the t·n stacked rows. When every
// row has the same multiplicity (Replace, Accumulate: each batch is one full copy of X) the fit is
// X⁺·(s/m) with X's factorization computed once per run; otherwise (Accumulate-Subsample) the weighted
// problem is solved on the distinct rows through the smaller of its two Gram matrices.
import type { Rng } from '../../core/random';
import type { Metrics, Model } from '../../core/workflows';

/** Number of fresh test points (fixed per run). */
export const REGRESSION_TEST_POINTS = 1000;

// ---------------------------------------------------------------------------------------------------
// Linear algebra on small dense matrices (row-major Float64Array)

/** Cholesky accepted only when every pivot is at least this fraction of the largest diagonal entry. */
const CHOLESKY_MIN_RELATIVE_PIVOT = 1e-10;
const EPSILON = 2.220446049250313e-16;

/** Solves A·x = b for a symmetric positive semi-definite k × k matrix A, giving x = A⁺·b. */
export interface PsdSolver {
  /** 'cholesky' when A is comfortably positive definite, else 'eigen' (a rank-revealing pseudo-inverse). */
  readonly method: 'cholesky' | 'eigen';
  /** Numerical rank of A. */
  readonly rank: number;
  /** The minimum-norm least-squares solution A⁺·b. */
  solve(b: Float64Array): Float64Array;
}

/**
 * Factor a symmetric positive semi-definite matrix once, solve many times. A Cholesky factorization when
 * every pivot is clearly positive (the common case: then A⁺ = A⁻¹); otherwise a symmetric eigen-
 * decomposition that drops eigenvalues below k·100·ε·λ_max — numerically zero for a Gram matrix — so
 * the result is the pseudo-inverse solution, as numpy's pinv gives for a rank-deficient design.
 */
export function psdSolver(A: Float64Array, k: number): PsdSolver {
  if (A.length !== k * k) throw new RangeError(`psdSolver: expected a ${k}×${k} matrix, got ${A.length} entries`);
  const L = cholesky(A, k);
  if (L) return { method: 'cholesky', rank: k, solve: (b) => choleskySolve(L, k, b) };
  const { values, vectors } = symmetricEigen(A, k);
  let maxValue = 0;
  for (let i = 0; i < k; i++) maxValue = Math.max(maxValue, values[i]);
  const cutoff = maxValue * k * 100 * EPSILON;
  const kept: number[] = [];
  for (let i = 0; i < k; i++) if (values[i] > cutoff) kept.push(i);
  return {
    method: 'eigen',
    rank: kept.length,
    solve(b: Float64Array): Float64Array {
      // x = Σ_i v_i (v_i·b) / λ_i over the kept eigenpairs (columns of `vectors`).
      const x = new Float64Array(k);
      for (const i of kept) {
        let dot = 0;
        for (let r = 0; r < k; r++) dot += vectors[r * k + i] * b[r];
        const coef = dot / values[i];
        for (let r = 0; r < k; r++) x[r] += coef * vectors[r * k + i];
      }
      return x;
    },
  };
}

/** Lower-triangular L with A = L·Lᵀ, or null when a pivot is not clearly positive. */
function cholesky(A: Float64Array, k: number): Float64Array | null {
  let maxDiag = 0;
  for (let i = 0; i < k; i++) maxDiag = Math.max(maxDiag, A[i * k + i]);
  if (!(maxDiag > 0)) return null;
  const minPivot = maxDiag * CHOLESKY_MIN_RELATIVE_PIVOT;
  const L = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    let pivot = A[j * k + j];
    for (let p = 0; p < j; p++) pivot -= L[j * k + p] * L[j * k + p];
    if (!(pivot > minPivot)) return null;
    const ljj = Math.sqrt(pivot);
    L[j * k + j] = ljj;
    for (let i = j + 1; i < k; i++) {
      let s = A[i * k + j];
      for (let p = 0; p < j; p++) s -= L[i * k + p] * L[j * k + p];
      L[i * k + j] = s / ljj;
    }
  }
  return L;
}

function choleskySolve(L: Float64Array, k: number, b: Float64Array): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < k; i++) {
    let s = x[i];
    for (let p = 0; p < i; p++) s -= L[i * k + p] * x[p];
    x[i] = s / L[i * k + i];
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = x[i];
    for (let p = i + 1; p < k; p++) s -= L[p * k + i] * x[p];
    x[i] = s / L[i * k + i];
  }
  return x;
}

/**
 * Eigenvalues and eigenvectors (the columns of `vectors`) of a symmetric matrix by cyclic Jacobi
 * rotations: slow (O(k³) per sweep) but simple and accurate, and only the rare rank-deficient fallback
 * of psdSolver uses it.
 */
export function symmetricEigen(A: Float64Array, k: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(A);
  const v = new Float64Array(k * k);
  for (let i = 0; i < k; i++) v[i * k + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const x = a[i * k + j] * a[i * k + j];
        total += x;
        if (i !== j) off += x;
      }
    }
    if (off <= total * EPSILON * EPSILON || off === 0) break;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = a[p * k + q];
        if (apq === 0) continue;
        const app = a[p * k + p];
        const aqq = a[q * k + q];
        // Rotation angle that zeroes a[p][q]: t = tan θ, the smaller root of t² + 2τt − 1 = 0.
        const tau = (aqq - app) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let r = 0; r < k; r++) {
          // Columns p and q of a·J
          const arp = a[r * k + p];
          const arq = a[r * k + q];
          a[r * k + p] = c * arp - s * arq;
          a[r * k + q] = s * arp + c * arq;
        }
        for (let r = 0; r < k; r++) {
          // Rows p and q of Jᵀ·(a·J)
          const apr = a[p * k + r];
          const aqr = a[q * k + r];
          a[p * k + r] = c * apr - s * aqr;
          a[q * k + r] = s * apr + c * aqr;
        }
        a[p * k + q] = 0;
        a[q * k + p] = 0;
        for (let r = 0; r < k; r++) {
          const vrp = v[r * k + p];
          const vrq = v[r * k + q];
          v[r * k + p] = c * vrp - s * vrq;
          v[r * k + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const values = new Float64Array(k);
  for (let i = 0; i < k; i++) values[i] = a[i * k + i];
  return { values, vectors: v };
}

/** Xᵀ·X for a row-major n × d matrix (d × d). */
function gramOfColumns(X: Float64Array, n: number, d: number): Float64Array {
  const G = new Float64Array(d * d);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let i = 0; i < d; i++) {
      const xi = X[o + i];
      for (let j = i; j < d; j++) G[i * d + j] += xi * X[o + j];
    }
  }
  mirrorUpper(G, d);
  return G;
}

function mirrorUpper(G: Float64Array, d: number): void {
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) G[j * d + i] = G[i * d + j];
}

// ---------------------------------------------------------------------------------------------------
// The model

/** Labelled rows of the fixed design: rows[i] indexes a row of X, y[i] is its label. */
export interface LabelledRows {
  readonly rows: Int32Array;
  readonly y: Float64Array;
}

/** Per design row: multiplicity and label sum; `copies` > 0 when every row has that same multiplicity. */
export interface RowSums {
  weight: Float64Array;
  labelSum: Float64Array;
  copies: number;
}

export interface LinearFit {
  readonly w: Float64Array;
}

export class RegressionModel implements Model<LabelledRows, RowSums, LinearFit> {
  readonly dim: number;
  readonly samples: number;
  readonly sigma: number;
  readonly wStar: Float64Array;
  /** The fixed design, n × d row-major. */
  readonly X: Float64Array;
  readonly real: LabelledRows;
  /** X_testᵀ·X_test / REGRESSION_TEST_POINTS: the test MSE of ŵ is (ŵ − w*)ᵀ·testGram·(ŵ − w*), O(d²) per evaluation. */
  readonly testGram: Float64Array;
  /** Factorization of XᵀX (n > d) or of X·Xᵀ (n ≤ d), made once: X⁺·ȳ costs O(nd) per fit. */
  private readonly designSolver: { dual: boolean; solver: PsdSolver };
  private readonly allRows: Int32Array;

  constructor(dim: number, sigma2: number, samples: number, rng: Rng) {
    const d = dim;
    const n = samples;
    this.dim = d;
    this.samples = n;
    this.sigma = Math.sqrt(sigma2);
    // Separate streams, so that (say) the test set does not shift when the number of training rows changes.
    this.wStar = rng.derive('w_star').fillNormal(new Float64Array(d));
    this.X = rng.derive('design').fillNormal(new Float64Array(n * d));
    const Xtest = rng.derive('test').fillNormal(new Float64Array(REGRESSION_TEST_POINTS * d));
    this.testGram = gramOfColumns(Xtest, REGRESSION_TEST_POINTS, d);
    for (let i = 0; i < d * d; i++) this.testGram[i] /= REGRESSION_TEST_POINTS;
    this.allRows = new Int32Array(n);
    for (let r = 0; r < n; r++) this.allRows[r] = r;
    this.real = this.labels(this.wStar, rng.derive('noise'));
    if (n > d) this.designSolver = { dual: false, solver: psdSolver(gramOfColumns(this.X, n, d), d) };
    else this.designSolver = { dual: true, solver: psdSolver(this.rowGram(this.allRows, null), n) };
  }

  /** Labels X·w + σε on every row of the design. */
  private labels(w: Float64Array, rng: Rng): LabelledRows {
    const { X, dim: d, samples: n } = this;
    const y = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += X[r * d + j] * w[j];
      y[r] = s + this.sigma * rng.normal();
    }
    return { rows: this.allRows, y };
  }

  size(batch: LabelledRows): number {
    return batch.rows.length;
  }

  summarize(batch: LabelledRows): RowSums {
    const n = this.samples;
    const weight = new Float64Array(n);
    const labelSum = new Float64Array(n);
    for (let i = 0; i < batch.rows.length; i++) {
      weight[batch.rows[i]] += 1;
      labelSum[batch.rows[i]] += batch.y[i];
    }
    let copies = weight[0];
    for (let r = 1; r < n && copies > 0; r++) if (weight[r] !== copies) copies = 0;
    return { weight, labelSum, copies };
  }

  merge(into: RowSums, other: RowSums): RowSums {
    for (let r = 0; r < this.samples; r++) {
      into.weight[r] += other.weight[r];
      into.labelSum[r] += other.labelSum[r];
    }
    into.copies = into.copies > 0 && other.copies > 0 ? into.copies + other.copies : 0;
    return into;
  }

  take(batches: readonly LabelledRows[], indices: Int32Array): LabelledRows {
    const starts: number[] = [];
    let total = 0;
    for (const b of batches) {
      starts.push(total);
      total += b.rows.length;
    }
    const rows = new Int32Array(indices.length);
    const y = new Float64Array(indices.length);
    for (let i = 0; i < indices.length; i++) {
      const g = indices[i];
      if (!(g >= 0 && g < total)) throw new RangeError(`take: index ${g} outside [0, ${total})`);
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (starts[mid] <= g) lo = mid;
        else hi = mid - 1;
      }
      rows[i] = batches[lo].rows[g - starts[lo]];
      y[i] = batches[lo].y[g - starts[lo]];
    }
    return { rows, y };
  }

  fit(summary: RowSums): LinearFit {
    if (summary.copies > 0) return { w: this.designPseudoInverse(summary.labelSum, summary.copies) };
    return { w: this.weightedLeastSquares(summary) };
  }

  sample(fit: LinearFit, n: number, rng: Rng): LabelledRows {
    if (n !== this.samples) throw new RangeError(`sample: the design has ${this.samples} rows, asked for ${n}`);
    return this.labels(fit.w, rng);
  }

  evaluate(fit: LinearFit): Metrics {
    return { test_mse: this.testError(fit.w) };
  }

  /** Mean over the test points of (x·w − x·w*)². */
  testError(w: Float64Array): number {
    const d = this.dim;
    const e = new Float64Array(d);
    for (let j = 0; j < d; j++) e[j] = w[j] - this.wStar[j];
    let mse = 0;
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += this.testGram[i * d + j] * e[j];
      mse += e[i] * s;
    }
    return mse;
  }

  /** X⁺·(labelSum / copies): least squares on `copies` stacked copies of X. */
  private designPseudoInverse(labelSum: Float64Array, copies: number): Float64Array {
    const { X, dim: d, samples: n } = this;
    const { dual, solver } = this.designSolver;
    if (!dual) {
      const b = new Float64Array(d); // Xᵀ·ȳ
      for (let r = 0; r < n; r++) {
        const yr = labelSum[r] / copies;
        for (let j = 0; j < d; j++) b[j] += X[r * d + j] * yr;
      }
      return solver.solve(b);
    }
    const ybar = new Float64Array(n);
    for (let r = 0; r < n; r++) ybar[r] = labelSum[r] / copies;
    const alpha = solver.solve(ybar); // X⁺ = Xᵀ·(X·Xᵀ)⁺
    const w = new Float64Array(d);
    for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) w[j] += X[r * d + j] * alpha[r];
    return w;
  }

  /**
   * Minimum-norm minimizer of Σ_r m_r·(x_r·w − s_r/m_r)² over the rows with m_r > 0, i.e. Z⁺z for
   * Z = diag(√m)·X_R and z = s/√m: through the d × d Gram ZᵀZ when there are more distinct rows than
   * dimensions, else through the k × k Gram Z·Zᵀ (then w = Zᵀ·(Z·Zᵀ)⁺·z).
   */
  private weightedLeastSquares(summary: RowSums): Float64Array {
    const { X, dim: d, samples: n } = this;
    const distinct: number[] = [];
    for (let r = 0; r < n; r++) if (summary.weight[r] > 0) distinct.push(r);
    const k = distinct.length;
    const rows = Int32Array.from(distinct);
    if (k > d) {
      const G = new Float64Array(d * d);
      const b = new Float64Array(d);
      for (const r of rows) {
        const m = summary.weight[r];
        const o = r * d;
        for (let i = 0; i < d; i++) {
          const mxi = m * X[o + i];
          b[i] += summary.labelSum[r] * X[o + i];
          for (let j = i; j < d; j++) G[i * d + j] += mxi * X[o + j];
        }
      }
      mirrorUpper(G, d);
      return psdSolver(G, d).solve(b);
    }
    const H = this.rowGram(rows, summary.weight);
    const z = new Float64Array(k);
    for (let i = 0; i < k; i++) z[i] = summary.labelSum[rows[i]] / Math.sqrt(summary.weight[rows[i]]);
    const alpha = psdSolver(H, k).solve(z);
    const w = new Float64Array(d);
    for (let i = 0; i < k; i++) {
      const coef = Math.sqrt(summary.weight[rows[i]]) * alpha[i];
      for (let j = 0; j < d; j++) w[j] += coef * X[rows[i] * d + j];
    }
    return w;
  }

  /** k × k Gram of the given design rows, each scaled by √weight (weight null: unscaled). */
  private rowGram(rows: Int32Array, weight: Float64Array | null): Float64Array {
    const { X, dim: d } = this;
    const k = rows.length;
    const H = new Float64Array(k * k);
    for (let a = 0; a < k; a++) {
      const oa = rows[a] * d;
      for (let b = a; b < k; b++) {
        const ob = rows[b] * d;
        let s = 0;
        for (let j = 0; j < d; j++) s += X[oa + j] * X[ob + j];
        H[a * k + b] = weight ? s * Math.sqrt(weight[rows[a]] * weight[rows[b]]) : s;
      }
    }
    mirrorUpper(H, k);
    return H;
  }
}
