// The KDE setting's declaration: a toy data set, a kernel density estimate refit each generation, the
// test NLL on 500 fresh real points (the paper's §2; bandwidths, Scott/Silverman and the top-hat kernel
// in its appendix), with the paper's four grids.
import { choice, int, numberOrChoice } from '../../core/params';
import { defineSetting } from '../../core/setting';
import { WORKFLOWS } from '../../core/workflows';
import { DATASETS } from './datasets';
import { BANDWIDTH_RULES, KERNELS } from './kernel-density';
import { EVALUATION_SCHEDULES, KDE_TEST_POINTS, KdeModel } from './model';
import { datasetDimension } from './datasets';

const SIZES = [10, 32, 100, 316, 1000];
/** The appendix's nine fixed bandwidths. */
export const KDE_SWEEP_BANDWIDTHS = [0.01, 0.0316, 0.1, 0.316, 1, 3.16, 10, 31.6, 100];

export const kdeSetting = defineSetting({
  name: 'kde',
  summary: 'kernel density estimation on blobs, circles, moons, swiss roll (paper §2; bandwidths in its appendix)',
  params: {
    dataset: choice(DATASETS, { default: 'moons', help: 'the toy data set (as scikit-learn generates it)' }),
    kernel: choice(KERNELS, { default: 'gaussian', list: false, help: "the kernel: Gaussian, or top-hat (uniform on the h-ball)" }),
    bandwidth: numberOrChoice(BANDWIDTH_RULES, { default: 0.5, min: 1e-100, max: 1e100, rangeWhy: 'beyond it the Gaussian kernel\'s squared distances over h² leave the range of doubles', help: "bandwidth h, or a rule from the number of points fit on: scott = m^(-1/(d+4)), silverman" }),
    samples: int({ default: 100, min: 1, help: 'n: real points, and synthetic points per iteration' }),
    evaluate_at: choice(EVALUATION_SCHEDULES, { default: 'all', list: false, omitDefault: true, help: "iterations whose test NLL is computed: all, or log (t = 1..10, 20, 30, ..., 100, 200, ...)" }),
  },
  columns: ['dataset', 'kernel', 'bandwidth', 'samples'],
  metrics: ['test_nll', 'zero_density_share', 'test_nll_on_support'],
  iterations: 100,
  grids: {
    main: {
      help: "the main figures: 4 data sets × h ∈ {0.1, 0.5, 1} × n × T = 100, Gaussian kernel",
      paper: { workflow: WORKFLOWS, dataset: DATASETS, kernel: ['gaussian'], bandwidth: [0.1, 0.5, 1.0], samples: SIZES, iterations: [100] },
      quick: { workflow: WORKFLOWS, dataset: DATASETS, kernel: ['gaussian'], bandwidth: [0.1, 1.0], samples: [10, 100], iterations: [20] },
      seeds: { paper: 100, quick: 3 },
    },
    bandwidth: {
      help: "appendix: the nine fixed bandwidths, T = 1000, test NLL on the 'log' schedule (10 seeds here: 100 take about 6 h on 2 cores)",
      paper: { workflow: WORKFLOWS, dataset: DATASETS, kernel: ['gaussian'], bandwidth: KDE_SWEEP_BANDWIDTHS, samples: SIZES, iterations: [1000], evaluate_at: ['log'] },
      quick: { workflow: WORKFLOWS, dataset: ['moons'], kernel: ['gaussian'], bandwidth: [0.01, 0.1, 1, 10, 100], samples: [10, 100], iterations: [100], evaluate_at: ['log'] },
      seeds: { paper: 10, quick: 2 },
    },
    rules: {
      help: "appendix: Scott's and Silverman's rules, T = 1000 (under Accumulate each recorded iteration rescores the pool)",
      paper: { workflow: WORKFLOWS, dataset: DATASETS, kernel: ['gaussian'], bandwidth: ['scott', 'silverman'], samples: SIZES, iterations: [1000], evaluate_at: ['log'] },
      quick: { workflow: WORKFLOWS, dataset: ['moons'], kernel: ['gaussian'], bandwidth: ['scott', 'silverman'], samples: [10, 100], iterations: [100], evaluate_at: ['log'] },
      seeds: { paper: 10, quick: 2 },
    },
    tophat: {
      help: 'appendix: the top-hat kernel on the main grid',
      paper: { workflow: WORKFLOWS, dataset: DATASETS, kernel: ['tophat'], bandwidth: [0.1, 0.5, 1.0], samples: SIZES, iterations: [100] },
      quick: { workflow: WORKFLOWS, dataset: DATASETS, kernel: ['tophat'], bandwidth: [0.1, 1.0], samples: [10, 100], iterations: [20] },
      seeds: { paper: 100, quick: 3 },
    },
  },
  // Per iteration: n new points scored against the 500 test points (d each); with a bandwidth rule under
  // Accumulate the whole pool of t·n points is rescored at each evaluated iteration.
  cost(c) {
    const d = datasetDimension(c.dataset);
    const rescore = c.workflow === 'accumulate' && typeof c.bandwidth === 'string';
    const pool = rescore ? (c.evaluate_at === 'log' ? 6 : c.iterations / 2) : 1;
    return c.iterations * c.samples * KDE_TEST_POINTS * d * pool;
  },
  // Doubles held: the real and test points, a drawn batch, the per-test-point kernel sums, and under
  // Accumulate and Accumulate-Subsample every batch so far (t·n·d at iteration t: fits keep them by reference).
  memory(c) {
    const d = datasetDimension(c.dataset);
    const keeps = c.workflow === 'replace' ? 2 : c.iterations + 1;
    return 8 * (keeps * c.samples * d + KDE_TEST_POINTS * (d + 4));
  },
  model: (c, rng) => new KdeModel(c, rng),
  example: 'collapse run kde --dataset moons,swiss_roll --bandwidth 0.1,scott --samples 100 --iterations 50 --seeds 10 --out kde.csv',
});
