/** HTML for figures: the notebook output snippet (static image upgraded to a live plot) and standalone pages. */
import { randomBytes } from 'crypto';
import { inlinePlotlyScript } from './bundle';
import { Figure, figureJsonForHtml, figureSize } from './figure';

export interface StaticImage {
  mime: 'image/png' | 'image/svg+xml';
  /** base64 for PNG; the SVG text for SVG. */
  data: string;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function figureTitle(fig: Figure): string {
  const title = fig.layout.title as { text?: unknown } | string | undefined;
  const text = typeof title === 'string' ? title : typeof title?.text === 'string' ? title.text : '';
  return text || 'figure';
}

/**
 * A notebook output: a div holding the static image, and a script that — wherever scripts run — draws the live
 * plot over it and then removes the image. When window.Plotly is not there yet (bundle not embedded, or an earlier
 * output not rendered yet) the script waits up to 30 s and otherwise leaves the image in place.
 * `withBundle` embeds the plotly bundle inline (done once per kernel session, by the first figure).
 */
export function notebookHtml(fig: Figure, image: StaticImage | null, withBundle: boolean): string {
  const id = `cot-plot-${randomBytes(6).toString('hex')}`;
  const { width, height } = figureSize(fig);
  const alt = escapeAttribute(figureTitle(fig));
  const img = image === null
    ? `<div style="font:13px sans-serif;color:#777;padding:8px">interactive figure (${alt}): shown when the notebook is trusted and runs scripts</div>`
    : `<img src="data:${image.mime};base64,${image.mime === 'image/png' ? image.data : Buffer.from(image.data, 'utf8').toString('base64')}" width="${width}" height="${height}" alt="${alt}" style="max-width:none">`;
  const bundle = withBundle ? `<script type="text/javascript">${inlinePlotlyScript()}</script>\n` : '';
  return `<div id="${id}" style="position:relative;width:${width}px;min-height:${height}px">${img}</div>
${bundle}<script type="text/javascript">
(function () {
  var fig = ${figureJsonForHtml(fig)};
  var tries = 0;
  function draw() {
    var host = document.getElementById(${JSON.stringify(id)});
    if (!host || !window.Plotly) return false;
    var img = host.firstElementChild;
    var live = document.createElement('div');
    live.style.position = 'absolute'; live.style.top = '0'; live.style.left = '0';
    host.appendChild(live);
    window.Plotly.newPlot(live, fig.data, fig.layout, fig.config).then(function () {
      if (img) host.removeChild(img);
      live.style.position = 'static';
    }, function () { host.removeChild(live); });
    return true;
  }
  if (!draw()) {
    var timer = setInterval(function () { if (draw() || ++tries > 120) clearInterval(timer); }, 250);
  }
})();
</script>`;
}

/** A standalone HTML page drawing the figure, with the plotly bundle inline (works offline). */
export function standaloneHtml(fig: Figure): string {
  const { width, height } = figureSize(fig);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeAttribute(figureTitle(fig))}</title>
<script type="text/javascript">${inlinePlotlyScript()}</script>
</head>
<body style="margin:0;background:#fff">
<div id="figure" style="width:${width}px;height:${height}px"></div>
<script type="text/javascript">
var fig = ${figureJsonForHtml(fig)};
window.Plotly.newPlot('figure', fig.data, fig.layout, fig.config);
</script>
</body>
</html>
`;
}
