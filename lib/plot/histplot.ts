/**
 * histplot: distributions across seeds as step histograms (seaborn's `displot(element="step")`), faceted by
 * col/row and overlaid by hue — e.g. the fitted variance at iterations 1, 10, 100, one panel per n.
 * Values a panel cannot show (NaN; ±∞; ≤ 0 on a log axis) are counted in a note inside the panel.
 */
import type { ColumnTable } from 'arquero';
import { ConfigError } from '../core/setting';
import { hueColors } from './color';
import { columnLabel, columnValues, facetTitle, LabelOptions, orderLevels, requireColumns, valueLabel } from './data';
import { axisLayout, makeGrid, panelNote, titleAbove, titleRight } from './facets';
import { Figure, FIGURE_CONFIG, Trace } from './figure';
import { baseLayout, legendWidth, titleObject, withAlpha } from './theme';

export interface HistplotOptions extends LabelOptions {
  x: string;
  col?: string;
  row?: string;
  hue?: string;
  logX?: boolean;
  hueLog?: boolean;
  /** Number of bins per panel (default 30), shared by the hue levels of a panel. */
  bins?: number;
  /** 'count' (default) or 'probability' (each histogram sums to 1 over the values it shows). */
  stat?: 'count' | 'probability';
  /** Which hue / column / row values to show, in this order (default: all; numbers ascending). */
  hueOrder?: unknown[];
  colOrder?: unknown[];
  rowOrder?: unknown[];
  title?: string;
  width?: number;
  height?: number;
  /** Same bins and x range in every panel (default false: each panel fits its own data). */
  sharex?: boolean;
  /** Same y range in every panel (default true). */
  sharey?: boolean;
}

const CONTEXT = 'histplot';

interface Cell {
  values: number[];
  nan: number;
  posInf: number;
  negInf: number;
  nonPositive: number;
}

