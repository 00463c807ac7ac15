/**
 * scatterGrid: a grid of 2-D point clouds, e.g. the real data next to the samples of iterations 1, 10, 100.
 * Each panel may carry a grey `reference` cloud (the real data) drawn beneath its points.
 */
import { ConfigError } from '../core/setting';
import { Extent } from './data';
import { axisLayout, makeGrid, titleAbove } from './facets';
import { Figure, FIGURE_CONFIG, Trace } from './figure';
import { baseLayout, CATEGORICAL, legendWidth, titleObject } from './theme';

export interface ScatterPanel {
  title: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Legend name of the points (default "samples"); panels sharing a name share a legend entry. */
  name?: string;
  color?: string;
  /** Points drawn beneath in light grey, e.g. the real data. */
  reference?: { x: ArrayLike<number>; y: ArrayLike<number>; name?: string };
}

export interface ScatterGridOptions {
  cols: number;
  title?: string;
  markerSize?: number;
  /** Same scale on x and y (circles look round); with shared axes, the same ranges in every panel. */
  equalAxes?: boolean;
  /** Same x and y ranges in every panel (default true); false lets each panel fit its own cloud, e.g. different data sets. */
  shareAxes?: boolean;
  xLabel?: string;
  yLabel?: string;
  /** Size of each panel in pixels (default 260; height follows the aspect ratio when equalAxes). */
  panelSize?: number;
  width?: number;
  height?: number;
}

const CONTEXT = 'scatterGrid';

export function scatterGrid(panels: ScatterPanel[], opts: ScatterGridOptions): Figure {
  if (!Number.isInteger(opts.cols) || opts.cols < 1) throw new ConfigError(`${CONTEXT}: cols must be a positive integer, got ${opts.cols}`);
  if (panels.length === 0) throw new ConfigError(`${CONTEXT}: no panels given`);
  panels.forEach((p, i) => {
    if (p.x.length !== p.y.length) throw new ConfigError(`${CONTEXT}: panels[${i}] has ${p.x.length} x values but ${p.y.length} y values`);
    if (p.reference && p.reference.x.length !== p.reference.y.length) {
      throw new ConfigError(`${CONTEXT}: panels[${i}].reference has ${p.reference.x.length} x values but ${p.reference.y.length} y values`);
    }
  });
  const cols = Math.min(opts.cols, panels.length);
  const rows = Math.ceil(panels.length / cols);
  const size = opts.panelSize ?? 260;
  const markerSize = opts.markerSize ?? 4;

  // Common ranges (shared by default, so clouds compare across panels); equalAxes also equalises the two spans.
  const rangesOf = (group: ScatterPanel[]) => {
    const ex = new Extent(false);
    const ey = new Extent(false);
    for (const p of group) {
      ex.addAll(p.x);
      ey.addAll(p.y);
      if (p.reference) {
        ex.addAll(p.reference.x);
        ey.addAll(p.reference.y);
      }
    }
    let xRange = ex.axisRange(false, 0.05);
    let yRange = ey.axisRange(false, 0.05);
    if (opts.equalAxes && xRange && yRange) {
      const span = Math.max(xRange[1] - xRange[0], yRange[1] - yRange[0]);
      const centre = (r: [number, number]) => (r[0] + r[1]) / 2;
      const widen = (r: [number, number]): [number, number] => [centre(r) - span / 2, centre(r) + span / 2];
      xRange = widen(xRange);
      yRange = widen(yRange);
    }
    return { xRange, yRange };
  };
  const shared = rangesOf(panels);
  const ranges = opts.shareAxes === false ? panels.map((p) => rangesOf([p])) : panels.map(() => shared);
  const panelH = size;
  const hasTitles = panels.some((p) => p.title);
  const names = new Set<string>();
  const legendNames = [
    ...panels.flatMap((p) => (p.reference ? [p.reference.name ?? 'real data'] : [])),
    ...panels.map((p) => p.name ?? 'samples'),
  ];
  const hasLegend = panels.some((p) => p.reference) || new Set(panels.map((p) => p.name ?? 'samples')).size > 1;
  const grid = makeGrid({
    rows,
    cols,
    width: opts.width,
    height: opts.height,
    panelWidth: size,
    panelHeight: panelH,
    margin: { l: 60, r: hasLegend ? legendWidth(legendNames) : 20, t: 12 + (opts.title ? 30 : 0) + (hasTitles ? 24 : 0), b: 52 },
    hgap: 40,
    vgap: 34 + (hasTitles ? 24 : 0),
  });

  const data: Trace[] = [];
  const palette = new Map<string, string>();
  panels.forEach((p, i) => {
    const panel = grid.panels[i];
    if (p.reference) {
      const refName = p.reference.name ?? 'real data';
      data.push({
        type: 'scatter',
        mode: 'markers',
        x: Array.from(p.reference.x),
        y: Array.from(p.reference.y),
        xaxis: panel.xref,
        yaxis: panel.yref,
        name: refName,
        legendgroup: `ref:${refName}`,
        showlegend: !names.has(`ref:${refName}`),
        marker: { color: '#b0b0b0', size: markerSize, opacity: 0.7 },
        hovertemplate: `${refName}<br>(%{x:.3g}, %{y:.3g})<extra></extra>`,
      });
      names.add(`ref:${refName}`);
    }
    const name = p.name ?? 'samples';
    if (!palette.has(name)) palette.set(name, CATEGORICAL[palette.size % CATEGORICAL.length]);
    data.push({
      type: 'scatter',
      mode: 'markers',
      x: Array.from(p.x),
      y: Array.from(p.y),
      xaxis: panel.xref,
      yaxis: panel.yref,
      name,
      legendgroup: `pts:${name}`,
      showlegend: hasLegend && !names.has(`pts:${name}`),
      marker: { color: p.color ?? palette.get(name), size: markerSize, opacity: 0.8 },
      hovertemplate: `${name}<br>(%{x:.3g}, %{y:.3g})<extra>${p.title}</extra>`,
    });
    names.add(`pts:${name}`);
  });

  const layout: Record<string, unknown> = {
    ...baseLayout(),
    width: grid.width,
    height: grid.height,
    margin: grid.margin,
    showlegend: hasLegend,
    legend: { x: 1 + 12 * grid.pxX, xanchor: 'left', y: 1, yanchor: 'top', font: { size: 12 } },
  };
  if (opts.title) layout.title = titleObject(opts.title);
  const annotations: Record<string, unknown>[] = [];
  grid.panels.forEach((panel, i) => {
    const used = i < panels.length;
    layout[panel.xKey] = {
      ...axisLayout(panel, 'x', { log: false, title: panel.row === rows - 1 || i + cols >= panels.length ? opts.xLabel ?? '' : '', showTickLabels: true, range: ranges[i]?.xRange ?? shared.xRange }),
      visible: used,
    };
    layout[panel.yKey] = {
      ...axisLayout(panel, 'y', { log: false, title: panel.col === 0 ? opts.yLabel ?? '' : '', showTickLabels: true, range: ranges[i]?.yRange ?? shared.yRange }),
      visible: used,
      ...(opts.equalAxes ? { scaleanchor: panel.xref, scaleratio: 1, constrain: 'domain' } : {}),
    };
    if (used && panels[i].title) annotations.push(titleAbove(panel, panels[i].title));
  });
  layout.annotations = annotations;
  return { data, layout, config: { ...FIGURE_CONFIG } };
}
