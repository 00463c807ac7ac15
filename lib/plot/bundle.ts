/** The plotly.js browser bundle, read from node_modules once and embedded inline (no network, ever). */
import * as fs from 'fs';

let bundleText: string | undefined;

/** Path of the plotly.js cartesian bundle (scatter, heatmap, histogram, box, …; 1.5 MB). */
export function plotlyBundlePath(): string {
  return require.resolve('plotly.js-cartesian-dist-min/plotly-cartesian.min.js');
}

/** The bundle's source. */
export function plotlyBundle(): string {
  if (bundleText === undefined) bundleText = fs.readFileSync(plotlyBundlePath(), 'utf8');
  return bundleText;
}

/**
 * The bundle as the body of an inline <script>, guaranteed to set window.Plotly: it runs with `module`, `exports`
 * and `define` shadowed, so neither a CommonJS shim nor require.js (classic Notebook) can capture the export, and
 * any "</script" inside the code is escaped so the HTML parser cannot end the element early.
 */
export function inlinePlotlyScript(): string {
  const body = plotlyBundle().replace(/<\/(script)/gi, '<\\/$1');
  return `(function (module, exports, define) {\n${body}\n}).call(window, undefined, undefined, undefined);`;
}
