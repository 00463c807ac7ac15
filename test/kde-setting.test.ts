// The KDE setting on the workflow loop: Accumulate's incremental scores equal a full rescore,
// its cost per iteration does not grow, runs are reproducible, and configurations are validated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelDensity, sampleKde } from '../lib/settings/kde/kernel-density';
import { expectedKdeNll } from '../lib/settings/kde/snapshots';
import { isEvaluated, KDE_TEST_POINTS, KdeModel, kdeMetrics, type KdeConfig, type KdeFit } from '../lib/settings/kde/model';
import { kdeSetting } from '../lib/settings/kde/setting';
import { createRng } from '../lib/core/random';
import { ConfigError, expandGrid } from '../lib/core/setting';
import { runLoop, WORKFLOWS, type Workflow } from '../lib/core/workflows';

/** Run the loop on a fresh model, keeping every fit. */
function runWithFits(config: KdeConfig, workflow: Workflow, iterations: number, seed = 0) {
  const model = new KdeModel(config, createRng(`model-${seed}`));
  const fits: KdeFit[] = [];
  const scoredAfter: number[] = [];
  const trajectory = runLoop(model, {
    workflow,
    iterations,
    rng: createRng(`loop-${seed}`),
    onIteration: (_t, fit) => {
      fits.push(fit as KdeFit);
      scoredAfter.push(model.scoredPoints);
    },
  });
  return { model, fits, scoredAfter, trajectory };
}

/** Full rescore: one KDE fit on all the pooled points at once (one flat array, one pass). */
function rescore(model: KdeModel, fit: KdeFit): Float64Array {
  const pool = new Float64Array(fit.count * fit.dimension);
  let offset = 0;
  for (const b of fit.batches) {
    pool.set(b, offset);
    offset += b.length;
  }
  const kde = new KernelDensity({ kernel: fit.kernel, bandwidth: fit.bandwidth }).fitFlat(pool, fit.dimension);
  return kde.scoreSamplesFlat(model.test);
}

/**
 * Largest relative error between two arrays of log densities: relative to |log p| where that is
 * at least 1, else the error of log p itself, which is the relative error of the density p. (Near
 * log p = 0 the log's own relative error is meaningless: one ulp of the O(1)-sized terms it is
 * made of, divided by a number crossing zero.)
 */
function maxRelDiff(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let j = 0; j < a.length; j++) {
    if (a[j] === b[j]) continue; // includes both −Infinity
    worst = Math.max(worst, Math.abs(a[j] - b[j]) / Math.max(1, Math.abs(b[j])));
  }
  return worst;
}

test('Accumulate: incremental scores equal a full rescore of the pool (<= 1e-12 relative) at every iteration', () => {
  const cases: KdeConfig[] = [
    { dataset: 'moons', kernel: 'gaussian', bandwidth: 0.1, samples: 100 },
    { dataset: 'swiss_roll', kernel: 'gaussian', bandwidth: 1, samples: 50 },
    { dataset: 'blobs', kernel: 'gaussian', bandwidth: 0.01, samples: 40 },
    { dataset: 'circles', kernel: 'tophat', bandwidth: 0.2, samples: 60 },
    { dataset: 'moons', kernel: 'gaussian', bandwidth: 'scott', samples: 30 },
    { dataset: 'blobs', kernel: 'tophat', bandwidth: 'silverman', samples: 30 },
  ];
  for (const config of cases) {
    const { model, fits } = runWithFits(config, 'accumulate', 12);
    fits.forEach((fit, i) => {
      assert.equal(fit.count, (i + 1) * config.samples);
      const full = rescore(model, fit);
      const diff = maxRelDiff(fit.testLogDensity!, full);
      assert.ok(diff <= 1e-12, `${JSON.stringify(config)} iteration ${i + 1}: relative difference ${diff}`);
    });
  }
});

test('Accumulate with a fixed bandwidth scores only the new batch: n points per iteration, whatever the iteration', () => {
  const n = 40;
  const { scoredAfter } = runWithFits({ dataset: 'circles', kernel: 'gaussian', bandwidth: 0.5, samples: n }, 'accumulate', 30);
  const perIteration = scoredAfter.map((s, i) => s - (i === 0 ? 0 : scoredAfter[i - 1]));
  assert.deepEqual(perIteration, new Array(30).fill(n));
  // With a bandwidth rule the bandwidth follows m = t·n, so the whole pool is rescored: t·n points.
  const rule = runWithFits({ dataset: 'circles', kernel: 'gaussian', bandwidth: 'scott', samples: n }, 'accumulate', 10).scoredAfter;
  assert.deepEqual(rule.map((s, i) => s - (i === 0 ? 0 : rule[i - 1])), Array.from({ length: 10 }, (_, i) => (i + 1) * n));
});

