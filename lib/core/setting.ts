// A task setting, declared once: its parameters (core/params.ts), its output columns and metrics, its
// named grids (the paper's and a quick one each), and its model. Everything else — validation, the CLI's
// flags and help, the CSV's columns, the registry, the cache key, the sweep — is derived from that one
// declaration. Two kinds:
//   loop   a model the workflow loop drives (summarise, merge, fit, sample, evaluate), run for T iterations;
//   cells  a grid of independent fit-and-evaluate cells with no loop (the value of synthetic data).
import { ConfigError } from './errors';
import { choice, int, validateParams, type ConfigOf, type Param, type Params } from './params';
import { streamFor, type Rng } from './random';
import { runLoop, WORKFLOWS, type LoopOptions, type Metrics, type Model, type Trajectory, type Workflow } from './workflows';

export { ConfigError } from './errors';

export type ConfigValue = string | number;
/** A validated configuration as the sweep, the cache and the CSV see it. */
export type RunConfig = Record<string, ConfigValue>;
/** A grid: each key's list of values; the sweep runs their Cartesian product. */
export type Grid = Record<string, readonly ConfigValue[]>;

/** The loop's own parameters, part of every loop setting's configuration. */
export type LoopConfig = { workflow: Workflow; iterations: number };
/** A loop setting's typed configuration. */
export type RunOf<P extends Params> = ConfigOf<P> & LoopConfig;

/** A grid in a setting's own types: each parameter's values (missing ones take the default). */
export type GridOf<C> = { readonly [K in keyof C]?: readonly C[K][] };

/** One named grid: the paper's values and a quick version for CI and first looks, with their seeds. */
export interface NamedGrid<C> {
  readonly help?: string;
  readonly paper: GridOf<C>;
  readonly quick: GridOf<C>;
  readonly seeds: { readonly paper: number; readonly quick: number };
}

interface SpecBase<P extends Params, C> {
  /** As on the command line: `collapse run <name>`. */
  readonly name: string;
  /** One line for `collapse --help`, citing the paper's section. */
  readonly summary: string;
  readonly params: P;
  /** The configuration columns that lead the CSV after `workflow`, in order; the others follow the metrics. */
  readonly columns: readonly (keyof P & string)[];
  /** Metric columns, in order, after `iteration`. */
  readonly metrics: readonly string[];
  /** Named grids; the first is the default (`sweep(setting)` runs it). */
  readonly grids: Readonly<Record<string, NamedGrid<C>>>;
  /** Files or folders outside lib/ (relative to the project) whose contents decide the numbers: part of the cache key. */
  readonly data?: readonly string[];
  /** Relative cost of a run, so a sweep starts the longest runs first and shards split evenly. */
  cost?(config: C): number;
  /**
   * Bytes one run of the model holds at its peak (its data, history and fits: an estimate from what the
   * model allocates), so a sweep too big for the machine is refused before it starts. Default: no limit
   * from the model (the loop's own per-iteration records are counted anyway).
   */
  memory?(config: C): number;
  /** Checks across parameters (throw ConfigError). */
  check?(config: C): void;
  /** An example command line for --help. */
  readonly example?: string;
}

/** Any model of the loop (its batch, summary and fit types are the model's own business). */
export type AnyModel = Model<unknown, unknown, unknown>;

export interface LoopSpec<P extends Params, M extends AnyModel> extends SpecBase<P, RunOf<P>> {
  /** Default number of iterations T. */
  readonly iterations: number;
  /**
   * The model of one run: its real data and evaluation, drawn from `rng` (the run's own stream). `seed`
   * is for models whose runs share draws across configurations at a seed.
   */
  model(config: RunOf<P>, rng: Rng, seed: number): M;
}

export interface CellSpec<P extends Params> extends SpecBase<P, ConfigOf<P>> {
  /** One cell: fit and evaluate. `rng` is the cell's own stream, `seed` for draws shared across cells. */
  cell(config: ConfigOf<P>, rng: Rng, seed: number): { metrics: Metrics; trainingSize: number };
}

