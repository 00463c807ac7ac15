// Kernel density estimation (the paper's §2): `kde.setting` (the declaration), `kde.grids` (its named
// grids: main, bandwidth, rules, tophat), the estimator, the data sets, and the run's pictures.
import { kdeSetting } from './setting';
export { kdeSetting as setting, KDE_SWEEP_BANDWIDTHS } from './setting';
/** The setting's named grids, each with the paper's values, a quick version and their seeds. */
export const grids = kdeSetting.spec.grids;
export {
  KernelDensity,
  KERNELS,
  BANDWIDTH_RULES,
  DEFAULT_SAMPLE_SEED,
  parseKernel,
  parseBandwidth,
  resolveBandwidth,
  logKernelNorm,
  logKernelSums,
  logAddExpInto,
  logDensityFromSums,
  sampleKde,
  type Kernel,
  type BandwidthRule,
  type BandwidthSpec,
  type KernelDensityOptions,
} from './kernel-density';
export {
  DATASETS,
  DATASET_NOISE,
  CIRCLES_FACTOR,
  createDataSource,
  datasetDimension,
  drawBlobCenters,
  makeBlobs,
  makeCircles,
  makeMoons,
  makeSwissRoll,
  toRows,
  type DatasetName,
  type DataSource,
} from './datasets';
export {
  KdeModel,
  kdeMetrics,
  isEvaluated,
  KDE_TEST_POINTS,
  EVALUATION_SCHEDULES,
  type KdeConfig,
  type KdeFit,
  type KdeSummary,
  type EvaluationSchedule,
} from './model';
export { kdeSnapshots, planeOf, expectedKdeNll, type KdeSnapshot, type KdeSnapshotRun } from './snapshots';
