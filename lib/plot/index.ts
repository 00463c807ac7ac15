/**
 * Plotting: a small declarative vocabulary producing plain plotly figures `{ data, layout }`.
 *
 *   const fig = relplot(rows, { x: 'iteration', y: 'trace_ratio', hue: 'samples', hueLog: true,
 *                               col: 'workflow', logY: true, labels: { samples: 'n' } });
 *   await show(fig);                           // inline in the notebook: live plot + static PNG
 *   await saveFigure(fig, 'figures/trace');    // figures/trace.png, .svg, .html
 */
export type { Figure, Trace, Layout } from './figure';
export { toPlainJson } from './figure';
export { relplot } from './relplot';
export type { RelplotOptions, Overlay } from './relplot';
export { heatmap } from './heatmap';
export type { HeatmapOptions } from './heatmap';
export { scatterGrid } from './scatter';
export type { ScatterGridOptions, ScatterPanel } from './scatter';
export { histplot } from './histplot';
export type { HistplotOptions } from './histplot';
export type { LabelOptions } from './data';
export { show } from './show';
export type { ShowOptions } from './show';
export { saveFigure } from './save';
export type { FigureFormat } from './save';
export { renderImage, closeRenderer, chromiumPath, StaticRenderUnavailable } from './render';
export type { ImageFormat } from './render';
export { standaloneHtml } from './html';
export { WORKFLOW_LABELS, sequentialColor, formatValue } from './theme';
