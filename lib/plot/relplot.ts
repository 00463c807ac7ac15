/**
 * relplot: lines of the mean over seeds with a 95 % band, faceted into a grid — seaborn's `relplot(kind="line")`
 * in a dozen options. Every column not named (x, hue, col, row) is averaged over, typically `seed`.
 *
 *   relplot(rows, { x: 'iteration', y: 'trace_ratio', hue: 'samples', hueLog: true, col: 'workflow', logY: true })
 */
import type { ColumnTable } from 'arquero';
import { ConfigError } from '../core/setting';
import { hueColors } from './color';
import {
  aggregateForPlot, columnLabel, columnValues, Extent, facetTitle, LabelOptions, levelIndex, orderLevels, requireColumns, valueLabel,
} from './data';
import { axisLayout, makeGrid, Panel, panelNote, titleAbove, titleRight } from './facets';
import { Figure, FIGURE_CONFIG, Trace } from './figure';
import { BAND_OPACITY, baseLayout, legendWidth, titleObject, withAlpha } from './theme';

/**
 * A curve drawn on top of the data, e.g. a closed-form expectation. It goes into every panel whose col/row values
 * match (an omitted key matches all); an overlay whose col, row or hue value is not shown in the plot (filtered
 * out, or absent from the data) is not drawn, and relplot warns (console.warn, naming the overlay).
 */
export interface Overlay {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Legend entry; overlays sharing a name share one entry (e.g. "theory"). */
  name: string;
  /** Facet values the curve belongs to; an omitted key means every panel. */
  col?: unknown;
  row?: unknown;
  /** Hue level whose colour the curve takes (black when omitted). */
  hue?: unknown;
  /** Plotly dash style: 'dash' (default), 'dot', 'dashdot', 'solid', … */
  dash?: string;
  /** Explicit colour, overriding the hue colour. */
  color?: string;
}

export interface RelplotOptions extends LabelOptions {
  x: string;
  y: string;
  hue?: string;
  col?: string;
  row?: string;
  logX?: boolean;
  logY?: boolean;
  /** Colour numeric hue levels by log(value) (n = 10, 32, 100, … evenly spaced). */
  hueLog?: boolean;
  /** Which hue / column / row values to show, in this order (default: all; numbers ascending). */
  hueOrder?: unknown[];
  colOrder?: unknown[];
  rowOrder?: unknown[];
  title?: string;
  /** Shade the 95 % confidence interval of the mean (default true). */
  band?: boolean;
  /** Bounds the quantity cannot leave, e.g. [0, 1] for a share: bands are clipped to them (a t-interval on a
   *  few 0/1 values can reach below 0 or above 1, which says nothing about the data). */
  bandLimits?: [number, number];
  /** Markers on the mean lines; default: only when a line has ≤ 20 points. */
  markers?: boolean;
  overlays?: Overlay[];
  /** Total figure size in pixels (default: 270 × 240 per panel plus margins). */
  width?: number;
  height?: number;
  /** Share the x / y axis across panels (default true), as seaborn does; sharey 'row' shares it within each row. */
  sharex?: boolean;
  sharey?: boolean | 'row';
}

interface Series {
  x: unknown[];
  mean: number[];
  lo: number[];
  hi: number[];
  n: number[];
}

const CONTEXT = 'relplot';
/** Legend entry for means that are ±∞, drawn as triangles on the panel's top (bottom) edge. */
const INFINITE_LABEL = 'mean = ±∞';

