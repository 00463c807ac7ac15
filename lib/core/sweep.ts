// The sweep: a grid of configurations × seeds of one setting, run through the cached job runner (worker
// threads, one cache file per run, so an interrupted sweep resumes where it stopped), returned as one
// tidy table: workflow, <configuration>, seed, iteration, <metrics>, <other configuration>, training_size.
import * as aq from 'arquero';
import * as os from 'os';
import * as path from 'path';
import { codeVersion } from './code-version';
import type { CacheSlot } from './cache';
import { ConfigError } from './errors';
import { parseParam } from './params';
import { runCachedJobs } from './jobs';
import { workerCount } from './pool';
import { canonicalJson } from './random';
import { resolveSetting, settingModule } from './registry';
import { expandGrid, type ConfigValue, type Grid, type RunConfig, type TaskSetting } from './setting';
import { assignShards, type Shard } from './shard';
import { runSweepTask, type SweepTask } from './sweep-task';
import type { Trajectory } from './workflows';

export interface SweepOptions {
  /** A grid of configurations, or the name of one of the setting's grids (default: its first). */
  grid?: Grid | string;
  /** Seeds 0..N−1 for a number, or an explicit list. Default: the named grid's count for the mode. */
  seeds?: number | readonly number[];
  /** Quick grids (default: COLLAPSE_QUICK). */
  quick?: boolean;
  /** Worker threads (default: $COLLAPSE_WORKERS or the number of cores); 1 runs in this thread. */
  workers?: number;
  /** Show a progress bar (default true). */
  progress?: boolean;
  /** Read and write the run cache (default: true for a setting declared in a module file; false for one declared
   *  in a notebook cell, whose code version cannot see the helpers its functions call — pass true to cache it). */
  cache?: boolean;
  /** Progress bar label (default: the setting's name). */
  label?: string;
  /** Compute only this shard of the sweep's runs (split by cost; see core/shard.ts), and return only its rows. */
  shard?: Shard;
}

/** Columns of a sweep's results, in output order; numeric columns are Float64Arrays. */
export type Columns = Record<string, Float64Array | ConfigValue[]>;

export interface SweepPlan {
  setting: TaskSetting;
  configs: RunConfig[];
  seeds: number[];
}

/** At most this many seeds: beyond it the seed list alone strains memory, and no figure needs them. */
export const MAX_SEEDS = 1_000_000;
/** At most this many runs (configurations × seeds): the planned task list is kept in memory. */
export const MAX_RUNS = 10_000_000;

export function seedList(seeds: number | readonly number[]): number[] {
  if (typeof seeds === 'number') {
    if (!(Number.isInteger(seeds) && seeds >= 1)) throw new ConfigError(`seeds must be an integer >= 1, got ${seeds}`);
    if (seeds > MAX_SEEDS) throw new ConfigError(`seeds must be <= ${MAX_SEEDS} (the sweep keeps every run in memory), got ${seeds}`);
    return Array.from({ length: seeds }, (_, i) => i);
  }
  if (!Array.isArray(seeds) || seeds.length === 0) throw new ConfigError(`seeds must be a count or a non-empty list, got ${Array.isArray(seeds) ? '[]' : String(seeds)}`);
  if (seeds.length > MAX_SEEDS) throw new ConfigError(`seeds must list at most ${MAX_SEEDS} seeds (the sweep keeps every run in memory), got ${seeds.length}`);
  const seen = new Set<number>();
  for (const s of seeds) {
    if (!(Number.isInteger(s) && s >= 0)) throw new ConfigError(`seed must be an integer >= 0, got ${s}`);
    if (seen.has(s)) throw new ConfigError(`duplicate seed ${s} in seeds`);
    seen.add(s);
  }
  return [...seeds];
}

/** The largest run a sweep may plan, in bytes: COLLAPSE_MAX_RUN_BYTES, else half the machine's memory. */
export function maxRunBytes(): number {
  const env = process.env.COLLAPSE_MAX_RUN_BYTES;
  if (env === undefined || env.trim() === '') return os.totalmem() / 2;
  const t = env.trim();
  if (!/^\d+(\.\d*)?(e\d+)?$/i.test(t) || !(Number(t) > 0)) throw new ConfigError(`COLLAPSE_MAX_RUN_BYTES must be a positive number of bytes, got '${env}'`);
  return Number(t);
}

/** 8 TB, 12 GB, 350 MB: bytes for a message. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let i = 0;
  let x = bytes;
  while (x >= 1000 && i < units.length - 1) {
    x /= 1000;
    i++;
  }
  return `${x >= 100 || i === 0 ? Math.round(x) : Number(x.toPrecision(2))} ${units[i]}`;
}

export interface PlanOptions extends Pick<SweepOptions, 'grid' | 'seeds' | 'quick' | 'workers'> {
  /** Name parameters as the CLI's flags (--samples) in messages. */
  flags?: boolean;
}

/**
 * The sweep's configurations and seeds, every one validated before any work starts (ConfigError): each
 * grid axis a list without duplicates, the number of runs and each run's memory within the machine's.
 */
