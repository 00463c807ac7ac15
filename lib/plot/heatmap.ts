/**
 * heatmap: the mean of z over seeds in each (x, y) cell, e.g. test loss over num_real × num_synthetic.
 * Axes are categorical (evenly spaced cells) in numeric order; hover shows the mean, its 95 % interval and n.
 */
import type { ColumnTable } from 'arquero';
import { ConfigError } from '../core/setting';
import { aggregateForPlot, columnLabel, columnValues, LabelOptions, orderLevels, requireColumns, valueLabel } from './data';
import { Figure, FIGURE_CONFIG } from './figure';
import { axisStyle, baseLayout, formatValue, titleObject, VIRIDIS_SCALE } from './theme';

export interface HeatmapOptions extends LabelOptions {
  x: string;
  y: string;
  z: string;
  /** Colour by log10 of the mean (colour bar labelled in original units). Non-positive means stay blank. */
  logColor?: boolean;
  /** A diverging colour scale centred on 0 (blue below, red above), for signed changes such as a difference in loss. */
  diverging?: boolean;
  /** Put the first y value at the top (matrix order) instead of the bottom. */
  reverseY?: boolean;
  /** Write each cell's value in the cell. */
  showValues?: boolean;
  /** Which x / y values to show, in this order (default: all, numbers ascending). */
  xOrder?: unknown[];
  yOrder?: unknown[];
  title?: string;
  width?: number;
  height?: number;
}

const CONTEXT = 'heatmap';
/** ColorBrewer's RdBu, reversed: negative blue, zero white, positive red. */
const DIVERGING_SCALE: [number, string][] = ['#2166ac', '#67a9cf', '#d1e5f0', '#f7f7f7', '#fddbc7', '#ef8a62', '#b2182b'].map((c, i) => [i / 6, c]);

