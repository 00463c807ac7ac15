// The four toy data sets of the paper's KDE experiments, generated the way scikit-learn's
// `make_blobs`, `make_circles`, `make_moons` and `make_swiss_roll` define them (same shapes, same
// parameters), but drawn from this project's seeded streams, so the numbers differ from numpy's.
//
// Points are returned row-major in one Float64Array: point i is x[i*d .. i*d + d).
//
// One deliberate difference from the authors' code: blob centres are drawn ONCE per run
// (`createDataSource`) and shared by the training data and the test set. The authors called
// `make_blobs` twice, so their blob test set had new random centres: it came from a different
// distribution than the data the model was fit on.
import type { Rng } from '../../core/random';
import { choice, parseParam } from '../../core/params';

export const DATASETS = ['blobs', 'circles', 'moons', 'swiss_roll'] as const;
export type DatasetName = (typeof DATASETS)[number];

/** Noise standard deviation the paper uses for circles, moons and swiss roll. */
export const DATASET_NOISE = 0.05;
/** make_circles' ratio of the inner radius to the outer one. */
export const CIRCLES_FACTOR = 0.8;
/** make_blobs: number of centres, the box they are drawn in, and the cluster standard deviation. */
export const BLOB_CENTERS = 3;
export const BLOB_CENTER_BOX: readonly [number, number] = [-10, 10];
export const BLOB_STD = 1;

export function datasetDimension(name: DatasetName): number {
  return name === 'swiss_roll' ? 3 : 2;
}

const DATASET = choice(DATASETS, { default: 'moons', help: 'a toy data set' });

export function parseDataset(value: unknown): DatasetName {
  return parseParam('dataset', DATASET, value) as DatasetName;
}

/** `k` centres uniform in the box [lo, hi]^d, row-major (make_blobs with centers=k). */
export function drawBlobCenters(rng: Rng, k = BLOB_CENTERS, d = 2, box: readonly [number, number] = BLOB_CENTER_BOX): Float64Array {
  const [lo, hi] = box;
  const centers = new Float64Array(k * d);
  for (let i = 0; i < centers.length; i++) centers[i] = lo + (hi - lo) * rng.uniform();
  return centers;
}

/**
 * Isotropic Gaussian blobs around the given centres. As make_blobs: n is split evenly across the
 * centres, the first n mod k centres getting one point more; then the rows are shuffled.
 */
export function makeBlobs(n: number, rng: Rng, centers: Float64Array, d = 2, std = BLOB_STD): Float64Array {
  const k = centers.length / d;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`makeBlobs: centers must hold k*${d} numbers, got ${centers.length}`);
  const x = new Float64Array(n * d);
  let row = 0;
  for (let c = 0; c < k; c++) {
    const count = Math.floor(n / k) + (c < n % k ? 1 : 0);
    for (let r = 0; r < count; r++, row++) {
      for (let j = 0; j < d; j++) x[row * d + j] = centers[c * d + j] + std * rng.normal();
    }
  }
  return shuffleRows(x, d, rng);
}

/**
 * A large circle (radius 1) around a smaller one (radius `factor`), as make_circles: floor(n/2)
 * points on the outer circle and the rest on the inner one, at equally spaced angles
 * 2πk/count (no endpoint), rows shuffled, then N(0, noise²) added to every coordinate.
 */
export function makeCircles(n: number, rng: Rng, noise = DATASET_NOISE, factor = CIRCLES_FACTOR): Float64Array {
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const x = new Float64Array(n * 2);
  for (let k = 0; k < nOut; k++) {
    const a = (2 * Math.PI * k) / nOut;
    x[2 * k] = Math.cos(a);
    x[2 * k + 1] = Math.sin(a);
  }
  for (let k = 0; k < nIn; k++) {
    const a = (2 * Math.PI * k) / nIn;
    x[2 * (nOut + k)] = factor * Math.cos(a);
    x[2 * (nOut + k) + 1] = factor * Math.sin(a);
  }
  shuffleRows(x, 2, rng);
  return addNoise(x, noise, rng);
}