export function relplot(table: ColumnTable, opts: RelplotOptions): Figure {
  validateOptions(table, opts);
  const band = opts.band ?? true;
  const sharex = opts.sharex ?? true;
  const sharey = opts.sharey ?? true;
  const logX = opts.logX ?? false;
  const logY = opts.logY ?? false;

  const by = [...new Set([opts.col, opts.row, opts.hue, opts.x].filter((c): c is string => c !== undefined))];
  const { agg, key } = aggregateForPlot(table, by, opts.y);

  const levelsOf = (name: string | undefined, order: unknown[] | undefined, what: string) =>
    name === undefined ? [undefined] : orderLevels(columnValues(agg, key(name)), order, `${CONTEXT}: ${what}`);
  const colLevels = levelsOf(opts.col, opts.colOrder, 'colOrder');
  const rowLevels = levelsOf(opts.row, opts.rowOrder, 'rowOrder');
  const hueLevels = levelsOf(opts.hue, opts.hueOrder, 'hueOrder');
  const colors = opts.hue === undefined ? ['#1f1f1f'] : hueColors(hueLevels, opts.hueLog ?? false, CONTEXT);
  const nCols = colLevels.length;
  const nRows = rowLevels.length;
  const nHues = hueLevels.length;

  // Distribute the aggregated rows into series[panel][hue]; aggregate sorts x ascending within each group.
  const series: Series[][] = Array.from({ length: nRows * nCols }, () =>
    Array.from({ length: nHues }, () => ({ x: [], mean: [], lo: [], hi: [], n: [] })),
  );
  const indexer = (name: string | undefined, levels: unknown[]) => {
    if (name === undefined) return () => 0;
    const map = new Map(levels.map((v, i) => [v, i]));
    const values = columnValues(agg, key(name));
    return (r: number) => map.get(values[r]) ?? -1;
  };
  const colOf = indexer(opts.col, colLevels);
  const rowOf = indexer(opts.row, rowLevels);
  const hueOf = indexer(opts.hue, hueLevels);
  const xs = columnValues(agg, key(opts.x));
  const means = agg.column('mean') as unknown as Float64Array;
  const lows = agg.column('ci_low') as unknown as Float64Array;
  const highs = agg.column('ci_high') as unknown as Float64Array;
  const counts = agg.column('n') as unknown as Float64Array;
  for (let r = 0; r < agg.numRows(); r++) {
    const c = colOf(r);
    const w = rowOf(r);
    const h = hueOf(r);
    if (c < 0 || w < 0 || h < 0) continue; // a level not selected by hueOrder / colOrder / rowOrder
    const s = series[w * nCols + c][h];
    s.x.push(xs[r]);
    s.mean.push(means[r]);
    let lo = lows[r];
    let hi = highs[r];
    if (logY) [lo, hi] = logScaleInterval(means[r], hi - means[r]);
    s.lo.push(opts.bandLimits ? Math.max(opts.bandLimits[0], lo) : lo);
    s.hi.push(opts.bandLimits ? Math.min(opts.bandLimits[1], hi) : hi);
    s.n.push(counts[r]);
  }

  // Overlays: validate and assign to panels before computing ranges, so theory curves are never clipped.
  const overlays = (opts.overlays ?? []).map((o, i) => resolveOverlay(o, i, opts, colLevels, rowLevels, hueLevels, colors));
  warnUnmatchedOverlays(opts, overlays, colLevels, rowLevels, hueLevels);

  // y ranges are computed here rather than left to plotly: bands on a log axis may reach ≤ 0, and points with an
  // infinite mean are pinned to the panel's edge. The means and overlays set the range; a band may widen it by at
  // most one decade (log) or one span (linear) on each side, so one seed's outlier cannot squash every line, and a
  // band reaching further runs off the panel's edge.
  const core = series.map(() => new Extent(logY));
  const bands = series.map(() => new Extent(logY));
  series.forEach((panel, p) => {
    for (const s of panel) {
      core[p].addAll(s.mean);
      if (band) {
        bands[p].addAll(s.lo);
        bands[p].addAll(s.hi);
      }
    }
  });
  overlays.forEach((o) => o.panels.forEach((p) => core[p].addAll(o.y)));
  if (sharey === true) {
    const allCore = new Extent(logY);
    const allBands = new Extent(logY);
    core.forEach((e) => allCore.merge(e));
    bands.forEach((e) => allBands.merge(e));
    core.fill(allCore);
    bands.fill(allBands);
  } else if (sharey === 'row') {
    for (let w = 0; w < nRows; w++) {
      const rowCore = new Extent(logY);
      const rowBands = new Extent(logY);
      for (let c = 0; c < nCols; c++) {
        rowCore.merge(core[w * nCols + c]);
        rowBands.merge(bands[w * nCols + c]);
      }
      core.fill(rowCore, w * nCols, (w + 1) * nCols);
      bands.fill(rowBands, w * nCols, (w + 1) * nCols);
    }
  }
  const isInfinite = (m: number) => m === Infinity || m === -Infinity;
  const anyInfinite = series.some((panel) => panel.some((s) => s.mean.some(isInfinite)));
  // A panel whose every mean is infinite still needs a range to pin its markers to.
  const yRanges = core.map((e, p) => e.axisRange(logY, 0.04, bands[p]) ?? (anyInfinite ? ([0, 1] as [number, number]) : undefined))
    .map((r) => (r !== undefined && logY && anyInfinite ? pinnableLogRange(r) : r));

  const hasFacetTitlesAbove = opts.col !== undefined;
  const hasRowTitles = opts.row !== undefined;
  const showLegend = opts.hue !== undefined || overlays.length > 0;
  const legendLabels = [
    ...(opts.hue === undefined ? ['mean (95 % CI)'] : [columnLabel(opts.hue, opts), ...hueLevels.map((v) => valueLabel(opts.hue as string, v, opts))]),
    ...overlays.map((o) => o.name),
    ...(anyInfinite ? [INFINITE_LABEL] : []),
  ];
  const grid = makeGrid({
    rows: nRows,
    cols: nCols,
    width: opts.width,
    height: opts.height,
    margin: {
      l: 78,
      r: (showLegend || anyInfinite ? legendWidth(legendLabels) : 16) + (hasRowTitles ? 28 : 0),
      t: 14 + (opts.title ? 30 : 0) + (hasFacetTitlesAbove ? 26 : 0),
      b: 56,
    },
    hgap: sharey ? 26 : 62,
    vgap: sharex ? 22 : 48,
  });

  const data: Trace[] = [];
  const xLabel = columnLabel(opts.x, opts);
  const yLabel = columnLabel(opts.y, opts);
  const hueLabel = opts.hue === undefined ? '' : columnLabel(opts.hue, opts);
  const legendShown = new Set<string>();
  // A log y axis cannot place y ≤ 0 (a determinant ratio of exactly 0): such points become gaps, counted per panel
  // and named in a note, as for x below, instead of being left for plotly to drop quietly.
  const hiddenY = new Array<number>(grid.panels.length).fill(0);
  const onLogY = (y: readonly number[], p: number): (number | null)[] =>
    y.map((v) => {
      if (logY && v <= 0 && Number.isFinite(v)) { // −∞ is pinned to the floor by its own marker
        hiddenY[p]++;
        return null;
      }
      return v;
    });

  grid.panels.forEach((panel, p) => {
    const range = yRanges[p];
    const floor = range === undefined ? undefined : logY ? 10 ** range[0] : range[0];
    const ceiling = range === undefined ? undefined : logY ? 10 ** range[1] : range[1];
    const facetDesc = describeFacet(opts, colLevels[panel.col], rowLevels[panel.row]);
    series[p].forEach((s, h) => {
      if (s.x.length === 0) return;
      const color = colors[h];
      const group = opts.hue === undefined ? 'mean' : `hue:${String(hueLevels[h])}`;
      const name = opts.hue === undefined ? 'mean (95 % CI)' : valueLabel(opts.hue, hueLevels[h], opts);
      if (band && s.lo.some((v, i) => Number.isFinite(v) && Number.isFinite(s.hi[i]))) {
        data.push(bandTrace(panel, s.x, s.lo, group, color, false));
        data.push(bandTrace(panel, s.x, s.hi, group, color, true));
      }
      const firstOfGroup = !legendShown.has(group);
      legendShown.add(group);
      const markers = opts.markers ?? s.x.length <= 20;
      data.push({
        type: 'scatter',
        mode: markers ? 'lines+markers' : 'lines',
        x: s.x,
        y: onLogY(s.mean, p),
        xaxis: panel.xref,
        yaxis: panel.yref,
        name,
        legendgroup: group,
        showlegend: showLegend && firstOfGroup,
        line: { color, width: 2 },
        marker: { color, size: 5 },
        customdata: s.x.map((_, i) => [s.lo[i], s.hi[i], s.n[i]]),
        hovertemplate:
          (opts.hue === undefined ? '' : `${hueLabel} = ${name}<br>`) +
          `${xLabel} = %{x}<br>${yLabel}: %{y:.4g}<br>95 % CI [%{customdata[0]:.4g}, %{customdata[1]:.4g}]` +
          `<br>seeds: %{customdata[2]}<extra>${facetDesc}</extra>`,
      });
      // Infinite means are real results (e.g. a test NLL of +∞): mark them at the panel edge, never drop them.
      const infinite = s.mean.map((m, i) => (isInfinite(m) ? i : -1)).filter((i) => i >= 0);
      if (infinite.length > 0 && floor !== undefined && ceiling !== undefined) {
        data.push({
          type: 'scatter',
          mode: 'markers',
          x: infinite.map((i) => s.x[i]),
          y: infinite.map((i) => (s.mean[i] > 0 ? ceiling : floor)),
          text: infinite.map((i) => (s.mean[i] > 0 ? '+∞' : '−∞')),
          xaxis: panel.xref,
          yaxis: panel.yref,
          legendgroup: group,
          showlegend: false,
          cliponaxis: false,
          marker: { color, size: 9, symbol: infinite.map((i) => (s.mean[i] > 0 ? 'triangle-up' : 'triangle-down')) },
          hovertemplate: `${opts.hue === undefined ? '' : `${hueLabel} = ${name}<br>`}${xLabel} = %{x}<br>mean = %{text}<extra>${facetDesc}</extra>`,
        });
      }
    });
  });

  const overlayNames = new Set<string>();
  for (const o of overlays) {
    for (const p of o.panels) {
      const panel = grid.panels[p];
      data.push({
        type: 'scatter',
        mode: 'lines',
        x: o.x,
        y: onLogY(o.y, p),
        xaxis: panel.xref,
        yaxis: panel.yref,
        name: o.name,
        legendgroup: `overlay:${o.name}`,
        showlegend: false,
        line: { color: o.color, width: 1.6, dash: o.dash },
        hovertemplate: `${o.name}<br>${xLabel} = %{x}<br>${yLabel}: %{y:.4g}<extra></extra>`,
      });
    }
    if (!overlayNames.has(o.name)) {
      overlayNames.add(o.name);
      data.push(legendOnlyTrace(o.name, `overlay:${o.name}`, { line: { color: '#1f1f1f', width: 1.6, dash: o.dash }, mode: 'lines' }));
    }
  }
  if (anyInfinite) {
    data.push(legendOnlyTrace(INFINITE_LABEL, 'infinite', {
      mode: 'markers',
      marker: { color: '#555555', size: 9, symbol: 'triangle-up' },
    }));
  }

  const layout: Record<string, unknown> = {
    ...baseLayout(),
    width: grid.width,
    height: grid.height,
    margin: grid.margin,
    showlegend: showLegend || anyInfinite,
    legend: {
      x: 1 + (hasRowTitles ? 32 : 12) * grid.pxX,
      xanchor: 'left',
      y: 1,
      yanchor: 'top',
      tracegroupgap: 0,
      title: { text: hueLabel },
      font: { size: 12 },
      itemwidth: 30,
    },
  };
  if (opts.title) layout.title = titleObject(opts.title);
  const annotations: Record<string, unknown>[] = [];
  for (const panel of grid.panels) {
    layout[panel.xKey] = axisLayout(panel, 'x', {
      log: logX,
      title: panel.row === nRows - 1 ? xLabel : '',
      showTickLabels: !sharex || panel.row === nRows - 1,
      matches: sharex && panel.xref !== 'x' ? 'x' : undefined,
    });
    layout[panel.yKey] = axisLayout(panel, 'y', {
      log: logY,
      title: panel.col === 0 ? yLabel : '',
      showTickLabels: !sharey || panel.col === 0,
      matches: sharey === true ? (panel.yref !== 'y' ? 'y' : undefined) : sharey === 'row' && panel.col > 0 ? grid.at(panel.row, 0).yref : undefined,
      range: yRanges[panel.row * nCols + panel.col],
    });
    if (opts.col !== undefined && panel.row === 0) annotations.push(titleAbove(panel, facetTitle(opts.col, colLevels[panel.col], opts)));
    if (opts.row !== undefined && panel.col === nCols - 1) annotations.push(titleRight(panel, facetTitle(opts.row, rowLevels[panel.row], opts)));
    // A log x axis cannot place x ≤ 0 (e.g. num_synthetic = 0): say so instead of letting plotly drop them quietly.
    const hidden = logX ? series[panel.row * nCols + panel.col].reduce((k, s) => k + s.x.filter((v) => !((v as number) > 0)).length, 0) : 0;
    if (hidden > 0) annotations.push(panelNote(panel, `not shown: ${hidden} point${hidden > 1 ? 's' : ''} at ${xLabel} ≤ 0 (log axis)`));
    const hiddenAtY = hiddenY[panel.row * nCols + panel.col];
    if (hiddenAtY > 0) annotations.push(panelNote(panel, `not shown: ${hiddenAtY} point${hiddenAtY > 1 ? 's' : ''} at ${yLabel} ≤ 0 (log axis)`));
  }
  layout.annotations = annotations;
  return { data, layout, config: { ...FIGURE_CONFIG } };
}

