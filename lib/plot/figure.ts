/**
 * A figure is a plain plotly.js figure: `{ data, layout }` (plus an optional `config`). Nothing here depends on
 * plotly at build time, so a figure can be inspected, edited by hand (`fig.layout.title = ...`), serialised to
 * JSON, or handed to any plotly renderer (JupyterLab, VS Code, a browser).
 */
export type Trace = Record<string, unknown>;
export type Layout = Record<string, unknown>;

export interface Figure {
  data: Trace[];
  layout: Layout;
  config?: Record<string, unknown>;
}

/** Default interaction config: no plotly logo, PNG button at 2x. */
export const FIGURE_CONFIG: Record<string, unknown> = {
  displaylogo: false,
  responsive: false,
  toImageButtonOptions: { format: 'png', scale: 2 },
};

/** Six significant digits: more than a plot or its hover label can show, and notebooks about half the size. */
function compact(v: number): number | null {
  if (!Number.isFinite(v)) return null;
  return Number.isInteger(v) ? v : Number(v.toPrecision(6));
}

/**
 * Text as plotly shows it, without styles: plotly renders `<span style="…">` (and `<a style>`) in titles,
 * axis labels, legend names and category values, and a style's `url(…)` makes a viewer fetch that
 * address. Text in figures comes from data (column names, values), so style attributes and url(…) are
 * removed; plotly's other markup (<b>, <br>, <sup>) is kept.
 */
export function safeText(text: string): string {
  if (!/style|url/i.test(text)) return text;
  let out = text;
  for (let before = ''; before !== out; ) {
    before = out;
    out = out.replace(/(<[^>]*?)\s*\bstyle\s*=\s*("[^"]*"?|'[^']*'?|[^\s>]*)/gi, '$1').replace(/url\s*\([^)]*\)?/gi, '');
  }
  return out;
}

/**
 * A JSON-safe deep copy: typed arrays become plain arrays, non-finite numbers become null (JSON has no NaN or
 * Infinity; plotly draws null as a gap), other numbers keep six significant digits and text loses styles (safeText). Every figure is passed
 * through this before it leaves the process.
 */
export function toPlainJson(value: unknown): unknown {
  if (typeof value === 'number') return compact(value);
  if (typeof value === 'string') return safeText(value);
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number>, compact);
  }
  if (Array.isArray(value)) return value.map(toPlainJson);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toPlainJson(v);
  return out;
}

/** The figure as a JSON string safe to embed inside an HTML <script> element. */
export function figureJsonForHtml(fig: Figure): string {
  return JSON.stringify(toPlainJson({ data: fig.data, layout: fig.layout, config: fig.config ?? FIGURE_CONFIG }))
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Pixel size of a figure (layout.width/height, or plotly's defaults). */
export function figureSize(fig: Figure): { width: number; height: number } {
  const width = typeof fig.layout.width === 'number' ? fig.layout.width : 700;
  const height = typeof fig.layout.height === 'number' ? fig.layout.height : 450;
  return { width, height };
}
