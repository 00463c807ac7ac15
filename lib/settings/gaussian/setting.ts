// The Gaussian setting's declaration: real data n draws from N(0, σ²I_d); fit the mean and the biased
// covariance; sample n points from the fit (the paper's §2; its grid in the appendix figures per d).
import { int, positive } from '../../core/params';
import { defineSetting } from '../../core/setting';
import { WORKFLOWS } from '../../core/workflows';
import { gaussianModel } from './model';

export const gaussianSetting = defineSetting({
  name: 'gaussian',
  summary: 'multivariate Gaussian estimation: mean and covariance refit each generation (paper §2)',
  params: {
    dim: int({ default: 1, min: 1, help: 'dimension d of the data' }),
    samples: int({ default: 10, min: 2, help: 'n: real points, and synthetic points per iteration' }),
    sigma2: positive({ default: 1, min: 1e-100, max: 1e100, rangeWhy: 'beyond it the squared points leave the range of doubles', list: false, help: 'variance σ² of the true N(0, σ²I_d)' }),
  },
  columns: ['dim', 'samples'],
  metrics: ['squared_error_of_mean', 'trace_ratio', 'det_ratio', 'log_det_ratio', 'mean_variance'],
  iterations: 100,
  grids: {
    main: {
      help: "the paper's grid: d and n each over five values, T = 100, 100 seeds",
      paper: { workflow: WORKFLOWS, dim: [1, 3, 10, 31, 100], samples: [10, 32, 100, 316, 1000], iterations: [100] },
      quick: { workflow: WORKFLOWS, dim: [1, 3, 10], samples: [10, 32, 100], iterations: [40] },
      seeds: { paper: 100, quick: 10 },
    },
  },
  // Per iteration: O(n·d²) where points are drawn (Accumulate-Subsample), O(d³) elsewhere.
  cost: (c) => c.iterations * (c.workflow === 'accumulate-subsample' ? c.samples * c.dim ** 2 : c.dim ** 3 + c.samples * c.dim),
  // Doubles held: the real batch and one drawn batch (n·d each), the covariance, its factor and two
  // scatters (d² each), and under Accumulate-Subsample every batch so far (t·n·d at iteration t).
  memory: (c) => 8 * (2 * c.samples * c.dim + 4 * c.dim ** 2 + (c.workflow === 'accumulate-subsample' ? c.iterations * c.samples * c.dim : 0)),
  model: (c, rng) => gaussianModel(c, rng),
  example: 'collapse run gaussian --workflow replace,accumulate --dim 10 --samples 100,1000 --iterations 100 --seeds 100 --out gaussian.csv',
});
