// The value of synthetic data (PAPER.md §3): fine-tune the base model on num_real real plus
// num_synthetic synthetic conversations — the synthetic ones sampled by the iteration-1 model, the base
// model fine-tuned on source_samples real conversations — and evaluate on the real held-out set. The
// authors' grid goes to 12,288 real and 131,072 synthetic examples; ours is scaled to what a 2-core CPU
// fine-tunes in minutes.
//
// It is a task setting of its own ('lm-value'), so the sweep runner caches and parallelises its cells:
// one cell = one run of the loop with a single iteration, whose "real" batch is the mixed training set.
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
import * as fs from 'fs';
import type { ColumnTable } from 'arquero';
import { keyedCachePath } from '../cache';
import { writeFileAtomic } from '../project';
import { streamFor, type Rng } from '../random';
import { ConfigError, intParam, type Grid, type RunConfig, type TaskSetting } from '../setting';
import { sweep, type SweepOptions } from '../sweep';
import type { Metrics } from '../workflows';
import { wordnetSplit } from './corpus';
import type { GruParams } from './gru';
import { parseModelSize, HIDDEN_UNITS, type ModelSize } from './models';
import { sampleWellFormed } from './sample';
import { ConversationModel, fineTune, heldOutLoss, type LmFit, type LmSummary } from './setting';

export interface ValueConfig {
  model: ModelSize;
  num_real: number;
  num_synthetic: number;
  /** Real conversations the iteration-1 model (the synthetic data's source) is fine-tuned on. */
  source_samples: number;
}

/**
 * The grid of notebook 07 (small model), full or quick. The source model sees the largest num_real, as
 * the authors' iteration-1 model saw their whole real training set.
 */
export const VALUE_GRID: Record<'full' | 'quick', { num_real: number[]; num_synthetic: number[]; source_samples: number }> = {
  full: { num_real: [0, 100, 250, 500, 1000, 2000], num_synthetic: [0, 100, 250, 500, 1000, 2000], source_samples: 2000 },
  quick: { num_real: [0, 100, 400], num_synthetic: [0, 100, 400], source_samples: 400 },
};

/** Synthetic conversations are drawn and cached in chunks of this many. */
const CHUNK = 500;

/** What one seed's cells share: the order of the real pool, and the source model (made when needed). */
function sharedStream(config: ValueConfig, seed: number): Rng {
  return streamFor('lm-value/shared', { model: config.model, source_samples: config.source_samples }, seed);
}

/** The real training pool in the seed's order: a cell's real data are a prefix of it. */
function realOrder(config: ValueConfig, seed: number, count: number): string[] {
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
  for (let c = 0; c * CHUNK < count; c++) {
    const file = keyedCachePath('lm-value-pool', lmValueSetting, `${config.model}|${config.source_samples}|${seed}|${c}`);
    let chunk: Chunk;
    try {
      chunk = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      const s = sampleWellFormed(sourceModel(config, seed), CHUNK, sharedStream(config, seed).derive(`synthetic:${c}`));
      chunk = { kept: s.kept, drawn: s.drawn };
      writeFileAtomic(file, JSON.stringify(chunk));
    }
    conversations.push(...chunk.kept.slice(0, count - c * CHUNK));
    drawn += chunk.drawn;
    kept += chunk.kept.length;
  }
  return { conversations, rejectedShare: drawn > 0 ? (drawn - kept) / drawn : NaN };
}

export class LmValueModel extends ConversationModel {
  readonly real: readonly string[];
  readonly syntheticRejectedShare: number;
  private readonly fitRng: Rng;

  constructor(readonly config: ValueConfig, rng: Rng, seed: number) {
    super();
    const realPart = realOrder(config, seed, config.num_real);
    let synthetic: string[] = [];
    this.syntheticRejectedShare = NaN;
    if (config.num_synthetic > 0) {
      const s = syntheticPool(config, seed, config.num_synthetic);
      synthetic = s.conversations;
      this.syntheticRejectedShare = s.rejectedShare;
    }
    this.real = [...realPart, ...synthetic];
    this.fitRng = rng.derive('fine-tune'); // the cell's own: its fine-tuning order
  }

