// The sweep runner: a grid of configurations × seeds, run on worker threads (one per core), each
// finished run cached under data/cache/ (so an interrupted sweep resumes where it stopped), returned
// as one tidy table: workflow, <configuration>, seed, iteration, <metrics>, training_size.
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as aq from 'arquero';
import { readCachedRun, runCachePath, writeCachedRun } from './cache';
import { createProgress } from './progress';
import { ConfigError, expandGrid, quickMode, runOne, type ConfigValue, type Grid, type RunConfig, type TaskSetting } from './setting';
import { getSetting } from './settings';
import type { Trajectory } from './workflows';
import type { SweepTask } from './sweep-worker';

export interface SweepOptions {
  /** Grid of configurations; default: the setting's paper grid, or its quick grid in quick mode. */
  grid?: Grid;
  /** Seeds 0..N−1 for a number, or an explicit list. Default: the setting's count for the mode. */
  seeds?: number | readonly number[];
  /** Quick grids (default: COLLAPSE_QUICK). */
  quick?: boolean;
  /** Worker threads (default: $COLLAPSE_WORKERS or the number of cores); 1 runs in this thread. */
  workers?: number;
  /** Show a progress bar (default true). */
  progress?: boolean;
  /** Read and write the run cache (default true). */
  cache?: boolean;
  /** Progress bar label (default: the setting's name). */
  label?: string;
}

/** Columns of a sweep's results, in output order; numeric columns are Float64Arrays. */
export type Columns = Record<string, Float64Array | ConfigValue[]>;

/** The grid's configurations, validated before any work starts (a bad value throws ConfigError). */
export function planSweep(setting: TaskSetting, grid: Grid): RunConfig[] {
  return expandGrid(grid).map((c) => setting.validate(c));
}

export function seedList(seeds: number | readonly number[]): number[] {
  if (typeof seeds === 'number') {
    if (!(Number.isInteger(seeds) && seeds >= 1)) throw new ConfigError(`seeds must be an integer >= 1, got ${seeds}`);
    return Array.from({ length: seeds }, (_, i) => i);
  }
  for (const s of seeds) if (!(Number.isInteger(s) && s >= 0)) throw new ConfigError(`seed must be an integer >= 0, got ${s}`);
  return [...seeds];
}

/** Run a sweep and return its columns. */
export async function sweepColumns(settingName: string, options: SweepOptions = {}): Promise<Columns> {
  const setting = getSetting(settingName);
  const quick = options.quick ?? quickMode();
  const configs = planSweep(setting, options.grid ?? setting.grid(quick));
  const seeds = seedList(options.seeds ?? setting.seeds(quick));
  const useCache = options.cache !== false;

  const tasks: SweepTask[] = [];
  for (const config of configs) for (const seed of seeds) tasks.push({ id: tasks.length, setting: setting.name, config, seed, cache: useCache });
  const results: (Trajectory | undefined)[] = new Array(tasks.length);
  const todo: SweepTask[] = [];
  for (const task of tasks) {
    const hit = useCache ? readCachedRun(runCachePath(setting, task.config, task.seed)) : undefined;
    if (hit) results[task.id] = hit;
    else todo.push(task);
  }

  if (setting.cost) {
    const cost = new Map(todo.map((t) => [t.id, setting.cost!(t.config)]));
    todo.sort((a, b) => cost.get(b.id)! - cost.get(a.id)! || a.id - b.id);
  }
  const progress = createProgress(options.label ?? setting.name, tasks.length, { enabled: options.progress !== false });
  let done = tasks.length - todo.length;
  progress.tick(done);
  const envWorkers = Number(process.env.COLLAPSE_WORKERS);
  const workers = Math.max(1, Math.min(options.workers ?? (envWorkers > 0 ? envWorkers : os.cpus().length), todo.length));
  if (todo.length > 0 && workers === 1) {
    for (const task of todo) {
      const t = runOne(setting, task.config, task.seed);
      if (useCache) writeCachedRun(runCachePath(setting, task.config, task.seed), setting, task.config, task.seed, t);
      results[task.id] = t;
      progress.tick(++done);
      await new Promise((r) => setImmediate(r)); // let the notebook's progress output go out
    }
  } else if (todo.length > 0) {
    await runOnWorkers(todo, workers, (id, t) => {
      results[id] = t;
      progress.tick(++done);
    });
  }
  progress.finish();
  return assemble(setting, tasks, results as Trajectory[]);
}

