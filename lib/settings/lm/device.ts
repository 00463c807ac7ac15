// The one operation the language model hands to TensorFlow.js: dense matrix products. Everything
// else (gates, softmax, Adam) is a few thousand floats per step, where tfjs's per-operation overhead
// (~20 µs per kernel on wasm, measured) would cost more than the arithmetic; a product such as the
// recurrent h·U is where XNNPACK's SIMD kernels win (~10× a JavaScript loop).
//
// Products take the right-hand matrix as a resident tensor and never ask tfjs for a transposed
// product: on wasm `matMul(a, b, true)` is ~20× slower than building the transpose once ourselves.
import { tfjs } from './backend';
import type * as TF from '@tensorflow/tfjs';

/** A matrix kept on the backend (the right-hand side of products), refreshed after each update. */
export class DeviceMatrix {
  readonly rows: number;
  readonly cols: number;
  private tensor: TF.Tensor2D | undefined;

  constructor(rows: number, cols: number, data?: Float32Array) {
    this.rows = rows;
    this.cols = cols;
    if (data) this.upload(data);
  }

  /** Replace the contents (row-major, rows × cols). */
  upload(data: Float32Array): void {
    if (data.length !== this.rows * this.cols) throw new Error(`DeviceMatrix: expected ${this.rows * this.cols} values, got ${data.length}`);
    this.tensor?.dispose();
    this.tensor = tfjs().tensor2d(data, [this.rows, this.cols], 'float32');
  }

  /** Upload the transpose of a (cols × rows) row-major matrix. */
  uploadTransposed(data: Float32Array, scratch?: Float32Array): void {
    const r = this.rows;
    const c = this.cols;
    const t = scratch && scratch.length >= r * c ? scratch.subarray(0, r * c) : new Float32Array(r * c);
    for (let i = 0; i < c; i++) for (let j = 0; j < r; j++) t[j * c + i] = data[i * r + j];
    this.upload(t);
  }

  /** a (m × rows, row-major) times this matrix: m × cols, a new array. */
  leftMultiply(a: Float32Array, m: number): Float32Array {
    if (!this.tensor) throw new Error('DeviceMatrix: no data uploaded');
    if (m === 0) return new Float32Array(0);
    const tf = tfjs();
    const ta = tf.tensor2d(a.length === m * this.rows ? a : a.subarray(0, m * this.rows), [m, this.rows], 'float32');
    const tc = tf.matMul(ta, this.tensor);
    const out = tc.dataSync() as Float32Array;
    ta.dispose();
    tc.dispose();
    return out;
  }

  dispose(): void {
    this.tensor?.dispose();
    this.tensor = undefined;
  }
}

/** aᵀ·b for a (n × p) and b (n × q), both row-major, as a p × q product of tensors (transpose built here). */
export function transposeTimes(a: Float32Array, p: number, b: Float32Array, q: number, n: number, scratch?: Float32Array): Float32Array {
  if (n === 0) return new Float32Array(p * q);
  const tf = tfjs();
  const at = scratch && scratch.length >= p * n ? scratch.subarray(0, p * n) : new Float32Array(p * n);
  for (let i = 0; i < n; i++) {
    const row = i * p;
    for (let j = 0; j < p; j++) at[j * n + i] = a[row + j];
  }
  const ta = tf.tensor2d(at, [p, n], 'float32');
  const tb = tf.tensor2d(b.length === n * q ? b : b.subarray(0, n * q), [n, q], 'float32');
  const tc = tf.matMul(ta, tb);
  const out = tc.dataSync() as Float32Array;
  ta.dispose();
  tb.dispose();
  tc.dispose();
  return out;
}
