// The value of synthetic data (PAPER.md §3): fine-tune the base model on num_real real plus
// num_synthetic synthetic conversations — the synthetic ones sampled by the iteration-1 model, i.e.
// the base model fine-tuned on R = source_samples real conversations — and evaluate on the real
// held-out set. The authors' grid goes to 12,288 real and 131,072 synthetic examples; ours is scaled
// to what a 2-core CPU fine-tunes in minutes.
//
// It is a task setting of its own ('lm-value'), so the sweep runner caches and parallelises its cells:
// one cell = one run of the loop with a single iteration, whose "real" batch is the mixed training
// set. Each cell draws its own real examples, its own iteration-1 model and its own synthetic
// examples from the cell's stream: cells are independent replications, and seeds average them.
import type { ColumnTable } from 'arquero';
import type { Rng } from '../random';
import { ConfigError, intParam, type Grid, type RunConfig, type TaskSetting } from '../setting';
import { sweep, type SweepOptions } from '../sweep';
import type { Metrics } from '../workflows';
import { wordnetSplit } from './corpus';
import { parseModelSize, HIDDEN_UNITS, type ModelSize } from './models';
import { sampleWellFormed } from './sample';
import { ConversationModel, drawRealConversations, fineTune, heldOutLoss, type LmFit, type LmSummary } from './setting';

export interface ValueConfig {
  model: ModelSize;
  num_real: number;
  num_synthetic: number;
  /** Real conversations the iteration-1 model (the synthetic data's source) is fine-tuned on. */
  source_samples: number;
}

/**
 * The grid of notebook 07 (small model): full — 30 cells, ≈ 11M characters of fine-tuning per seed,
 * ≈ 8 minutes per seed on one busy core — or quick.
 */
export const VALUE_GRID: Record<'full' | 'quick', { num_real: number[]; num_synthetic: number[] }> = {
  full: { num_real: [0, 100, 250, 500, 1000], num_synthetic: [0, 100, 250, 500, 1000, 2000] },
  quick: { num_real: [0, 100, 400], num_synthetic: [0, 100, 400] },
};

export class LmValueModel extends ConversationModel {
  readonly real: readonly string[];
  readonly syntheticRejectedShare: number;
  private readonly fitRng: Rng;

  constructor(readonly config: ValueConfig, rng: Rng) {
    super();
    const realPart = drawRealConversations(config.num_real, rng.derive('real-data'));
    let synthetic: string[] = [];
    this.syntheticRejectedShare = NaN;
    if (config.num_synthetic > 0) {
      const sourceData = drawRealConversations(config.source_samples, rng.derive('source-data'));
      const source = fineTune(config.model, sourceData, rng.derive('source-fine-tune'));
      const s = sampleWellFormed(source.params, config.num_synthetic, rng.derive('synthetic'));
      synthetic = s.kept;
      this.syntheticRejectedShare = s.rejectedShare;
    }
    this.real = [...realPart, ...synthetic];
    this.fitRng = rng.derive('fine-tune');
  }

  fit(summary: LmSummary): LmFit {
    return fineTune(this.config.model, this.conversationsOf(summary), this.fitRng);
  }
  sample(): string[] {
    throw new Error('the value-of-synthetic-data setting runs a single iteration');
  }
  evaluate(fit: LmFit): Metrics {
    // The synthetic examples actually kept (fewer than asked only if sampling gave up).
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
  const source_samples = intParam('source_samples', c.source_samples ?? 500, 1);
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
    return { workflow: ['replace'], iterations: [1], model: ['small'], num_real: g.num_real, num_synthetic: g.num_synthetic, source_samples: [500] };
  },
  seeds: (quick) => (quick ? 1 : 2),
  validate(c): RunConfig {
    if (c.workflow !== undefined && c.workflow !== 'replace') throw new ConfigError(`workflow must be 'replace' for lm-value (one fit, no loop), got '${String(c.workflow)}'`);
    if (c.iterations !== undefined && Number(c.iterations) !== 1) throw new ConfigError(`iterations must be 1 for lm-value, got '${String(c.iterations)}'`);
    const v = parseValueConfig(c);
    return { workflow: 'replace', iterations: 1, model: v.model, num_real: v.num_real, num_synthetic: v.num_synthetic, source_samples: v.source_samples };
  },
  cost(c): number {
    const synthetic = Number(c.num_synthetic);
    return (Number(c.num_real) + synthetic + (synthetic > 0 ? Number(c.source_samples) : 0)) * (HIDDEN_UNITS[c.model as ModelSize] / 64) + 1;
  },
  createModel: (config, rng) => new LmValueModel(parseValueConfig(config), rng),
};

/**
 * The value-of-synthetic-data grid as a tidy table (workflow, model, num_real, num_synthetic, seed,
 * iteration, test_loss, proportion_real, synthetic_rejected_share, source_samples, training_size),
 * through the sweep runner: worker threads, cache, resume.
 */
export function valueSweep(options: SweepOptions = {}): Promise<ColumnTable> {
  return sweep(lmValueSetting.name, { label: 'value of synthetic data', ...options });
}
