/**
 * Aggregation over seeds: the mean of a metric and its 95 % Student-t confidence interval, per group.
 *
 * Everything a figure shows as "mean and 95 % band over seeds" comes from `aggregate` (tables) or `meanCi`
 * (one array). The t quantile is computed here (no table lookup), accurate to ~1e-12.
 *
 * Non-finite values, honestly:
 *  - NaN (and null/undefined) means "no value": excluded from n and counted in `n_nan`.
 *  - ±Infinity is a value. If any value of a group is +Infinity the mean is +Infinity (an expectation over a
 *    distribution that puts positive mass on +∞ is +∞), and so are both interval ends; likewise for −Infinity.
 *    A group holding both +∞ and −∞ has mean NaN. sd is NaN whenever the mean is infinite.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { ConfigError } from '../core/setting';

/** Confidence level of every interval in this module. */
export const CONFIDENCE = 0.95;

// ---------------------------------------------------------------------------------------------------------------
// Special functions: log Γ, regularized incomplete beta, normal and Student-t quantiles.

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x); // reflection
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction of I_x(a, b) (modified Lentz); converges fast for x < (a + 1) / (a + b + 2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const clamp = (v: number) => (Math.abs(v) < tiny ? tiny : v);
  let c = 1;
  let d = 1 / clamp(1 - ((a + b) * x) / (a + 1));
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    const even = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
    d = 1 / clamp(1 + even * d);
    c = clamp(1 + even / c);
    h *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2));
    d = 1 / clamp(1 + odd * d);
    c = clamp(1 + odd / c);
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}

/**
 * Regularized incomplete beta I_x(a, b). Pass y = 1 − x when it is known more accurately than `1 - x`
 * (the Student-t tail does this to keep full relative precision far in the tail), and log B(a, b) when it can be
 * computed more accurately than from three log Γ values (which cancel badly for large a).
 */
export function incompleteBeta(x: number, a: number, b: number, y: number = 1 - x, logBeta?: number): number {
  if (!(x > 0)) return 0;
  if (!(y > 0)) return 1;
  const lb = logBeta ?? logGamma(a) + logGamma(b) - logGamma(a + b);
  const logFront = a * Math.log(x) + b * Math.log(y) - lb;
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(y, b, a)) / b;
}

/** log B(a, 1/2) = log Γ(a) + log Γ(1/2) − log Γ(a + 1/2); an asymptotic series for large a avoids cancellation. */
function logBetaHalf(a: number): number {
  const logGammaHalf = 0.5 * Math.log(Math.PI);
  if (a < 50) return logGamma(a) + logGammaHalf - logGamma(a + 0.5);
  // log Γ(a + 1/2) − log Γ(a) = ½ log a − 1/(8a) + 1/(192a³) − 1/(640a⁵) + 17/(14336a⁷) + O(a⁻⁹)
  const r = 1 / a;
  const r2 = r * r;
  const ratio = 0.5 * Math.log(a) - r / 8 + (r * r2) * (1 / 192 - r2 * (1 / 640 - (17 / 14336) * r2));
  return logGammaHalf - ratio;
}

/** P(Z > z) for a standard normal Z, with full relative precision in the upper tail. */
export function normalUpperTail(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z < 0) return 1 - normalUpperTail(-z);
  const x = z / Math.SQRT2;
  if (x < 2) {
    // erf(x) = 2x/√π · e^{−x²} · Σ (2x²)^k / (1·3·…·(2k+1)): all terms positive, no cancellation.
    let term = 1;
    let sum = 1;
    for (let k = 1; k < 200 && term > 1e-17 * sum; k++) {
      term *= (2 * x * x) / (2 * k + 1);
      sum += term;
    }
    return 0.5 - ((x * Math.exp(-x * x)) / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated by Lentz's method.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const ak = k / 2;
    d = x + ak * d;
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = x + ak / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (0.5 * Math.exp(-x * x)) / (Math.sqrt(Math.PI) * f);
}

/** Standard normal quantile Φ⁻¹(p): Acklam's rational approximation (1e-9) polished by two Halley steps. */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -normalQuantile(1 - p);
  // Now p ≤ 0.5: work with the lower tail, which is where floating point has its precision.
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  let z: number;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    z = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    z = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  for (let step = 0; step < 2; step++) {
    const e = normalUpperTail(-z) - p; // Φ(z) − p
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp((z * z) / 2);
    z = z - u / (1 + (z * u) / 2);
  }
  return z;
}

/** P(T > t) for Student's t with `df` degrees of freedom, t ≥ 0. */
function studentUpperTail(t: number, df: number): number {
  const t2 = t * t;
  // x = df/(df+t²) and y = t²/(df+t²) computed separately so neither loses precision.
  return 0.5 * incompleteBeta(df / (df + t2), df / 2, 0.5, t2 / (df + t2), logBetaHalf(df / 2));
}

