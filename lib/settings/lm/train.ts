// Training and evaluation of the GRU language model: minibatch Adam with global-norm clipping, every
// random draw (the order of examples) from the caller's Rng, so a seed fixes the result.
import type { Rng } from '../../core/random';
import { GruDevice, PARAM_NAMES, lossAndGradient, sequenceLoss, zeroGradients, type Gradients, type GruParams } from './gru';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Clip the gradient's global norm to this (stabilises BPTT). */
  clipNorm: number;
  /** Share of the steps over which the learning rate rises linearly to its value, then stays constant (the paper's 5 %). */
  warmup?: number;
}

/**
 * Fine-tuning recipe of every iteration. The prototype's 4 epochs and batch 16, with the learning rate
 * raised from 3e-3 to 1e-2: on 500 real conversations that lowered the held-out loss of both base
 * models (small 1.700 → 1.637, medium 1.558 → 1.530 nats/char) and raised the share of well-formed
 * samples (small 3 % → 16 %, medium 14 % → 55 %). 8 epochs overfit the medium model.
 */
export const FINE_TUNE: TrainOptions = { epochs: 4, batchSize: 16, learningRate: 1e-2, clipNorm: 1 };

/** Adam (Kingma & Ba) with bias correction; state per parameter array. */
export class Adam {
  private readonly m: Gradients;
  private readonly v: Gradients;
  private step = 0;
  constructor(
    private readonly params: GruParams,
    private readonly lr: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    this.m = zeroGradients(params);
    this.v = zeroGradients(params);
  }

  apply(grads: Gradients, learningRate = this.lr): void {
    this.step++;
    const c1 = 1 - Math.pow(this.beta1, this.step);
    const c2 = 1 - Math.pow(this.beta2, this.step);
    for (const name of PARAM_NAMES) {
      const w = this.params[name];
      const g = grads[name];
      const m = this.m[name];
      const v = this.v[name];
      for (let i = 0; i < w.length; i++) {
        m[i] = this.beta1 * m[i] + (1 - this.beta1) * g[i];
        v[i] = this.beta2 * v[i] + (1 - this.beta2) * g[i] * g[i];
        w[i] -= (learningRate * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + this.eps);
      }
    }
  }
}

function clipGlobalNorm(grads: Gradients, maxNorm: number): number {
  let sq = 0;
  for (const name of PARAM_NAMES) for (const g of grads[name]) sq += g * g;
  const norm = Math.sqrt(sq);
  if (norm > maxNorm) {
    const s = maxNorm / norm;
    for (const name of PARAM_NAMES) {
      const g = grads[name];
      for (let i = 0; i < g.length; i++) g[i] *= s;
    }
  }
  return norm;
}

/** One optimizer's state on one set of parameters: `step(batch)` is a minibatch update. */
export class Trainer {
  readonly device: GruDevice;
  private readonly adam: Adam;
  private readonly grads: Gradients;

  constructor(readonly params: GruParams, private readonly options: Pick<TrainOptions, 'learningRate' | 'clipNorm'>) {
    this.device = new GruDevice(params);
    this.adam = new Adam(params, options.learningRate);
    this.grads = zeroGradients(params);
  }

  /** One Adam step on a minibatch; returns its mean loss (nats per predicted token). */
  step(batch: readonly Int32Array[], learningRate = this.options.learningRate): number {
    for (const name of PARAM_NAMES) this.grads[name].fill(0);
    const loss = lossAndGradient(this.device, batch, this.grads);
    clipGlobalNorm(this.grads, this.options.clipNorm);
    this.adam.apply(this.grads, learningRate);
    this.device.refresh();
    return loss;
  }

  dispose(): void {
    this.device.dispose();
  }
}

export interface TrainReport {
  /** Mean training loss (nats per token) of each epoch. */
  epochLoss: number[];
  steps: number;
  tokens: number;
}

/**
 * Train `params` in place on token sequences (each BOS … EOS): `epochs` passes, each in a fresh random
 * order from `rng`, minibatches of `batchSize`.
 */
export function train(params: GruParams, sequences: readonly Int32Array[], options: TrainOptions, rng: Rng, onStep?: (step: number, total: number) => void): TrainReport {
  const trainer = new Trainer(params, options);
  const report: TrainReport = { epochLoss: [], steps: 0, tokens: 0 };
  const order = Int32Array.from(sequences, (_, i) => i);
  const total = options.epochs * Math.ceil(sequences.length / options.batchSize);
  const warmupSteps = Math.ceil((options.warmup ?? 0) * total);
  const rate = (step: number) => (step < warmupSteps ? (options.learningRate * (step + 1)) / warmupSteps : options.learningRate);
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      rng.shuffle(order);
      let lossSum = 0;
      let tokenSum = 0;
      for (let start = 0; start < order.length; start += options.batchSize) {
        const batch = Array.from(order.subarray(start, start + options.batchSize), (i) => sequences[i]);
        const tokens = batch.reduce((a, s) => a + s.length - 1, 0);
        lossSum += trainer.step(batch, rate(report.steps)) * tokens;
        tokenSum += tokens;
        report.steps++;
        onStep?.(report.steps, total);
      }
      report.epochLoss.push(tokenSum > 0 ? lossSum / tokenSum : NaN);
      report.tokens += tokenSum;
    }
  } finally {
    trainer.dispose();
  }
  return report;
}

/** Cross-entropy in nats per predicted token (characters and the end token) over the sequences. */
export function evaluateLoss(params: GruParams, sequences: readonly Int32Array[], chunk = 256): number {
  const dev = new GruDevice(params);
  let nll = 0;
  let tokens = 0;
  try {
    for (let start = 0; start < sequences.length; start += chunk) {
      const r = sequenceLoss(dev, sequences.slice(start, start + chunk));
      nll += r.nll;
      tokens += r.tokens;
    }
  } finally {
    dev.dispose();
  }
  return nll / tokens;
}