export function histplot(table: ColumnTable, opts: HistplotOptions): Figure {
  requireColumns(table, CONTEXT, [opts.x, opts.col, opts.row, opts.hue]);
  if (table.numRows() === 0) throw new ConfigError(`${CONTEXT}: the table has no rows to plot`);
  const bins = opts.bins ?? 30;
  if (!Number.isInteger(bins) || bins < 1) throw new ConfigError(`${CONTEXT}: bins must be a positive integer, got ${bins}`);
  const stat = opts.stat ?? 'count';
  if (stat !== 'count' && stat !== 'probability') throw new ConfigError(`${CONTEXT}: stat must be 'count' or 'probability', got ${String(stat)}`);
  const logX = opts.logX ?? false;
  const sharex = opts.sharex ?? false;
  const sharey = opts.sharey ?? true;

  const levels = (name: string | undefined, order: unknown[] | undefined, what: string) =>
    name === undefined ? [undefined] : orderLevels(columnValues(table, name), order, `${CONTEXT}: ${what}`);
  const colLevels = levels(opts.col, opts.colOrder, 'colOrder');
  const rowLevels = levels(opts.row, opts.rowOrder, 'rowOrder');
  const hueLevels = levels(opts.hue, opts.hueOrder, 'hueOrder');
  const colors = opts.hue === undefined ? ['#4c72b0'] : hueColors(hueLevels, opts.hueLog ?? false, CONTEXT);
  const nCols = colLevels.length;
  const nRows = rowLevels.length;
  const nHues = hueLevels.length;

  const cells: Cell[][] = Array.from({ length: nRows * nCols }, () =>
    Array.from({ length: nHues }, () => ({ values: [], nan: 0, posInf: 0, negInf: 0, nonPositive: 0 })),
  );
  const indexer = (name: string | undefined, lv: unknown[]) => {
    if (name === undefined) return () => 0;
    const map = new Map(lv.map((v, i) => [v, i]));
    const values = columnValues(table, name);
    return (r: number) => map.get(values[r]) ?? -1;
  };
  const colOf = indexer(opts.col, colLevels);
  const rowOf = indexer(opts.row, rowLevels);
  const hueOf = indexer(opts.hue, hueLevels);
  const xs = columnValues(table, opts.x);
  for (let r = 0; r < xs.length; r++) {
    const c = colOf(r);
    const w = rowOf(r);
    const h = hueOf(r);
    if (c < 0 || w < 0 || h < 0) continue;
    const cell = cells[w * nCols + c][h];
    const v = typeof xs[r] === 'number' ? (xs[r] as number) : NaN;
    if (Number.isNaN(v)) cell.nan++;
    else if (v === Infinity) cell.posInf++;
    else if (v === -Infinity) cell.negInf++;
    else if (logX && v <= 0) cell.nonPositive++;
    else cell.values.push(v);
  }

  // Bin edges: per panel (common to its hues) or one set for all panels.
  const t = (v: number) => (logX ? Math.log10(v) : v);
  const inv = (u: number) => (logX ? 10 ** u : u);
  const extentOf = (cs: Cell[]) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const c of cs) for (const v of c.values) {
      const u = t(v);
      if (u < lo) lo = u;
      if (u > hi) hi = u;
    }
    return [lo, hi] as const;
  };
  const globalExtent = extentOf(cells.flat());
  const edgesFor = (p: number): number[] => {
    let [lo, hi] = sharex ? globalExtent : extentOf(cells[p]);
    if (!(hi >= lo)) return [];
    if (hi - lo < 1e-12) {
      const half = logX ? 0.05 : Math.max(Math.abs(lo) * 0.05, 0.5);
      lo -= half;
      hi += half;
    }
    return Array.from({ length: bins + 1 }, (_, i) => inv(lo + ((hi - lo) * i) / bins));
  };

  const hasRowTitles = opts.row !== undefined;
  const showLegend = opts.hue !== undefined;
  const hueLabel0 = opts.hue === undefined ? '' : columnLabel(opts.hue, opts);
  const grid = makeGrid({
    rows: nRows,
    cols: nCols,
    width: opts.width,
    height: opts.height,
    panelHeight: 220,
    margin: {
      l: 72,
      r: (showLegend ? legendWidth([hueLabel0, ...hueLevels.map((v) => valueLabel(opts.hue as string, v, opts))]) : 16) + (hasRowTitles ? 28 : 0),
      t: 14 + (opts.title ? 30 : 0) + (opts.col !== undefined ? 26 : 0),
      b: 56,
    },
    hgap: sharey ? 26 : 56,
    vgap: sharex ? 24 : 52,
  });

  const data: Trace[] = [];
  const annotations: Record<string, unknown>[] = [];
  const legendShown = new Set<number>();
  const xLabel = columnLabel(opts.x, opts);
  const hueLabel = opts.hue === undefined ? '' : columnLabel(opts.hue, opts);
  const yTitle = stat === 'count' ? 'count' : 'probability';
  const xRanges: ([number, number] | undefined)[] = [];
  grid.panels.forEach((panel, p) => {
    const edges = edgesFor(p);
    if (edges.length > 0) {
      const lo = t(edges[0]);
      const hi = t(edges[edges.length - 1]);
      xRanges[p] = [lo - 0.02 * (hi - lo), hi + 0.02 * (hi - lo)];
    }
    const excluded = { nan: 0, posInf: 0, negInf: 0, nonPositive: 0 };
    cells[p].forEach((cell, h) => {
      excluded.nan += cell.nan;
      excluded.posInf += cell.posInf;
      excluded.negInf += cell.negInf;
      excluded.nonPositive += cell.nonPositive;
      if (cell.values.length === 0 || edges.length === 0) return;
      const counts = binCounts(cell.values, edges, logX);
      const scale = stat === 'probability' ? 1 / cell.values.length : 1;
      const step = stepOutline(edges, counts, scale);
      const color = colors[h];
      data.push({
        type: 'scatter',
        mode: 'lines',
        x: step.x,
        y: step.y,
        xaxis: panel.xref,
        yaxis: panel.yref,
        line: { shape: 'hv', color, width: 1.6 },
        fill: 'tozeroy',
        fillcolor: withAlpha(color, 0.22),
        name: opts.hue === undefined ? xLabel : valueLabel(opts.hue, hueLevels[h], opts),
        legendgroup: `hue:${h}`,
        showlegend: showLegend && !legendShown.has(h),
        customdata: step.custom,
        hovertemplate:
          (opts.hue === undefined ? '' : `${hueLabel} = ${valueLabel(opts.hue, hueLevels[h], opts)}<br>`) +
          `${xLabel} in [%{customdata[0]:.4g}, %{customdata[1]:.4g})<br>${yTitle}: %{customdata[2]:.4g}<extra></extra>`,
      });
      legendShown.add(h);
    });
    const note = exclusionNote(excluded, logX);
    if (note) annotations.push(panelNote(panel, note));
  });

  const layout: Record<string, unknown> = {
    ...baseLayout(),
    width: grid.width,
    height: grid.height,
    margin: grid.margin,
    showlegend: showLegend,
    barmode: 'overlay',
    legend: { x: 1 + (hasRowTitles ? 32 : 12) * grid.pxX, xanchor: 'left', y: 1, yanchor: 'top', tracegroupgap: 0, title: { text: hueLabel }, font: { size: 12 } },
  };
  if (opts.title) layout.title = titleObject(opts.title);
  grid.panels.forEach((panel, p) => {
    layout[panel.xKey] = axisLayout(panel, 'x', {
      log: logX,
      range: xRanges[p],
      title: panel.row === nRows - 1 || !sharex ? xLabel : '',
      showTickLabels: !sharex || panel.row === nRows - 1,
      matches: sharex && panel.xref !== 'x' ? 'x' : undefined,
    });
    layout[panel.yKey] = {
      ...axisLayout(panel, 'y', {
        log: false,
        title: panel.col === 0 ? yTitle : '',
        showTickLabels: !sharey || panel.col === 0,
        matches: sharey && panel.yref !== 'y' ? 'y' : undefined,
      }),
      rangemode: 'tozero',
    };
    if (opts.col !== undefined && panel.row === 0) annotations.push(titleAbove(panel, facetTitle(opts.col, colLevels[panel.col], opts)));
    if (opts.row !== undefined && panel.col === nCols - 1) annotations.push(titleRight(panel, facetTitle(opts.row, rowLevels[panel.row], opts)));
  });
  layout.annotations = annotations;
  return { data, layout, config: { ...FIGURE_CONFIG } };
}

