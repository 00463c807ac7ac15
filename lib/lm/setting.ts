// Setting 3 of the paper: language-model fine-tuning (PAPER.md §3), re-scaled to a CPU.
//
// Real data D_real: R WordNet conversations drawn from the real training pool. Each iteration starts
// again from the shipped base model, fine-tunes it on the workflow's training set (FINE_TUNE: 4 epochs,
// batch 16, Adam 1e-2), and records test_loss, the cross-entropy in nats per character (the end token
// counts as one) on the 500 real held-out conversations. Then it samples as many well-formed
// synthetic conversations as there are real ones (sample.ts).
//
// Metrics at iteration t:
//   test_loss            the fit of iteration t on real held-out data;
//   rejected_share       share of model t−1's samples rejected as malformed while drawing the synthetic
//                        batch that entered at iteration t (NaN at t = 1: the real data are not sampled);
//   mean_sample_length   mean length in characters of that batch's kept conversations (NaN at t = 1);
//   train_loss           the fine-tuning loss of the last epoch of iteration t.
// The loop samples after it evaluates, so the sampling statistics of model t−1 are reported with the
// next fit — where, under Replace, that batch is exactly the training set. A model that does not
// yield R well-formed samples in 50·R draws stops the run with an error rather than train on fewer.
//
// Randomness: D_real and the fine-tuning order come from the run's 'real' stream (shared by the
// workflows at a seed: a paired comparison), sampling from the loop's stream. Same seed, same numbers
// (on the same tfjs backend: wasm and tfjs-node round differently).
import { batchOf, batchStarts } from '../batches';
import type { Rng } from '../random';
import { ConfigError, intParam, workflowParam, type Grid, type RunConfig, type TaskSetting } from '../setting';
import type { Metrics, Model } from '../workflows';
import { wordnetSplit } from './corpus';
import type { GruParams } from './gru';
import { loadBaseModel, parseModelSize, MODEL_SIZES, HIDDEN_UNITS, type ModelSize } from './models';
import { sampleWellFormed } from './sample';
import { defaultTokenizer } from './tokenizer';
import { evaluateLoss, FINE_TUNE, train } from './train';

export interface LmConfig {
  model: ModelSize;
  /** R: real conversations, and synthetic ones per iteration. */
  samples: number;
}

/** A training set: the batches it pools, by reference (pooling is O(1), never a copy). */
export interface LmSummary {
  batches: (readonly string[])[];
  count: number;
}

export interface LmFit {
  params: GruParams;
  /** Mean training loss of the last fine-tuning epoch (nats per character). */
  trainLoss: number;
  trainingSize: number;
}

/** What the model keeps of each sampling round, for the notebooks (the loop itself only needs metrics). */
export interface SampleRecord {
  /** The fitted model's iteration. */
  iteration: number;
  rejectedShare: number;
  meanLength: number;
  /** The first few kept and rejected samples. */
  kept: string[];
  rejected: string[];
}

/** Draw R real conversations from the real training pool. */
export function drawRealConversations(count: number, rng: Rng): string[] {
  const pool = wordnetSplit().train;
  return Array.from(rng.choice(pool.length, count), (i) => pool[i]);
}

/** Fine-tune a fresh copy of the base model on conversations (FINE_TUNE recipe). */
export function fineTune(model: ModelSize, conversations: readonly string[], rng: Rng): LmFit {
  const tok = defaultTokenizer();
  const { params } = loadBaseModel(model);
  if (conversations.length === 0) return { params, trainLoss: NaN, trainingSize: 0 };
  const report = train(params, conversations.map((c) => tok.encodeSequence(c)), FINE_TUNE, rng);
  return { params, trainLoss: report.epochLoss[report.epochLoss.length - 1], trainingSize: conversations.length };
}

let testSequences: Int32Array[] | undefined;

/** Cross-entropy (nats per character) on the real held-out conversations. */
export function heldOutLoss(params: GruParams): number {
  if (!testSequences) {
    const tok = defaultTokenizer();
    testSequences = wordnetSplit().test.map((c) => tok.encodeSequence(c));
  }
  return evaluateLoss(params, testSequences);
}

/**
 * What every language-model setting does with batches of conversations: a summary pools batches by
 * reference, and a subsample maps global indices through them. Subclasses fit, sample and evaluate.
 */
export abstract class ConversationModel implements Model<readonly string[], LmSummary, LmFit> {
  abstract readonly real: readonly string[];

  size(batch: readonly string[]): number {
    return batch.length;
  }

  summarize(batch: readonly string[]): LmSummary {
    return { batches: [batch], count: batch.length };
  }

  merge(into: LmSummary, other: LmSummary): LmSummary {
    into.batches.push(...other.batches);
    into.count += other.count;
    return into;
  }

  take(batches: readonly (readonly string[])[], indices: Int32Array): string[] {
    const starts = batchStarts(batches.map((b) => b.length));
    return Array.from(indices, (g) => {
      const k = batchOf(starts, g);
      return batches[k][g - starts[k]];
    });
  }

