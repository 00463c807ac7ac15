// The public library: what notebooks import with `from "../lib"` (or `from "collapse-or-thrive"` in one's
// own folder). The core — the loop, settings, sweeps, tables, plots — at the root, and one namespace per
// task setting: gaussian, kde, lm, discrete, regression (e.g. `gaussian.theory`, `kde.grids`).
export { Rng, createRng, streamFor, canonicalJson } from './core/random';
export { WORKFLOWS, WORKFLOW_LABELS, runLoop, expectedRealShare, type Workflow, type Model, type Trajectory, type Metrics, type LoopContext, type LoopOptions, type Sampled } from './core/workflows';
export {
  ConfigError,
  defineSetting,
  defineCells,
  expandGrid,
  quickMode,
  type TaskSetting,
  type LoopSetting,
  type CellSetting,
  type LoopSpec,
  type CellSpec,
  type NamedGrid,
  type RunConfig,
  type RunOf,
  type Grid,
} from './core/setting';
export { int, positive, choice, numberOrChoice, type ConfigOf, type Param, type Params } from './core/params';
export { getSetting, settingNames } from './core/registry';
export { sweep, sweepColumns, planSweep, toTable, type SweepOptions, type Columns } from './core/sweep';
export { runCachedJobs, type CachedJobs } from './core/jobs';
export { createProgress } from './core/progress';
export { inKernel, publish } from './core/notebook';
export { provenanceModel, type Labels, type Composition, type ProvenanceFit } from './core/provenance';
export { toCsv } from './tables/csv';
export { distinctValues } from './tables/levels';
export { aggregate, meanCi, tQuantile, tCdf, normalQuantile, CONFIDENCE, type MeanCi } from './tables/stats';
export {
  relplot, heatmap, scatterGrid, histplot, show, saveFigure, renderImage, closeRenderer, standaloneHtml, sequentialColor, formatValue,
  type Figure, type Overlay, type RelplotOptions, type HeatmapOptions, type ScatterGridOptions, type ScatterPanel, type HistplotOptions, type ShowOptions,
} from './plot';
export { showFigure } from './plot/show-figure';
// The estimator researchers know from scikit-learn, at the root as before.
export { KernelDensity, type KernelDensityOptions } from './settings/kde/kernel-density';
// One namespace per setting (importing lm does not start TensorFlow.js: its backend starts on first use).
export * as gaussian from './settings/gaussian';
export * as kde from './settings/kde';
export * as lm from './settings/lm';
export * as discrete from './settings/discrete';
export * as regression from './settings/regression';
// arquero, so that notebooks (and tslab, when it names an inferred type) need no import of their own.
export * as aq from 'arquero';
export type { ColumnTable } from 'arquero';
