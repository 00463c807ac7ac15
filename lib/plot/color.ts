/** Colour assignment for hue levels. */
import { ConfigError } from '../core/setting';
import { CATEGORICAL, sequentialColor } from './theme';

/**
 * One colour per hue level. Numeric levels get the sequential palette positioned by value (by log value when
 * `log`, so n = 10, 32, 100, 316, 1000 are evenly spaced); other levels cycle through the categorical palette.
 */
export function hueColors(levels: readonly unknown[], log: boolean, context: string): string[] {
  const numeric = levels.length > 0 && levels.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (log && !numeric) throw new ConfigError(`${context}: hueLog needs numeric hue values, got ${levels.slice(0, 5).map(String).join(', ')}`);
  if (!numeric) return levels.map((_, i) => CATEGORICAL[i % CATEGORICAL.length]);
  const values = levels as number[];
  if (log) {
    const bad = values.find((v) => !(v > 0));
    if (bad !== undefined) throw new ConfigError(`${context}: hueLog needs positive hue values, got ${bad}`);
  }
  const pos = values.map((v) => (log ? Math.log(v) : v));
  const lo = Math.min(...pos);
  const hi = Math.max(...pos);
  return pos.map((p) => sequentialColor(hi > lo ? (p - lo) / (hi - lo) : 0.5));
}
