// Shared helpers for the statistical tests: each check states its tolerance in standard errors.
import assert from 'node:assert/strict';

export function meanAndSe(values: ArrayLike<number>): { mean: number; se: number; sd: number } {
  const n = values.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i];
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  return { mean, se: sd / Math.sqrt(n), sd };
}

/** Assert |mean − expected| ≤ k standard errors of the mean (k = 4 unless given). */
export function assertWithinSe(values: ArrayLike<number>, expected: number, what: string, k = 4): void {
  const { mean, se } = meanAndSe(values);
  assert.ok(Math.abs(mean - expected) <= k * se, `${what}: mean ${mean} vs theory ${expected}, |diff| = ${Math.abs(mean - expected)} > ${k} SE (SE = ${se})`);
}

export function assertClose(actual: number, expected: number, relTol: number, what: string): void {
  const scale = Math.max(Math.abs(expected), 1e-300);
  assert.ok(Math.abs(actual - expected) <= relTol * scale, `${what}: ${actual} vs ${expected} (relative tolerance ${relTol})`);
}
