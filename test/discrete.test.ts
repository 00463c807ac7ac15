// The discrete-distribution setting: its exact samplers against their closed-form moments, the
// Wright–Fisher / Pólya-urn laws of Replace and Accumulate, the absorbing collapse, input checks and
// reproducibility. Statistical checks pass when |estimate − theory| ≤ 4 standard errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRng } from '../lib/core/random';
import { ConfigError } from '../lib/core/setting';
import { runLoop, WORKFLOWS, type Workflow } from '../lib/core/workflows';
import {
  countsFromDense,
  countsToDense,
  DiscreteModel,
  entropyOf,
  hypergeometric,
  logHypergeometricPmf,
  mergeCounts,
  sampleMultinomial,
  sampleWithoutReplacement,
  uniformCounts,
  type Counts,
} from '../lib/settings/discrete/model';
import { iterationsToCollapse, replaceCollapseIteration, replaceCollapseTable, type ColumnarTable } from '../lib/settings/discrete/collapse';
import { discreteSetting } from '../lib/settings/discrete/setting';

const Z = 4; // tolerance, in standard errors

/** Mean, its standard error, the sample variance and the standard error of that variance. */
function moments(xs: ArrayLike<number>): { mean: number; se: number; variance: number; varianceSe: number } {
  const R = xs.length;
  let mean = 0;
  for (let i = 0; i < R; i++) mean += xs[i];
  mean /= R;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < R; i++) {
    const d = xs[i] - mean;
    m2 += d * d;
    m4 += d * d * d * d;
  }
  const variance = m2 / (R - 1);
  m4 /= R;
  // Large-sample standard error of the sample variance: sqrt((μ4 − σ⁴)/R).
  const varianceSe = Math.sqrt(Math.max(m4 - (m2 / R) ** 2, 0) / R);
  return { mean, se: Math.sqrt(variance / R), variance, varianceSe };
}

function assertNear(label: string, estimate: number, theory: number, se: number): void {
  const tol = Z * se;
  assert.ok(
    Math.abs(estimate - theory) <= tol,
    `${label}: estimate ${estimate} vs theory ${theory}, |diff| ${Math.abs(estimate - theory)} > ${Z} SE = ${tol}`,
  );
}

/** log C(n, k) by summing logs: slow but independent of the code under test. */
function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
  return s;
}

test('hypergeometric: mean and variance match the closed forms', () => {
  const rng = createRng('test-hypergeometric');
  const cases: [number, number, number][] = [
    [20, 7, 5],
    [1000, 600, 700], // both symmetries used
    [10_000_000, 3_000_000, 100_000], // large: long search from the mode
    [1_000_000_000, 5, 100_000_000], // tiny success count in a huge population
    [60, 1, 59],
  ];
  const R = 20_000;
  for (const [N, K, m] of cases) {
    const xs = new Float64Array(R);
    for (let i = 0; i < R; i++) xs[i] = hypergeometric(N, K, m, rng);
    const { mean, se, variance, varianceSe } = moments(xs);
    const p = K / N;
    const theoryMean = m * p;
    const theoryVar = (m * p * (1 - p) * (N - m)) / (N - 1);
    assertNear(`mean of Hypergeometric(N=${N}, K=${K}, m=${m})`, mean, theoryMean, se);
    assertNear(`variance of Hypergeometric(N=${N}, K=${K}, m=${m})`, variance, theoryVar, varianceSe);
  }
});

test('hypergeometric: degenerate parameters give their only value', () => {
  const rng = createRng('test-hypergeometric-degenerate');
  assert.equal(hypergeometric(50, 50, 10, rng), 10);
  assert.equal(hypergeometric(50, 0, 10, rng), 0);
  assert.equal(hypergeometric(50, 20, 50, rng), 20);
  assert.equal(hypergeometric(50, 20, 0, rng), 0);
  assert.equal(hypergeometric(10, 8, 7, rng) >= 5, true); // at least m + K − N successes
  assert.throws(() => hypergeometric(10, 11, 3, rng), RangeError);
});

