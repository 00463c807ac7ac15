// Top-hat scoring against points sorted into a grid of cells: only points closer than h count, so a
// query visits only the cells within h of it instead of every point. The same counts as the direct
// loop in kernel-density.ts (integers: no rounding). Worth it when the data span many cells; for
// d ∉ {2, 3} or a grid of few cells the caller uses the direct loop.

export interface CellGrid {
  d: number;
  cell: number;
  /** Lower corner and cell counts per axis (a third axis of one cell for d = 2). */
  lo: Float64Array;
  dims: Int32Array;
  /** Points of cell c are sorted rows start[c] .. start[c + 1), coordinates split by axis. */
  start: Int32Array;
  xs: Float64Array;
  ys: Float64Array;
  zs: Float64Array;
}

/** Fewer cells than this along the widest axes and the grid cannot prune: use the direct loops. */
const MIN_CELLS = 64;

/**
 * Sort `points` (row-major, d ∈ {2, 3}) into cells of side `cell`, widened if needed so there are at
 * most ~2 cells per point. Returns null when the grid would have too few cells to prune anything.
 */
export function buildCellGrid(points: Float64Array, d: number, cell: number): CellGrid | null {
  if (d !== 2 && d !== 3) return null;
  const m = points.length / d;
  const lo = new Float64Array(3);
  const hi = new Float64Array(3);
  for (let a = 0; a < d; a++) {
    lo[a] = Infinity;
    hi[a] = -Infinity;
  }
  for (let i = 0; i < m; i++) {
    for (let a = 0; a < d; a++) {
      const v = points[i * d + a];
      if (v < lo[a]) lo[a] = v;
      if (v > hi[a]) hi[a] = v;
    }
  }
  const cellsFor = (side: number) => {
    let total = 1;
    for (let a = 0; a < d; a++) total *= Math.floor((hi[a] - lo[a]) / side) + 1;
    return total;
  };
  if (!(cell > 0) || !Number.isFinite(cell)) return null;
  let side = cell;
  while (cellsFor(side) > 2 * m + 16) side *= 1.5;
  if (cellsFor(side) < MIN_CELLS) return null;
  const dims = new Int32Array([1, 1, 1]);
  for (let a = 0; a < d; a++) dims[a] = Math.floor((hi[a] - lo[a]) / side) + 1;
  const ncells = dims[0] * dims[1] * dims[2];
  const cellOf = new Int32Array(m);
  const start = new Int32Array(ncells + 1);
  for (let i = 0; i < m; i++) {
    let c = 0;
    for (let a = d - 1; a >= 0; a--) c = c * dims[a] + Math.min(dims[a] - 1, Math.floor((points[i * d + a] - lo[a]) / side));
    cellOf[i] = c;
    start[c + 1]++;
  }
  for (let c = 0; c < ncells; c++) start[c + 1] += start[c];
  const next = start.slice(0, ncells);
  const xs = new Float64Array(m), ys = new Float64Array(m), zs = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const r = next[cellOf[i]]++; // stable: points keep their order within a cell
    xs[r] = points[i * d];
    ys[r] = points[i * d + 1];
    zs[r] = d === 3 ? points[i * d + 2] : 0;
  }
  return { d, cell: side, lo, dims, start, xs, ys, zs };
}

/** Cell index range [from, to] along axis a of the cells within `radius` of coordinate v. */
function span(g: CellGrid, a: number, v: number, radius: number): [number, number] {
  const from = Math.max(0, Math.floor((v - radius - g.lo[a]) / g.cell));
  const to = Math.min(g.dims[a] - 1, Math.floor((v + radius - g.lo[a]) / g.cell));
  return [from, to];
}

/** Squared distance from v to the interval of cell i along axis a. */
function gap2(g: CellGrid, a: number, v: number, i: number): number {
  const left = g.lo[a] + i * g.cell;
  const diff = v < left ? left - v : v > left + g.cell ? v - left - g.cell : 0;
  return diff * diff;
}

/** Count of points strictly closer than h to each query, as log (−Infinity for none). */
export function tophatLogCountsGrid(g: CellGrid, h: number, queries: Float64Array, out: Float64Array): Float64Array {
  const { d, dims, start, xs, ys, zs } = g;
  const h2 = h * h;
  for (let j = 0; j < out.length; j++) {
    const x = queries[j * d], y = queries[j * d + 1], w = d === 3 ? queries[j * d + 2] : 0;
    const [x0, x1] = span(g, 0, x, h), [y0, y1] = span(g, 1, y, h), [z0, z1] = d === 3 ? span(g, 2, w, h) : [0, 0];
    let count = 0;
    for (let iz = z0; iz <= z1; iz++) {
      const gz = d === 3 ? gap2(g, 2, w, iz) : 0;
      for (let iy = y0; iy <= y1; iy++) {
        const gyz = gz + gap2(g, 1, y, iy);
        if (gyz >= h2) continue;
        const row = (iz * dims[1] + iy) * dims[0];
        for (let ix = x0; ix <= x1; ix++) {
          if (gyz + gap2(g, 0, x, ix) >= h2) continue;
          const end = start[row + ix + 1];
          for (let k = start[row + ix]; k < end; k++) {
            const dx = xs[k] - x, dy = ys[k] - y, dw = zs[k] - w;
            count += +(dx * dx + dy * dy + dw * dw < h2);
          }
        }
      }
    }
    out[j] = Math.log(count);
  }
  return out;
}
