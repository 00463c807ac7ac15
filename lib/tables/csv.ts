// CSV out of sweep columns. Non-finite numbers are written as inf, -inf and nan, which Python's
// float(), pandas and R all read back.
import type { Columns } from '../core/sweep';

function cell(v: unknown): string {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'nan';
    if (v === Infinity) return 'inf';
    if (v === -Infinity) return '-inf';
    return String(v);
  }
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(columns: Columns): string {
  const names = Object.keys(columns);
  const rows = names.length ? columns[names[0]].length : 0;
  const lines: string[] = [names.join(',')];
  const cols = names.map((n) => columns[n]);
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < cols.length; c++) line += (c ? ',' : '') + cell(cols[c][r]);
    lines.push(line);
  }
  return lines.join('\n') + '\n';
}