/** Student-t cumulative distribution function P(T ≤ t). */
export function tCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  if (df === Infinity) return 1 - normalUpperTail(t);
  return t >= 0 ? 1 - studentUpperTail(t, df) : studentUpperTail(-t, df);
}

/** Cornish–Fisher expansion of the t quantile around the normal quantile z (Abramowitz & Stegun 26.7.5). */
function cornishFisherT(z: number, df: number): number {
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
}

/**
 * Quantile of Student's t distribution with `df` > 0 degrees of freedom (df may be fractional or Infinity).
 * Closed forms for df = 1 and 2; otherwise Newton's method on log t against the exact upper tail
 * (incomplete beta), started from the Cornish–Fisher expansion. Relative accuracy ~1e-12.
 */
export function tQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || Number.isNaN(df) || p < 0 || p > 1 || !(df > 0)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (df === 1) {
    // Cauchy: t = cot(π·q) for the tail probability q, which keeps full precision far in the tails.
    const t = 1 / Math.tan(Math.PI * Math.min(p, 1 - p));
    return p > 0.5 ? t : -t;
  }
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const upper = p > 0.5;
  const q = upper ? 1 - p : p; // upper-tail probability of |t|
  const z = -normalQuantile(q);
  if (df > 1e5) {
    const t = cornishFisherT(z, df); // error O(df^-5): far below double precision here
    return upper ? t : -t;
  }
  // Newton on u = log t for h(u) = log tail(e^u) − log q: a power-law tail makes h almost linear in u.
  let t = Math.max(cornishFisherT(z, df), 1e-8);
  const logQ = Math.log(q);
  const logNorm = -logBetaHalf(df / 2) - 0.5 * Math.log(df); // log of the density's constant 1/(√df·B(df/2, 1/2))
  for (let iter = 0; iter < 100; iter++) {
    const tail = studentUpperTail(t, df);
    const logPdf = logNorm - ((df + 1) / 2) * Math.log1p((t * t) / df);
    const h = Math.log(tail) - logQ;
    const slope = -Math.exp(logPdf + Math.log(t) - Math.log(tail)); // d log tail / d log t
    let step = -h / slope;
    if (!Number.isFinite(step)) break;
    step = Math.max(-2, Math.min(2, step)); // at most a factor e² per step: guards against a wild first guess
    t *= Math.exp(step);
    if (Math.abs(step) < 1e-14) break;
  }
  return upper ? t : -t;
}

// ---------------------------------------------------------------------------------------------------------------
// Mean and confidence interval.

export interface MeanCi {
  mean: number;
  sd: number;
  /** Values used (everything except NaN/null; ±Infinity counts). */
  n: number;
  /** NaN/null values excluded. */
  nNaN: number;
  ciLow: number;
  ciHigh: number;
}

/** Turns what a table column may hold into a number; null/undefined/non-numeric become NaN (missing). */
function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'bigint' || typeof v === 'boolean') return Number(v);
  return NaN;
}

/** Copies any column into a Float64Array, missing values as NaN (a plain loop: Float64Array.from(f) is slow). */
function toFloat64(values: ArrayLike<unknown>): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toNumber(values[i]);
  return out;
}

/**
 * Finishes one group from its sufficient pieces. `sumSq` is Σ(x − mean)² over the finite values.
 * Half-width = t(0.975, n−1) · sd / √n; n < 2 gives an undefined (NaN) interval.
 */
function finish(out: MeanCi, n: number, nNaN: number, nPosInf: number, nNegInf: number, sum: number, sumSq: number, tCache: Float64Array | null): void {
  out.n = n;
  out.nNaN = nNaN;
  if (nPosInf > 0 || nNegInf > 0) {
    const m = nPosInf > 0 && nNegInf > 0 ? NaN : nPosInf > 0 ? Infinity : -Infinity;
    out.mean = m;
    out.sd = NaN;
    out.ciLow = m;
    out.ciHigh = m;
    return;
  }
  out.mean = n > 0 ? sum / n : NaN;
  out.sd = n > 1 ? Math.sqrt(sumSq / (n - 1)) : NaN;
  if (n > 1) {
    const tq = tCache !== null && n < tCache.length ? tCache[n] : tQuantile((1 + CONFIDENCE) / 2, n - 1);
    const half = (tq * out.sd) / Math.sqrt(n);
    out.ciLow = out.mean - half;
    out.ciHigh = out.mean + half;
  } else {
    out.ciLow = NaN;
    out.ciHigh = NaN;
  }
}