/** Counts per bin; the last bin is closed on the right so the maximum is counted. */
export function binCounts(values: number[], edges: number[], log: boolean): number[] {
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  const t = (v: number) => (log ? Math.log10(v) : v);
  const lo = t(edges[0]);
  const width = (t(edges[bins]) - lo) / bins;
  for (const v of values) {
    let i = Math.floor((t(v) - lo) / width);
    if (i >= bins) i = bins - 1;
    if (i < 0) i = 0;
    counts[i]++;
  }
  return counts;
}

/** Outline of a step histogram for a line with shape 'hv', plus per-point [left, right, value] for hover. */
function stepOutline(edges: number[], counts: number[], scale: number) {
  const x: number[] = [edges[0]];
  const y: number[] = [0];
  const custom: number[][] = [[edges[0], edges[1], counts[0] * scale]];
  for (let i = 0; i < counts.length; i++) {
    x.push(edges[i]);
    y.push(counts[i] * scale);
    custom.push([edges[i], edges[i + 1], counts[i] * scale]);
  }
  const last = counts.length - 1;
  x.push(edges[last + 1], edges[last + 1]);
  y.push(counts[last] * scale, 0);
  custom.push([edges[last], edges[last + 1], counts[last] * scale], [edges[last], edges[last + 1], counts[last] * scale]);
  return { x, y, custom };
}

function exclusionNote(e: { nan: number; posInf: number; negInf: number; nonPositive: number }, logX: boolean): string {
  const parts: string[] = [];
  if (e.nonPositive > 0) parts.push(`${e.nonPositive} ≤ 0${logX ? ' (log axis)' : ''}`);
  if (e.posInf > 0) parts.push(`${e.posInf} = +∞`);
  if (e.negInf > 0) parts.push(`${e.negInf} = −∞`);
  if (e.nan > 0) parts.push(`${e.nan} NaN`);
  return parts.length > 0 ? `not shown: ${parts.join(', ')}` : '';
}

