// Benchmark: KDE under Accumulate at n = 1000, h = 0.1, T = 100 — the incremental score (each
// iteration scores only the new batch against the 500 test points) against refitting and
// rescoring the whole pool every iteration, as the authors' scikit-learn code does. Same process,
// same data, same samples: the two must give the same test NLL, and the ratio is the speed-up.
//
//   npx tsx bench/kde.ts            (also part of `npm run bench` when bench/run.ts includes it)
import { createDataSource } from '../lib/settings/kde/datasets';
import { KernelDensity, logKernelSums } from '../lib/settings/kde/kernel-density';
import { useWasmKernel } from '../lib/settings/kde/wasm-kernel';
import { KdeModel, type KdeConfig, type KdeFit } from '../lib/settings/kde/model';
import { createRng } from '../lib/core/random';
import { runLoop, type Model } from '../lib/core/workflows';

export interface KdeBenchResult {
  dataset: string;
  incrementalSeconds: number;
  rescoreSeconds: number;
  ratio: number;
  maxNllDifference: number;
}

/** The same KDE, but every fit concatenates the pool and scores all of it: O(t·n·500·d) at iteration t. */
function fullRescoreModel(base: KdeModel): Model<Float64Array, Float64Array[], KdeFit> {
  const { kernel, bandwidth } = base.config;
  const d = base.dimension;
  return {
    real: base.real,
    size: (b) => base.size(b),
    summarize: (b) => [b],
    merge: (into, other) => {
      into.push(...other);
      return into;
    },
    take: (batches, indices) => base.take(batches, indices),
    fit: (batches) => {
      let total = 0;
      for (const b of batches) total += b.length;
      const pool = new Float64Array(total);
      let offset = 0;
      for (const b of batches) {
        pool.set(b, offset);
        offset += b.length;
      }
      const kde = new KernelDensity({ kernel, bandwidth }).fitFlat(pool, d);
      return { kernel, bandwidth: kde.bandwidth_, dimension: d, batches: batches.slice(), count: kde.count, testLogDensity: kde.scoreSamplesFlat(base.test) };
    },
    sample: (fit, n, rng) => base.sample(fit, n, rng),
    evaluate: (fit) => base.evaluate(fit),
  };
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export function benchKde(dataset: KdeConfig['dataset'] = 'moons', iterations = 100): KdeBenchResult {
  const config: KdeConfig = { dataset, kernel: 'gaussian', bandwidth: 0.1, samples: 1000 };
  // warm up the JIT on a small run so neither side pays for compilation
  runLoop(new KdeModel({ ...config, samples: 100 }, createRng('warm')), { workflow: 'accumulate', iterations: 5, rng: createRng('warm-loop') });

  let start = process.hrtime.bigint();
  const incremental = runLoop(new KdeModel(config, createRng('bench')), { workflow: 'accumulate', iterations, rng: createRng('bench-loop') });
  const incrementalSeconds = seconds(start);

  start = process.hrtime.bigint();
  const rescored = runLoop(fullRescoreModel(new KdeModel(config, createRng('bench'))), { workflow: 'accumulate', iterations, rng: createRng('bench-loop') });
  const rescoreSeconds = seconds(start);

  let maxNllDifference = 0;
  const a = incremental.metrics.test_nll, b = rescored.metrics.test_nll;
  for (let t = 0; t < iterations; t++) maxNllDifference = Math.max(maxNllDifference, Math.abs(a[t] - b[t]) / Math.max(1, Math.abs(b[t])));
  return { dataset, incrementalSeconds, rescoreSeconds, ratio: rescoreSeconds / incrementalSeconds, maxNllDifference };
}

export function printKdeBench(result: KdeBenchResult): void {
  const { dataset, incrementalSeconds, rescoreSeconds, ratio, maxNllDifference } = result;
  console.log(`kde accumulate (${dataset}, n=1000, h=0.1, T=100, 500 test points)`);
  console.log(`  incremental (score the new batch only): ${incrementalSeconds.toFixed(2)} s`);
  console.log(`  full rescore of the pool every iteration: ${rescoreSeconds.toFixed(2)} s`);
  console.log(`  ratio: ${ratio.toFixed(1)}x   (largest relative difference in test NLL: ${maxNllDifference.toExponential(1)})`);
}

/** The scoring kernel alone: 1000 points against 500 queries, WebAssembly SIMD against the JavaScript loops. */
export function benchKernel(dataset: KdeConfig['dataset'] = 'moons', h = 0.1): { wasmMs: number; jsMs: number } {
  const source = createDataSource(dataset, createRng('kernel-bench'));
  const d = source.dimension;
  const points = source.draw(1000, createRng('kernel-points'));
  const queries = source.draw(500, createRng('kernel-queries'));
  const out = new Float64Array(500);
  const time = (wasm: boolean) => {
    useWasmKernel(wasm);
    for (let r = 0; r < 3; r++) logKernelSums('gaussian', h, d, points, queries, out);
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < 20; r++) logKernelSums('gaussian', h, d, points, queries, out);
    return seconds(t0) * 1000 / 20;
  };
  const jsMs = time(false);
  const wasmMs = time(true);
  return { wasmMs, jsMs };
}

if (require.main === module) {
  printKdeBench(benchKde());
  for (const [dataset, h] of [['moons', 0.1], ['moons', 1], ['swiss_roll', 0.5]] as const) {
    const { wasmMs, jsMs } = benchKernel(dataset, h);
    console.log(`scoring kernel (${dataset}, h=${h}, 1000 points × 500 queries): WebAssembly SIMD ${wasmMs.toFixed(2)} ms, JavaScript ${jsMs.toFixed(2)} ms, ratio ${(jsMs / wasmMs).toFixed(1)}x`);
  }
}
