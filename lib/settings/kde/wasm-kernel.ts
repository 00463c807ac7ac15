// The Gaussian kernel sums of the KDE setting in WebAssembly SIMD (lib/kde/kernel.wat, assembled to
// kernel.wasm): two points per instruction, eight per round. The JavaScript loops of kernel-density.ts
// remain the fallback and the reference the tests compare with; `npm run bench` prints the ratio.
// Scoring is the whole cost of the KDE sweeps.
//
// The kernel is two passes per query: the nearest point's squared distance `near`, then
// s = Σ exp(−(D − near)/(2h²)) over the terms inside the cutoff; log-sum = log s − near/(2h²).
// The same arithmetic as the JavaScript loops, summed in another order: equal to ~1e-15.
import { loadWasm, wasmHeap, type WasmMemory } from '../../core/wasm';
import { EXP_TABLE, logSumExpCutoff } from './exp-neg';

interface Kernel {
  memory: WasmMemory;
  gaussianSums2: (px: number, py: number, m: number, qs: number, q: number, inv: number, cut: number, tab: number, outS: number, outN: number) => void;
  gaussianSums3: (px: number, py: number, pz: number, m: number, qs: number, q: number, inv: number, cut: number, tab: number, outS: number, outN: number) => void;
}

let kernel: Kernel | null | undefined;
let enabled = process.env.COLLAPSE_KDE_WASM !== '0';

/** The compiled kernel with the exp table in place, or null where WebAssembly SIMD is unavailable. */
function load(): Kernel | null {
  if (kernel !== undefined) return kernel;
  kernel = loadWasm<Kernel>('settings/kde/kernel');
  if (kernel) new Float64Array(kernel.memory.buffer, 0, EXP_TABLE.length).set(EXP_TABLE);
  return kernel;
}

/** Which code scores Gaussian KDEs in 2-D and 3-D: 'wasm-simd' or 'javascript'. */
export function kdeKernelBackend(): 'wasm-simd' | 'javascript' {
  return enabled && load() !== null ? 'wasm-simd' : 'javascript';
}

/** Turn the WebAssembly kernel off (tests and benchmarks compare it with the JavaScript loops). */
export function useWasmKernel(on: boolean): void {
  enabled = on;
}

const TABLE_BYTES = Math.ceil((EXP_TABLE.length * 8) / 16) * 16;

/**
 * out[j] = log Σ_i exp(−‖q_j − p_i‖²/(2h²)) for d = 2 or 3, in WebAssembly; false when the kernel is
 * not available or d is another dimension (the caller then uses the JavaScript loops).
 */
export function gaussianLogSumsWasm(h: number, d: number, points: Float64Array, queries: Float64Array, out: Float64Array): boolean {
  if ((d !== 2 && d !== 3) || !enabled) return false;
  const k = load();
  if (!k) return false;
  const m = points.length / d;
  const padded = Math.ceil(m / 8) * 8; // the kernel takes eight points a round; points at infinity pad
  const q = out.length;
  // layout: exp table | d coordinate arrays of `padded` | queries | s | near
  const coordBytes = padded * 8;
  const qsAt = TABLE_BYTES + d * coordBytes;
  const sAt = qsAt + queries.length * 8;
  const nearAt = sAt + q * 8;
  const need = nearAt + q * 8;
  const heap = wasmHeap(k.memory, need);
  for (let c = 0; c < d; c++) {
    const base = (TABLE_BYTES + c * coordBytes) / 8;
    for (let i = 0; i < m; i++) heap[base + i] = points[i * d + c];
    heap.fill(Infinity, base + m, base + padded);
  }
  heap.set(queries, qsAt / 8);
  const inv = 1 / (2 * h * h);
  const cut = logSumExpCutoff(m);
  if (d === 2) k.gaussianSums2(TABLE_BYTES, TABLE_BYTES + coordBytes, padded, qsAt, q, inv, cut, 0, sAt, nearAt);
  else k.gaussianSums3(TABLE_BYTES, TABLE_BYTES + coordBytes, TABLE_BYTES + 2 * coordBytes, padded, qsAt, q, inv, cut, 0, sAt, nearAt);
  for (let j = 0; j < q; j++) out[j] = Math.log(heap[sAt / 8 + j]) - heap[nearAt / 8 + j] * inv;
  return true;
}
