/**
 * The look shared by every figure: a clean white template, readable fonts, palettes, value formatting.
 * Change the look here, not in the individual plots.
 */

export const FONT_FAMILY = 'Arial, "Liberation Sans", "Helvetica Neue", Helvetica, sans-serif';
export const TEXT_COLOR = '#262626';
export const GRID_COLOR = '#ebebeb';
export const AXIS_COLOR = '#4d4d4d';
export const FONT_SIZE = 13;
export const TICK_FONT_SIZE = 12;
export const TITLE_FONT_SIZE = 17;
export const FACET_TITLE_FONT_SIZE = 14;

/** Opacity of the 95 % bands. */
export const BAND_OPACITY = 0.16;

/** Display names for the workflows, as the paper writes them; used for facet titles and legends by default. */
import { WORKFLOW_LABELS } from '../core/workflows';
export { WORKFLOW_LABELS };

/** Value labels applied unless a plot is given its own. */
export const DEFAULT_VALUE_LABELS: Record<string, Record<string, string>> = { workflow: WORKFLOW_LABELS };

/** Viridis, sampled at 11 evenly spaced stops (matplotlib's colormap, reproduced from its published values). */
const VIRIDIS = [
  '#440154', '#482475', '#414487', '#355f8d', '#2a788e', '#21918c',
  '#22a884', '#44bf70', '#7ad151', '#bddf26', '#fde725',
];
/** The part of viridis used for hue: its last tenth is too pale to read as a line on white. */
const SEQUENTIAL_RANGE: [number, number] = [0, 0.88];

/** Seaborn's "deep" palette, for categorical hues. */
export const CATEGORICAL = ['#4c72b0', '#dd8452', '#55a868', '#c44e52', '#8172b3', '#937860', '#da8bc3', '#8c8c8c', '#ccb974', '#64b5cd'];

function hexToRgb(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

function rgbToHex([r, g, b]: number[]): string {
  return '#' + [r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('');
}

/** Colour at position t ∈ [0, 1] of the sequential (viridis) palette, restricted to its readable part. */
export function sequentialColor(t: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const u = SEQUENTIAL_RANGE[0] + clamped * (SEQUENTIAL_RANGE[1] - SEQUENTIAL_RANGE[0]);
  const pos = u * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(pos));
  const f = pos - i;
  const a = hexToRgb(VIRIDIS[i]);
  const b = hexToRgb(VIRIDIS[i + 1]);
  return rgbToHex([0, 1, 2].map((k) => a[k] + f * (b[k] - a[k])));
}

/** Plotly colorscale for continuous colour (heatmaps): the same viridis. */
export const VIRIDIS_SCALE: [number, string][] = VIRIDIS.map((c, i) => [i / (VIRIDIS.length - 1), c]);

/** '#rrggbb' with an alpha → 'rgba(r,g,b,a)'. */
export function withAlpha(hex: string, alpha: number): string {
  const [r, g, b] = hexToRgb(hex);
  return `rgba(${r},${g},${b},${alpha})`;
}

/** A number or category as people write it: 10, 0.0316, 3.16, 1e-5, 131072. */
export function formatValue(value: unknown): string {
  if (typeof value !== 'number') return String(value);
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(4)));
}

/** Title font, tick font, and the axis style every cartesian axis gets. */
export function axisStyle(): Record<string, unknown> {
  return {
    showline: true,
    linecolor: AXIS_COLOR,
    linewidth: 1,
    ticks: 'outside',
    ticklen: 4,
    tickcolor: AXIS_COLOR,
    tickfont: { size: TICK_FONT_SIZE, color: TEXT_COLOR },
    showgrid: true,
    gridcolor: GRID_COLOR,
    zeroline: false,
    automargin: false,
    title: { font: { size: FONT_SIZE, color: TEXT_COLOR }, standoff: 8 },
  };
}

/** Extra settings for a log axis: powers of ten written as 10⁻³, unlabelled minor ticks. */
export function logAxisStyle(): Record<string, unknown> {
  return {
    type: 'log',
    exponentformat: 'power',
    showexponent: 'all',
    minor: { ticks: 'outside', ticklen: 2, tickcolor: AXIS_COLOR, showgrid: false },
  };
}

/** The base layout every figure starts from. */
export function baseLayout(): Record<string, unknown> {
  return {
    font: { family: FONT_FAMILY, size: FONT_SIZE, color: TEXT_COLOR },
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    hovermode: 'closest',
    hoverlabel: { font: { family: FONT_FAMILY, size: 12 } },
    showlegend: true,
  };
}

/** A figure title (plotly ≥ 3 wants `{ text }`, not a bare string). */
export function titleObject(text: string): Record<string, unknown> {
  return { text, x: 0.5, xanchor: 'center', y: 0.985, yanchor: 'top', yref: 'container', font: { size: TITLE_FONT_SIZE } };
}

/**
 * Right margin (pixels) for a vertical legend with these labels. Fixed-size figures need it: plotly would otherwise
 * widen the margin itself and squeeze the panels.
 */
export function legendWidth(labels: string[]): number {
  const longest = labels.reduce((m, l) => Math.max(m, [...l].length), 0);
  return Math.max(90, Math.round(60 + 7.5 * longest));
}
