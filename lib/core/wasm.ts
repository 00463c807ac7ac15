// The project's WebAssembly kernels (lib/**/*.wat, assembled into the committed .wasm files by
// `npm run build:wasm`): loaded synchronously, once per thread. Where WebAssembly SIMD is unavailable the
// loader returns null and callers run their JavaScript loops, which compute the same numbers.
import * as fs from 'fs';
import * as path from 'path';
import { projectRoot } from './project';

/** A WebAssembly memory (declared here: TypeScript's ES2020 library, which tslab uses, lacks the API). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

const WA = (globalThis as unknown as { WebAssembly?: { Module: new (bytes: Uint8Array) => object; Instance: new (module: object, imports: object) => { exports: object } } }).WebAssembly;
const loaded = new Map<string, object | null>();

/** The exports of lib/<name>.wasm (e.g. 'kde/kernel'), or null when it cannot be loaded. */
export function loadWasm<T extends { memory: WasmMemory }>(name: string): T | null {
  if (!loaded.has(name)) {
    try {
      if (!WA) throw new Error('no WebAssembly');
      const bytes = fs.readFileSync(path.join(projectRoot(), 'lib', `${name}.wasm`));
      loaded.set(name, new WA.Instance(new WA.Module(bytes), {}).exports);
    } catch {
      loaded.set(name, null);
    }
  }
  return loaded.get(name) as T | null;
}

/** Grow `memory` to hold at least `bytes`, and return a fresh view of it. */
export function wasmHeap(memory: WasmMemory, bytes: number): Float64Array {
  if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
  return new Float64Array(memory.buffer);
}