/**
 * Two interleaving half circles, as make_moons: floor(n/2) points on the upper half of the unit
 * circle and the rest on a lower half circle shifted to (1, 0.5), at angles equally spaced over
 * [0, π] endpoints included (numpy's linspace), rows shuffled, then N(0, noise²) on every coordinate.
 */
export function makeMoons(n: number, rng: Rng, noise = DATASET_NOISE): Float64Array {
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const x = new Float64Array(n * 2);
  for (let k = 0; k < nOut; k++) {
    const a = linspaceAt(0, Math.PI, nOut, k);
    x[2 * k] = Math.cos(a);
    x[2 * k + 1] = Math.sin(a);
  }
  for (let k = 0; k < nIn; k++) {
    const a = linspaceAt(0, Math.PI, nIn, k);
    x[2 * (nOut + k)] = 1 - Math.cos(a);
    x[2 * (nOut + k) + 1] = 1 - Math.sin(a) - 0.5;
  }
  shuffleRows(x, 2, rng);
  return addNoise(x, noise, rng);
}

/**
 * The swiss roll in 3-D, as make_swiss_roll (no hole): t = 1.5π(1 + 2U), height 21·U', point
 * (t cos t, height, t sin t), then N(0, noise²) on every coordinate.
 */
export function makeSwissRoll(n: number, rng: Rng, noise = DATASET_NOISE): Float64Array {
  const x = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const t = 1.5 * Math.PI * (1 + 2 * rng.uniform());
    const height = 21 * rng.uniform();
    x[3 * i] = t * Math.cos(t);
    x[3 * i + 1] = height;
    x[3 * i + 2] = t * Math.sin(t);
  }
  return addNoise(x, noise, rng);
}

/** A data distribution of one run: its dimension and a sampler. Blob centres are fixed at creation. */
export interface DataSource {
  readonly name: DatasetName;
  readonly dimension: number;
  /** The blob centres (row-major, 3 × 2), or null for the other data sets. */
  readonly centers: Float64Array | null;
  /** n fresh points, row-major. */
  draw(n: number, rng: Rng): Float64Array;
}

/**
 * The distribution of one run. For blobs the centres are drawn here, once, from `rng`; every later
 * `draw` (training data, test set) uses the same centres.
 */
export function createDataSource(name: DatasetName, rng: Rng): DataSource {
  const dimension = datasetDimension(name);
  if (name === 'blobs') {
    const centers = drawBlobCenters(rng);
    return { name, dimension, centers, draw: (n, r) => makeBlobs(n, r, centers) };
  }
  const make = name === 'circles' ? makeCircles : name === 'moons' ? makeMoons : makeSwissRoll;
  return { name, dimension, centers: null, draw: (n, r) => make(n, r) };
}

/** Rows of a row-major array, for plotting and for the number[][] interfaces. */
export function toRows(x: Float64Array, d: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i + d <= x.length; i += d) rows.push(Array.from(x.subarray(i, i + d)));
  return rows;
}

// numpy.linspace(start, stop, count)[k] with the endpoint included.
function linspaceAt(start: number, stop: number, count: number, k: number): number {
  return count === 1 ? start : start + ((stop - start) * k) / (count - 1);
}

function addNoise(x: Float64Array, noise: number, rng: Rng): Float64Array {
  for (let i = 0; i < x.length; i++) x[i] += noise * rng.normal();
  return x;
}

// Fisher–Yates over rows, in place.
function shuffleRows(x: Float64Array, d: number, rng: Rng): Float64Array {
  const n = x.length / d;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    if (j === i) continue;
    for (let c = 0; c < d; c++) {
      const tmp = x[i * d + c];
      x[i * d + c] = x[j * d + c];
      x[j * d + c] = tmp;
    }
  }
  return x;
}