test("evaluate_at 'log' records t = 1…10, 20…100, 200…; the recorded numbers are those of a full run", () => {
  const recorded = Array.from({ length: 1000 }, (_, i) => i + 1).filter((t) => isEvaluated('log', t));
  assert.equal(recorded.length, 28);
  assert.deepEqual(recorded.slice(8, 12), [9, 10, 20, 30]);
  assert.deepEqual(recorded.slice(-3), [800, 900, 1000]);
  for (const bandwidth of [0.3, 'scott'] as const) {
    for (const workflow of WORKFLOWS) {
      const config: KdeConfig = { dataset: 'moons', kernel: 'gaussian', bandwidth, samples: 20 };
      const full = runWithFits(config, workflow, 25).trajectory.metrics.test_nll;
      const sparse = runWithFits({ ...config, evaluate_at: 'log' }, workflow, 25).trajectory.metrics.test_nll;
      for (let t = 1; t <= 25; t++) {
        if (isEvaluated('log', t)) assert.equal(sparse[t - 1], full[t - 1], `${bandwidth} ${workflow} t=${t}`);
        else assert.ok(Number.isNaN(sparse[t - 1]), `${bandwidth} ${workflow} t=${t} should not be evaluated`);
      }
    }
  }
  // With a rule under Accumulate, only recorded iterations rescore the pool: Σ t·n over t = 1…10, 20.
  const { scoredAfter } = runWithFits({ dataset: 'moons', kernel: 'gaussian', bandwidth: 'scott', samples: 20, evaluate_at: 'log' }, 'accumulate', 25);
  assert.equal(scoredAfter[24], 20 * (55 + 20));
  // A fixed bandwidth under Accumulate keeps its running sums (n new points every iteration); under
  // Replace only the 11 recorded iterations are scored.
  const fixed = (workflow: Workflow) => runWithFits({ dataset: 'moons', kernel: 'gaussian', bandwidth: 0.2, samples: 20, evaluate_at: 'log' }, workflow, 25).scoredAfter[24];
  assert.equal(fixed('accumulate'), 20 * 25);
  assert.equal(fixed('replace'), 20 * 11);
  assert.equal(kdeSetting.validate({ evaluate_at: 'log' }).evaluate_at, 'log');
  assert.equal('evaluate_at' in kdeSetting.identity(kdeSetting.validate({ evaluate_at: 'all' })), false, "the default schedule stays out of the configuration's identity");
  assert.equal(kdeSetting.identity(kdeSetting.validate({ evaluate_at: 'log' })).evaluate_at, 'log');
});

test('the pooled summary keeps batch references, not copies; a fit does not change when the pool grows', () => {
  const { model, fits } = runWithFits({ dataset: 'moons', kernel: 'gaussian', bandwidth: 0.3, samples: 20 }, 'accumulate', 5);
  assert.equal(fits[0].batches[0], model.real);
  assert.equal(fits[4].batches[0], model.real);
  assert.equal(fits[1].batches[1], fits[4].batches[1]);
  assert.equal(fits[0].batches.length, 1);
  assert.equal(fits[4].batches.length, 5);
});

test('Replace and Accumulate-Subsample fit n points; scores equal a fresh KDE on those points', () => {
  for (const workflow of ['replace', 'accumulate-subsample'] as const) {
    const { model, fits, trajectory } = runWithFits({ dataset: 'swiss_roll', kernel: 'gaussian', bandwidth: 'silverman', samples: 30 }, workflow, 6);
    for (const fit of fits) {
      assert.equal(fit.count, 30);
      assert.ok(maxRelDiff(fit.testLogDensity!, rescore(model, fit)) <= 1e-12);
    }
    assert.deepEqual(Array.from(trajectory.trainingSize), new Array(6).fill(30));
  }
});

test('a run is bit-identical for the same configuration and seed; seeds differ; iteration 1 is shared by the workflows', () => {
  const config = kdeSetting.validate({ workflow: 'replace', dataset: 'blobs', bandwidth: '0.5', samples: '32', iterations: '8' });
  const a = kdeSetting.run(config, 3);
  const b = kdeSetting.run(config, 3);
  const c = kdeSetting.run(config, 4);
  assert.deepEqual(a.metrics, b.metrics);
  assert.notDeepEqual(a.metrics.test_nll, c.metrics.test_nll);
  const first = WORKFLOWS.map((workflow) => kdeSetting.run({ ...config, workflow }, 3).metrics.test_nll[0]);
  assert.ok(first.every((v) => v === first[0]), `iteration-1 NLL differs across workflows: ${first}`);
});

