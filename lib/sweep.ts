// The sweep runner: a grid of configurations × seeds, run on worker threads (one per core), each
// finished run cached under data/cache/ (so an interrupted sweep resumes where it stopped), returned
// as one tidy table: workflow, <configuration>, seed, iteration, <metrics>, training_size.
import * as aq from 'arquero';
import { readCachedRun, runCachePath } from './cache';
import { runJobs, workerCount } from './pool';
import { createProgress } from './progress';
import { ConfigError, expandGrid, quickMode, type ConfigValue, type Grid, type RunConfig, type TaskSetting } from './setting';
import { getSetting } from './settings';
import type { Trajectory } from './workflows';

interface SweepTask {
  id: number;
  config: RunConfig;
  seed: number;
}

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
  for (const config of configs) for (const seed of seeds) tasks.push({ id: tasks.length, config, seed });
  const results: (Trajectory | undefined)[] = new Array(tasks.length);
  const todo: SweepTask[] = [];
  for (const task of tasks) {
    const hit = useCache ? readCachedRun(runCachePath(setting, task.config, task.seed)) : undefined;
    if (hit) results[task.id] = hit;
    else todo.push(task);
  }

  if (setting.cost) {
    const cost = new Map(todo.map((t) => [t.id, setting.cost!(t.config)]));
    todo.sort((a, b) => cost.get(b.id)! - cost.get(a.id)! || a.id - b.id); // longest first: no long tail
  }
  const progress = createProgress(options.label ?? setting.name, tasks.length, { enabled: options.progress !== false });
  let done = tasks.length - todo.length;
  progress.tick(done);
  const jobs = todo.map((t) => ({ module: 'sweep-task', fn: 'runSweepTask', args: [setting.name, t.config, t.seed, useCache] }));
  await runJobs<Trajectory>(jobs, workerCount(jobs.length, options.workers), (i, trajectory) => {
    results[todo[i].id] = trajectory;
    progress.tick(++done);
  });
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

/** Tidy columns: workflow, configColumns, seed, iteration, metricColumns, other config keys, training_size, other metrics. */
// Iterations a run did not evaluate (every metric NaN, e.g. KDE's evaluate_at 'log' with T = 1000) are
// left out: they hold nothing but the training size, and a T = 1000 sweep would be mostly such rows.
function assemble(setting: TaskSetting, tasks: SweepTask[], results: Trajectory[]): Columns {
  const recorded = (t: Trajectory, it: number) => Object.values(t.metrics).some((m) => !Number.isNaN(m[it]));
  let rows = 0;
  for (const t of results) for (let it = 0; it < t.iterations; it++) if (recorded(t, it)) rows++;
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
    for (let it = 0; it < t.iterations; it++) {
      if (!recorded(t, it)) continue;
      for (const key of ['workflow', ...leading, ...trailing]) (cols[key] as any)[r] = task.config[key] ?? '';
      (cols.seed as Float64Array)[r] = task.seed;
      (cols.iteration as Float64Array)[r] = it + 1;
      (cols.training_size as Float64Array)[r] = t.trainingSize[it];
      for (const [k, v] of Object.entries(t.metrics)) (cols[k] as Float64Array)[r] = v[it];
      r++;
    }
  });
  const ordered: Columns = {};
  for (const key of order) ordered[key] = cols[key];
  return ordered;
}
