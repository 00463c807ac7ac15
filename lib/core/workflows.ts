// The model-fitting loop, written once for every task setting (the paper's §1 and its first figure:
// Replace, Accumulate, Accumulate-Subsample). A task setting supplies a Model: how to summarise a batch of data, how to pool two
// summaries, how to fit, sample and evaluate. The loop decides what each iteration trains on.
//
// Why summaries: Accumulate trains at iteration t on all t·n points seen so far. Refitting on the whole
// pool costs O(t·n) per iteration; pooling sufficient statistics (a running mean and scatter, a
// running log-sum-exp per test point, counts) costs O(n), with exactly the same fit.
import type { Rng } from './random';

export const WORKFLOWS = ['replace', 'accumulate', 'accumulate-subsample'] as const;
export type Workflow = (typeof WORKFLOWS)[number];

/** Human-readable names, as in the paper's figures. */
export const WORKFLOW_LABELS: Record<Workflow, string> = {
  replace: 'Replace',
  accumulate: 'Accumulate',
  'accumulate-subsample': 'Accumulate-Subsample',
};

export type Metrics = Record<string, number>;

/** What the loop tells a model at each call: a model keeps no count of its own calls. */
export interface LoopContext {
  /** The model-fitting iteration, 1 = the fit on the real data. */
  readonly iteration: number;
  readonly workflow: Workflow;
}

/** A batch sampled together with what its sampling measured (e.g. the share of malformed samples). */
export interface Sampled<Batch> {
  batch: Batch;
  /** Recorded with the fit that trains on this batch: iteration t + 1 for model t's samples. */
  metrics: Metrics;
  /** Anything a caller may want to keep of the round (examples of samples), passed to onSample. */
  detail?: unknown;
}

/**
 * A generative model in one task setting, with its real data and evaluation fixed.
 * Batch: a set of data points. Summary: what a fit needs from a training set; `merge` pools two.
 */
export interface Model<Batch, Summary, Fit> {
  /** The real data D_real (n points). */
  readonly real: Batch;
  /** Number of points in a batch. */
  size(batch: Batch): number;
  /** Summary of one batch. Must not keep a reference the caller will mutate. */
  summarize(batch: Batch): Summary;
  /** Pool `other` into `into` (may mutate and return `into`): the summary of the union. */
  merge(into: Summary, other: Summary): Summary;
  /** The points with these global indices, counting through `batches` in order (Accumulate-Subsample). */
  take(batches: readonly Batch[], indices: Int32Array): Batch;
  /** Optional faster exact subsample: n points drawn uniformly without replacement from the batches. */
  subsample?(batches: readonly Batch[], n: number, rng: Rng): Batch;
  fit(summary: Summary, context: LoopContext): Fit;
  sample(fit: Fit, n: number, rng: Rng, context: LoopContext): Batch;
  /** Optional: sample and report measurements of the sampling, instead of `sample`. */
  sampleMeasured?(fit: Fit, n: number, rng: Rng, context: LoopContext): Sampled<Batch>;
  /**
   * Optional: the summary of n fresh samples, drawn without drawing the points (e.g. a Gaussian's
   * mean and scatter straight from their sampling distributions). Replace and Accumulate never look
   * at the points, so they use it when offered; it must equal summarize(sample(fit, n)) in distribution.
   */
  sampleSummary?(fit: Fit, n: number, rng: Rng): Summary | undefined;
  evaluate(fit: Fit, context: LoopContext): Metrics;
}

export interface LoopOptions<F = unknown> {
  workflow: Workflow;
  iterations: number;
  /** Randomness of the loop itself: synthetic samples and subsample draws. */
  rng: Rng;
  /** Called after each iteration's fit, e.g. to keep samples for a figure. */
  onIteration?: (iteration: number, fit: F, trainingSize: number) => void;
  /** Called after each sampling round with the sampling's detail (models with sampleMeasured). */
  onSample?: (iteration: number, sampled: Sampled<unknown>) => void;
  /** Stop after the first iteration whose metrics satisfy this (e.g. an absorbing state); `iterations` stays the cap. */
  stopWhen?: (metrics: Metrics, iteration: number) => boolean;
}

/** One run's trajectory: metrics[name][t − 1] is the metric of iteration t; trainingSize likewise.
 *  `iterations` is the number recorded: the loop's cap, or fewer when `stopWhen` ended it. */
