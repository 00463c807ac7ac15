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