/** Run a sweep and return its tidy table (arquero) — the form notebooks work with. */
export async function sweep(settingName: string, options: SweepOptions = {}): Promise<aq.ColumnTable> {
  return toTable(await sweepColumns(settingName, options));
}

export function toTable(columns: Columns): aq.ColumnTable {
  return aq.table(columns as Record<string, any>);
}

function spawnWorker(): Worker {
  const file = path.join(__dirname, `sweep-worker${path.extname(__filename)}`);
  if (__filename.endsWith('.ts')) {
    // Running from source under tsx (tests, development): the worker registers tsx before loading.
    return new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(file)});`, { eval: true });
  }
  return new Worker(file);
}

function runOnWorkers(todo: SweepTask[], count: number, onResult: (id: number, t: Trajectory) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const pool: Worker[] = [];
    let next = 0;
    let running = 0;
    let failed = false;
    const stop = () => pool.forEach((w) => void w.terminate());
    const feed = (w: Worker) => {
      if (failed) return;
      if (next < todo.length) {
        w.postMessage(todo[next++]);
        running++;
      } else if (running === 0) {
        stop();
        resolve();
      }
    };
    for (let i = 0; i < count; i++) {
      const w = spawnWorker();
      pool.push(w);
      w.on('message', (msg: { id: number; trajectory?: Trajectory; error?: string }) => {
        running--;
        if (msg.error !== undefined) {
          failed = true;
          stop();
          reject(new ConfigError(msg.error));
          return;
        }
        onResult(msg.id, msg.trajectory!);
        feed(w);
      });
      w.on('error', (err) => {
        if (failed) return;
        failed = true;
        stop();
        reject(err);
      });
    }
    for (const w of pool) feed(w);
  });
}

/** Tidy columns: workflow, configColumns, seed, iteration, metricColumns, other config keys, training_size, other metrics. */
function assemble(setting: TaskSetting, tasks: SweepTask[], results: Trajectory[]): Columns {
  let rows = 0;
  for (const t of results) rows += t.iterations;
  const configKeys = new Set<string>();
  const metricKeys = new Set<string>(setting.metricColumns);
  for (const task of tasks) Object.keys(task.config).forEach((k) => configKeys.add(k));
  for (const t of results) Object.keys(t.metrics).forEach((k) => metricKeys.add(k));
  configKeys.delete('workflow');
  configKeys.delete('iterations');
  const leading = setting.configColumns;
  const trailing = [...configKeys].filter((k) => !leading.includes(k));
  const order = ['workflow', ...leading, 'seed', 'iteration', ...setting.metricColumns, ...trailing, 'training_size', ...[...metricKeys].filter((k) => !setting.metricColumns.includes(k))];

  const cols: Columns = {};
  for (const key of ['workflow', ...leading, ...trailing]) {
    const numeric = tasks.every((t) => typeof t.config[key] === 'number');
    cols[key] = numeric ? new Float64Array(rows) : new Array<ConfigValue>(rows);
  }
  for (const key of ['seed', 'iteration', 'training_size', ...metricKeys]) cols[key] = new Float64Array(rows).fill(NaN);
  let r = 0;
  tasks.forEach((task, i) => {
    const t = results[i];
    for (let it = 0; it < t.iterations; it++, r++) {
      for (const key of ['workflow', ...leading, ...trailing]) (cols[key] as any)[r] = task.config[key] ?? '';
      (cols.seed as Float64Array)[r] = task.seed;
      (cols.iteration as Float64Array)[r] = it + 1;
      (cols.training_size as Float64Array)[r] = t.trainingSize[it];
      for (const [k, v] of Object.entries(t.metrics)) (cols[k] as Float64Array)[r] = v[it];
    }
  });
  const ordered: Columns = {};
  for (const key of order) ordered[key] = cols[key];
  return ordered;
}
