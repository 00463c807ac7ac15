// The configurations present in a results table, for cells that compute something per configuration (theory
// overlays): taken from the results rather than typed in, a cell keeps working when copied onto other results.
import type { ColumnTable } from 'arquero';

/** The distinct values of a column, in ascending order (numbers numerically, anything else as strings). */
export function distinctValues<T extends string | number = number>(table: ColumnTable, column: string): T[] {
  if (!table.columnNames().includes(column)) {
    throw new Error(`distinctValues: no column '${column}' (the table has ${table.columnNames().join(', ')})`);
  }
  const seen = new Set<T>();
  const values = table.array(column) as ArrayLike<T>;
  for (let i = 0; i < values.length; i++) seen.add(values[i]);
  return [...seen].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}