/** What the sweep, the CLI and the cache know of any setting: the declaration with its types erased. */
export interface TaskSetting {
  readonly kind: 'loop' | 'cells';
  readonly name: string;
  readonly summary: string;
  /** Every parameter, the loop's (workflow, iterations) first for a loop setting. */
  readonly params: Params;
  readonly columns: readonly string[];
  readonly metrics: readonly string[];
  readonly gridNames: readonly string[];
  readonly data: readonly string[];
  readonly example?: string;
  /** The module that declares the setting (workers load it), when it is a file on disk. */
  readonly file: string | undefined;
  /** Check a configuration and fill the defaults; throws ConfigError naming any bad value or unknown key. */
  validate(config: Record<string, unknown>): RunConfig;
  /** A configuration's identity (its random streams, cache key and CSV row): omitDefault parameters at their default left out. */
  identity(config: RunConfig): RunConfig;
  /** The named grid (default: the first) for the mode, with its seeds; quick from COLLAPSE_QUICK unless given. */
  grid(name?: string, quick?: boolean): { grid: Grid; seeds: number };
  cost(config: RunConfig): number;
  /** Estimated peak bytes of one run: the declaration's memory() (0 when it declares none) plus the loop's records. */
  memory(config: RunConfig): number;
  /** Run one configuration with one seed (see prepareRun for the streams). */
  run(config: RunConfig, seed: number, extra?: Pick<LoopOptions, 'onIteration' | 'stopWhen' | 'onSample'>): Trajectory;
}

/** A declared loop setting: the erased view plus its typed verbs. */
export interface LoopSetting<P extends Params = Params, M extends AnyModel = AnyModel> extends TaskSetting {
  readonly kind: 'loop';
  readonly spec: LoopSpec<P, M>;
  validate(config: Partial<Record<keyof RunOf<P>, unknown>> | Record<string, unknown>): RunConfig & RunOf<P>;
  /** The model and loop options of one run: everything that re-runs a sweep's run starts here. */
  prepare(config: RunConfig, seed: number): { model: M; loop: LoopOptions; config: RunOf<P> };
}

export interface CellSetting<P extends Params = Params> extends TaskSetting {
  readonly kind: 'cells';
  readonly spec: CellSpec<P>;
  validate(config: Partial<Record<keyof ConfigOf<P>, unknown>> | Record<string, unknown>): RunConfig & ConfigOf<P>;
}

const LOOP_PARAMS = (iterations: number) => ({
  workflow: choice(WORKFLOWS, { default: 'replace', help: 'what each iteration trains on: replace, accumulate, accumulate-subsample' }),
  iterations: int({ default: iterations, min: 1, list: false, help: 'model-fitting iterations T (iteration 1 fits the real data)' }),
});

/** The file of the module that called defineSetting (workers load it from there). */
function callerFile(): string | undefined {
  const prepare = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (_e, frames) => frames;
    const frames = new Error().stack as unknown as { getFileName(): string | null }[];
    for (const f of frames.slice(1)) {
      const name = f.getFileName();
      if (name && name !== __filename && !name.startsWith('node:')) return name.startsWith('file://') ? new URL(name).pathname : name;
    }
  } finally {
    Error.prepareStackTrace = prepare;
  }
  return undefined;
}

function common<P extends Params, C>(kind: 'loop' | 'cells', spec: SpecBase<P, C>, params: Params) {
  const gridNames = Object.keys(spec.grids);
  if (gridNames.length === 0) throw new Error(`setting ${spec.name}: declare at least one grid`);
  for (const c of spec.columns) if (!(c in params)) throw new Error(`setting ${spec.name}: column '${c}' is not a parameter`);
  const validate = (raw: Record<string, unknown>) => {
    if (raw === null || typeof raw !== 'object') throw new ConfigError(`a configuration of ${spec.name} must be an object, got ${String(raw)}`);
    const config = validateParams(spec.name, params, raw);
    spec.check?.(config as C);
    return config;
  };
  const identity = (config: RunConfig) => {
    const out: RunConfig = {};
    for (const [k, v] of Object.entries(config)) if (!(params[k]?.omitDefault && v === params[k].default)) out[k] = v;
    return out;
  };
  const grid = (name?: string, quick?: boolean) => {
    const key = name ?? gridNames[0];
    const g = spec.grids[key];
    if (!g) throw new ConfigError(`unknown grid '${key}' for setting ${spec.name} (expected one of: ${gridNames.join(', ')})`);
    const q = quick ?? quickMode();
    const values = (q ? g.quick : g.paper) as Record<string, readonly ConfigValue[] | undefined>;
    const out: Grid = {};
    for (const [k, p] of Object.entries(params)) out[k] = values[k] ?? (k === 'workflow' ? WORKFLOWS : [p.default]);
    for (const k of Object.keys(values)) if (!(k in params)) throw new Error(`setting ${spec.name}, grid ${key}: '${k}' is not a parameter`);
    return { grid: out, seeds: q ? g.seeds.quick : g.seeds.paper };
  };
  return {
    kind,
    name: spec.name,
    summary: spec.summary,
    params,
    columns: spec.columns,
    metrics: spec.metrics,
    gridNames,
    data: spec.data ?? [],
    example: spec.example,
    file: callerFile(), // the first frame outside this file: the module that called defineSetting/defineCells
    validate,
    identity,
    grid,
    cost: (config: RunConfig) => (spec.cost ? spec.cost(withDefaults(params, config) as C) : 1),
    memory: (config: RunConfig) => {
      const full = withDefaults(params, config);
      // the loop records trainingSize and every metric per iteration, and copies them once when it grows
      const records = kind === 'loop' ? 2 * 8 * (spec.metrics.length + 1) * Number(full.iterations) : 0;
      return (spec.memory ? spec.memory(full as C) : 0) + records;
    },
  };
}