test('hypergeometric: log pmf matches exact binomial coefficients, and frequencies match the pmf', () => {
  for (const [N, K, m] of [
    [60, 25, 30],
    [200, 3, 150],
    [5000, 2500, 40],
  ]) {
    let total = 0;
    for (let k = Math.max(0, m + K - N); k <= Math.min(K, m); k++) {
      const exact = logChoose(K, k) + logChoose(N - K, m - k) - logChoose(N, m);
      const ours = logHypergeometricPmf(k, N, K, m);
      assert.ok(Math.abs(ours - exact) <= 1e-11 * Math.max(1, Math.abs(exact)), `log pmf at k=${k} (N=${N}, K=${K}, m=${m}): ${ours} vs ${exact}`);
      total += Math.exp(ours);
    }
    assert.ok(Math.abs(total - 1) < 1e-12, `pmf of (N=${N}, K=${K}, m=${m}) sums to ${total}`);
  }
  // Frequencies of each value of Hypergeometric(30, 12, 10) against its pmf.
  const [N, K, m] = [30, 12, 10];
  const rng = createRng('test-hypergeometric-pmf');
  const R = 50_000;
  const freq = new Float64Array(m + 1);
  for (let i = 0; i < R; i++) freq[hypergeometric(N, K, m, rng)]++;
  for (let k = 0; k <= m; k++) {
    const p = Math.exp(logHypergeometricPmf(k, N, K, m));
    assertNear(`frequency of ${k} in Hypergeometric(30, 12, 10)`, freq[k] / R, p, Math.sqrt((p * (1 - p)) / R) + 1e-12);
  }
});

test('multinomial sampler: each count has mean n·p and variance n·p·(1 − p)', () => {
  const rng = createRng('test-multinomial');
  const dense = [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 4]; // sparse ids 3, 7, 11, 20
  const p = countsFromDense(dense);
  for (const n of [50, 1_000_000]) {
    const R = 20_000;
    const draws = Array.from(p.ids, () => new Float64Array(R));
    for (let r = 0; r < R; r++) {
      const c = sampleMultinomial(p, n, rng);
      assert.equal(c.total, n);
      let sum = 0;
      for (let j = 0; j < c.ids.length; j++) sum += c.counts[j];
      assert.equal(sum, n);
      const full = countsToDense(c, dense.length);
      for (let j = 0; j < p.ids.length; j++) draws[j][r] = full[p.ids[j]];
    }
    for (let j = 0; j < p.ids.length; j++) {
      const pj = p.counts[j] / p.total;
      const { mean, se, variance, varianceSe } = moments(draws[j]);
      assertNear(`mean count of outcome ${p.ids[j]} (n=${n})`, mean, n * pj, se);
      assertNear(`variance of count of outcome ${p.ids[j]} (n=${n})`, variance, n * pj * (1 - pj), varianceSe);
    }
  }
});

test('sampling without replacement: counts are multivariate hypergeometric', () => {
  const rng = createRng('test-without-replacement');
  const pool = countsFromDense([5, 0, 40, 1, 54]);
  const n = 30;
  const R = 20_000;
  const draws = [0, 2, 3, 4].map(() => new Float64Array(R));
  for (let r = 0; r < R; r++) {
    const c = sampleWithoutReplacement(pool, n, rng);
    assert.equal(c.total, n);
    const full = countsToDense(c, 5);
    [0, 2, 3, 4].forEach((id, j) => (draws[j][r] = full[id]));
    for (let j = 0; j < c.ids.length; j++) assert.ok(c.counts[j] <= full[c.ids[j]] && c.counts[j] <= countsToDense(pool, 5)[c.ids[j]]);
  }
  const N = pool.total;
  [0, 2, 3, 4].forEach((id, j) => {
    const p = countsToDense(pool, 5)[id] / N;
    const { mean, se, variance, varianceSe } = moments(draws[j]);
    assertNear(`mean taken from outcome ${id}`, mean, n * p, se);
    assertNear(`variance taken from outcome ${id}`, variance, (n * p * (1 - p) * (N - n)) / (N - 1), varianceSe);
  });
  // Taking everything returns the pool itself.
  assert.deepEqual(countsToDense(sampleWithoutReplacement(pool, N, rng), 5), countsToDense(pool, 5));
});

test('uniform real data: both branches have counts with mean n/K, sorted ids, total n', () => {
  const rng = createRng('test-uniform');
  for (const [K, n] of [
    [7, 3], // fewer draws than outcomes: draw and count
    [7, 100], // more draws: binomial splitting
  ]) {
    const R = 20_000;
    const draws = Array.from({ length: K }, () => new Float64Array(R));
    for (let r = 0; r < R; r++) {
      const c = uniformCounts(K, n, rng);
      assert.equal(c.total, n);
      for (let j = 1; j < c.ids.length; j++) assert.ok(c.ids[j] > c.ids[j - 1], 'ids strictly ascending');
      const full = countsToDense(c, K);
      for (let i = 0; i < K; i++) draws[i][r] = full[i];
    }
    for (let i = 0; i < K; i++) {
      const { mean, se, variance, varianceSe } = moments(draws[i]);
      assertNear(`mean count of outcome ${i} (K=${K}, n=${n})`, mean, n / K, se);
      assertNear(`variance of count of outcome ${i} (K=${K}, n=${n})`, variance, (n * (K - 1)) / (K * K), varianceSe);
    }
  }
});

