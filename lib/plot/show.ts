/**
 * show(fig): display a figure inline in a tslab (Jupyter) notebook, as ONE output carrying three renderings —
 *  - application/vnd.plotly.v1+json: drawn natively (and interactively) by VS Code and JupyterLab's plotly extension;
 *  - text/html: the static image, upgraded to a live plot wherever scripts run (classic Notebook, trusted
 *    JupyterLab, nbviewer); the first figure of a kernel session carries the plotly bundle inline;
 *  - image/png or image/svg+xml: for renderers that run no scripts (GitHub, nbconvert to PDF, …).
 * Outside a kernel it prints a one-line hint and returns; it never throws for lack of Chromium.
 */
import { Figure, figureSize, toPlainJson } from './figure';
import { notebookHtml, StaticImage } from './html';
import { renderImage, StaticRenderUnavailable } from './render';
import { inKernel, publish } from '../core/notebook';

export interface ShowOptions {
  /** Static fallback image embedded in the output (default 'png'). */
  static?: 'png' | 'svg' | 'none';
  /** Pixel density of the PNG (default 1, to keep notebooks small; 2 is sharp on high-DPI screens). */
  scale?: number;
}

let bundleSent = false;
let hintPrinted = false;

export async function show(fig: Figure, opts: ShowOptions = {}): Promise<void> {
  if (!inKernel()) {
    if (!hintPrinted) {
      hintPrinted = true;
      console.log('show(): not inside a Jupyter kernel, nothing displayed; saveFigure(fig, path) writes PNG/SVG/HTML files');
    }
    return;
  }
  const mode = opts.static ?? 'png';
  let image: StaticImage | null = null;
  if (mode !== 'none') {
    try {
      image = mode === 'png'
        ? { mime: 'image/png', data: (await renderImage(fig, 'png', opts.scale ?? 1)).toString('base64') }
        : { mime: 'image/svg+xml', data: await renderImage(fig, 'svg') };
    } catch (err) {
      const reason = err instanceof StaticRenderUnavailable ? err.message : String((err as Error)?.message ?? err).split('\n')[0];
      console.log(`show(): static image skipped (${reason}); the live figure is still shown`);
    }
  }
  const withBundle = !bundleSent;
  const plain = toPlainJson({ data: fig.data, layout: fig.layout, config: fig.config });
  const { width, height } = figureSize(fig);
  const data: Record<string, unknown> = {
    'application/vnd.plotly.v1+json': plain,
    'text/html': notebookHtml(fig, image, withBundle),
    'text/plain': `<Figure ${width}×${height}, ${fig.data.length} traces>`,
  };
  const metadata: Record<string, unknown> = {};
  if (image !== null) {
    data[image.mime] = image.data;
    if (image.mime === 'image/png') metadata['image/png'] = { width, height };
  }
  publish(data, { metadata });
  bundleSent = true;
}
