// The public library: what notebooks import with `from "../lib"` and researchers copy into analyses.
export { Rng, createRng, streamFor, canonicalJson } from './random';
export { WORKFLOWS, WORKFLOW_LABELS, runLoop, expectedRealShare, type Workflow, type Model, type Trajectory, type Metrics } from './workflows';
export { ConfigError, runOne, prepareRun, expandGrid, quickMode, type TaskSetting, type RunConfig, type Grid } from './setting';
export { getSetting, SETTING_NAMES } from './settings';
export { sweep, sweepColumns, toTable, type SweepOptions, type Columns } from './sweep';
export { toCsv } from './csv';
export { createProgress } from './progress';
export { inKernel, publish } from './notebook';
export { pointStats, mergeStats, pivotedCholesky, sampleWithFactor, type PointStats, type PsdFactor } from './linalg';
export {
  gaussianSetting,
  gaussianModel,
  fitGaussian,
  gaussianMetrics,
  replaceTraceRatio,
  replaceSquaredError,
  replaceDetRatio,
  accumulateExpectations,
  accumulateSquaredErrorBound,
  type PointBatch,
  type GaussianFit,
} from './gaussian';
export { provenanceModel, type Labels, type Composition, type ProvenanceFit } from './provenance';
export { aggregate, meanCi, tQuantile, tCdf, normalQuantile, CONFIDENCE, type MeanCi } from './stats';
export {
  relplot, heatmap, scatterGrid, histplot, show, saveFigure, renderImage, closeRenderer, standaloneHtml, sequentialColor, formatValue,
  type Figure, type Overlay, type RelplotOptions, type HeatmapOptions, type ScatterGridOptions, type ScatterPanel, type HistplotOptions, type ShowOptions,
} from './plot';
export { showFigure } from './figures';
export { gaussianTheoryOverlays, type GaussianMetric } from './gaussian-overlays';
// Task settings beyond the Gaussian (the language model lives in "../lib/lm", so that importing the
// library never loads TensorFlow.js).
export * from './kde';
export * from './discrete';
export * from './regression';