/** Mean, sample sd and 95 % t-interval of one array (see the module comment for NaN and ±Infinity). */
export function meanCi(values: ArrayLike<unknown>): MeanCi {
  let n = 0;
  let nNaN = 0;
  let nPos = 0;
  let nNeg = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = toNumber(values[i]);
    if (Number.isNaN(v)) nNaN++;
    else {
      n++;
      if (v === Infinity) nPos++;
      else if (v === -Infinity) nNeg++;
      else sum += v;
    }
  }
  const mean = n > 0 ? sum / n : NaN;
  let sumSq = 0;
  if (nPos === 0 && nNeg === 0) {
    for (let i = 0; i < values.length; i++) {
      const v = toNumber(values[i]);
      if (!Number.isNaN(v)) sumSq += (v - mean) * (v - mean);
    }
  }
  const out: MeanCi = { mean: NaN, sd: NaN, n: 0, nNaN: 0, ciLow: NaN, ciHigh: NaN };
  finish(out, n, nNaN, nPos, nNeg, sum, sumSq, null);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Grouped aggregation of a table.

type Level = unknown;

/** The statistics columns `aggregate` adds after the `by` columns. */
export const AGGREGATE_COLUMNS: readonly string[] = ['mean', 'sd', 'n', 'n_nan', 'ci_low', 'ci_high'];

/** A column's values as an indexable array, honouring the table's filter and order. */
export function columnValues(table: ColumnTable, name: string, context = 'column'): ArrayLike<unknown> {
  if (!table.columnNames().includes(name)) {
    throw new ConfigError(`${context}: unknown column '${name}' (columns: ${table.columnNames().join(', ')})`);
  }
  // Unfiltered, unordered tables hold plain or typed arrays: read them in place (array() would copy row by row).
  const column = table.column(name) as unknown;
  if (!table.isFiltered() && !table.isOrdered() && (Array.isArray(column) || ArrayBuffer.isView(column))) {
    return column as ArrayLike<unknown>;
  }
  return table.array(name) as ArrayLike<unknown>;
}

/**
 * Dense codes for one key column. Codes follow the order of `levels`: numbers ascending when every value is a
 * number, otherwise order of first appearance (so 'replace, accumulate, accumulate-subsample' stays as run).
 */
function encodeColumn(values: ArrayLike<unknown>): { codes: Int32Array; levels: Level[] } {
  const firstSeen = new Map<Level, number>();
  const raw = new Int32Array(values.length);
  let last: Level = Symbol('none');
  let lastCode = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== last) {
      let code = firstSeen.get(v);
      if (code === undefined) {
        code = firstSeen.size;
        firstSeen.set(v, code);
      }
      last = v;
      lastCode = code;
    }
    raw[i] = lastCode;
  }
  const seen = [...firstSeen.keys()];
  if (!seen.every((v) => typeof v === 'number')) return { codes: raw, levels: seen };
  const sorted = seen.map((v, i) => [v as number, i] as const).sort((p, q) => compareNumbers(p[0], q[0]));
  const remap = new Int32Array(seen.length);
  sorted.forEach(([, old], rank) => (remap[old] = rank));
  for (let i = 0; i < raw.length; i++) raw[i] = remap[raw[i]];
  return { codes: raw, levels: sorted.map(([v]) => v) };
}

/** Numeric order with NaN last. */
function compareNumbers(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a - b;
}

/**
 * Mean of `value` over every row sharing the `by` columns (typically: all config columns and `iteration`, so the
 * mean runs over seeds), with its 95 % Student-t interval.
 *
 * Returns a table with the `by` columns, then `mean`, `sd`, `n`, `n_nan`, `ci_low`, `ci_high`; one row per group,
 * sorted by the `by` columns (numeric columns ascending, others in order of first appearance).
 * n counts non-NaN values (±Infinity included); NaN/null values are excluded and counted in n_nan.
 * If any value in a group is +Infinity the group's mean and both interval ends are +Infinity (−Infinity alike;
 * both signs present: NaN) — infinite results stay visible instead of vanishing from the average.
 *
 * Cost: O(rows · |by|) with typed arrays and no per-row allocation (750 000 rows → ~7 500 groups in well under
 * a second).
 */