test('counts helpers: merge adds, take maps global indices, entropy is exactly 0 for one outcome', () => {
  const a = countsFromDense([1, 0, 2]);
  const b = countsFromDense([0, 3, 1, 4]);
  assert.deepEqual(Array.from(countsToDense(mergeCounts(a, b), 4)), [1, 3, 3, 4]);
  assert.equal(mergeCounts(a, b).total, 11);
  const model = new DiscreteModel(4, 3, createRng('take'));
  // Batch a lists its draws as [0, 2, 2]; batch b as [1, 1, 1, 2, 3, 3, 3, 3].
  const taken = model.take([a, b], Int32Array.from([0, 2, 3, 6, 10]));
  assert.deepEqual(Array.from(countsToDense(taken, 4)), [1, 1, 2, 1]);
  assert.equal(entropyOf(countsFromDense([0, 7])), 0);
  assert.ok(Math.abs(entropyOf(countsFromDense([1, 1, 1, 1])) - Math.log(4)) < 1e-15);
});

test('Accumulate-Subsample pools the growing history incrementally, with the same draws as pooling afresh', () => {
  const cached = new DiscreteModel(50, 40, createRng('pool'));
  const history: Counts[] = [cached.real];
  const source = createRng('pool-batches');
  for (let t = 1; t <= 6; t++) {
    const fresh = new DiscreteModel(50, 40, createRng('pool')); // no cache: pools the whole history
    const a = cached.subsample(history, 40, createRng(`draw-${t}`));
    const b = fresh.subsample(history.slice(), 40, createRng(`draw-${t}`));
    assert.deepEqual(Array.from(countsToDense(a, 50)), Array.from(countsToDense(b, 50)), `iteration ${t}`);
    history.push(sampleMultinomial(a, 40, source));
  }
});

/** Runs of the loop for one (K, n, workflow), keeping each iteration's fitted counts. */
function trajectories(K: number, n: number, workflow: Workflow, iterations: number, runs: number, label: string): Counts[][] {
  const out: Counts[][] = [];
  for (let r = 0; r < runs; r++) {
    const base = createRng(`${label}-${r}`);
    const model = new DiscreteModel(K, n, base.derive('real'));
    const fits: Counts[] = [];
    runLoop(model, { workflow, iterations, rng: base.derive('loop'), onIteration: (_t, fit) => fits.push(fit as Counts) });
    out.push(fits);
  }
  return out;
}

function giniSimpson(c: Counts): number {
  let s = 0;
  for (let j = 0; j < c.counts.length; j++) s += (c.counts[j] / c.total) ** 2;
  return 1 - s;
}

test('Replace is a Wright–Fisher chain: E[1 − Σp²] = (1 − 1/K)(1 − 1/n)^t', () => {
  const [K, n, T] = [5, 20, 20];
  const runs = trajectories(K, n, 'replace', T, 4000, 'wright-fisher');
  for (const t of [1, 2, 5, 10, 20]) {
    const { mean, se } = moments(runs.map((fits) => giniSimpson(fits[t - 1])));
    assertNear(`E[1 − Σp²] at iteration ${t} (K=${K}, n=${n})`, mean, (1 - 1 / K) * (1 - 1 / n) ** t, se);
  }
});

test('Accumulate is a Pólya urn: E[Σ C_t²] follows Q_{t+1} = Q_t(1 + 2/t + (n−1)/(n t²)) + n', () => {
  const [K, n, T] = [5, 20, 20];
  const runs = trajectories(K, n, 'accumulate', T, 4000, 'polya');
  // Q_t = E[Σ_i C_{t,i}²] for the pooled counts C_t (t·n draws); the real data are Multinomial(n, 1/K).
  let Q = n + (n * n - n) / K;
  for (let t = 1; t <= T; t++) {
    if ([1, 2, 5, 10, 20].includes(t)) {
      const { mean, se } = moments(runs.map((fits) => 1 - giniSimpson(fits[t - 1])));
      assertNear(`E[Σp²] at iteration ${t} (K=${K}, n=${n})`, mean, Q / (t * n) ** 2, se);
    }
    Q = Q * (1 + 2 / t + (n - 1) / (n * t * t)) + n;
  }
  // Every outcome of the real data stays in the pool: the entropy never reaches 0.
  for (const fits of runs) for (const fit of fits) assert.equal(fit.ids.length, fits[0].ids.length);
});

