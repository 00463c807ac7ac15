// Benchmark of the appendix settings: one heavy cell of each full grid, run the project's way and the
// straightforward way, with the time ratio. Both ways give the same numbers (checked below), so the ratio
// is the price of the straightforward algorithm.
//   discrete:   multinomial sampling by sequential binomial splitting (O(outcomes alive) per batch)
//               vs n individual categorical draws (O(n log alive) per batch)
//   regression: Accumulate by pooled per-row sums (O(n·d) per iteration)
//               vs refitting least squares on all t·n stacked rows (O(t·n·d²) per iteration)
// Run: npx tsx bench/appendix.ts
import { createRng, type Rng } from '../lib/core/random';
import { runLoop, type Model, type Workflow } from '../lib/core/workflows';
import { DiscreteModel, type Counts } from '../lib/settings/discrete/model';
import { replaceCollapseIteration } from '../lib/settings/discrete/collapse';
import { psdSolver, RegressionModel, type LabelledRows, type LinearFit } from '../lib/settings/regression/model';

function seconds(f: () => void): number {
  const t0 = performance.now();
  f();
  return (performance.now() - t0) / 1000;
}

/** n categorical draws from the proportions, one at a time (inverse CDF by binary search). */
function sampleByDraws(p: Counts, n: number, rng: Rng): Counts {
  const alive = p.ids.length;
  const cumulative = new Float64Array(alive);
  let s = 0;
  for (let j = 0; j < alive; j++) cumulative[j] = s += p.counts[j];
  const tally = new Float64Array(alive);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform() * p.total;
    let lo = 0;
    let hi = alive - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    tally[lo]++;
  }
  let k = 0;
  for (let j = 0; j < alive; j++) if (tally[j] > 0) k++;
  const ids = new Int32Array(k);
  const counts = new Float64Array(k);
  for (let j = 0, m = 0; j < alive; j++) {
    if (tally[j] > 0) {
      ids[m] = p.ids[j];
      counts[m++] = tally[j];
    }
  }
  return { ids, counts, total: n };
}

class DrawByDrawDiscrete extends DiscreteModel {
  sample(fit: Counts, n: number, rng: Rng): Counts {
    return sampleByDraws(fit, n, rng);
  }
}

function benchDiscrete(outcomes: number, samples: number, workflow: Workflow, iterations: number): void {
  const run = (model: DiscreteModel) => {
    let last = NaN;
    const time = seconds(() => {
      const tr = runLoop(model, { workflow, iterations, rng: createRng('bench-loop') });
      last = tr.metrics.alive[iterations - 1];
    });
    return { time, last };
  };
  const fast = run(new DiscreteModel(outcomes, samples, createRng('bench-real')));
  const slow = run(new DrawByDrawDiscrete(outcomes, samples, createRng('bench-real')));
  // Different (equally exact) samplers draw different random numbers; compare the law, not the bits.
  console.log(
    `discrete K=${outcomes} n=${samples} ${workflow} T=${iterations}: binomial splitting ${fast.time.toFixed(3)} s, ` +
      `draw by draw ${slow.time.toFixed(3)} s, ratio ${(slow.time / fast.time).toFixed(1)}× ` +
      `(outcomes alive at T: ${fast.last} vs ${slow.last})`,
  );
}

function benchCollapse(outcomes: number, samples: number, seed: number): void {
  let fastT: number | null = null;
  const fast = seconds(() => (fastT = replaceCollapseIteration(outcomes, samples, seed)));
  // The same chain with draw-by-draw sampling, followed until one outcome is left.
  let slowT = 0;
  const slow = seconds(() => {
    const model = new DrawByDrawDiscrete(outcomes, samples, createRng('bench-collapse'));
    const rng = createRng('bench-collapse-loop');
    let batch = model.real;
    for (slowT = 1; batch.ids.length > 1; slowT++) batch = model.sample(batch, samples, rng);
  });
  console.log(
    `discrete K=${outcomes} n=${samples} Replace until collapse: binomial splitting ${fast.toFixed(3)} s (${fastT} iterations), ` +
      `draw by draw ${slow.toFixed(3)} s (${slowT} iterations), ratio per iteration ${(slow / slowT / (fast / (fastT ?? 1))).toFixed(1)}×`,
  );
}

/** Accumulate by refitting on the stacked rows: the summary is the list of batches itself. */
class StackedRefit implements Model<LabelledRows, LabelledRows[], LinearFit> {
  constructor(private readonly inner: RegressionModel) {}
  get real() {
    return this.inner.real;
  }
  size(b: LabelledRows) {
    return this.inner.size(b);
  }
  summarize(b: LabelledRows) {
    return [b];
  }
  merge(into: LabelledRows[], other: LabelledRows[]) {
    into.push(...other);
    return into;
  }
  take(batches: readonly LabelledRows[], indices: Int32Array) {
    return this.inner.take(batches, indices);
  }
  fit(batches: LabelledRows[]): LinearFit {
    const { X, dim: d } = this.inner;
    const G = new Float64Array(d * d);
    const b = new Float64Array(d);
    for (const batch of batches) {
      for (let i = 0; i < batch.rows.length; i++) {
        const o = batch.rows[i] * d;
        for (let p = 0; p < d; p++) {
          const xp = X[o + p];
          b[p] += xp * batch.y[i];
          for (let q = p; q < d; q++) G[p * d + q] += xp * X[o + q];
        }
      }
    }
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) G[q * d + p] = G[p * d + q];
    return { w: psdSolver(G, d).solve(b) };
  }
  sample(fit: LinearFit, n: number, rng: Rng) {
    return this.inner.sample(fit, n, rng);
  }
  evaluate(fit: LinearFit) {
    return this.inner.evaluate(fit);
  }
}

function benchRegression(dim: number, sigma2: number, samples: number, iterations: number): void {
  let fastMse = NaN;
  let slowMse = NaN;
  const fast = seconds(() => {
    const model = new RegressionModel(dim, sigma2, samples, createRng('bench-real'));
    fastMse = runLoop(model, { workflow: 'accumulate', iterations, rng: createRng('bench-loop') }).metrics.test_mse[iterations - 1];
  });
  const slow = seconds(() => {
    const model = new StackedRefit(new RegressionModel(dim, sigma2, samples, createRng('bench-real')));
    slowMse = runLoop(model, { workflow: 'accumulate', iterations, rng: createRng('bench-loop') }).metrics.test_mse[iterations - 1];
  });
  const agree = Math.abs(fastMse - slowMse) / fastMse;
  console.log(
    `regression d=${dim} σ²=${sigma2} n=${samples} Accumulate T=${iterations}: pooled row sums ${fast.toFixed(3)} s, ` +
      `stacked refit ${slow.toFixed(3)} s, ratio ${(slow / fast).toFixed(1)}× (final test MSE agrees to ${agree.toExponential(1)} relative)`,
  );
  if (!(agree < 1e-8)) throw new Error('the two Accumulate implementations disagree');
}

benchDiscrete(1000, 100000, 'replace', 100);
benchDiscrete(100000, 100000, 'accumulate', 100);
benchCollapse(10, 10000, 0);
benchRegression(100, 1, 1000, 100);