/** The configuration with omitted defaults filled back in: what a model reads. */
export function withDefaults(params: Params, config: RunConfig): RunConfig {
  const out: RunConfig = {};
  for (const [k, p] of Object.entries(params)) out[k] = config[k] ?? p.default;
  return out;
}

/**
 * Declare a loop setting. The parameters `workflow` and `iterations` are added in front of the setting's
 * own. Declared in a module file, its sweeps run on worker threads; declared in a notebook cell, in the
 * notebook's process.
 */
export function defineSetting<P extends Params, M extends AnyModel>(spec: LoopSpec<P, M>): LoopSetting<P, M> {
  for (const k of ['workflow', 'iterations']) if (k in spec.params) throw new Error(`setting ${spec.name}: '${k}' is the loop's own parameter`);
  const params: Params = { ...LOOP_PARAMS(spec.iterations), ...spec.params };
  const base = common('loop', spec, params);
  const prepare = (config: RunConfig, seed: number) => {
    const full = withDefaults(params, config) as RunOf<P>;
    const { workflow: _w, iterations: _t, ...dataConfig } = base.identity(config);
    const stream = streamFor(spec.name, dataConfig, seed);
    const model = spec.model(full, stream.derive('real'), seed);
    return { model, config: full, loop: { workflow: full.workflow, iterations: full.iterations, rng: stream.derive(`loop:${full.workflow}`) } };
  };
  return {
    ...base,
    kind: 'loop',
    spec,
    validate: base.validate as LoopSetting<P, M>['validate'],
    prepare,
    run(config, seed, extra = {}) {
      const { model, loop } = prepare(config, seed);
      return runLoop(model, { ...loop, ...extra });
    },
  };
}

/** Declare a grid of fit-and-evaluate cells (no loop). Its rows carry workflow 'replace' and iteration 1. */
export function defineCells<P extends Params>(spec: CellSpec<P>): CellSetting<P> {
  const base = common('cells', spec, spec.params);
  return {
    ...base,
    kind: 'cells',
    spec,
    validate: base.validate as CellSetting<P>['validate'],
    run(config, seed) {
      const full = withDefaults(spec.params, config) as ConfigOf<P>;
      const { metrics, trainingSize } = spec.cell(full, streamFor(spec.name, base.identity(config), seed).derive('real'), seed);
      const m: Record<string, Float64Array> = {};
      for (const [k, v] of Object.entries(metrics)) m[k] = Float64Array.of(v);
      return { iterations: 1, trainingSize: Float64Array.of(trainingSize), metrics: m };
    },
  };
}

/** Is this value a declared setting? */
export function isSetting(value: unknown): value is TaskSetting {
  return typeof value === 'object' && value !== null && ((value as TaskSetting).kind === 'loop' || (value as TaskSetting).kind === 'cells') && typeof (value as TaskSetting).run === 'function' && typeof (value as TaskSetting).params === 'object';
}

/** Every combination of a grid's values, keys in the grid's order. */
export function expandGrid(grid: Grid): Record<string, ConfigValue>[] {
  let out: Record<string, ConfigValue>[] = [{}];
  for (const [key, values] of Object.entries(grid)) {
    if (!Array.isArray(values)) throw new ConfigError(`grid values for ${key} must be a list, got ${String(values)}`);
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

export type { Param, Params };
