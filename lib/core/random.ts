// Seeded random streams. Every random draw in the project comes from an Rng made here, so the same
// configuration and seed give bit-identical results on every machine (no Math.random anywhere).
//
// Generator: xoshiro128** (Blackman & Vigna), four 32-bit words of state, period 2^128 − 1. It is
// fast in JavaScript because it needs only 32-bit integer arithmetic. A stream is named by a string
// key; the key is hashed with SHA-256 into the state, so streams for different keys are independent
// for every practical purpose, and `derive(label)` makes a child stream without touching the parent.
import { createHash } from 'crypto';

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

export class Rng {
  readonly key: string;
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal = NaN;

  constructor(key: string) {
    this.key = key;
    const digest = createHash('sha256').update(key).digest();
    this.s0 = digest.readUInt32LE(0);
    this.s1 = digest.readUInt32LE(4);
    this.s2 = digest.readUInt32LE(8);
    this.s3 = digest.readUInt32LE(12);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** An independent child stream, named by this stream's key and `label`. */
  derive(label: string | number): Rng {
    return new Rng(`${this.key}/${label}`);
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /** Uniform on (0, 1): safe to take the logarithm of. */
  uniformPositive(): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    return u;
  }

  /** Uniform integer in [0, n), n ≤ 2^32, without modulo bias (rejection on the top bits). */
  int(n: number): number {
    if (!(n >= 1 && n <= TWO_POW_32 && Number.isInteger(n))) throw new RangeError(`int: n must be an integer in [1, 2^32], got ${n}`);
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** Standard normal draw (Marsaglia's polar method; the second value of each pair is kept). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const z = this.spareNormal;
      this.spareNormal = NaN;
      return z;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return u * f;
  }

  /** Fill `out[offset .. offset+length)` with standard normal draws. */
  fillNormal(out: Float64Array, offset = 0, length = out.length - offset): Float64Array {
    for (let i = offset, end = offset + length; i < end; i++) out[i] = this.normal();
    return out;
  }

  /**
   * k distinct integers drawn uniformly without replacement from [0, n), in random order.
   * Sparse draws (k ≪ n) use Floyd's algorithm with a set, dense ones a partial Fisher–Yates
   * shuffle, so the cost is O(k) either way rather than O(n).
   */
  choice(n: number, k: number): Int32Array {
    if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`choice: n must be a non-negative integer, got ${n}`);
    if (!(Number.isInteger(k) && k >= 0 && k <= n)) throw new RangeError(`choice: k must be an integer in [0, ${n}], got ${k}`);
    const out = new Int32Array(k);
    if (k * 4 < n) {
      const seen = new Set<number>();
      for (let j = n - k; j < n; j++) {
        const r = this.int(j + 1);
        const pick = seen.has(r) ? j : r;
        seen.add(pick);
        out[j - (n - k)] = pick;
      }
      // Floyd's algorithm yields a uniformly random set; shuffle so the order is random too.
      this.shuffle(out);
      return out;
    }
    const pool = new Int32Array(n);
    for (let i = 0; i < n; i++) pool[i] = i;
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i);
      const tmp = pool[i];
      pool[i] = pool[j];
      pool[j] = tmp;
      out[i] = pool[i];
    }
    return out;
  }

  /** Shuffle in place (Fisher–Yates). */
  shuffle<T extends { length: number; [i: number]: any }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
    return a;
  }

  /** Gamma(shape, 1) draw (Marsaglia & Tsang 2000; shape < 1 through the boost U^(1/shape)). */
  gamma(shape: number): number {
    if (!(shape > 0)) throw new RangeError(`gamma: shape must be > 0, got ${shape}`);
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.uniformPositive(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number, v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniformPositive();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Beta(a, b) draw as a ratio of gammas. */
  beta(a: number, b: number): number {
    const x = this.gamma(a);
    const y = this.gamma(b);
    return x / (x + y);
  }

  /** Chi-squared draw with k degrees of freedom. */
  chiSquared(k: number): number {
    return 2 * this.gamma(k / 2);
  }

  /**
   * Binomial(n, p) draw, exact. Small means (n·min(p, 1−p) < 30) use inversion, cost ~ n·p; larger ones
   * the BTPE rejection algorithm of Kachitvichyanukul & Schmeiser (1988), as numpy does, whose cost does
   * not grow with n. This is what lets a multinomial over many outcomes cost per outcome, not per draw.
   */
  binomial(n: number, p: number): number {
    if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`binomial: n must be a non-negative integer, got ${n}`);
    if (!(p >= 0 && p <= 1)) throw new RangeError(`binomial: p must be in [0, 1], got ${p}`);
    if (n === 0 || p === 0) return 0;
    if (p === 1) return n;
    if (p > 0.5) return n - this.binomial(n, 1 - p);
    return n * p < 30 ? this.binomialInversion(n, p) : this.binomialBtpe(n, p);
  }

  /**
   * BTPE for p ≤ 1/2 and n·p ≥ 30: a triangle, two parallelograms and two exponential tails
   * majorise the pmf; a candidate is accepted by a squeeze, by the pmf's ratio recursion near the mode,
   * or by Stirling's series (error far below double rounding) further out.
   */
  private binomialBtpe(n: number, p: number): number {
    const q = 1 - p;
    const npq = n * p * q;
    const fm = n * p + p;
    const m = Math.floor(fm);
    const p1 = Math.floor(2.195 * Math.sqrt(npq) - 4.6 * q) + 0.5;
    const xm = m + 0.5;
    const xl = xm - p1;
    const xr = xm + p1;
    const c = 0.134 + 20.5 / (15.3 + m);
    let a = (fm - xl) / (fm - xl * p);
    const laml = a * (1 + a / 2);
    a = (xr - fm) / (xr * q);
    const lamr = a * (1 + a / 2);
    const p2 = p1 * (1 + 2 * c);
    const p3 = p2 + c / laml;
    const p4 = p3 + c / lamr;
    for (;;) {
      const u = this.uniform() * p4;
      let v = this.uniform();
      let y: number;
      if (u <= p1) return Math.floor(xm - p1 * v + u); // the triangle: always accepted
      if (u <= p2) {
        const x = xl + (u - p1) / c;
        v = v * c + 1 - Math.abs(m - x + 0.5) / p1;
        if (v > 1) continue;
        y = Math.floor(x);
      } else if (u <= p3) {
        y = Math.floor(xl + Math.log(v) / laml);
        if (y < 0) continue;
        v = v * (u - p2) * laml;
      } else {
        y = Math.floor(xr - Math.log(v) / lamr);
        if (y > n) continue;
        v = v * (u - p3) * lamr;
      }
      const k = Math.abs(y - m);
      if (k <= 20 || k >= npq / 2 - 1) {
        // f(y)/f(m) by the recursion f(i)/f(i−1) = (n + 1 − i)/i · p/q.
        const s = p / q;
        const b = s * (n + 1);
        let f = 1;
        if (m < y) for (let i = m + 1; i <= y; i++) f *= b / i - s;
        else for (let i = y + 1; i <= m; i++) f /= b / i - s;
        if (v <= f) return y;
        continue;
      }
      // Squeeze on log(f(y)/f(m)), then the exact comparison through Stirling's series:
      // log f(y)/f(m) = log m! + log (n−m)! − log y! − log (n−y)! + (y − m)·log(p/q).
      const rho = (k / npq) * ((k * (k / 3 + 0.625) + 1 / 6) / npq + 0.5);
      const t = (-k * k) / (2 * npq);
      const logV = Math.log(v);
      if (logV < t - rho) return y;
      if (logV > t + rho) continue;
      const x1 = y + 1, f1 = m + 1, z = n + 1 - m, w = n - y + 1;
      const bound =
        xm * Math.log(f1 / x1) + (n - m + 0.5) * Math.log(z / w) + (y - m) * Math.log((w * p) / (x1 * q)) +
        stirlingTail(f1) + stirlingTail(z) - stirlingTail(x1) - stirlingTail(w);
      if (logV <= bound) return y;
    }
  }

  private binomialInversion(n: number, p: number): number {
    // Sequential search of the CDF from 0; expected steps ~ n·p + 1.
    const q = 1 - p;
    const ratio = p / q;
    let prob = Math.pow(q, n);
    let cdf = prob;
    const u = this.uniform();
    let k = 0;
    while (u > cdf && k < n) {
      prob *= (ratio * (n - k)) / (k + 1);
      cdf += prob;
      k++;
      if (prob === 0 && cdf < u) break; // rounding left u above the computed CDF
    }
    return k;
  }
}