function validateOptions(table: ColumnTable, opts: RelplotOptions): void {
  if (typeof opts.x !== 'string' || typeof opts.y !== 'string') throw new ConfigError(`${CONTEXT}: options x and y must name columns`);
  requireColumns(table, CONTEXT, [opts.x, opts.y, opts.hue, opts.col, opts.row]);
  for (const key of ['hue', 'col', 'row', 'x'] as const) {
    if (opts[key] === opts.y) throw new ConfigError(`${CONTEXT}: y column '${opts.y}' is also used as ${key}`);
  }
  if (opts.hueLog && opts.hue === undefined) throw new ConfigError(`${CONTEXT}: hueLog needs a hue column`);
  const limits = opts.bandLimits;
  if (limits !== undefined && !(Array.isArray(limits) && limits.length === 2 && limits[0] < limits[1])) {
    throw new ConfigError(`${CONTEXT}: bandLimits must be [low, high] with low < high, got ${JSON.stringify(limits)}`);
  }
  if (table.numRows() === 0) throw new ConfigError(`${CONTEXT}: the table has no rows to plot`);
  const ys = table.array(opts.y) as ArrayLike<unknown>;
  let finite = false;
  for (let i = 0; i < ys.length && !finite; i++) finite = typeof ys[i] === 'number' && Number.isFinite(ys[i] as number);
  if (!finite) throw new ConfigError(`${CONTEXT}: y column '${opts.y}' has no finite value to plot (all ${table.numRows()} are NaN, infinite or missing)`);
}

