// The WebAssembly kernels: each committed binary is the assembly of the committed text, the kernels are in
// use, and they agree with the JavaScript loops they replace (KDE scoring: to 1e-13; scatter: bit for bit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { logKernelSums } from '../lib/settings/kde/kernel-density';
import { kdeKernelBackend, useWasmKernel } from '../lib/settings/kde/wasm-kernel';
import { createRng } from '../lib/core/random';
import { pivotedCholesky, pointStats, sampleWithFactor, useLinalgWasm } from '../lib/settings/gaussian/linalg';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { assemble, sources, wasmOf } = require('../scripts/build-wasm.js');

test('every lib/**/*.wasm is the assembly of its .wat (rebuild: npm run build:wasm)', async () => {
  const wats: string[] = sources();
  assert.ok(wats.length >= 2, `found ${wats.join(', ')}`);
  for (const wat of wats) {
    const built: Buffer = await assemble(wat);
    assert.ok(built.equals(fs.readFileSync(wasmOf(wat))), `${wasmOf(wat)} is stale`);
  }
});

test('the WebAssembly kernel scores 2-D and 3-D Gaussian KDEs', () => {
  assert.equal(kdeKernelBackend(), 'wasm-simd');
});

test('WebAssembly and JavaScript kernels agree to 1e-13 (bandwidths 0.001 to 100, odd sizes, far queries)', () => {
  const rng = createRng('wasm-vs-js');
  try {
    for (const d of [2, 3]) {
      for (const m of [1, 2, 7, 300, 1001]) {
        const points = rng.fillNormal(new Float64Array(m * d)).map((v) => 3 * v);
        const queries = rng.fillNormal(new Float64Array(50 * d));
        for (let i = 0; i < d; i++) queries[i] += 1e3; // one query far from every point
        for (const h of [0.001, 0.03, 0.3, 1, 10, 100]) {
          useWasmKernel(true);
          const wasm = logKernelSums('gaussian', h, d, points, queries, new Float64Array(50));
          useWasmKernel(false);
          const js = logKernelSums('gaussian', h, d, points, queries, new Float64Array(50));
          for (let j = 0; j < 50; j++) {
            const err = Math.abs(wasm[j] - js[j]) / Math.max(1, Math.abs(js[j]));
            assert.ok(err <= 1e-13, `d=${d} m=${m} h=${h} query ${j}: ${wasm[j]} vs ${js[j]}`);
          }
        }
      }
    }
  } finally {
    useWasmKernel(true);
  }
});

test('the WebAssembly scatter gives pointStats bit for bit what the JavaScript loop gives', () => {
  const rng = createRng('scatter-wasm');
  try {
    for (const [m, d] of [[1, 2], [3, 5], [4, 4], [7, 3], [13, 31], [1000, 100], [101, 1]]) {
      const x = rng.fillNormal(new Float64Array(m * d)).map((v, i) => v * (1 + (i % 7)) + 3);
      useLinalgWasm(true);
      const wasm = pointStats(x, m, d);
      useLinalgWasm(false);
      const js = pointStats(x, m, d);
      assert.deepEqual(Array.from(wasm.scatter), Array.from(js.scatter), `m=${m} d=${d}`);
      assert.deepEqual(Array.from(wasm.mean), Array.from(js.mean));
    }
  } finally {
    useLinalgWasm(true);
  }
});

test('the WebAssembly point formation gives sampleWithFactor bit for bit what the JavaScript loop gives', () => {
  try {
    for (const [n, d, singular] of [[1, 2, false], [3, 5, true], [4, 4, false], [9, 7, true], [1000, 100, false], [6, 1, false]] as const) {
      const rng = createRng(`form-${n}-${d}`);
      const a = new Float64Array(d * d);
      const w = rng.fillNormal(new Float64Array(d * d));
      // A = W Wᵀ, of rank d − 2 when singular
      const rank = singular ? d - 2 : d;
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let c = 0; c < rank; c++) a[i * d + j] += w[i * d + c] * w[j * d + c];
      const f = pivotedCholesky(a, d);
      const mean = rng.fillNormal(new Float64Array(d));
      useLinalgWasm(true);
      const s1 = createRng('same-stream');
      const wasm = sampleWithFactor(mean, f, n, () => s1.normal());
      useLinalgWasm(false);
      const s2 = createRng('same-stream');
      const js = sampleWithFactor(mean, f, n, () => s2.normal());
      assert.deepEqual(Array.from(wasm), Array.from(js), `n=${n} d=${d} rank=${f.rank}`);
    }
  } finally {
    useLinalgWasm(true);
  }
});