  /** The conversations of a training set, in pooled order. */
  protected conversationsOf(summary: LmSummary): readonly string[] {
    return summary.batches.length === 1 ? summary.batches[0] : summary.batches.flat();
  }

  abstract fit(summary: LmSummary): LmFit;
  abstract sample(fit: LmFit, n: number, rng: Rng): readonly string[];
  abstract evaluate(fit: LmFit): Metrics;
}

export class LmModel extends ConversationModel {
  readonly real: readonly string[];
  /** One record per sampling round (model t's samples), for the notebooks. */
  readonly sampleLog: SampleRecord[] = [];
  private readonly fitRng: Rng;
  private fits = 0;
  private pending: { rejectedShare: number; meanLength: number } | undefined;

  constructor(readonly config: LmConfig, rng: Rng, private readonly logExamples = 8) {
    super();
    this.real = drawRealConversations(config.samples, rng.derive('real-data'));
    this.fitRng = rng.derive('fine-tune');
  }

  fit(summary: LmSummary): LmFit {
    this.fits++;
    return fineTune(this.config.model, this.conversationsOf(summary), this.fitRng.derive(`fit:${this.fits}`));
  }

  sample(fit: LmFit, n: number, rng: Rng): string[] {
    const s = sampleWellFormed(fit.params, n, rng);
    const meanLength = s.kept.length ? s.kept.reduce((a, c) => a + c.length, 0) / s.kept.length : NaN;
    this.pending = { rejectedShare: s.rejectedShare, meanLength };
    this.sampleLog.push({ iteration: this.fits, rejectedShare: s.rejectedShare, meanLength, kept: s.kept.slice(0, this.logExamples), rejected: s.rejectedExamples });
    return s.kept;
  }

  evaluate(fit: LmFit): Metrics {
    const m: Metrics = {
      test_loss: heldOutLoss(fit.params),
      rejected_share: this.pending?.rejectedShare ?? NaN,
      mean_sample_length: this.pending?.meanLength ?? NaN,
      train_loss: fit.trainLoss,
    };
    this.pending = undefined;
    return m;
  }
}

/** Check the setting's own keys (model, samples); throws ConfigError naming the bad value. */
export function parseLmConfig(c: Record<string, unknown>): LmConfig {
  const model = parseModelSize(c.model ?? 'small');
  const samples = intParam('samples', c.samples ?? 500, 1);
  const pool = wordnetSplit().train.length;
  if (samples > pool) throw new ConfigError(`samples must be <= ${pool} (the real training pool), got ${samples}`);
  return { model, samples };
}

export const lmSetting: TaskSetting = {
  name: 'lm',
  configColumns: ['model', 'samples'],
  metricColumns: ['test_loss', 'rejected_share', 'mean_sample_length', 'train_loss'],
  flags: [
    { name: 'model', list: true },
    { name: 'samples', list: false },
  ],
  codeFiles: [
    'lm/setting.ts', 'lm/corpus.ts', 'lm/tokenizer.ts', 'lm/gru.ts', 'lm/device.ts', 'lm/backend.ts', 'lm/train.ts', 'lm/sample.ts', 'lm/models.ts', 'lm/weights.ts',
    // the shipped base models and vocabulary decide the numbers too (their manifests carry checksums)
    '../data/lm/base-small.json', '../data/lm/base-medium.json', '../data/lm/vocab.json', '../data/lm/wordnet-split.json',
  ],
  // Full: Replace and Accumulate, 2 sizes × 3 seeds, about 11 minutes on 2 cores (notebook 05; 2 seeds
  // took 7.4); Accumulate costs T(T+1)/2 fine-tunes of R conversations, the others T. Quick: about a
  // minute, for CI and first looks.
  grid: (quick): Grid =>
    quick
      ? { workflow: ['replace', 'accumulate', 'accumulate-subsample'], model: [...MODEL_SIZES], samples: [200], iterations: [3] }
      : { workflow: ['replace', 'accumulate', 'accumulate-subsample'], model: [...MODEL_SIZES], samples: [500], iterations: [6] },
  seeds: (quick) => (quick ? 1 : 3), // the paper ran 3 seeds
  validate(c): RunConfig {
    const { model, samples } = parseLmConfig(c);
    return { workflow: workflowParam(c.workflow ?? 'replace'), iterations: intParam('iterations', c.iterations ?? 5, 1), model, samples };
  },
  // Fine-tuning dominates: characters trained ∝ training-set sizes summed over iterations, times a
  // per-character cost that grows with the width (measured: medium ≈ 2× small).
  cost(c): number {
    const t = Number(c.iterations);
    const sizes = c.workflow === 'accumulate' ? (t * (t + 1)) / 2 : t;
    return Number(c.samples) * sizes * (HIDDEN_UNITS[c.model as ModelSize] / 64);
  },
  createModel: (config, rng) => new LmModel(parseLmConfig(config), rng),
};