interface ResolvedOverlay {
  x: number[];
  y: number[];
  name: string;
  dash: string;
  color: string;
  panels: number[];
  /** The keys whose value matches no level of the data, e.g. "hue samples = 300". */
  unmatched: string[];
}

function resolveOverlay(
  o: Overlay, i: number, opts: RelplotOptions, colLevels: unknown[], rowLevels: unknown[], hueLevels: unknown[], colors: string[],
): ResolvedOverlay {
  const where = `${CONTEXT}: overlays[${i}]`;
  if (typeof o.name !== 'string' || o.name === '') throw new ConfigError(`${where}: name must be a non-empty string`);
  if (o.x.length !== o.y.length) throw new ConfigError(`${where}: x has ${o.x.length} values but y has ${o.y.length}`);
  for (const key of ['col', 'row', 'hue'] as const) {
    if (o[key] !== undefined && opts[key] === undefined) throw new ConfigError(`${where}: ${key} = ${String(o[key])} but the plot has no ${key}`);
  }
  const h = o.hue === undefined ? -1 : levelIndex(hueLevels, o.hue);
  const color = o.color ?? (h >= 0 ? colors[h] : '#1f1f1f');
  const cols = o.col === undefined ? colLevels.map((_, c) => c) : [levelIndex(colLevels, o.col)].filter((c) => c >= 0);
  const rows = o.row === undefined ? rowLevels.map((_, r) => r) : [levelIndex(rowLevels, o.row)].filter((r) => r >= 0);
  const hueShown = o.hue === undefined || h >= 0;
  const panels = hueShown ? rows.flatMap((r) => cols.map((c) => r * colLevels.length + c)) : [];
  const unmatched = (['col', 'row', 'hue'] as const).filter((k) => o[k] !== undefined && levelIndex(k === 'col' ? colLevels : k === 'row' ? rowLevels : hueLevels, o[k]) < 0)
    .map((k) => `${k} ${opts[k]} = ${String(o[k])}`);
  return { x: Array.from(o.x), y: Array.from(o.y), name: o.name, dash: o.dash ?? 'dash', color, panels, unmatched };
}