test('Replace is absorbing: a lost outcome never returns, and entropy 0 stays 0', () => {
  const runs = trajectories(20, 10, 'replace', 200, 200, 'absorbing');
  let collapsed = 0;
  for (const fits of runs) {
    let wasZero = false;
    for (let t = 1; t < fits.length; t++) {
      const before = new Set(fits[t - 1].ids);
      for (const id of fits[t].ids) assert.ok(before.has(id), `outcome ${id} came back at iteration ${t + 1}`);
      const h = entropyOf(fits[t]);
      if (wasZero) assert.equal(h, 0, `entropy left 0 at iteration ${t + 1}`);
      if (h === 0) wasZero = true;
    }
    if (wasZero) {
      collapsed++;
      assert.equal(fits[fits.length - 1].ids.length, 1);
    }
  }
  // With n = 10 the expected collapse is near iteration 20; within 200 iterations essentially every run collapses.
  assert.ok(collapsed >= 195, `only ${collapsed} of 200 runs collapsed within 200 iterations`);
});

test('metrics: entropy fraction is relative to log K and zero proportions count the lost outcomes', () => {
  const config = discreteSetting.validate({ workflow: 'replace', outcomes: 1000, samples: 10, iterations: 30 });
  const tr = discreteSetting.run(config, 3);
  for (let t = 0; t < 30; t++) {
    const alive = tr.metrics.alive[t];
    assert.equal(tr.metrics.zero_proportions[t], 1000 - alive);
    assert.ok(tr.metrics.entropy_fraction[t] <= Math.log(alive) / Math.log(1000) + 1e-15, 'entropy ≤ log(alive)');
    assert.equal(tr.trainingSize[t], 10);
  }
});

test('replaceCollapseIteration agrees with the recorded trajectories (same model, same streams)', () => {
  const T = 400;
  const columns: Record<string, unknown[]> = { workflow: [], outcomes: [], samples: [], seed: [], iteration: [], entropy_fraction: [] };
  const expected = new Map<number, number | null>();
  for (let seed = 0; seed < 20; seed++) {
    const config = discreteSetting.validate({ workflow: 'replace', outcomes: 10, samples: 10, iterations: T });
    const tr = discreteSetting.run(config, seed);
    for (let t = 1; t <= T; t++) {
      columns.workflow.push('replace');
      columns.outcomes.push(10);
      columns.samples.push(10);
      columns.seed.push(seed);
      columns.iteration.push(t);
      columns.entropy_fraction.push(tr.metrics.entropy_fraction[t - 1]);
    }
    expected.set(seed, replaceCollapseIteration(10, 10, seed, T));
  }
  const table: ColumnarTable = { numRows: () => columns.iteration.length, array: (name) => columns[name] };
  const rows = iterationsToCollapse(table);
  assert.equal(rows.length, 20);
  for (const row of rows) {
    assert.notEqual(row.collapse_iteration, null, `seed ${row.seed} did not collapse within ${T}`);
    assert.equal(row.collapse_iteration, expected.get(row.seed), `seed ${row.seed}`);
    assert.equal(row.cap, T);
  }
  // A cap below the collapse reports null.
  const first = rows[0].collapse_iteration as number;
  assert.equal(replaceCollapseIteration(10, 10, rows[0].seed, first - 1), null);
});

test('replaceCollapseTable: the same collapse iterations on worker threads, in this thread and from its cache', async () => {
  const previous = process.env.COLLAPSE_CACHE_DIR;
  process.env.COLLAPSE_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-table-'));
  try {
    const options = { outcomes: [10, 1000], samples: [10, 30], seeds: 4, progress: false };
    const direct = [10, 1000].flatMap((K) => [10, 30].flatMap((n) => [0, 1, 2, 3].map((seed) => replaceCollapseIteration(K, n, seed))));
    const onWorkers = await replaceCollapseTable({ ...options, workers: 2 });
    assert.deepEqual(onWorkers.map((r) => r.collapse_iteration), direct);
    assert.deepEqual(onWorkers.map((r) => [r.outcomes, r.samples, r.seed, r.cap]).slice(0, 5), [[10, 10, 0, 1200], [10, 10, 1, 1200], [10, 10, 2, 1200], [10, 10, 3, 1200], [10, 30, 0, 1600]]);
    const files = fs.readdirSync(path.join(process.env.COLLAPSE_CACHE_DIR, 'discrete-collapse'));
    assert.equal(files.length, 16);
    // A cached result is read back rather than recomputed (planted value), and the in-thread path agrees.
    const planted = path.join(process.env.COLLAPSE_CACHE_DIR, 'discrete-collapse', files[0]);
    const entry = JSON.parse(fs.readFileSync(planted, 'utf8'));
    // entries are checked when read, so the planted value must be a possible one (a collapse iteration in 1..cap)
    const plantedValue = entry.value === 1 ? 2 : 1;
    fs.writeFileSync(planted, JSON.stringify({ ...entry, value: plantedValue }));
    const cached = await replaceCollapseTable({ ...options, workers: 1 });
    const differing = cached.map((r, i) => [r.collapse_iteration, direct[i]]).filter(([c, d]) => c !== d);
    assert.deepEqual(differing, [[plantedValue, entry.value]]);
    const fresh = await replaceCollapseTable({ ...options, workers: 1, cache: false });
    assert.deepEqual(fresh.map((r) => r.collapse_iteration), direct);
  } finally {
    if (previous === undefined) delete process.env.COLLAPSE_CACHE_DIR;
    else process.env.COLLAPSE_CACHE_DIR = previous;
  }
});

