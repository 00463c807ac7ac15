// The WebAssembly kernel that scores Gaussian KDEs in 2-D and 3-D: the committed binary is the assembly of
// the committed text, it is the kernel in use, and it agrees with the JavaScript loops it replaces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { logKernelSums } from '../lib/kde/kernel-density';
import { kdeKernelBackend, useWasmKernel } from '../lib/kde/wasm-kernel';
import { createRng } from '../lib/random';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { assemble, WASM } = require('../scripts/build-wasm.js');

test('lib/kde/kernel.wasm is the assembly of lib/kde/kernel.wat (rebuild: npm run build:wasm)', async () => {
  const built: Buffer = await assemble();
  assert.ok(built.equals(fs.readFileSync(WASM)), 'kernel.wasm is stale');
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
