// A pool of batches addressed by global index (Accumulate-Subsample picks points of the whole pool):
// point g is row g − starts[b] of batch b, for the last b with starts[b] ≤ g.

/** starts[b] = number of points before batch b; starts[batches] = the total. */
export function batchStarts(sizes: readonly number[]): Float64Array {
  const starts = new Float64Array(sizes.length + 1);
  for (let b = 0; b < sizes.length; b++) starts[b + 1] = starts[b] + sizes[b];
  return starts;
}

/** The batch holding global point g (binary search over `starts`, as made by batchStarts). */
export function batchOf(starts: ArrayLike<number>, g: number): number {
  let lo = 0;
  let hi = starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= g) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Rows of several row-major blocks (all with d columns), picked by global row index. */
export function gatherRows(blocks: readonly Float64Array[], d: number, indices: Int32Array): Float64Array {
  const starts = batchStarts(blocks.map((b) => b.length / d));
  const out = new Float64Array(indices.length * d);
  for (let k = 0; k < indices.length; k++) {
    const g = indices[k];
    const b = batchOf(starts, g);
    const row = g - starts[b];
    out.set(blocks[b].subarray(row * d, row * d + d), k * d);
  }
  return out;
}
