// Which TensorFlow.js backend runs the language model, chosen once per process:
//   1. @tensorflow/tfjs-node (native TensorFlow) where that optional dependency installed;
//   2. otherwise the WebAssembly backend (@tensorflow/tfjs-backend-wasm, XNNPACK, one thread).
//
// Why a synchronous start: the workflow loop, runOne and the sweep's worker threads are synchronous,
// while tfjs starts its wasm backend through promises. The wasm package ships its Emscripten glue
// (wasm-out/) and binaries (dist/), so we compile the binary with the synchronous WebAssembly API and
// hand the module to the package's own BackendWasm class: the same kernels and the same binary as
// `await tf.setBackend('wasm')`, ready before the next line. If that ever fails (a future package
// layout), `initLmBackend()` still starts the backend the documented asynchronous way.
import * as fs from 'fs';
import * as path from 'path';
import type * as TF from '@tensorflow/tfjs';

export type Tf = typeof TF;

export interface BackendInfo {
  /** tfjs's name of the backend: 'tensorflow' (tfjs-node) or 'wasm'. */
  name: string;
  /** How it was started, for the notebooks' first cell. */
  detail: string;
}

let tfModule: Tf | undefined;
let info: BackendInfo | undefined;

/** The tfjs namespace, with the backend started (synchronously; see the file comment). */
export function tfjs(): Tf {
  if (!tfModule) startSync();
  return tfModule!;
}

/** Which backend runs the model (starts it if needed). */
export function lmBackend(): BackendInfo {
  if (!info) startSync();
  return info!;
}

/** The asynchronous start: the documented way; use it if the synchronous start threw. */
export async function initLmBackend(): Promise<BackendInfo> {
  if (info) return info;
  try {
    startSync();
    return info!;
  } catch {
    // fall through to the documented path
  }
  const tf = require('@tensorflow/tfjs') as Tf;
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(wasmDist() + path.sep);
  const before = processHandlers();
  const started = await tf.setBackend('wasm');
  removeHandlersAddedSince(before);
  if (!started) throw new Error('the tfjs wasm backend failed to start');
  tfModule = tf;
  info = { name: 'wasm', detail: 'WebAssembly (XNNPACK), one thread, started asynchronously' };
  return info;
}

function startSync(): void {
  const native = tryRequire('@tensorflow/tfjs-node') as Tf | undefined;
  if (native) {
    native.setBackend('tensorflow');
    tfModule = native;
    info = { name: 'tensorflow', detail: '@tensorflow/tfjs-node (native TensorFlow)' };
    return;
  }
  const tf = require('@tensorflow/tfjs') as Tf;
  // Already running (someone awaited tf.setBackend('wasm') in this process): keep it.
  const running = tf.getBackend() === 'wasm' && (tf.engine() as unknown as { registry: Record<string, unknown> }).registry.wasm != null;
  if (running) {
    info = { name: 'wasm', detail: 'WebAssembly (XNNPACK), one thread' };
  } else {
    const { simd } = startWasmSync(tf);
    info = { name: 'wasm', detail: `WebAssembly (XNNPACK${simd ? ', SIMD' : ''}), one thread` };
  }
  tfModule = tf;
}

// Emscripten's Node glue installs process handlers that rethrow every uncaught exception and
// unhandled rejection. In a tslab kernel that turns a harmless late rejection (tslab writing to a
// closed socket at shutdown) into a crash that prints the glue's whole minified source; Node's own
// default, or the host's handlers (tslab logs the error), is what the process should keep.
const HANDLED_EVENTS = ['uncaughtException', 'unhandledRejection'];
const processEvents: NodeJS.EventEmitter = process;

function processHandlers(): Map<string, Function[]> {
  return new Map(HANDLED_EVENTS.map((event) => [event, processEvents.listeners(event)]));
}

function removeHandlersAddedSince(before: Map<string, Function[]>): void {
  for (const event of HANDLED_EVENTS) {
    for (const listener of processEvents.listeners(event)) {
      if (!before.get(event)!.includes(listener)) processEvents.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
}

function withoutGlueHandlers<T>(run: () => T): T {
  const before = processHandlers();
  try {
    return run();
  } finally {
    removeHandlersAddedSince(before);
  }
}

function tryRequire(name: string): unknown {
  try {
    return require(name);
  } catch {
    return undefined;
  }
}

function wasmDist(): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

/** Compile tfjs's wasm binary synchronously and make it the 'wasm' backend (see the file comment). */
function startWasmSync(tf: Tf): { simd: boolean } {
  const pkg = require('@tensorflow/tfjs-backend-wasm'); // registers the wasm kernels and BackendWasm
  const root = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const glue = require(path.join(root, 'wasm-out', 'tfjs-backend-wasm-simd.js'));
  // The SIMD build where the engine validates it, else the plain one; the glue serves both.
  // (The project compiles without the DOM typings that declare WebAssembly; Node has it at run time.)
  const WA = (globalThis as Record<string, any>).WebAssembly;
  let simd = true;
  let compiled: unknown;
  try {
    compiled = new WA.Module(fs.readFileSync(path.join(root, 'dist', 'tfjs-backend-wasm-simd.wasm')));
  } catch {
    simd = false;
    compiled = new WA.Module(fs.readFileSync(path.join(root, 'dist', 'tfjs-backend-wasm.wasm')));
  }
  const module: Record<string, any> = {
    instantiateWasm(imports: unknown, receive: (instance: { exports: unknown }) => void) {
      const instance = new WA.Instance(compiled, imports);
      receive(instance);
      return instance.exports;
    },
  };
  // The glue's epilogue looks the module up under this global name (the bundled copy defines it).
  const g = globalThis as Record<string, unknown>;
  g.WasmBackendModule = module;
  try {
    withoutGlueHandlers(() => glue(module)); // runs to completion synchronously because instantiateWasm did
  } finally {
    delete g.WasmBackendModule;
  }
  if (!module.calledRun) throw new Error('the wasm module did not start synchronously');
  const cwrap = module.cwrap as (name: string, ret: string | null, args: string[]) => unknown;
  module.tfjs = {
    init: cwrap('init', null, []),
    initWithThreadsCount: cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: cwrap('get_threads_count', 'number', []),
    registerTensor: cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: cwrap('dispose_data', null, ['number']),
    dispose: cwrap('dispose', null, []),
  };
  const backend = new pkg.BackendWasm(module);
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => backend, 2);
  // The async function runs synchronously up to its first await, which a synchronous factory never reaches.
  void tf.setBackend('wasm');
  if (tf.getBackend() !== 'wasm') throw new Error('the wasm backend did not become the active backend');
  return { simd };
}
