// The Gaussian setting: `gaussian.setting` (the declaration), `gaussian.theory` (closed forms and their
// figure overlays), and the model's pieces for one's own analyses.
export { gaussianSetting as setting } from './setting';
export * as theory from './theory';
export { gaussianModel, fitGaussian, gaussianMetrics, type PointBatch, type GaussianFit, type GaussianConfig } from './model';
export { pointStats, mergeStats, pivotedCholesky, sampleWithFactor, type PointStats, type PsdFactor } from './linalg';