  fit(summary: LmSummary): LmFit {
    return fineTune(this.config.model, this.conversationsOf(summary), this.fitRng);
  }
  sample(): string[] {
    throw new Error('the value-of-synthetic-data setting runs a single iteration');
  }
  evaluate(fit: LmFit): Metrics {
    const r = this.config.num_real;
    const s = this.real.length - r;
    return {
      test_loss: heldOutLoss(fit.params),
      proportion_real: r + s > 0 ? r / (r + s) : NaN,
      synthetic_rejected_share: this.syntheticRejectedShare,
    };
  }
}

export function parseValueConfig(c: Record<string, unknown>): ValueConfig {
  const model = parseModelSize(c.model ?? 'small');
  const pool = wordnetSplit().train.length;
  const num_real = intParam('num_real', c.num_real ?? 0, 0);
  if (num_real > pool) throw new ConfigError(`num_real must be <= ${pool} (the real training pool), got ${num_real}`);
  const num_synthetic = intParam('num_synthetic', c.num_synthetic ?? 0, 0);
  const source_samples = intParam('source_samples', c.source_samples ?? VALUE_GRID.full.source_samples, 1);
  if (source_samples > pool) throw new ConfigError(`source_samples must be <= ${pool} (the real training pool), got ${source_samples}`);
  return { model, num_real, num_synthetic, source_samples };
}

export const lmValueSetting: TaskSetting = {
  name: 'lm-value',
  configColumns: ['model', 'num_real', 'num_synthetic'],
  metricColumns: ['test_loss', 'proportion_real', 'synthetic_rejected_share'],
  flags: [
    { name: 'model', list: true },
    { name: 'num_real', list: true },
    { name: 'num_synthetic', list: true },
    { name: 'source_samples', list: false },
  ],
  codeFiles: [
    'lm/value.ts', 'lm/setting.ts', 'lm/corpus.ts', 'lm/tokenizer.ts', 'lm/gru.ts', 'lm/device.ts', 'lm/backend.ts', 'lm/train.ts', 'lm/sample.ts', 'lm/models.ts', 'lm/weights.ts',
    '../data/lm/base-small.json', '../data/lm/base-medium.json', '../data/lm/vocab.json', '../data/lm/wordnet-split.json',
  ],
  grid: (quick): Grid => {
    const g = VALUE_GRID[quick ? 'quick' : 'full'];
    return { workflow: ['replace'], iterations: [1], model: ['small'], num_real: g.num_real, num_synthetic: g.num_synthetic, source_samples: [g.source_samples] };
  },
  seeds: (quick) => (quick ? 1 : 2),
  validate(c): RunConfig {
    if (c.workflow !== undefined && c.workflow !== 'replace') throw new ConfigError(`workflow must be 'replace' for lm-value (one fit, no loop), got '${String(c.workflow)}'`);
    if (c.iterations !== undefined && Number(c.iterations) !== 1) throw new ConfigError(`iterations must be 1 for lm-value, got '${String(c.iterations)}'`);
    const v = parseValueConfig(c);
    return { workflow: 'replace', iterations: 1, model: v.model, num_real: v.num_real, num_synthetic: v.num_synthetic, source_samples: v.source_samples };
  },
  // a cell fine-tunes on num_real + num_synthetic; the source model and its samples are shared (cached)
  cost: (c): number => (Number(c.num_real) + Number(c.num_synthetic)) * (HIDDEN_UNITS[c.model as ModelSize] / 64) + 1,
  createModel: (config, rng, seed) => new LmValueModel(parseValueConfig(config), rng, seed),
};

/**
 * The value-of-synthetic-data grid as a tidy table (workflow, model, num_real, num_synthetic, seed,
 * iteration, test_loss, proportion_real, synthetic_rejected_share, source_samples, training_size),
 * through the sweep runner: worker threads, cache, resume.
 */
export function valueSweep(options: SweepOptions = {}): Promise<ColumnTable> {
  return sweep(lmValueSetting.name, { label: 'value of synthetic data', ...options });
}
