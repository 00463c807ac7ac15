// Scoring against points sorted into a grid of cells, so each query visits only the cells that can
// matter instead of every point. Same numbers as the direct loops in kernel-density.ts, up to the
// order of summation (last-bit rounding):
//   - tophat: only points closer than h count, so only cells within h of the query are visited.
//   - gaussian: a term exp(−(D − near)/(2h²)), with `near` the smallest squared distance, is skipped
//     when D − near ≥ cutoff² (below double rounding, see logSumExpCutoff). Any upper bound U ≥ near
//     gives a superset of the terms that matter, {D < U + cutoff²}. U is the nearest point among the
//     query's own and adjacent cells; the cells within √(U + cutoff²) are then summed by the same
//     one-pass rescaled log-sum-exp as the direct loop. A query with no point in its neighbourhood (a
//     test point far from a collapsed model) falls back to every point.
// Worth it when the data span many cells: blobs and the swiss roll at small bandwidths (the points
// beyond the cutoff are then most of them). For d ∉ {2, 3} or a grid of few cells, callers use the
// direct loops.
import { expNeg } from './exp-neg';

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

/**
 * Gaussian log kernel sums of each query over the grid's points (see the header); `cutoffSq` is the
 * squared distance beyond the nearest point past which terms are below double rounding, `inv2h2` =
 * 1/(2h²). `direct(j)` scores query j against every point (the fallback).
 */
export function gaussianLogSumsGrid(g: CellGrid, inv2h2: number, cutoffSq: number, queries: Float64Array, out: Float64Array, direct: (j: number) => number): Float64Array {
  const { d, dims, start, xs, ys, zs, cell } = g;
  for (let j = 0; j < out.length; j++) {
    const x = queries[j * d], y = queries[j * d + 1], w = d === 3 ? queries[j * d + 2] : 0;
    // An upper bound on the nearest squared distance: the nearest point in the adjacent cells.
    let bound = Infinity;
    {
      const [x0, x1] = span(g, 0, x, cell), [y0, y1] = span(g, 1, y, cell), [z0, z1] = d === 3 ? span(g, 2, w, cell) : [0, 0];
      for (let iz = z0; iz <= z1; iz++) {
        for (let iy = y0; iy <= y1; iy++) {
          const row = (iz * dims[1] + iy) * dims[0];
          const end = start[row + x1 + 1];
          for (let k = start[row + x0]; k < end; k++) {
            const dx = xs[k] - x, dy = ys[k] - y, dw = zs[k] - w;
            const dsq = dx * dx + dy * dy + dw * dw;
            if (dsq < bound) bound = dsq;
          }
        }
      }
    }
    if (bound === Infinity) {
      out[j] = direct(j);
      continue;
    }
    const reach2 = bound + cutoffSq;
    const reach = Math.sqrt(reach2);
    const [x0, x1] = span(g, 0, x, reach), [y0, y1] = span(g, 1, y, reach), [z0, z1] = d === 3 ? span(g, 2, w, reach) : [0, 0];
    let near = Infinity;
    let s = 0;
    for (let iz = z0; iz <= z1; iz++) {
      const gz = d === 3 ? gap2(g, 2, w, iz) : 0;
      for (let iy = y0; iy <= y1; iy++) {
        const gyz = gz + gap2(g, 1, y, iy);
        if (gyz >= reach2) continue;
        const row = (iz * dims[1] + iy) * dims[0];
        for (let ix = x0; ix <= x1; ix++) {
          if (gyz + gap2(g, 0, x, ix) >= reach2) continue;
          const end = start[row + ix + 1];
          for (let k = start[row + ix]; k < end; k++) {
            const dx = xs[k] - x, dy = ys[k] - y, dw = zs[k] - w;
            const dsq = dx * dx + dy * dy + dw * dw;
            if (dsq < near) {
              s = near - dsq < cutoffSq ? s * expNeg((near - dsq) * inv2h2) + 1 : 1;
              near = dsq;
            } else if (dsq - near < cutoffSq) {
              s += expNeg((dsq - near) * inv2h2);
            }
          }
        }
      }
    }
    out[j] = Math.log(s) - near * inv2h2;
  }
  return out;
}
