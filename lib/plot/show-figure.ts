// One call for a notebook's figure: show it inline (live + static), and when the reproduce command runs
// the notebook (COLLAPSE_FIGURES_DIR set) also write it to figures/<notebook>/<name>.png, .svg and .html.
import * as path from 'path';
import { ConfigError } from '../core/errors';
import { saveFigure, show, type Figure, type ShowOptions } from './';

export async function showFigure(fig: Figure, name: string, options: ShowOptions = {}): Promise<void> {
  checkFigureName(name);
  await show(fig, options);
  const dir = process.env.COLLAPSE_FIGURES_DIR;
  if (dir) await saveFigure(fig, path.join(dir, name));
}

/** A figure's name stays inside the figures folder: a relative path with no '..' and no absolute part. */
export function checkFigureName(name: string): void {
  if (typeof name !== 'string' || name.trim() === '') throw new ConfigError(`showFigure: name must be a non-empty file name, got '${String(name)}'`);
  const parts = name.split(/[\\/]/);
  if (path.isAbsolute(name) || path.win32.isAbsolute(name) || parts.includes('..') || parts.some((p) => p === '')) {
    throw new ConfigError(`showFigure: name '${name}' must stay inside the figures folder (a relative name like 'fig1' or 'sub/fig1', no '..' and no absolute path)`);
  }
}
