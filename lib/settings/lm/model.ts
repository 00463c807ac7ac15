// The paper's third setting, language-model fine-tuning (§2.3 and Fig. 3 of the paper), re-scaled to a CPU.
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
import { batchOf, batchStarts } from '../../core/batches';
import type { Rng } from '../../core/random';
import type { LoopContext, Metrics, Model, Sampled } from '../../core/workflows';
import { wordnetSplit } from './corpus';
import type { GruParams } from './gru';
import { loadBaseModel, type ModelSize } from './models';
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
  /** The conversations it was fine-tuned on (a reference), for the copy share of its samples. */
  training: readonly string[];
  /** Held-out loss on the first CURVE_CONVERSATIONS test conversations during fine-tuning: the learning curve. */
  curve: { step: number; loss: number }[];
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

/** Test conversations the learning curve is measured on (the first of the held-out set), and its points. */
export const CURVE_CONVERSATIONS = 100;
const CURVE_POINTS = 4;

let testSequences: Int32Array[] | undefined;
const baseCurveLoss = new Map<string, number>(); // by the base weights' checksum
function testSet(): Int32Array[] {
  if (!testSequences) {
    const tok = defaultTokenizer();
    testSequences = wordnetSplit().test.map((c) => tok.encodeSequence(c));
  }
  return testSequences;
}

/**
 * Fine-tune a fresh copy of the base model on conversations (FINE_TUNE recipe), measuring the held-out
 * loss on CURVE_CONVERSATIONS test conversations before training and after each quarter of the steps.
 * Measuring reads the weights only, so the fine-tuned model is the same with or without it.
 */
export function fineTune(model: ModelSize, conversations: readonly string[], rng: Rng): LmFit {
  const tok = defaultTokenizer();
  const { params, manifest } = loadBaseModel(model);
  const subset = testSet().slice(0, CURVE_CONVERSATIONS);
  const base = baseCurveLoss.get(manifest.sha256) ?? evaluateLoss(params, subset); // the same base model every time
  baseCurveLoss.set(manifest.sha256, base);
  const curve = [{ step: 0, loss: base }];
  if (conversations.length === 0) return { params, training: conversations, curve, trainLoss: NaN, trainingSize: 0 };
  let next = 1;
  const report = train(params, conversations.map((c) => tok.encodeSequence(c)), FINE_TUNE, rng, (step, total) => {
    if (step >= Math.ceil((next * total) / CURVE_POINTS)) {
      curve.push({ step, loss: evaluateLoss(params, subset) });
      next++;
    }
  });
  return { params, training: conversations, curve, trainLoss: report.epochLoss[report.epochLoss.length - 1], trainingSize: conversations.length };
}

/** Share of distinct character n-grams among all n-grams of the conversations (1 = no n-gram repeats). */
export function distinctNgrams(conversations: readonly string[], n = 4): number {
  const seen = new Set<string>();
  let total = 0;
  for (const c of conversations) {
    for (let i = 0; i + n <= c.length; i++) {
      seen.add(c.slice(i, i + n));
      total++;
    }
  }
  return total > 0 ? seen.size / total : NaN;
}

/** Cross-entropy (nats per character) on the real held-out conversations. */
export function heldOutLoss(params: GruParams): number {
  return evaluateLoss(params, testSet());
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

  abstract fit(summary: LmSummary, context: LoopContext): LmFit;
  abstract sample(fit: LmFit, n: number, rng: Rng, context: LoopContext): readonly string[];
  abstract evaluate(fit: LmFit, context: LoopContext): Metrics;
}

export class LmModel extends ConversationModel {
  readonly real: readonly string[];
  private readonly fitRng: Rng;

  constructor(readonly config: LmConfig, rng: Rng, private readonly logExamples = 8) {
    super();
    this.real = drawRealConversations(config.samples, rng.derive('real-data'));
    this.fitRng = rng.derive('fine-tune');
  }

  fit(summary: LmSummary, { iteration }: LoopContext): LmFit {
    return fineTune(this.config.model, this.conversationsOf(summary), this.fitRng.derive(`fit:${iteration}`));
  }

  sample(fit: LmFit, n: number, rng: Rng, context: LoopContext): string[] {
    return this.sampleMeasured(fit, n, rng, context).batch;
  }

  /**
   * Sampling's own measurements, recorded with the fit that trains on these samples; examples as detail.
   * Beyond the paper, what the samples lose before the test loss shows it: their diversity (distinct
   * character 4-grams), the share that copy a conversation the model was fine-tuned on, and the model's
   * loss on its own samples.
   */
  sampleMeasured(fit: LmFit, n: number, rng: Rng, { iteration }: LoopContext): Sampled<string[]> & { detail: SampleRecord } {
    const s = sampleWellFormed(fit.params, n, rng);
    const meanLength = s.kept.length ? s.kept.reduce((a, c) => a + c.length, 0) / s.kept.length : NaN;
    const training = new Set(fit.training);
    const tok = defaultTokenizer();
    return {
      batch: s.kept,
      metrics: {
        rejected_share: s.rejectedShare,
        mean_sample_length: meanLength,
        distinct_4grams: distinctNgrams(s.kept),
        copy_share: s.kept.length ? s.kept.filter((c) => training.has(c)).length / s.kept.length : NaN,
        self_loss: s.kept.length ? evaluateLoss(fit.params, s.kept.map((c) => tok.encodeSequence(c))) : NaN,
      },
      detail: { iteration, rejectedShare: s.rejectedShare, meanLength, kept: s.kept.slice(0, this.logExamples), rejected: s.rejectedExamples },
    };
  }

  evaluate(fit: LmFit): Metrics {
    return { test_loss: heldOutLoss(fit.params), train_loss: fit.trainLoss };
  }
}