export interface Trajectory {
  iterations: number;
  trainingSize: Float64Array;
  metrics: Record<string, Float64Array>;
}

/** Global indices without replacement, mapped to (batch, row) for the default subsample. */
function subsampleByIndex<B>(model: Model<B, unknown, unknown>, batches: readonly B[], n: number, rng: Rng): B {
  let total = 0;
  for (const b of batches) total += model.size(b);
  return model.take(batches, rng.choice(total, Math.min(n, total)));
}

/**
 * Run the loop. Iteration 1 fits the real data under every workflow; iteration t > 1 trains on
 *   replace:               the n points sampled by model t−1
 *   accumulate:            the real data and every synthetic batch so far (t·n points)
 *   accumulate-subsample:  n points drawn uniformly without replacement from that pool
 */
export function runLoop<B, S, F>(model: Model<B, S, F>, options: LoopOptions<F>): Trajectory {
  const { workflow, iterations, rng } = options;
  if (!WORKFLOWS.includes(workflow)) throw new RangeError(`unknown workflow: ${workflow}`);
  if (!(Number.isInteger(iterations) && iterations >= 1)) throw new RangeError(`iterations must be an integer >= 1, got ${iterations}`);
  const n = model.size(model.real);
  // Recorded columns grow by doubling, so a loop that may stop early (stopWhen) under a large cap does not
  // allocate the cap up front.
  let capacity = options.stopWhen ? Math.min(iterations, 1024) : iterations;
  let trainingSize = new Float64Array(capacity);
  const metrics: Record<string, Float64Array> = {};
  const grow = (a: Float64Array) => {
    const b = new Float64Array(capacity).fill(NaN);
    b.set(a);
    return b;
  };

  const history: B[] = [model.real]; // every batch so far: only Accumulate-Subsample needs them
  let pooled: S | undefined; // Accumulate's running summary
  let latest: S = model.summarize(model.real); // summary of the newest batch

  let measured: Metrics | undefined; // what sampling the batch of iteration t measured
  const draw = (fit: F, ctx: LoopContext): B => {
    if (!model.sampleMeasured) return model.sample(fit, n, rng, ctx);
    const s = model.sampleMeasured(fit, n, rng, ctx);
    measured = s.metrics;
    options.onSample?.(ctx.iteration, s);
    return s.batch;
  };

  let t = 1;
  for (; t <= iterations; t++) {
    const ctx: LoopContext = { iteration: t, workflow };
    let summary: S;
    let size: number;
    if (workflow === 'accumulate') {
      pooled = pooled === undefined ? latest : model.merge(pooled, latest);
      summary = pooled;
      size = t * n;
    } else if (workflow === 'replace' || t === 1) {
      summary = latest;
      size = n;
    } else {
      const picked = model.subsample ? model.subsample(history, n, rng) : subsampleByIndex(model, history, n, rng);
      summary = model.summarize(picked);
      size = model.size(picked);
    }
    const fit = model.fit(summary, ctx);
    if (t > capacity) {
      capacity = Math.min(iterations, 2 * capacity);
      trainingSize = grow(trainingSize);
      for (const name of Object.keys(metrics)) metrics[name] = grow(metrics[name]);
    }
    trainingSize[t - 1] = size;
    const m = { ...model.evaluate(fit, ctx), ...measured };
    measured = undefined;
    for (const [name, value] of Object.entries(m)) {
      if (!metrics[name]) metrics[name] = new Float64Array(capacity).fill(NaN);
      metrics[name][t - 1] = value;
    }
    options.onIteration?.(t, fit, size);
    if (options.stopWhen?.(m, t)) break;
    if (t < iterations) {
      if (workflow === 'accumulate-subsample') {
        history.push(draw(fit, ctx));
      } else {
        latest = model.sampleSummary?.(fit, n, rng) ?? model.summarize(draw(fit, ctx));
      }
    }
  }
  const recorded = Math.min(t, iterations);
  if (recorded < capacity) {
    trainingSize = trainingSize.slice(0, recorded);
    for (const name of Object.keys(metrics)) metrics[name] = metrics[name].slice(0, recorded);
  }
  return { iterations: recorded, trainingSize, metrics };
}

/** Expected share of real data in the training set at iteration t (the paper's first figure). */
export function expectedRealShare(workflow: Workflow, t: number): number {
  if (t === 1) return 1;
  return workflow === 'replace' ? 0 : 1 / t;
}
