// Jobs on worker threads, one job per worker at a time. A job names an exported function of a module
// file (found from the function itself: see jobRef) and its arguments; a worker loads the module (the
// TypeScript source under tsx, the compiled JavaScript otherwise) and calls it. With one worker the jobs
// run in this thread instead, yielding between jobs so a notebook's progress bar updates.
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { ConfigError } from './errors';

export interface Job {
  /** Absolute path of the module. */
  file: string;
  /** Name of the exported function to call. */
  fn: string;
  args: unknown[];
}

/** Worker threads to use: $COLLAPSE_WORKERS, else one per core; never more than there are jobs. */
export function workerCount(jobs: number, requested?: number): number {
  if (requested !== undefined && !(Number.isInteger(requested) && requested >= 1)) throw new ConfigError(`workers must be an integer >= 1, got ${String(requested)}`);
  const text = process.env.COLLAPSE_WORKERS?.trim();
  if (text !== undefined && text !== '' && !(/^\d+$/.test(text) && Number(text) >= 1)) {
    throw new ConfigError(`COLLAPSE_WORKERS must be a positive integer (or unset: one worker per core), got '${process.env.COLLAPSE_WORKERS}'`);
  }
  const env = text ? Number(text) : undefined;
  return Math.max(1, Math.min(requested ?? env ?? os.cpus().length, jobs));
}

/**
 * The module file and export name under which `fn` is exported by a loaded module (preferring the
 * module that defines it over an index that re-exports it), or undefined: then it runs in this thread.
 */
export function jobRef(fn: (...args: never[]) => unknown): { file: string; fn: string } | undefined {
  let fallback: { file: string; fn: string } | undefined;
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!mod || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    const exports = mod.exports as Record<string, unknown> | undefined;
    if (!exports || typeof exports !== 'object') continue;
    for (const name of Object.keys(exports)) {
      let v: unknown;
      try {
        v = exports[name];
      } catch {
        continue;
      }
      if (v !== fn) continue;
      if (!/[\\/]index\.(ts|js)$/.test(file)) return { file, fn: name };
      fallback ??= { file, fn: name };
    }
  }
  return fallback;
}

function call(job: Job): unknown {
  const fn = require(job.file)[job.fn];
  if (typeof fn !== 'function') throw new Error(`pool: ${job.file} exports no function ${job.fn}`);
  return fn(...job.args);
}

const WORKER_CODE = (tsx: boolean) => `
const { parentPort } = require('worker_threads');
${tsx ? "require('tsx/cjs/api').register();" : ''}
const { callJob } = require(${JSON.stringify(__filename)});
parentPort.on('message', ({ id, job }) => {
  let reply;
  try { reply = { id, result: callJob(job) }; }
  catch (err) { reply = { id, error: err instanceof Error ? (err.name === 'ConfigError' ? '' : err.name + ': ') + err.message : String(err), config: err && err.name === 'ConfigError' }; }
  parentPort.postMessage(reply);
});`;

/** Exported for the worker code above; not part of the library's API. */
export const callJob = call;

/**
 * Run `jobs` on `workers` threads (see workerCount), calling onResult(index, result) as each finishes,
 * in completion order. The first failure stops every worker and rejects.
 */
export async function runJobs<R>(jobs: readonly Job[], workers: number, onResult: (index: number, result: R) => void): Promise<void> {
  if (jobs.length === 0) return;
  if (workers <= 1) {
    for (let i = 0; i < jobs.length; i++) {
      onResult(i, call(jobs[i]) as R);
      await new Promise((r) => setImmediate(r));
    }
    return;
  }
  const tsx = jobs.some((j) => j.file.endsWith('.ts')) || path.extname(__filename) === '.ts';
  await new Promise<void>((resolve, reject) => {
    const pool: Worker[] = [];
    let next = 0;
    let running = 0;
    let failed = false;
    const stop = () => pool.forEach((w) => void w.terminate());
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      stop();
      reject(err);
    };
    const feed = (w: Worker) => {
      if (failed) return;
      if (next < jobs.length) {
        w.postMessage({ id: next, job: jobs[next] });
        next++;
        running++;
      } else if (running === 0) {
        stop();
        resolve();
      }
    };
    for (let i = 0; i < Math.min(workers, jobs.length); i++) {
      const w = new Worker(WORKER_CODE(tsx), { eval: true });
      pool.push(w);
      w.on('message', (msg: { id: number; result?: R; error?: string; config?: boolean }) => {
        running--;
        if (msg.error !== undefined) return fail(msg.config ? new ConfigError(msg.error) : new Error(msg.error));
        try {
          onResult(msg.id, msg.result as R);
        } catch (err) {
          return fail(err as Error);
        }
        feed(w);
      });
      w.on('error', fail);
    }
    for (const w of pool) feed(w);
  });
}
