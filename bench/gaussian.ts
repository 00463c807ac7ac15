// Benchmark: the heaviest cell of the paper's Gaussian grid (d = 100, n = 1000, T = 100, all three
// workflows, one seed) with the library, against a straightforward implementation that keeps the
// training set as points, refits mean and covariance on all of it every iteration and always draws
// the synthetic points (as the authors' numpy code does). Same process, same machine; prints both times and the ratio.
//   npx tsx bench/gaussian.ts [--full-grid]   (--full-grid also times the paper's whole grid, 2 workers)
import { gaussianSetting } from '../lib/settings/gaussian/setting';
import { pivotedCholesky, pointStats, sampleWithFactor } from '../lib/settings/gaussian/linalg';
import { createRng, type Rng } from '../lib/core/random';
import { sweepColumns } from '../lib/core/sweep';
import { WORKFLOWS, type Workflow } from '../lib/core/workflows';

const d = 100, n = 1000, T = 100;

/** Mean and biased covariance refitted from all m points (the library's own scatter kernel, so the
 *  comparison measures the algorithm — refit vs pooled statistics, points vs Bartlett — not the code). */
function refit(x: Float64Array, m: number): { mean: Float64Array; cov: Float64Array } {
  const s = pointStats(x, m, d);
  return { mean: s.mean, cov: s.scatter.map((v) => v / m) };
}

/** The straightforward loop: build the training set as points, refit from scratch, sample points. */
function baseline(workflow: Workflow, rng: Rng): number {
  const real = new Float64Array(n * d).map(() => rng.normal());
  let pool = real; // all points so far (Accumulate, Accumulate-Subsample)
  let latest = real;
  let last = 0;
  for (let t = 1; t <= T; t++) {
    let train: Float64Array;
    if (workflow === 'replace' || t === 1) train = latest;
    else if (workflow === 'accumulate') train = pool;
    else {
      const idx = rng.choice(pool.length / d, n);
      train = new Float64Array(n * d);
      idx.forEach((g, k) => train.set(pool.subarray(g * d, g * d + d), k * d));
    }
    const fit = refit(train, train.length / d);
    last = fit.mean.reduce((a, b) => a + b * b, 0);
    if (t < T) {
      latest = sampleWithFactor(fit.mean, pivotedCholesky(fit.cov, d), n, () => rng.normal());
      if (workflow !== 'replace') {
        const grown = new Float64Array(pool.length + latest.length);
        grown.set(pool);
        grown.set(latest, pool.length);
        pool = grown;
      }
    }
  }
  return last;
}

function time<T>(f: () => T): [number, T] {
  const t0 = performance.now();
  const v = f();
  return [(performance.now() - t0) / 1000, v];
}

async function main(): Promise<void> {
  console.log(`Gaussian, heaviest cell: d = ${d}, n = ${n}, T = ${T}, one seed per workflow`);
  let ours = 0, base = 0;
  for (const workflow of WORKFLOWS) {
    const config = gaussianSetting.validate({ workflow, dim: d, samples: n, iterations: T });
    const [a, traj] = time(() => gaussianSetting.run(config, 0));
    const [b, err] = time(() => baseline(workflow, createRng(`bench-${workflow}`)));
    ours += a;
    base += b;
    console.log(`  ${workflow.padEnd(21)} library ${a.toFixed(2).padStart(7)} s   baseline ${b.toFixed(2).padStart(7)} s   ratio ${(b / a).toFixed(1).padStart(6)}x   (final ‖μ̂‖²: ${traj.metrics.squared_error_of_mean[T - 1].toFixed(3)} vs ${err.toFixed(3)})`);
  }
  console.log(`  all three workflows    library ${ours.toFixed(2).padStart(7)} s   baseline ${base.toFixed(2).padStart(7)} s   ratio ${(base / ours).toFixed(1).padStart(6)}x`);
  if (process.argv.includes('--full-grid')) {
    const { grid } = gaussianSetting.grid(undefined, false);
    const [s] = await (async () => {
      const t0 = performance.now();
      await sweepColumns('gaussian', { grid, seeds: 100, cache: false });
      return [(performance.now() - t0) / 1000];
    })();
    console.log(`  full paper grid (5 dims × 5 sizes × 100 seeds × 3 workflows × ${T} iterations): ${s.toFixed(0)} s on ${require('os').cpus().length} cores`);
  }
}

main();