export function heatmap(table: ColumnTable, opts: HeatmapOptions): Figure {
  requireColumns(table, CONTEXT, [opts.x, opts.y, opts.z]);
  if (table.numRows() === 0) throw new ConfigError(`${CONTEXT}: the table has no rows to plot`);
  if (opts.x === opts.y || opts.z === opts.x || opts.z === opts.y) {
    throw new ConfigError(`${CONTEXT}: x, y and z must be three different columns (got ${opts.x}, ${opts.y}, ${opts.z})`);
  }
  if (opts.diverging && opts.logColor) throw new ConfigError(`${CONTEXT}: diverging and logColor cannot be combined`);
  const { agg, key } = aggregateForPlot(table, [opts.x, opts.y], opts.z);
  const xs = columnValues(agg, key(opts.x));
  const ys = columnValues(agg, key(opts.y));
  const xLevels = orderLevels(xs, opts.xOrder, `${CONTEXT}: xOrder`);
  const yLevels = orderLevels(ys, opts.yOrder, `${CONTEXT}: yOrder`);
  const xIndex = new Map(xLevels.map((v, i) => [v, i]));
  const yIndex = new Map(yLevels.map((v, i) => [v, i]));
  const mean = agg.column('mean') as unknown as Float64Array;
  const lo = agg.column('ci_low') as unknown as Float64Array;
  const hi = agg.column('ci_high') as unknown as Float64Array;
  const n = agg.column('n') as unknown as Float64Array;

  // Row-major matrices [y][x]; empty cells stay null (drawn blank).
  const blank = () => yLevels.map(() => xLevels.map(() => null as number | null));
  const zColor = blank();
  const cellText = yLevels.map(() => xLevels.map(() => ''));
  const custom = yLevels.map(() => xLevels.map(() => ['', '', '', ''] as string[]));
  for (let r = 0; r < agg.numRows(); r++) {
    const i = yIndex.get(ys[r]);
    const j = xIndex.get(xs[r]);
    if (i === undefined || j === undefined) continue;
    const m = mean[r];
    zColor[i][j] = opts.logColor ? (m > 0 && Number.isFinite(m) ? Math.log10(m) : null) : Number.isFinite(m) ? m : null;
    cellText[i][j] = formatNumber(m);
    custom[i][j] = [formatNumber(m), formatNumber(lo[r]), formatNumber(hi[r]), String(n[r])];
  }

  const xLabel = columnLabel(opts.x, opts);
  const yLabel = columnLabel(opts.y, opts);
  const zLabel = columnLabel(opts.z, opts);
  const colorbar: Record<string, unknown> = {
    title: { text: zLabel, side: 'right', font: { size: 13 } },
    thickness: 14,
    outlinewidth: 0,
    tickfont: { size: 12 },
  };
  if (opts.logColor) Object.assign(colorbar, logColorbarTicks(zColor));

  const cellsX = Math.max(1, xLevels.length);
  const cellsY = Math.max(1, yLevels.length);
  const margin = { l: 90, r: 30, t: opts.title ? 56 : 20, b: 70 };
  const width = opts.width ?? Math.min(1100, Math.max(420, margin.l + margin.r + 110 + cellsX * 44));
  const height = opts.height ?? Math.min(900, Math.max(320, margin.t + margin.b + cellsY * 34));

  const trace: Record<string, unknown> = {
    type: 'heatmap',
    x: xLevels.map((v) => valueLabel(opts.x, v, opts)),
    y: yLevels.map((v) => valueLabel(opts.y, v, opts)),
    z: zColor,
    customdata: custom,
    colorscale: opts.diverging ? DIVERGING_SCALE : VIRIDIS_SCALE,
    ...(opts.diverging ? { zmid: 0 } : {}),
    colorbar,
    xgap: 1,
    ygap: 1,
    hoverongaps: false,
    hovertemplate:
      `${xLabel} = %{x}<br>${yLabel} = %{y}<br>${zLabel}: %{customdata[0]}` +
      `<br>95 % CI [%{customdata[1]}, %{customdata[2]}]<br>seeds: %{customdata[3]}<extra></extra>`,
  };
  if (opts.showValues) {
    trace.text = cellText;
    trace.texttemplate = '%{text}';
    trace.textfont = { size: 10 };
  }
  const style = axisStyle();
  const layout: Record<string, unknown> = {
    ...baseLayout(),
    width,
    height,
    margin,
    showlegend: false,
    xaxis: {
      ...style,
      type: 'category',
      showgrid: false,
      title: { ...(style.title as object), text: xLabel },
      tickangle: xLevels.length > 10 ? -45 : 0,
    },
    yaxis: {
      ...style,
      type: 'category',
      showgrid: false,
      title: { ...(style.title as object), text: yLabel },
      autorange: opts.reverseY ? 'reversed' : true,
    },
  };
  if (opts.title) layout.title = titleObject(opts.title);
  return { data: [trace], layout, config: { ...FIGURE_CONFIG } };
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return formatValue(v);
  return String(Number(v.toPrecision(4)));
}

/** Colour-bar ticks at powers of ten (or 1-2-5 steps on a narrow range), labelled in original units. */
function logColorbarTicks(z: (number | null)[][]): Record<string, unknown> {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of z) for (const v of row) if (v !== null) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!(hi >= lo)) return {};
  const steps = hi - lo >= 2 ? [1] : [1, 2, 5];
  const tickvals: number[] = [];
  const ticktext: string[] = [];
  for (let e = Math.floor(lo) - 1; e <= Math.ceil(hi) + 1; e++) {
    for (const m of steps) {
      const v = Math.log10(m) + e;
      if (v >= lo - 1e-9 && v <= hi + 1e-9) {
        tickvals.push(v);
        ticktext.push(formatValue(Number((m * 10 ** e).toPrecision(6))));
      }
    }
  }
  if (tickvals.length < 3) {
    // A narrow range (less than a factor 10): evenly spaced round values, placed at their logarithms.
    tickvals.length = 0;
    ticktext.length = 0;
    for (const v of niceTicks(10 ** lo, 10 ** hi, 5)) {
      tickvals.push(Math.log10(v));
      ticktext.push(formatValue(v));
    }
  }
  return { tickvals, ticktext };
}

/** About `count` round numbers (1, 2, 2.5, 5 × 10^k steps) inside [lo, hi]. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}
