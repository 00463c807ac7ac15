// The Gaussian setting's closed forms (derivations in notebooks 01 and 02), which the tests check the
// simulation against and the figures overlay as dashed curves, one per (d, n, workflow) facet and hue.
import type { Overlay } from '../../plot/relplot';

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



export type GaussianMetric = 'squared_error_of_mean' | 'trace_ratio' | 'det_ratio';

export function gaussianTheoryOverlays(metric: GaussianMetric, dims: readonly number[], sizes: readonly number[], iterations: number, workflows: readonly string[], sigma2 = 1): Overlay[] {
  const t = Array.from({ length: iterations }, (_, i) => i + 1);
  const out: Overlay[] = [];
  for (const d of dims) {
    for (const n of sizes) {
      if (workflows.includes('replace')) {
        const y = t.map((k) => (metric === 'squared_error_of_mean' ? replaceSquaredError(d, sigma2, n, k) : metric === 'trace_ratio' ? replaceTraceRatio(n, k) : replaceDetRatio(d, n, k)));
        out.push({ x: t, y, name: 'theory: E under Replace', row: d, col: 'replace', hue: n });
      }
      if (workflows.includes('accumulate') && metric !== 'det_ratio') {
        const e = accumulateExpectations(d, sigma2, n, iterations);
        out.push({ x: t, y: Array.from(metric === 'squared_error_of_mean' ? e.squaredError : e.traceRatio), name: 'theory: E under Accumulate', row: d, col: 'accumulate', hue: n });
        if (metric === 'squared_error_of_mean') {
          const b = accumulateSquaredErrorBound(d, sigma2, n);
          out.push({ x: t, y: t.map(() => b), name: 'bound (π²/6)·dσ²/n', row: d, col: 'accumulate', hue: n, dash: 'dot' });
        }
      }
    }
  }
  return out;
}
