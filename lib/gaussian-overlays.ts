// The closed-form curves of the Gaussian setting as plot overlays: one dashed curve per (d, n, workflow)
// facet and hue, so a figure faceted by row = dim, col = workflow, hue = samples shows data and theory.
import { accumulateExpectations, accumulateSquaredErrorBound, replaceDetRatio, replaceSquaredError, replaceTraceRatio } from './gaussian';
import type { Overlay } from './plot';

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
