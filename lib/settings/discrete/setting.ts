// The discrete setting's declaration: K outcomes, uniform truth, the empirical distribution refit each
// generation (the paper's appendix). Replace is absorbing; Accumulate is a Pólya urn.
import { int } from '../../core/params';
import { defineSetting } from '../../core/setting';
import { WORKFLOWS } from '../../core/workflows';
import { DiscreteModel } from './model';

const INT32_MAX = 2 ** 31 - 1;
const FULL = [10, 100, 1000, 10000, 100000];

export const discreteSetting = defineSetting({
  name: 'discrete',
  summary: 'discrete distributions: empirical proportions over K outcomes (paper appendix)',
  params: {
    outcomes: int({ default: 10, min: 2, max: INT32_MAX, help: 'K: the number of outcomes of the uniform truth' }),
    samples: int({ default: 100, min: 1, max: INT32_MAX, help: 'n: real draws, and synthetic draws per iteration' }),
  },
  columns: ['outcomes', 'samples'],
  metrics: ['entropy_fraction', 'zero_proportions', 'alive'],
  iterations: 100,
  grids: {
    main: {
      help: "the paper's grid: K and n each over 10 … 100,000, T = 100 (Replace is followed further until collapse in notebook A3)",
      paper: { workflow: WORKFLOWS, iterations: [100], outcomes: FULL, samples: FULL },
      quick: { workflow: WORKFLOWS, iterations: [100], outcomes: [10, 1000], samples: [10, 100, 1000] },
      seeds: { paper: 100, quick: 10 },
    },
  },
  // Per iteration the work follows the outcomes alive, at most min(K, n); subsampling costs about twice
  // a multinomial, and Replace loses outcomes as it goes.
  cost(c) {
    const alive = Math.min(c.outcomes, c.samples);
    const perAlive = c.workflow === 'accumulate-subsample' ? 2.5 : c.workflow === 'accumulate' ? 1 : 0.5;
    return c.iterations * (alive * perAlive + 10);
  },
  // A batch is its alive outcomes, at most min(K, n), as Int32 ids and double counts (12 bytes each),
  // plus the draws (4 bytes each) below n < K; Accumulate's pool has up to min(K, t·n) alive and a merge
  // copies it; Accumulate-Subsample keeps every batch so far.
  memory(c) {
    const alive = Math.min(c.outcomes, c.samples);
    const pooled = c.workflow === 'accumulate' ? 3 * 12 * Math.min(c.outcomes, c.iterations * c.samples) : 0;
    const history = c.workflow === 'accumulate-subsample' ? 12 * c.iterations * alive : 0;
    return 4 * 16 * alive + pooled + history;
  },
  model: (c, rng) => new DiscreteModel(c.outcomes, c.samples, rng),
  example: 'collapse run discrete --outcomes 10,1000 --samples 100 --iterations 100 --seeds 10 --out discrete.csv',
});
