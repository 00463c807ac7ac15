// The regression setting's declaration: a fixed design X, labels y = Xw* + σε, least squares refit each
// generation on new labels (the paper's appendix; Gerstgrasser et al. 2024).
import { int, positive } from '../../core/params';
import { defineSetting } from '../../core/setting';
import { WORKFLOWS } from '../../core/workflows';
import { RegressionModel } from './model';

export const regressionSetting = defineSetting({
  name: 'regression',
  summary: 'linear regression on a fixed design, labels resampled each generation (paper appendix)',
  params: {
    dim: int({ default: 10, min: 1, help: 'd: features of the design' }),
    sigma2: positive({ default: 1, min: 1e-100, max: 1e100, rangeWhy: 'beyond it the squared labels leave the range of doubles', help: 'noise variance σ² of the labels' }),
    samples: int({ default: 100, min: 1, help: 'n: rows of the fixed design' }),
  },
  columns: ['dim', 'sigma2', 'samples'],
  metrics: ['test_mse'],
  iterations: 100,
  grids: {
    main: {
      help: "the paper's grid: d × σ² × n, T = 100",
      paper: { workflow: WORKFLOWS, iterations: [100], dim: [1, 3, 10, 32, 100], sigma2: [0.1, 1, 10], samples: [10, 32, 100, 316, 1000] },
      quick: { workflow: WORKFLOWS, iterations: [100], dim: [1, 10], sigma2: [1], samples: [10, 100] },
      seeds: { paper: 100, quick: 10 },
    },
  },
  // Per iteration: O(n·d) to draw labels and fit through the precomputed factorization; Accumulate-
  // Subsample also builds and factors a Gram matrix of the picked rows, O(n·d·min(n, d)).
  cost: (c) => c.iterations * (c.samples * c.dim + (c.workflow === 'accumulate-subsample' ? c.samples * c.dim * Math.min(c.samples, c.dim) : 0)) + 1000 * c.dim * c.dim,
  // Doubles held: the design X (n·d), the test design (1000·d) and its Gram (d²), the design's factor
  // (min(n, d)²), a summary's weights and label sums (2n, twice under Accumulate); Accumulate-Subsample
  // keeps every label batch (t·n, with Int32 rows) and factors the picked rows' Gram (min(n, d)²).
  memory: (c) => {
    const k = Math.min(c.samples, c.dim);
    const history = c.workflow === 'accumulate-subsample' ? 1.5 * c.iterations * c.samples + k * k : 0;
    return 8 * (c.samples * c.dim + 1000 * c.dim + c.dim ** 2 + k * k + 6 * c.samples + history);
  },
  model: (c, rng) => new RegressionModel(c.dim, c.sigma2, c.samples, rng),
  example: 'collapse run regression --dim 10 --sigma2 1 --samples 32,100 --iterations 100 --seeds 10 --out regression.csv',
});