test('metrics: test_nll = −mean log density; zero densities make it infinite and are counted', () => {
  const m = kdeMetrics(Float64Array.of(-1, -2, -Infinity, -3));
  assert.equal(m.test_nll, Infinity);
  assert.equal(m.zero_density_share, 0.25);
  assert.equal(m.test_nll_on_support, 2);
  assert.deepEqual(kdeMetrics(Float64Array.of(-1, -3)), { test_nll: 2, zero_density_share: 0, test_nll_on_support: 2 });
  assert.ok(Number.isNaN(kdeMetrics(Float64Array.of(-Infinity)).test_nll_on_support));

  const tophat = kdeSetting.run(kdeSetting.validate({ workflow: 'replace', dataset: 'blobs', kernel: 'tophat', bandwidth: 0.1, samples: 10, iterations: 3 }), 0);
  assert.ok(tophat.metrics.zero_density_share[0] > 0, 'ten points with h = 0.1 leave most blob test points at zero density');
  assert.equal(tophat.metrics.test_nll[0], Infinity);
  const gaussian = kdeSetting.run(kdeSetting.validate({ workflow: 'replace', dataset: 'blobs', bandwidth: 0.01, samples: 10, iterations: 3 }), 0);
  assert.ok(Array.from(gaussian.metrics.test_nll).every(Number.isFinite), 'a Gaussian KDE never gives zero density, even at h = 0.01');
  assert.deepEqual(Array.from(gaussian.metrics.zero_density_share), [0, 0, 0]);
});

test('the model: n real points, a fixed test set of 500 from the same distribution', () => {
  const model = new KdeModel({ dataset: 'swiss_roll', kernel: 'gaussian', bandwidth: 1, samples: 77 }, createRng('m'));
  assert.equal(model.dimension, 3);
  assert.equal(model.real.length, 77 * 3);
  assert.equal(model.test.length, KDE_TEST_POINTS * 3);
  const blobs = new KdeModel({ dataset: 'blobs', kernel: 'gaussian', bandwidth: 1, samples: 900 }, createRng('m'));
  const centers = blobs.source.centers!;
  // train and test: every point lies near one of the SAME three centres (cluster std 1)
  for (const x of [blobs.real, blobs.test]) {
    let far = 0;
    for (let i = 0; i < x.length; i += 2) {
      const r = Math.min(...[0, 1, 2].map((c) => Math.hypot(x[i] - centers[2 * c], x[i + 1] - centers[2 * c + 1])));
      if (r > 5) far++; // P(‖N(0, I₂)‖ > 5) = e^(−12.5) ≈ 4e-6
    }
    assert.equal(far, 0);
  }
});

test('validate: strings as the CLI passes them, defaults, and one-line ConfigErrors naming the value', () => {
  const c = kdeSetting.validate({ workflow: 'accumulate', dataset: 'circles', kernel: 'tophat', bandwidth: '0.316', samples: '316', iterations: '1000' });
  assert.deepEqual(c, { workflow: 'accumulate', dataset: 'circles', kernel: 'tophat', bandwidth: 0.316, samples: 316, iterations: 1000, evaluate_at: 'all' });
  assert.deepEqual(kdeSetting.identity(c), { workflow: 'accumulate', dataset: 'circles', kernel: 'tophat', bandwidth: 0.316, samples: 316, iterations: 1000 });
  assert.equal(kdeSetting.validate({ bandwidth: 'scott' }).bandwidth, 'scott');
  const defaults = kdeSetting.validate({});
  assert.deepEqual(Object.keys(defaults).sort(), ['bandwidth', 'dataset', 'evaluate_at', 'iterations', 'kernel', 'samples', 'workflow']);
  assert.deepEqual(Object.keys(kdeSetting.identity(defaults)).sort(), ['bandwidth', 'dataset', 'iterations', 'kernel', 'samples', 'workflow']);
  const bad: [Record<string, unknown>, string][] = [
    [{ dataset: 'spiral' }, "'spiral'"],
    [{ kernel: 'cosine' }, "'cosine'"],
    [{ bandwidth: 0 }, "bandwidth must be a positive number or one of scott, silverman, got '0'"],
    [{ bandwidth: '-1' }, "got '-1'"],
    [{ bandwidth: 'wide' }, "'wide'"],
    [{ samples: '0' }, 'got 0'],
    [{ samples: 2.5 }, "'2.5'"],
    [{ workflow: 'mix' }, "'mix'"],
    [{ bandwith: 0.1 }, "'bandwith'"],
    [{ evaluate_at: 'sometimes' }, "'sometimes'"],
  ];
  for (const [config, text] of bad) {
    assert.throws(
      () => kdeSetting.validate(config),
      (e: unknown) => e instanceof ConfigError && e.message.includes(text) && !e.message.includes('\n'),
      `${JSON.stringify(config)} should throw naming ${text}`,
    );
  }
});

