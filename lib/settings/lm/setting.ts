// The language-model settings' declarations: `lm`, the workflow loop on a character-level GRU fine-tuned
// on WordNet conversations (the paper's §2.3, Fig. 3, and §3, Fig. 4), and `lm-value`, the grid of
// real × synthetic training sets (§4, Fig. 5). Importing this does not start TensorFlow.js.
import { choice, int } from '../../core/params';
import { defineCells, defineSetting } from '../../core/setting';
import { WORKFLOWS } from '../../core/workflows';
import { wordnetSplit } from './corpus';
import { LmModel } from './model';
import { HIDDEN_UNITS, MODEL_SIZES } from './models';
import { LM_DATA, valueCell } from './value';

const pool = () => wordnetSplit().train.length;
const POOL = 'the real training pool';

export const lmSetting = defineSetting({
  name: 'lm',
  summary: 'language-model fine-tuning: a character-level GRU on WordNet conversations (paper §2.3, Fig. 3)',
  params: {
    model: choice(MODEL_SIZES, { default: 'small', help: 'base model size (the analog of Gemma-2 2B / 9B)' }),
    samples: int({ default: 500, min: 1, max: pool, maxWhy: POOL, list: false, help: 'R: real conversations, and synthetic ones per iteration' }),
  },
  columns: ['model', 'samples'],
  metrics: ['test_loss', 'rejected_share', 'mean_sample_length', 'train_loss', 'distinct_4grams', 'copy_share', 'self_loss'],
  iterations: 5,
  data: LM_DATA,
  grids: {
    main: {
      help: 'both sizes × 3 seeds, R = 500, T = 6 (about 11 minutes on 2 cores); quick: R = 200, T = 3, 1 seed',
      paper: { workflow: WORKFLOWS, model: ['small', 'medium'], samples: [500], iterations: [6] },
      quick: { workflow: WORKFLOWS, model: ['small', 'medium'], samples: [200], iterations: [3] },
      seeds: { paper: 3, quick: 1 },
    },
  },
  // Fine-tuning dominates: characters trained ∝ training-set sizes summed over iterations, times a
  // per-character cost that grows with the width (measured: medium ≈ 2× small).
  cost(c) {
    const sizes = c.workflow === 'accumulate' ? (c.iterations * (c.iterations + 1)) / 2 : c.iterations;
    return c.samples * sizes * (HIDDEN_UNITS[c.model] / 64);
  },
  model: (c, rng) => new LmModel(c, rng),
  example: 'collapse run lm --workflow replace,accumulate --model small --samples 200 --iterations 3 --seeds 1 --out lm.csv',
});

export const lmValueSetting = defineCells({
  name: 'lm-value',
  summary: 'the value of synthetic data: fine-tune on num_real real + num_synthetic synthetic conversations (paper §4, Fig. 5)',
  params: {
    model: choice(MODEL_SIZES, { default: 'small', help: 'base model size' }),
    num_real: int({ default: 0, min: 0, max: pool, maxWhy: POOL, help: 'real conversations in the training set' }),
    num_synthetic: int({ default: 0, min: 0, help: "synthetic conversations, sampled by the iteration-1 model" }),
    source_samples: int({ default: 2000, min: 1, max: pool, maxWhy: POOL, list: false, help: 'real conversations the synthetic data\'s source model was fine-tuned on' }),
  },
  columns: ['model', 'num_real', 'num_synthetic'],
  metrics: ['test_loss', 'proportion_real', 'synthetic_rejected_share'],
  data: LM_DATA,
  grids: {
    main: {
      help: 'small model, num_real and num_synthetic each over 0 … 2000, the source model fine-tuned on 2000',
      paper: { model: ['small'], num_real: [0, 100, 250, 500, 1000, 2000], num_synthetic: [0, 100, 250, 500, 1000, 2000], source_samples: [2000] },
      quick: { model: ['small'], num_real: [0, 100, 400], num_synthetic: [0, 100, 400], source_samples: [400] },
      seeds: { paper: 2, quick: 1 },
    },
  },
  // a cell fine-tunes on num_real + num_synthetic; the source model and its samples are shared (cached)
  cost: (c) => (c.num_real + c.num_synthetic) * (HIDDEN_UNITS[c.model] / 64) + 1,
  cell: valueCell,
  example: 'collapse run lm-value --num_real 0,100 --num_synthetic 0,100 --source_samples 100 --seeds 1 --out value.csv',
});