test('same configuration and seed give bit-identical trajectories', () => {
  for (const workflow of WORKFLOWS) {
    const config = discreteSetting.validate({ workflow, outcomes: '100', samples: '1000', iterations: '15' });
    const a = discreteSetting.run(config, 7);
    const b = discreteSetting.run(config, 7);
    for (const name of discreteSetting.metrics) {
      assert.deepEqual(Buffer.from(a.metrics[name].buffer), Buffer.from(b.metrics[name].buffer), `${workflow} ${name}`);
    }
    const c = discreteSetting.run(config, 8);
    assert.notDeepEqual(Array.from(a.metrics.entropy_fraction), Array.from(c.metrics.entropy_fraction), 'another seed differs');
  }
});

test('bad input throws ConfigError naming the parameter and value', () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ workflow: 'replace', outcomes: 1 }, /outcomes.*1/],
    [{ workflow: 'replace', outcomes: '0' }, /outcomes.*0/],
    [{ workflow: 'replace', outcomes: 'ten' }, /outcomes.*'ten'/],
    [{ workflow: 'replace', outcomes: 2.5 }, /outcomes.*2\.5/],
    [{ workflow: 'replace', samples: 0 }, /samples.*0/],
    [{ workflow: 'replace', samples: 'abc' }, /samples.*'abc'/],
    [{ workflow: 'replace', iterations: 0 }, /iterations.*0/],
    [{ workflow: 'recycle' }, /workflow.*'recycle'/],
    [{ workflow: 'replace', outcome: 10 }, /unknown parameter 'outcome'/],
  ];
  for (const [config, message] of bad) {
    assert.throws(() => discreteSetting.validate(config), (e: unknown) => e instanceof ConfigError && message.test(e.message) && !e.message.includes('\n'), JSON.stringify(config));
  }
  const ok = discreteSetting.validate({ workflow: 'accumulate', outcomes: '10', samples: '100' });
  assert.deepEqual(ok, { workflow: 'accumulate', iterations: 100, outcomes: 10, samples: 100 });
});

// The command line runs the compiled library (npm run build).
const cliTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-discrete-cli-'));
function collapse(...args: string[]) {
  const env = { ...process.env, COLLAPSE_CACHE_DIR: path.join(cliTmp, 'cache'), COLLAPSE_WORKERS: '1' };
  return spawnSync(process.execPath, [path.join(__dirname, '..', 'bin', 'collapse.js'), ...args], { encoding: 'utf8', env, cwd: cliTmp });
}

test('collapse run discrete: exact leading CSV columns, one row per run and iteration', () => {
  const out = path.join(cliTmp, 'discrete.csv');
  const r = collapse('run', 'discrete', '--workflow', 'replace,accumulate-subsample', '--outcomes', '10,1000', '--samples', '100', '--iterations', '5', '--seeds', '2', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
  assert.ok(lines[0].startsWith('workflow,outcomes,samples,seed,iteration,entropy_fraction,zero_proportions'), lines[0]);
  assert.equal(lines.length, 1 + 2 * 2 * 1 * 2 * 5);
});

const badFlags: [string[], RegExp][] = [
  [['--outcomes', '1'], /outcomes must be >= 2, got 1/],
  [['--samples', '0'], /samples must be >= 1, got 0/],
  [['--outcomes', '10,many'], /outcomes must be an integer, got 'many'/],
];
for (const [args, message] of badFlags) {
  test(`collapse run discrete ${args.join(' ')}: one line, non-zero exit, no output`, () => {
    const out = path.join(cliTmp, `bad-${args.join('_')}.csv`);
    const r = collapse('run', 'discrete', ...args, '--out', out);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(fs.existsSync(out), false);
  });
}
