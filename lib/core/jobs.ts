// The one cached job runner: every run-and-cache computation of the project (a sweep's runs, Replace
// followed until collapse, language-model runs kept with their samples) is a list of tasks, one function
// that computes a task, and a cache slot per task. Cached tasks are read back (and checked); the rest run
// longest first on worker threads, each result cached as it arrives, under one progress bar.
import { cachePath, readCache, warnCache, writeCache, type CacheSlot } from './cache';
import { jobRef, runJobs, workerCount } from './pool';
import { createProgress } from './progress';

export interface CachedJobs<T, R> {
  /** The progress bar's label. */
  label: string;
  tasks: readonly T[];
  /**
   * What computes one task: an exported function of a module file runs on worker threads (tasks must
   * then be plain data); any other function runs in this thread.
   */
  run: (task: T) => R;
  /** The cache slot of a task, or undefined for no caching. */
  slot?: (task: T) => CacheSlot;
  /** Checks a cached value's shape for a task: a problem's description, or undefined when it is sound. */
  check?: (value: unknown, task: T) => string | undefined;
  /** Relative cost, so the longest tasks start first and the sweep ends without a long tail. */
  cost?: (task: T) => number;
  workers?: number;
  progress?: boolean;
  /** Called with each result as it is computed (not for cached ones), before it is cached. */
  onComputed?: (task: T, result: R) => void;
}

/** Results in the order of the tasks. */
export async function runCachedJobs<T, R>(o: CachedJobs<T, R>): Promise<R[]> {
  const results: R[] = new Array(o.tasks.length);
  const todo: number[] = [];
  o.tasks.forEach((task, i) => {
    const slot = o.slot?.(task);
    if (!slot) return void todo.push(i);
    const r = readCache<R>(slot, o.check ? (v) => o.check!(v, task) : undefined);
    if (r.hit) results[i] = r.value;
    else {
      if (r.problem) warnCache(r.problem);
      todo.push(i);
    }
  });
  if (o.cost) {
    const cost = todo.map((i) => o.cost!(o.tasks[i]));
    const rank = new Map(todo.map((i, k) => [i, cost[k]]));
    todo.sort((a, b) => rank.get(b)! - rank.get(a)! || a - b);
  }
  const progress = createProgress(o.label, o.tasks.length, { enabled: o.progress !== false, cached: o.tasks.length - todo.length });
  let done = o.tasks.length - todo.length;
  progress.tick(done);
  const ref = jobRef(o.run as (...args: never[]) => unknown);
  const workers = ref ? workerCount(todo.length, o.workers) : 1;
  const finished = (i: number, result: R) => {
    const task = o.tasks[i];
    o.onComputed?.(task, result);
    const slot = o.slot?.(task);
    if (slot) writeCache(slot, result);
    results[i] = result;
    progress.tick(++done);
  };
  if (ref && workers > 1) {
    const jobs = todo.map((i) => ({ ...ref, args: [o.tasks[i]] }));
    await runJobs<R>(jobs, workers, (k, result) => finished(todo[k], result));
  } else {
    for (const i of todo) {
      finished(i, o.run(o.tasks[i]));
      await new Promise((r) => setImmediate(r)); // let a notebook's progress bar draw
    }
  }
  progress.finish();
  return results;
}

export { cachePath };