/**
 * An overlay whose col, row or hue value matches no facet or hue level of the data is not drawn: say so, once per
 * overlay name, in the output (a theory cell copied onto other results would otherwise silently lose its curves).
 */
function warnUnmatchedOverlays(opts: RelplotOptions, overlays: ResolvedOverlay[], colLevels: unknown[], rowLevels: unknown[], hueLevels: unknown[]): void {
  const byName = new Map<string, { count: number; values: Set<string> }>();
  for (const o of overlays) {
    if (o.panels.length > 0) continue;
    const e = byName.get(o.name) ?? { count: 0, values: new Set<string>() };
    e.count++;
    o.unmatched.forEach((u) => e.values.add(u));
    byName.set(o.name, e);
  }
  const levels = (k: 'col' | 'row' | 'hue', l: unknown[]) => (opts[k] === undefined ? [] : [`${k} ${opts[k]}: ${l.map(String).join(', ')}`]);
  const shown = [...levels('col', colLevels), ...levels('row', rowLevels), ...levels('hue', hueLevels)].join('; ');
  for (const [name, e] of byName) {
    console.warn(`${CONTEXT}: overlay '${name}' is not drawn: ${e.count} curve${e.count === 1 ? '' : 's'} match${e.count === 1 ? 'es' : ''} no panel ` +
      `(${[...e.values].join(', ')}); the data has ${shown}. Compute overlays from the configurations in the results.`);
  }
}

