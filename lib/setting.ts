// What a task setting declares so that the sweep runner, the CLI, the tests and the notebooks can all
// drive it the same way, and the one function that runs a single (configuration, seed).
import type { LoopOptions, Model, Trajectory, Workflow } from './workflows';
import { runLoop, WORKFLOWS } from './workflows';
import { streamFor, type Rng } from './random';

/** A bad parameter: the message names the parameter and the value. The CLI prints it as one line. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type ConfigValue = string | number;
/** One run's configuration: always `workflow` and `iterations`, plus the setting's own keys. */
export type RunConfig = { workflow: Workflow; iterations: number } & Record<string, ConfigValue>;
/** A grid: each key's list of values; the sweep runs their Cartesian product. */
export type Grid = Record<string, readonly ConfigValue[]>;

export interface TaskSetting {
  /** As on the command line: `collapse run <name>`. */
  readonly name: string;
  /** Configuration columns of the output, in order, after `workflow` (e.g. ['dim', 'samples']). */
  readonly configColumns: readonly string[];
  /** Metric columns of the output, in order, after `iteration`. */
  readonly metricColumns: readonly string[];
  /** Command-line flags of `collapse run <name>` beyond --workflow/--iterations/--seeds/--out; each maps to the
   *  configuration key of the same name. A list flag takes comma-separated values (a grid axis). */
  readonly flags: readonly { name: string; list: boolean }[];
  /** Files under lib/ whose code decides this setting's numbers: part of the cache key. */
  readonly codeFiles: readonly string[];
  /** The paper's grid, or a quick grid for CI and first looks. Includes workflow and iterations. */
  grid(quick: boolean): Grid;
  /** Number of seeds: the paper's, or the quick mode's. */
  seeds(quick: boolean): number;
  /** Check a configuration and fill defaults; throw ConfigError naming any bad value. */
  validate(config: Record<string, unknown>): RunConfig;
  /** Optional relative cost of a run, so a sweep starts the longest runs first and ends without a long tail. */
  cost?(config: RunConfig): number;
  /**
   * The model of one run: its real data and evaluation, drawn from `rng` (the run's own stream). `seed`
   * is for a setting whose runs share draws across configurations at a seed (lm-value pairs its cells).
   */
  createModel(config: RunConfig, rng: Rng, seed: number): Model<any, any, any>;
}

/**
 * The model of one (configuration, seed) and the stream of its loop. The real data depend on the
 * configuration but not on the workflow or the number of iterations, so at a given seed every workflow
 * starts from the same real data (a paired comparison); the loop's own draws have a stream per workflow.
 * Everything that re-runs a sweep's run (to keep its samples for a figure, say) starts here, so it
 * gets exactly the sweep's numbers.
 */
export function prepareRun(setting: TaskSetting, config: RunConfig, seed: number): { model: Model<any, any, any>; loop: LoopOptions } {
  const { workflow, iterations, ...dataConfig } = config;
  const base = streamFor(setting.name, dataConfig, seed);
  const model = setting.createModel(config, base.derive('real'), seed);
  return { model, loop: { workflow, iterations, rng: base.derive(`loop:${workflow}`) } };
}

/** Run one configuration with one seed (see prepareRun); `extra` adds onIteration / stopWhen. */
export function runOne(setting: TaskSetting, config: RunConfig, seed: number, extra: Pick<LoopOptions, 'onIteration' | 'stopWhen'> = {}): Trajectory {
  const { model, loop } = prepareRun(setting, config, seed);
  return runLoop(model, { ...loop, ...extra });
}

// ---- validation helpers shared by the settings ----

/** An integer ≥ min, from a number or a numeric string; else ConfigError naming `name`. */
export function intParam(name: string, value: unknown, min: number): number {
  const x = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof x !== 'number' || !Number.isInteger(x)) throw new ConfigError(`${name} must be an integer, got '${String(value)}'`);
  if (x < min) throw new ConfigError(`${name} must be >= ${min}, got ${x}`);
  return x;
}

/** A finite number > 0 (or ≥ min when `inclusive`). */
export function positiveParam(name: string, value: unknown): number {
  const x = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new ConfigError(`${name} must be a number, got '${String(value)}'`);
  if (!(x > 0)) throw new ConfigError(`${name} must be > 0, got ${x}`);
  return x;
}

/** One of a fixed set of names. */
export function choiceParam<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new ConfigError(`unknown ${name} '${String(value)}' (expected one of: ${allowed.join(', ')})`);
  }
  return value as T;
}

export function workflowParam(value: unknown): Workflow {
  return choiceParam('workflow', value, WORKFLOWS);
}

/** Every combination of a grid's values, keys in the grid's order. */
export function expandGrid(grid: Grid): Record<string, ConfigValue>[] {
  let out: Record<string, ConfigValue>[] = [{}];
  for (const [key, values] of Object.entries(grid)) {
    if (values.length === 0) throw new ConfigError(`grid value list for ${key} is empty`);
    const next: Record<string, ConfigValue>[] = [];
    for (const partial of out) for (const v of values) next.push({ ...partial, [key]: v });
    out = next;
  }
  return out;
}

/** True when COLLAPSE_QUICK selects the quick grids (CI, first looks). */
export function quickMode(): boolean {
  const v = process.env.COLLAPSE_QUICK;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}
