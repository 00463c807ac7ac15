/** Small helpers the plots share: reading columns, ordering levels, labels, ranges. */
import type { ColumnTable } from 'arquero';
import { ConfigError } from '../core/setting';
import { aggregate, AGGREGATE_COLUMNS, columnValues } from '../tables/stats';
import { DEFAULT_VALUE_LABELS, formatValue } from './theme';

export { columnValues };

/** Options every table plot understands for naming things. */
export interface LabelOptions {
  /** Display names for columns, e.g. `{ squared_error_of_mean: 'squared error of the mean' }`. */
  labels?: Record<string, string>;
  /** Display names for values of a column, e.g. `{ workflow: { replace: 'Replace' } }` (workflows have defaults). */
  valueLabels?: Record<string, Record<string, string>>;
}

export function columnLabel(name: string, opts: LabelOptions): string {
  return opts.labels?.[name] ?? name;
}

export function valueLabel(column: string, value: unknown, opts: LabelOptions): string {
  const key = String(value);
  return opts.valueLabels?.[column]?.[key] ?? DEFAULT_VALUE_LABELS[column]?.[key] ?? formatValue(value);
}

/** Facet title in seaborn's style: "workflow = Replace". */
export function facetTitle(column: string, value: unknown, opts: LabelOptions): string {
  return `${columnLabel(column, opts)} = ${valueLabel(column, value, opts)}`;
}

/**
 * Distinct values in display order: numerically ascending when all are numbers, otherwise in order of first
 * appearance. An explicit order (seaborn's hue_order, col_order) selects and orders: only the listed values that
 * occur in the data are shown; 10 and '10' match.
 */
export function orderLevels(values: ArrayLike<unknown>, explicit?: readonly unknown[], what = 'order'): unknown[] {
  const seen = new Set<unknown>();
  for (let i = 0; i < values.length; i++) seen.add(values[i]);
  if (explicit) {
    const present = [...seen];
    const chosen = explicit.map((v) => (seen.has(v) ? v : present.find((p) => String(p) === String(v))));
    const levels = [...new Set(chosen.filter((v) => v !== undefined))];
    if (levels.length === 0 && present.length > 0) {
      throw new ConfigError(`${what}: none of ${explicit.map(String).join(', ')} occur in the data (values: ${present.slice(0, 10).map(String).join(', ')})`);
    }
    return levels;
  }
  const levels = [...seen];
  if (levels.every((v) => typeof v === 'number')) return (levels as number[]).sort((a, b) => a - b);
  return levels;
}

/** Index of a value among levels, matching 10 and '10' (overlays are often written by hand). */
export function levelIndex(levels: readonly unknown[], value: unknown): number {
  const exact = levels.indexOf(value);
  if (exact >= 0) return exact;
  return levels.findIndex((l) => String(l) === String(value));
}

/** Checks the named columns exist, before any work starts. */
export function requireColumns(table: ColumnTable, context: string, names: (string | undefined)[]): void {
  const have = table.columnNames();
  for (const name of names) {
    if (name !== undefined && !have.includes(name)) {
      throw new ConfigError(`${context}: unknown column '${name}' (columns: ${have.join(', ')})`);
    }
  }
}

/** Running min/max over finite values (positive ones only for log axes). */
export class Extent {
  min = Infinity;
  max = -Infinity;
  constructor(readonly positiveOnly: boolean) {}
  add(v: unknown): void {
    if (typeof v !== 'number' || !Number.isFinite(v)) return;
    if (this.positiveOnly && !(v > 0)) return;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }
  addAll(values: ArrayLike<unknown>): void {
    for (let i = 0; i < values.length; i++) this.add(values[i]);
  }
  merge(other: Extent): void {
    this.add(other.min);
    this.add(other.max);
  }
  get empty(): boolean {
    return this.min > this.max;
  }
  /**
   * A padded axis range in plotly's units (log10 for log axes), or undefined when there is nothing to show.
   * `pad` is the fraction of the span added on each side. `soft` (e.g. confidence bands) may widen the range by at
   * most one decade (log) or one span (linear) beyond this extent on each side.
   */
  axisRange(log: boolean, pad = 0.04, soft?: Extent): [number, number] | undefined {
    const base = this.empty ? soft : this;
    if (base === undefined || base.empty) return undefined;
    const t = (v: number) => (log ? Math.log10(v) : v);
    let lo = t(base.min);
    let hi = t(base.max);
    if (soft !== undefined && !soft.empty && base === this) {
      const reach = log ? 1 : Math.max(hi - lo, 1e-12);
      lo = Math.min(lo, Math.max(t(soft.min), lo - reach));
      hi = Math.max(hi, Math.min(t(soft.max), hi + reach));
    }
    if (hi - lo < 1e-12) {
      const half = log ? 0.5 : Math.max(Math.abs(lo) * 0.1, 0.5);
      lo -= half;
      hi += half;
    }
    const span = hi - lo;
    return [lo - pad * span, hi + pad * span];
  }
}

/** Plain number array from any column-like input (typed arrays are not JSON-friendly). */
export function toArray(values: ArrayLike<unknown>): unknown[] {
  return Array.from(values);
}

/**
 * `aggregate` for plots: a grouping column whose name clashes with a statistics column (say a hue called `n`) is
 * renamed for the computation; `key(name)` gives the column to read from the result.
 */
export function aggregateForPlot(table: ColumnTable, by: string[], value: string): { agg: ColumnTable; key: (name: string) => string } {
  const renames: Record<string, string> = {};
  for (const name of by) if (AGGREGATE_COLUMNS.includes(name)) renames[name] = `${name}__group`;
  if (Object.keys(renames).length === 0) return { agg: aggregate(table, by, value), key: (name) => name };
  const key = (name: string) => renames[name] ?? name;
  return { agg: aggregate(table.rename(renames), by.map(key), key(value)), key };
}
