/**
 * Geometry of a grid of subplots: pixel sizes → plotly axis domains, axis names and facet-title annotations.
 * Panel (r, c) — row r from the top, column c from the left — owns axes x{k}/y{k} with k = r·cols + c + 1.
 */
import { axisStyle, FACET_TITLE_FONT_SIZE, logAxisStyle, TEXT_COLOR } from './theme';

export interface GridOptions {
  rows: number;
  cols: number;
  /** Total figure size in pixels; when absent, panels get `panelWidth` × `panelHeight`. */
  width?: number;
  height?: number;
  panelWidth?: number;
  panelHeight?: number;
  /** Margins in pixels around the grid (room for tick labels, axis titles, legend, titles). */
  margin: { l: number; r: number; t: number; b: number };
  /** Gaps between panels in pixels. */
  hgap: number;
  vgap: number;
}

export interface Panel {
  row: number;
  col: number;
  /** Trace axis references: 'x', 'x2', … */
  xref: string;
  yref: string;
  /** Layout keys: 'xaxis', 'xaxis2', … */
  xKey: string;
  yKey: string;
  xDomain: [number, number];
  yDomain: [number, number];
}

export interface Grid {
  width: number;
  height: number;
  margin: { l: number; r: number; t: number; b: number };
  panels: Panel[];
  /** Panel at (row, col). */
  at(row: number, col: number): Panel;
  /** Plot-area fractions per pixel, to place annotations a fixed number of pixels away from a panel. */
  pxX: number;
  pxY: number;
}

const MAX_AUTO_WIDTH = 1200;

export function makeGrid(opts: GridOptions): Grid {
  const { rows, cols, margin, hgap, vgap } = opts;
  let panelW = opts.panelWidth ?? 270;
  let panelH = opts.panelHeight ?? 240;
  let width = opts.width ?? margin.l + margin.r + cols * panelW + (cols - 1) * hgap;
  if (opts.width === undefined && width > MAX_AUTO_WIDTH) width = MAX_AUTO_WIDTH;
  const height = opts.height ?? margin.t + margin.b + rows * panelH + (rows - 1) * vgap;
  const plotW = Math.max(1, width - margin.l - margin.r);
  const plotH = Math.max(1, height - margin.t - margin.b);
  panelW = Math.max(20, (plotW - (cols - 1) * hgap) / cols);
  panelH = Math.max(20, (plotH - (rows - 1) * vgap) / rows);
  const panels: Panel[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const k = r * cols + c + 1;
      const suffix = k === 1 ? '' : String(k);
      const x0 = (c * (panelW + hgap)) / plotW;
      const y1 = 1 - (r * (panelH + vgap)) / plotH;
      panels.push({
        row: r,
        col: c,
        xref: 'x' + suffix,
        yref: 'y' + suffix,
        xKey: 'xaxis' + suffix,
        yKey: 'yaxis' + suffix,
        xDomain: [clamp01(x0), clamp01(x0 + panelW / plotW)],
        yDomain: [clamp01(y1 - panelH / plotH), clamp01(y1)],
      });
    }
  }
  return {
    width: Math.round(width),
    height: Math.round(height),
    margin,
    panels,
    at: (row, col) => panels[row * cols + col],
    pxX: 1 / plotW,
    pxY: 1 / plotH,
  };
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}

/** A facet title centred above a panel. */
export function titleAbove(panel: Panel, text: string): Record<string, unknown> {
  return {
    text,
    xref: 'paper',
    yref: 'paper',
    x: (panel.xDomain[0] + panel.xDomain[1]) / 2,
    y: panel.yDomain[1],
    xanchor: 'center',
    yanchor: 'bottom',
    yshift: 4,
    showarrow: false,
    font: { size: FACET_TITLE_FONT_SIZE, color: TEXT_COLOR },
  };
}

/** A row title written vertically at the right edge of a panel (seaborn's margin titles). */
export function titleRight(panel: Panel, text: string): Record<string, unknown> {
  return {
    text,
    xref: 'paper',
    yref: 'paper',
    x: panel.xDomain[1],
    y: (panel.yDomain[0] + panel.yDomain[1]) / 2,
    xanchor: 'left',
    yanchor: 'middle',
    xshift: 6,
    textangle: 90,
    showarrow: false,
    font: { size: FACET_TITLE_FONT_SIZE, color: TEXT_COLOR },
  };
}

/** A small grey note in a panel's top-left corner (e.g. how many values the panel cannot show). */
export function panelNote(panel: Panel, text: string): Record<string, unknown> {
  return {
    text,
    xref: 'paper',
    yref: 'paper',
    x: panel.xDomain[0],
    y: panel.yDomain[1],
    xanchor: 'left',
    yanchor: 'top',
    xshift: 4,
    yshift: -2,
    showarrow: false,
    align: 'left',
    font: { size: 11, color: '#7a7a7a' },
  };
}

export interface AxisSpec {
  log: boolean;
  title: string;
  showTickLabels: boolean;
  matches?: string;
  range?: [number, number];
}

/** One cartesian axis of a facet grid. */
export function axisLayout(panel: Panel, which: 'x' | 'y', spec: AxisSpec): Record<string, unknown> {
  const style = axisStyle();
  const axis: Record<string, unknown> = {
    ...style,
    ...(spec.log ? logAxisStyle() : {}),
    domain: which === 'x' ? panel.xDomain : panel.yDomain,
    anchor: which === 'x' ? panel.yref : panel.xref,
    showticklabels: spec.showTickLabels,
    title: { ...(style.title as object), text: spec.title },
  };
  if (spec.matches) axis.matches = spec.matches;
  if (spec.range) {
    axis.range = spec.range;
    axis.autorange = false;
    if (spec.log) Object.assign(axis, logTicks(spec.range[1] - spec.range[0]));
  }
  return axis;
}

/**
 * Tick spacing for a log axis spanning `decades`: over ~2.5 decades only powers of ten are labelled (one every k
 * decades, about six labels), with unlabelled minor ticks at 2…9; narrower ranges keep plotly's 1-2-5 labels.
 */
export function logTicks(decades: number): Record<string, unknown> {
  if (!(decades >= 2.5)) return {};
  const every = Math.max(1, Math.ceil(decades / 6));
  return {
    dtick: every,
    minor: every === 1
      ? { ticks: 'outside', ticklen: 2, tickcolor: '#4d4d4d', dtick: 'D1', showgrid: false }
      : { ticks: '' },
  };
}
