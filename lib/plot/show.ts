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

export interface ShowOptions {
  /** Static fallback image embedded in the output (default 'png'). */
  static?: 'png' | 'svg' | 'none';
  /** Pixel density of the PNG (default 2: sharp on high-DPI screens; 1 halves the notebook's size). */
  scale?: number;
}

interface DisplayData {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient: Record<string, unknown>;
}
type DisplayWriter = (data: DisplayData, update: boolean) => void;

let bundleSent = false;
let hintPrinted = false;

/**
 * tslab's display hook, non-null while a cell executes. Looked up among already-loaded modules only: outside a
 * kernel tslab's jupyter module (and its ZeroMQ binding) must not be loaded just to find out.
 */
function kernelDisplay(): DisplayWriter | null {
  for (const [id, mod] of Object.entries(require.cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(id)) continue;
    const writer = (mod?.exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData;
    if (typeof writer === 'function') return writer as DisplayWriter;
  }
  return null;
}

export async function show(fig: Figure, opts: ShowOptions = {}): Promise<void> {
  const writer = kernelDisplay();
  if (writer === null) {
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
        ? { mime: 'image/png', data: (await renderImage(fig, 'png', opts.scale ?? 2)).toString('base64') }
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
  writer({ data, metadata, transient: {} }, false);
  bundleSent = true;
}