test('grids: the main grid is 4 data sets × 3 bandwidths × 5 sizes × 3 workflows, T = 100, 100 seeds; all grids validate', () => {
  const main = expandGrid(kdeSetting.grid(undefined, false).grid).map((c) => kdeSetting.validate(c));
  assert.equal(main.length, 4 * 3 * 5 * 3);
  assert.ok(main.every((c) => c.iterations === 100 && c.kernel === 'gaussian'));
  assert.equal(kdeSetting.grid(undefined, false).seeds, 100);
  assert.deepEqual(kdeSetting.grid('main', false), kdeSetting.grid(undefined, false));
  for (const name of ['main', 'bandwidth', 'rules', 'tophat'] as const) {
    for (const quick of [false, true]) {
      const { grid, seeds } = kdeSetting.grid(name, quick);
      assert.ok(seeds >= 1);
      for (const c of expandGrid(grid)) kdeSetting.validate(c);
    }
  }
  assert.equal(kdeSetting.grid('bandwidth', false).grid.iterations[0], 1000);
  assert.equal(kdeSetting.grid('bandwidth', false).grid.bandwidth.length, 9);
  assert.deepEqual(kdeSetting.grid('rules', false).grid.bandwidth, ['scott', 'silverman']);
  assert.deepEqual(kdeSetting.grid('tophat', false).grid.kernel, ['tophat']);
  assert.deepEqual(kdeSetting.columns, ['dataset', 'kernel', 'bandwidth', 'samples']);
  assert.equal(kdeSetting.metrics[0], 'test_nll');
});

test('expectedKdeNll: the NLL of the expected density matches a Monte Carlo average over runs (4 SE), for each workflow', () => {
  const d = 2, n = 5, q = 12, h = 0.4, T = 4, runs = 3000;
  const setup = createRng('expected-nll');
  const real = setup.derive('real').fillNormal(new Float64Array(n * d));
  const test = setup.derive('test').fillNormal(new Float64Array(q * d));
  const densityOf = (batches: Float64Array[]) => {
    const pool = Float64Array.from(batches.flatMap((b) => Array.from(b)));
    return new KernelDensity({ kernel: 'gaussian', bandwidth: h }).fitFlat(pool, d).scoreSamplesFlat(test).map(Math.exp);
  };
  for (const workflow of WORKFLOWS) {
    const expected = expectedKdeNll(real, test, d, h, T, workflow);
    // sum and sum of squares of p_t(y) over runs
    const sum = Array.from({ length: T }, () => new Float64Array(q));
    const sumSq = Array.from({ length: T }, () => new Float64Array(q));
    const rng = createRng(`expected-nll-runs-${workflow}`);
    for (let r = 0; r < runs; r++) {
      const history: Float64Array[] = [real];
      let trained: Float64Array[] = [real];
      for (let t = 1; t <= T; t++) {
        if (t > 1) {
          if (workflow === 'replace') trained = [history[history.length - 1]];
          else if (workflow === 'accumulate') trained = history.slice();
          else {
            const pool = Float64Array.from(history.flatMap((b) => Array.from(b)));
            const picked = rng.choice(pool.length / d, n);
            trained = [Float64Array.from(Array.from(picked).flatMap((i) => Array.from(pool.subarray(i * d, i * d + d))))];
          }
        }
        const p = densityOf(trained);
        for (let y = 0; y < q; y++) {
          sum[t - 1][y] += p[y];
          sumSq[t - 1][y] += p[y] * p[y];
        }
        history.push(sampleKde('gaussian', h, d, trained, n, rng));
      }
    }
    for (let t = 1; t <= T; t++) {
      let nll = 0, se = 0;
      for (let y = 0; y < q; y++) {
        const mean = sum[t - 1][y] / runs;
        const sd = Math.sqrt(Math.max(0, sumSq[t - 1][y] / runs - mean * mean));
        nll -= Math.log(mean) / q;
        se += sd / Math.sqrt(runs) / mean / q; // delta method, errors of the q test points added in full
      }
      assert.ok(Math.abs(nll - expected[t - 1]) <= 4 * se, `${workflow} t=${t}: Monte Carlo ${nll} vs ${expected[t - 1]} (4 SE = ${4 * se})`);
    }
  }
});
