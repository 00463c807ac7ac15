// Jobs on worker threads, one job per worker at a time, for every long computation of the project (the
// sweep runner, Replace-until-collapse, …). A job names a function exported by a module of lib/ and its
// arguments; a worker loads the module (from source under tsx, compiled otherwise) and calls it. With one
// worker the jobs run in this thread instead, yielding between jobs so a notebook's progress bar updates.
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { ConfigError } from './setting';

export interface Job {
  /** Module path without extension, relative to lib/ (e.g. 'sweep-task'). */
  module: string;
  /** Name of the exported function to call. */
  fn: string;
  args: unknown[];
}

/** Worker threads to use: $COLLAPSE_WORKERS, else one per core; never more than there are jobs. */
export function workerCount(jobs: number, requested?: number): number {
  const env = Number(process.env.COLLAPSE_WORKERS);
  return Math.max(1, Math.min(requested ?? (env > 0 ? env : os.cpus().length), jobs));
}

const EXT = path.extname(__filename); // '.ts' under tsx, '.js' compiled
const modulePath = (module: string) => path.join(__dirname, module + EXT);

function call(job: Job): unknown {
  const fn = require(modulePath(job.module))[job.fn];
  if (typeof fn !== 'function') throw new Error(`pool: ${job.module}.${job.fn} is not a function`);
  return fn(...job.args);
}

// The worker's side: answer each job with its result, or with the error's message.
const WORKER_CODE = `
const { parentPort } = require('worker_threads');
${EXT === '.ts' ? "require('tsx/cjs/api').register();" : ''}
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
      const w = new Worker(WORKER_CODE, { eval: true });
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
