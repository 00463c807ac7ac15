// The value of synthetic data (the paper's §4 and Fig. 5): fine-tune the base model on num_real real plus
// num_synthetic synthetic conversations — the synthetic ones sampled by the iteration-1 model, the base
// model fine-tuned on source_samples real conversations — and evaluate on the real held-out set. The
// authors' grid goes to 12,288 real and 131,072 synthetic examples; ours is scaled to what a 2-core CPU
// fine-tunes in minutes.
//
// It is a grid of cells ('lm-value', declared in setting.ts), so the sweep runner caches and parallelises
// them: one cell = one fine-tune on the mixed training set and one evaluation, with no loop.
//
// The cells of a seed are paired, as the authors' grid is: at a seed, one ordering of the real training
// pool and one iteration-1 model serve every cell. The iteration-1 model is fine-tuned on the first
// source_samples conversations of that ordering, a cell's real data are its first num_real (so, as in
// the paper, the real data of a cell are among those the synthetic data's source saw, when num_real ≤
// source_samples), and its synthetic data are the first num_synthetic of the source's samples. Moving
// along a row of the grid then adds synthetic conversations to the same real ones, and a difference
// between two cells is not blurred by different draws. The synthetic samples are drawn in chunks of
// CHUNK from streams of their own (so the first k samples do not depend on how many are asked) and
// cached under data/cache/lm-value-pool/, so the source model is fine-tuned and sampled once per seed.
import { cached } from '../../core/cache';
import { codeVersion } from '../../core/code-version';
import { streamFor, type Rng } from '../../core/random';
import type { Metrics } from '../../core/workflows';
import { wordnetSplit } from './corpus';
import type { GruParams } from './gru';
import type { ModelSize } from './models';
import { sampleWellFormed } from './sample';
import { fineTune, heldOutLoss } from './model';

export interface ValueConfig {
  model: ModelSize;
  num_real: number;
  num_synthetic: number;
  /** Real conversations the iteration-1 model (the synthetic data's source) is fine-tuned on. */
  source_samples: number;
}

/** Synthetic conversations are drawn and cached in chunks of this many. */
const CHUNK = 500;

/** What one seed's cells share: the order of the real pool, and the source model (made when needed). */
function sharedStream(config: ValueConfig, seed: number): Rng {
  return streamFor('lm-value/shared', { model: config.model, source_samples: config.source_samples }, seed);
}

/** The real training pool in the seed's order: a cell's real data are a prefix of it. */
export function realOrder(config: ValueConfig, seed: number, count: number): string[] {
  const pool = wordnetSplit().train;
  // a shuffle of the whole pool, so that the first k do not depend on how many are asked
  const order = sharedStream(config, seed).derive('real-order').shuffle(Int32Array.from(pool, (_, i) => i));
  return Array.from(order.subarray(0, count), (i) => pool[i]);
}

const sources = new Map<string, GruParams>(); // per process: fine-tuned once per (model, source_samples, seed)

function sourceModel(config: ValueConfig, seed: number): GruParams {
  const key = `${config.model}|${config.source_samples}|${seed}`;
  let params = sources.get(key);
  if (!params) {
    params = fineTune(config.model, realOrder(config, seed, config.source_samples), sharedStream(config, seed).derive('source-fine-tune')).params;
    sources.set(key, params);
  }
  return params;
}

interface Chunk {
  kept: string[];
  drawn: number;
}

/** The first `count` synthetic conversations of the seed's source model, and the share its filter rejected. */
export function syntheticPool(config: ValueConfig, seed: number, count: number): { conversations: string[]; rejectedShare: number } {
  const conversations: string[] = [];
  let drawn = 0;
  let kept = 0;
  const version = codeVersion(__filename, LM_DATA);
  for (let c = 0; c * CHUNK < count; c++) {
    const chunk = cached<Chunk>(
      { folder: 'lm-value-pool', version, key: `${config.model}|${config.source_samples}|${seed}|${c}` },
      () => {
        const s = sampleWellFormed(sourceModel(config, seed), CHUNK, sharedStream(config, seed).derive(`synthetic:${c}`));
        return { kept: s.kept, drawn: s.drawn };
      },
      (v) => (v && Array.isArray((v as Chunk).kept) && Number.isInteger((v as Chunk).drawn) ? undefined : 'not a chunk of samples'),
    );
    conversations.push(...chunk.kept.slice(0, count - c * CHUNK));
    drawn += chunk.drawn;
    kept += chunk.kept.length;
  }
  return { conversations, rejectedShare: drawn > 0 ? (drawn - kept) / drawn : NaN };
}

/** The files outside lib/ that decide the language models' numbers: the shipped base models, vocabulary and split. */
export const LM_DATA = ['data/lm'];

/** One cell: fine-tune the base model on num_real real plus num_synthetic synthetic conversations; evaluate. */
export function valueCell(config: ValueConfig, rng: Rng, seed: number): { metrics: Metrics; trainingSize: number } {
  const real = realOrder(config, seed, config.num_real);
  const synthetic = config.num_synthetic > 0 ? syntheticPool(config, seed, config.num_synthetic) : { conversations: [], rejectedShare: NaN };
  const training = [...real, ...synthetic.conversations];
  const fit = fineTune(config.model, training, rng.derive('fine-tune')); // the cell's own stream: its fine-tuning order
  const r = config.num_real;
  const s = training.length - r;
  return {
    metrics: { test_loss: heldOutLoss(fit.params), proportion_real: r + s > 0 ? r / (r + s) : NaN, synthetic_rejected_share: synthetic.rejectedShare },
    trainingSize: training.length,
  };
}