/**
 * The 95 % interval of a positive mean m on a log axis, computed on the scale it is drawn on: the interval of
 * log m by the delta method (se(log m) ≈ se(m)/m), m·exp(±h/m) for the linear half-width h = t·se. Always
 * positive and symmetric on the axis; empty for m ≤ 0, which a log axis cannot show.
 */
function logScaleInterval(mean: number, halfWidth: number): [number, number] {
  if (!(mean > 0) || !Number.isFinite(mean) || !Number.isFinite(halfWidth)) return [NaN, NaN];
  const f = Math.exp(halfWidth / mean);
  return [mean / f, mean * f];
}

function bandTrace(panel: Panel, x: unknown[], y: number[], group: string, color: string, upper: boolean): Trace {
  return {
    type: 'scatter',
    mode: 'lines',
    x,
    y,
    xaxis: panel.xref,
    yaxis: panel.yref,
    legendgroup: group,
    showlegend: false,
    hoverinfo: 'skip',
    line: { width: 0, color },
    // 'tonexty' fills down to the previous trace: the lower edge pushed just before this one.
    fill: upper ? 'tonexty' : 'none',
    fillcolor: withAlpha(color, BAND_OPACITY),
    name: upper ? 'ci_high' : 'ci_low',
  };
}

/**
 * A log axis range whose ends survive serialisation with the markers pinned to them. toPlainJson keeps six
 * significant digits, of the range ends and of the pinned values 10^end alike, and plotly hides a marker that then
 * lands a hair outside the range (cliponaxis: false does not save it). So each end gets at most six significant
 * digits, moved outwards until 10^end, so rounded, still lies inside by plotly's own test (log(v) / LN10).
 */
function pinnableLogRange([lo, hi]: [number, number]): [number, number] {
  const snap = (end: number, dir: 1 | -1): number => {
    const six = (v: number) => Number(v.toPrecision(6));
    const step = (v: number) => six(v + dir * (v === 0 ? 1e-6 : 10 ** (Math.floor(Math.log10(Math.abs(v))) - 5)));
    let v = six(end);
    if ((v - end) * dir < 0) v = step(v);
    for (let k = 0; k < 100; k++, v = step(v)) {
      const shown = Math.log(six(10 ** v)) / Math.LN10;
      if (dir > 0 ? shown <= v : shown >= v) break;
    }
    return v;
  };
  return [snap(lo, -1), snap(hi, 1)];
}

/** A trace that draws nothing and exists only to give a legend group one entry. */
function legendOnlyTrace(name: string, group: string, style: Record<string, unknown>): Trace {
  return { type: 'scatter', x: [null], y: [null], name, legendgroup: group, showlegend: true, hoverinfo: 'skip', ...style };
}

function describeFacet(opts: RelplotOptions, col: unknown, row: unknown): string {
  const parts: string[] = [];
  if (opts.col !== undefined) parts.push(`${columnLabel(opts.col, opts)} = ${valueLabel(opts.col, col, opts)}`);
  if (opts.row !== undefined) parts.push(`${columnLabel(opts.row, opts)} = ${valueLabel(opts.row, row, opts)}`);
  return parts.join(', ');
}