export function planSweep(settingOrName: string | TaskSetting, options: PlanOptions = {}): SweepPlan {
  if (options === null || typeof options !== 'object') throw new ConfigError(`sweep options must be an object, got ${String(options)}`);
  const setting = resolveSetting(settingOrName);
  const g = options.grid;
  if (g !== undefined && typeof g !== 'string' && (g === null || typeof g !== 'object' || Array.isArray(g))) {
    throw new ConfigError(`grid must be an object of value lists ({ dim: [1, 3] }) or the name of one of ${setting.name}'s grids (${setting.gridNames.join(', ')}), got ${Array.isArray(g) ? 'a list' : String(g)}`);
  }
  workerCount(1, options.workers); // workers and COLLAPSE_WORKERS checked before any work
  const flag = (k: string) => (options.flags ? `--${k}` : k);
  const named = typeof g === 'object' ? undefined : setting.grid(g, options.quick);
  const grid = typeof g === 'object' ? g : named!.grid;
  let product = 1;
  for (const [key, values] of Object.entries(grid)) {
    if (!Array.isArray(values)) throw new ConfigError(`grid values for ${key} must be a list (e.g. [${JSON.stringify(values)}]), got ${typeof values === 'string' ? `'${values}'` : String(values)}`);
    product *= values.length;
    const p = setting.params[key];
    if (!p) continue; // validate names the unknown key
    const seen = new Map<string, unknown>();
    for (const v of values) {
      const parsed = parseParam(key, p, v);
      const id = `${typeof parsed}:${parsed}`;
      if (seen.has(id)) throw new ConfigError(`duplicate value ${String(v)} in ${flag(key)}${String(seen.get(id)) !== String(v) ? ` (the same as ${String(seen.get(id))})` : ''}`);
      seen.set(id, v);
    }
  }
  const seeds = seedList(options.seeds ?? named?.seeds ?? setting.grid(undefined, options.quick).seeds);
  if (product * seeds.length > MAX_RUNS) {
    throw new ConfigError(`the sweep has ${product} configurations × ${seeds.length} seeds = ${product * seeds.length} runs, more than ${MAX_RUNS} (split it into smaller sweeps)`);
  }
  const configs = expandGrid(grid).map((c) => setting.validate(c));
  checkMemory(setting, configs, flag);
  return { setting, configs, seeds };
}

/** The largest run's memory against maxRunBytes(), naming the parameter that drives it. */
function checkMemory(setting: TaskSetting, configs: RunConfig[], flag: (k: string) => string): void {
  const limit = maxRunBytes();
  let worst: RunConfig | undefined;
  let most = 0;
  for (const c of configs) {
    const m = setting.memory(c);
    if (m > most || Number.isNaN(m)) {
      most = Number.isNaN(m) ? Infinity : m;
      worst = c;
    }
  }
  if (!worst || most <= limit) return;
  // the driver: the numeric parameter whose default would shrink the run the most
  let driver: string | undefined;
  let least = most;
  for (const [k, p] of Object.entries(setting.params)) {
    if (typeof worst[k] !== 'number' || worst[k] === p.default) continue;
    const m = setting.memory({ ...worst, [k]: p.default });
    if (m < least) {
      least = m;
      driver = k;
    }
  }
  const others = Object.entries(worst)
    .filter(([k, v]) => k !== driver && v !== setting.params[k]?.default)
    .map(([k, v]) => `${flag(k)} ${v}`);
  const what = driver ? `${flag(driver)} ${worst[driver]}` : `the run ${Object.entries(worst).map(([k, v]) => `${flag(k)} ${v}`).join(' ')}`;
  throw new ConfigError(`${what} needs about ${formatBytes(most)} per run${driver && others.length ? ` (with ${others.join(', ')})` : ''}; the limit is ${formatBytes(limit)} (${process.env.COLLAPSE_MAX_RUN_BYTES?.trim() ? 'COLLAPSE_MAX_RUN_BYTES' : "half the machine's memory; COLLAPSE_MAX_RUN_BYTES sets it"})`);
}

const versions = new WeakMap<TaskSetting, string>();

/** The code version of a setting's results: its declaring module's closure, or a notebook declaration's source. */
export function settingVersion(setting: TaskSetting): string {
  let v = versions.get(setting); // asked for every run's cache slot: looked up once per declaration
  if (v === undefined) versions.set(setting, (v = computeVersion(setting)));
  return v;
}

function computeVersion(setting: TaskSetting): string {
  const file = settingModule(setting);
  if (file) return codeVersion(file, setting.data);
  const spec = (setting as TaskSetting & { spec: Record<string, unknown> }).spec;
  const source = Object.entries(spec).map(([k, v]) => `${k}:${typeof v === 'function' ? String(v) : canonicalJson(v)}`).join('\n');
  return codeVersion(path.join(__dirname, `setting${path.extname(__filename)}`), setting.data, source);
}

/** The cache slot of one run. */
export function runSlot(setting: TaskSetting, config: RunConfig, seed: number): CacheSlot {
  return { folder: setting.name, version: settingVersion(setting), key: `${canonicalJson(setting.identity(config))}|${seed}` };
}

