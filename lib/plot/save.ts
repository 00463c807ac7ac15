/** saveFigure: write a figure as PNG, SVG and/or standalone HTML, each file atomically. */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../core/setting';
import { Figure } from './figure';
import { standaloneHtml } from './html';
import { renderImage } from './render';
import { writeFileAtomic } from '../core/project';

export type FigureFormat = 'png' | 'svg' | 'html';
const FORMATS: readonly FigureFormat[] = ['png', 'svg', 'html'];

/**
 * Saves `fig` as basePath.png (2× pixel density), basePath.svg and basePath.html (standalone, plotly inline),
 * creating the directory if needed. A trailing .png/.svg/.html on basePath is ignored. Returns the written paths.
 * PNG and SVG need Chromium (see render.ts); without it this throws, since the files were asked for.
 */
export async function saveFigure(fig: Figure, basePath: string, formats: readonly FigureFormat[] = FORMATS): Promise<string[]> {
  if (typeof basePath !== 'string' || basePath === '') throw new ConfigError(`saveFigure: basePath must be a non-empty path, got '${String(basePath)}'`);
  for (const f of formats) {
    if (!FORMATS.includes(f)) throw new ConfigError(`saveFigure: unknown format '${String(f)}' (use png, svg, html)`);
  }
  const base = basePath.replace(/\.(png|svg|html)$/i, '');
  await fs.promises.mkdir(path.dirname(path.resolve(base)), { recursive: true });
  const written: string[] = [];
  for (const format of [...new Set(formats)]) {
    const file = `${base}.${format}`;
    const content = format === 'html' ? standaloneHtml(fig) : await renderImage(fig, format);
    writeFileAtomic(file, content);
    written.push(file);
  }
  return written;
}