/**
 * Stirling's series for log Γ(x) beyond (x − 1/2)·log x − x + log √(2π), i.e. log x! − [(x + ½)·log x − x + log √(2π)]:
 * 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷) + 1/(1188x⁹), error below 1e-17 for x ≥ 16. The project's only copy:
 * the BTPE binomial sampler and the discrete setting's hypergeometric pmf both call it. Its exact floating-point
 * form (this grouping over 166320) decides binomial draws, so it must not be rewritten.
 */
export function stirlingTail(x: number): number {
  const x2 = x * x;
  return (13860 - (462 - (132 - (99 - 140 / x2) / x2) / x2) / x2) / x / 166320;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A stream for a seed (a number or any string). */
export function createRng(seed: number | string): Rng {
  if (typeof seed !== 'number' && typeof seed !== 'string') throw new TypeError(`createRng: seed must be a number or a string, got ${seed === null ? 'null' : Array.isArray(seed) ? 'an array' : typeof seed}`);
  if (typeof seed === 'number' && !Number.isFinite(seed)) throw new RangeError(`createRng: seed must be finite, got ${seed}`);
  return new Rng(`seed=${seed}`);
}

/**
 * The stream for one run: named by the setting, its configuration (keys sorted, so property order
 * does not matter) and the seed. Two runs with the same configuration and seed draw the same numbers.
 */
export function streamFor(setting: string, config: Record<string, unknown>, seed: number): Rng {
  return new Rng(`${setting}|${canonicalJson(config)}|seed=${seed}`);
}

/** JSON with object keys sorted: a stable text for hashing configurations. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}
