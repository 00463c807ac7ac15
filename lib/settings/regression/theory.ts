// The regression setting's closed forms (Gerstgrasser et al. 2024), for n > d + 1, and their figure overlays.
import type { Overlay } from '../../plot/relplot';

/**
 * c = σ²·d/(n − d − 1): the expected test MSE of the least-squares fit on the real data. With
 * ŵ − w* = σ·(XᵀX)⁻¹Xᵀε, E‖ŵ − w*‖² = σ²·E tr((XᵀX)⁻¹) = σ²·d/(n − d − 1) (XᵀX is Wishart(n, I_d)).
 * The test MSE (ŵ − w*)ᵀ(X_testᵀX_test/1000)(ŵ − w*) has the same expectation, the test design being
 * standard normal and independent of ŵ. Defined only for n > d + 1 (else the expectation is infinite
 * or the fit is a pseudo-inverse): NaN there.
 */
export function regressionErrorScale(dim: number, sigma2: number, samples: number): number {
  return samples > dim + 1 ? (sigma2 * dim) / (samples - dim - 1) : NaN;
}

/**
 * Replace: E[test MSE at iteration t] = c·t. Each refit adds an independent error σ·(XᵀX)⁻¹Xᵀε_t to the
 * previous fit (the design is the same), so the errors' variances add up.
 */
export function replaceExpectedMse(t: number, dim: number, sigma2: number, samples: number): number {
  return regressionErrorScale(dim, sigma2, samples) * t;
}

/**
 * Accumulate: E[test MSE at iteration t] = c·Σ_{k≤t} 1/k², below c·π²/6 for every t. Fitting the t
 * stacked copies of X averages the label sets, and by induction ŵ_t − w* = Σ_{k≤t} (1/k)·σ(XᵀX)⁻¹Xᵀε_k.
 */
export function accumulateExpectedMse(t: number, dim: number, sigma2: number, samples: number): number {
  let sum = 0;
  for (let k = t; k >= 1; k--) sum += 1 / (k * k); // smallest terms first
  return regressionErrorScale(dim, sigma2, samples) * sum;
}

/**
 * Dashed theory curves for a relplot of test MSE vs iteration with columns = workflow, rows = dim and
 * hue = samples (one figure per σ²): c·t under Replace, c·Σ1/k² under Accumulate (and, dotted, its
 * bound c·π²/6), for every (d, n) with n > d + 1. Accumulate-Subsample has no closed form here.
 */
export function regressionTheoryOverlays(dims: readonly number[], sigma2: number, samples: readonly number[], iterations: number): Overlay[] {
  const t = Array.from({ length: iterations }, (_, i) => i + 1);
  const overlays: Overlay[] = [];
  for (const d of dims) {
    for (const n of samples) {
      if (!(n > d + 1)) continue;
      const c = regressionErrorScale(d, sigma2, n);
      overlays.push({ x: t, y: t.map((k) => replaceExpectedMse(k, d, sigma2, n)), name: 'theory', col: 'replace', row: d, hue: n });
      overlays.push({ x: t, y: t.map((k) => accumulateExpectedMse(k, d, sigma2, n)), name: 'theory', col: 'accumulate', row: d, hue: n });
      overlays.push({ x: [1, iterations], y: [(c * Math.PI ** 2) / 6, (c * Math.PI ** 2) / 6], name: 'π²/6 bound', col: 'accumulate', row: d, hue: n, dash: 'dot' });
    }
  }
  return overlays;
}