export function aggregate(table: ColumnTable, by: string[], value: string): ColumnTable {
  for (const name of by) {
    if (AGGREGATE_COLUMNS.includes(name)) throw new ConfigError(`aggregate: by column '${name}' clashes with an output column (${AGGREGATE_COLUMNS.join(', ')})`);
  }
  if (new Set(by).size !== by.length) throw new ConfigError(`aggregate: by lists a column twice (${by.join(', ')})`);
  const rows = table.numRows();
  const valueColumn = columnValues(table, value, 'aggregate value');
  const keys = by.map((name) => encodeColumn(columnValues(table, name, 'aggregate by')));

  // Combine per-column codes into one group id per row. Mixed-radix codes fit in a double exactly while the
  // product of cardinalities stays below 2^53; a Map then compacts them to dense ids.
  let radixProduct = 1;
  for (const k of keys) radixProduct *= Math.max(1, k.levels.length);
  if (radixProduct > Number.MAX_SAFE_INTEGER) {
    throw new ConfigError(`aggregate: too many distinct combinations of ${by.join(', ')} (${radixProduct})`);
  }
  const groupOfRow = new Int32Array(rows);
  const combinedOfGroup: number[] = [];
  // Small code spaces (the usual case: a few thousand cells) use a direct lookup array instead of a Map.
  const direct = radixProduct <= 1 << 22 ? new Int32Array(radixProduct).fill(-1) : null;
  const idOfCombined = new Map<number, number>();
  const radices = keys.map((k) => k.levels.length);
  const codeColumns = keys.map((k) => k.codes);
  let lastCombined = -1;
  let lastId = -1;
  for (let i = 0; i < rows; i++) {
    let combined = 0;
    for (let k = 0; k < codeColumns.length; k++) combined = combined * radices[k] + codeColumns[k][i];
    if (combined !== lastCombined) {
      let id = direct !== null ? direct[combined] : idOfCombined.get(combined) ?? -1;
      if (id < 0) {
        id = combinedOfGroup.length;
        if (direct !== null) direct[combined] = id;
        else idOfCombined.set(combined, id);
        combinedOfGroup.push(combined);
      }
      lastCombined = combined;
      lastId = id;
    }
    groupOfRow[i] = lastId;
  }
  const groups = combinedOfGroup.length;

  // Pass 1: counts and sums; pass 2: squared deviations from the group mean (two-pass: no cancellation).
  const values = valueColumn instanceof Float64Array ? valueColumn : toFloat64(valueColumn);
  const count = new Float64Array(groups);
  const nanCount = new Float64Array(groups);
  const posInf = new Float64Array(groups);
  const negInf = new Float64Array(groups);
  const sum = new Float64Array(groups);
  for (let i = 0; i < rows; i++) {
    const g = groupOfRow[i];
    const v = values[i];
    if (v !== v) nanCount[g]++;
    else {
      count[g]++;
      if (v === Infinity) posInf[g]++;
      else if (v === -Infinity) negInf[g]++;
      else sum[g] += v;
    }
  }
  const sumSq = new Float64Array(groups);
  for (let i = 0; i < rows; i++) {
    const g = groupOfRow[i];
    const v = values[i];
    if (v === v && posInf[g] === 0 && negInf[g] === 0) {
      const d = v - sum[g] / count[g];
      sumSq[g] += d * d;
    }
  }

  // Output rows sorted by the combined code, i.e. by each key column's level order.
  const order = Array.from({ length: groups }, (_, g) => g).sort((a, b) => combinedOfGroup[a] - combinedOfGroup[b]);
  let maxN = 0;
  for (let g = 0; g < groups; g++) maxN = Math.max(maxN, count[g]);
  const tCache = new Float64Array(Math.min(maxN, 100000) + 1);
  for (let n = 2; n < tCache.length; n++) tCache[n] = tQuantile((1 + CONFIDENCE) / 2, n - 1);

  const columns: Record<string, ArrayLike<unknown>> = {};
  const byColumns = by.map(() => new Array<unknown>(groups));
  const out = {
    mean: new Float64Array(groups), sd: new Float64Array(groups), n: new Float64Array(groups),
    n_nan: new Float64Array(groups), ci_low: new Float64Array(groups), ci_high: new Float64Array(groups),
  };
  const cell: MeanCi = { mean: NaN, sd: NaN, n: 0, nNaN: 0, ciLow: NaN, ciHigh: NaN };
  for (let r = 0; r < groups; r++) {
    const g = order[r];
    let combined = combinedOfGroup[g];
    for (let k = keys.length - 1; k >= 0; k--) {
      const radix = keys[k].levels.length;
      byColumns[k][r] = keys[k].levels[combined % radix];
      combined = Math.floor(combined / radix);
    }
    finish(cell, count[g], nanCount[g], posInf[g], negInf[g], sum[g], sumSq[g], tCache);
    out.mean[r] = cell.mean;
    out.sd[r] = cell.sd;
    out.n[r] = cell.n;
    out.n_nan[r] = cell.nNaN;
    out.ci_low[r] = cell.ciLow;
    out.ci_high[r] = cell.ciHigh;
  }
  by.forEach((name, k) => (columns[name] = byColumns[k]));
  Object.assign(columns, out);
  return aq.table(columns as Record<string, unknown[]>);
}
