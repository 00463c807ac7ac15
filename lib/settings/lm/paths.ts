// Where the language model's shipped files live: data/lm/ in the project (vocabulary, base weights).
import * as path from 'path';
import { projectRoot } from '../../core/project';

/** data/lm/, or $COLLAPSE_LM_DIR (tests write scratch weights elsewhere). */
export function lmDataDir(): string {
  return process.env.COLLAPSE_LM_DIR || path.join(projectRoot(), 'data', 'lm');
}

/** Shipped files always come from the project's data/lm/, whatever COLLAPSE_LM_DIR says. */
export function shippedLmFile(name: string): string {
  return path.join(projectRoot(), 'data', 'lm', name);
}
