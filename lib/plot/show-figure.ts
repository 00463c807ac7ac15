// One call for a notebook's figure: show it inline (live + static), and when the reproduce command runs
// the notebook (COLLAPSE_FIGURES_DIR set) also write it to figures/<notebook>/<name>.png, .svg and .html.
import * as path from 'path';
import { saveFigure, show, type Figure, type ShowOptions } from './';

export async function showFigure(fig: Figure, name: string, options: ShowOptions = {}): Promise<void> {
  await show(fig, options);
  const dir = process.env.COLLAPSE_FIGURES_DIR;
  if (dir) await saveFigure(fig, path.join(dir, name));
}