/** Is a cached value a whole trajectory of this run? The problem, or undefined. */
export function checkTrajectory(setting: TaskSetting, config: RunConfig, value: unknown): string | undefined {
  const t = value as Trajectory;
  const expected = setting.kind === 'loop' ? Number(config.iterations) : 1;
  if (!t || typeof t !== 'object') return 'not a trajectory';
  if (t.iterations !== expected) return `${String(t.iterations)} iterations, expected ${expected}`;
  if (!(t.trainingSize instanceof Float64Array) || t.trainingSize.length !== expected) return 'training sizes missing or of the wrong length';
  if (!t.metrics || typeof t.metrics !== 'object') return 'no metrics';
  for (const [k, v] of Object.entries(t.metrics)) if (!(v instanceof Float64Array) || v.length !== expected) return `metric ${k} missing or of the wrong length`;
  if (!(setting.metrics[0] in t.metrics)) return `metric ${setting.metrics[0]} missing`;
  return undefined;
}

/** Run a sweep and return its columns. */
export async function sweepColumns(settingOrName: string | TaskSetting, options: SweepOptions = {}): Promise<Columns> {
  const plan = planSweep(settingOrName, options);
  const { setting } = plan;
  const file = settingModule(setting);
  let tasks: SweepTask[] = [];
  for (const config of plan.configs) for (const seed of plan.seeds) tasks.push({ file: file ?? '', setting: setting.name, config, seed });
  if (options.shard) {
    const { index, count } = options.shard;
    const of = assignShards(tasks.map((t) => setting.cost(t.config)), count);
    tasks = tasks.filter((_, i) => of[i] === index);
  }
  const results = await runCachedJobs<SweepTask, Trajectory>({
    label: (options.label ?? setting.name) + (options.shard ? ` shard ${options.shard.index}/${options.shard.count}` : ''),
    tasks,
    // a declaration in a module runs on the workers; one in a notebook cell, in this thread
    run: file ? runSweepTask : (task) => setting.run(task.config, task.seed),
    // A declaration in a notebook cell is cached only when asked: its code version sees the text of the
    // declaration's own functions, not the helpers they call, so an edit there could go unseen.
    slot: options.cache === false || (!file && options.cache !== true) ? undefined : (task) => runSlot(setting, task.config, task.seed),
    check: (value, task) => checkTrajectory(setting, task.config, value),
    cost: (task) => setting.cost(task.config),
    workers: options.workers,
    progress: options.progress,
  });
  return assemble(setting, tasks, results);
}

/** Run a sweep and return its tidy table (arquero): the form notebooks work with. */
export async function sweep(settingOrName: string | TaskSetting, options: SweepOptions = {}): Promise<aq.ColumnTable> {
  return toTable(await sweepColumns(settingOrName, options));
}

export function toTable(columns: Columns): aq.ColumnTable {
  return aq.table(columns as Record<string, Float64Array | ConfigValue[]>);
}

// Iterations a run did not evaluate (every metric NaN, e.g. KDE's evaluate_at 'log' with T = 1000) are
// left out: they hold nothing but the training size, and a T = 1000 sweep would be mostly such rows.
function assemble(setting: TaskSetting, tasks: SweepTask[], results: Trajectory[]): Columns {
  const recorded = (t: Trajectory, it: number) => Object.values(t.metrics).some((m) => !Number.isNaN(m[it]));
  let rows = 0;
  for (const t of results) for (let it = 0; it < t.iterations; it++) if (recorded(t, it)) rows++;
  const identities = tasks.map((t) => setting.identity(t.config));
  const configKeys = new Set<string>();
  const metricKeys = new Set<string>(setting.metrics);
  for (const c of identities) Object.keys(c).forEach((k) => configKeys.add(k));
  for (const t of results) Object.keys(t.metrics).forEach((k) => metricKeys.add(k));
  configKeys.delete('workflow');
  configKeys.delete('iterations');
  const leading = setting.columns;
  const trailing = [...configKeys].filter((k) => !leading.includes(k));
  const order = ['workflow', ...leading, 'seed', 'iteration', ...setting.metrics, ...trailing, 'training_size', ...[...metricKeys].filter((k) => !setting.metrics.includes(k))];
  const cols: Columns = {};
  // a cells setting has no workflow: its rows say 'replace' (one fit on the given data), as the CSV's first column
  const valueOf = (c: RunConfig, key: string) => c[key] ?? (key === 'workflow' ? 'replace' : '');
  for (const key of ['workflow', ...leading, ...trailing]) {
    const numeric = identities.every((c) => typeof c[key] === 'number');
    cols[key] = numeric ? new Float64Array(rows) : new Array<ConfigValue>(rows);
  }
  for (const key of ['seed', 'iteration', 'training_size', ...metricKeys]) cols[key] = new Float64Array(rows).fill(NaN);
  let r = 0;
  tasks.forEach((task, i) => {
    const t = results[i];
    const c = identities[i];
    for (let it = 0; it < t.iterations; it++) {
      if (!recorded(t, it)) continue;
      for (const key of ['workflow', ...leading, ...trailing]) (cols[key] as ConfigValue[] | Float64Array)[r] = valueOf(c, key) as never;
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
