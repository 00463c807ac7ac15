// Replace followed until collapse: each run is the sweep's run for its seed (the same streams), stopped at
// the absorbing state; a table of such runs goes through the cached job runner, so a notebook re-executes
// instantly and an interrupted table resumes.
import { codeVersion } from '../../core/code-version';
import { runCachedJobs } from '../../core/jobs';
import { int, parseParam } from '../../core/params';
import { discreteSetting } from './setting';
import { replaceCollapseCap } from './theory';

/**
 * Follow one Replace run until its entropy is exactly 0 or `cap` iterations: the sweep's run for this
 * seed, stopped at the absorbing state, so where the sweep's recorded trajectory reaches the collapse both
 * agree exactly (tested). Returns the collapse iteration, or null when capped. Only this number is kept:
 * a chain that runs ~2n = 200,000 iterations is too long a table.
 */
export function replaceCollapseIteration(outcomes: number, samples: number, seed: number, cap = replaceCollapseCap(samples)): number | null {
  const config = discreteSetting.validate({ workflow: 'replace', iterations: cap, outcomes, samples });
  const run = discreteSetting.run(config, seed, { stopWhen: (m) => m.alive === 1 }); // one outcome left: entropy exactly 0
  return run.metrics.alive[run.iterations - 1] === 1 ? run.iterations : null;
}

export interface CollapseRow {
  workflow: string;
  outcomes: number;
  samples: number;
  seed: number;
  /** First iteration with entropy exactly 0; null when the run never collapsed within `cap`. */
  collapse_iteration: number | null;
  /** The iteration limit the run had: its recorded iterations, or the cap of replaceCollapseIteration. */
  cap: number;
}

export interface CollapseTableOptions {
  outcomes: readonly number[];
  samples: readonly number[];
  /** Seeds 0..seeds−1. */
  seeds: number;
  /** Iteration cap as a function of n (default replaceCollapseCap). */
  cap?: (samples: number) => number;
  /** Worker threads (default: $COLLAPSE_WORKERS or the number of cores); 1 runs in this thread. */
  workers?: number;
  /** Read and write the cache under data/cache/discrete-collapse/ (default true). */
  cache?: boolean;
  /** Show a progress bar (default true). */
  progress?: boolean;
}

export interface CollapseTask {
  outcomes: number;
  samples: number;
  seed: number;
  cap: number;
}

/** One task of the table (for the worker threads). */
export function collapseOf(task: CollapseTask): number | null {
  return replaceCollapseIteration(task.outcomes, task.samples, task.seed, task.cap);
}

const CAP = int({ default: 1, min: 1, help: 'iteration cap' });

/** Collapse iterations of Replace over a grid of (outcomes, samples) and seeds, each run followed until collapse or its cap. */
export async function replaceCollapseTable(options: CollapseTableOptions): Promise<CollapseRow[]> {
  const capOf = options.cap ?? replaceCollapseCap;
  const tasks: CollapseTask[] = [];
  for (const outcomes of options.outcomes) {
    for (const samples of options.samples) {
      const checked = discreteSetting.validate({ workflow: 'replace', outcomes, samples });
      const cap = parseParam('cap', CAP, capOf(samples)) as number;
      for (let seed = 0; seed < options.seeds; seed++) tasks.push({ outcomes: checked.outcomes, samples: checked.samples, seed, cap });
    }
  }
  const version = codeVersion(__filename);
  const results = await runCachedJobs<CollapseTask, number | null>({
    label: 'Replace until collapse',
    tasks,
    run: collapseOf,
    slot: options.cache === false ? undefined : (t) => ({ folder: 'discrete-collapse', version, key: `collapse|${t.outcomes}|${t.samples}|${t.cap}|${t.seed}` }),
    check: (v, t) => (v === null || (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= t.cap) ? undefined : `not a collapse iteration in 1..${t.cap}: ${String(v)}`),
    cost: (t) => t.samples * 1e6 + t.outcomes, // the collapse takes ~2n iterations
    workers: options.workers,
    progress: options.progress,
  });
  return tasks.map((t, i) => ({ workflow: 'replace', outcomes: t.outcomes, samples: t.samples, seed: t.seed, collapse_iteration: results[i], cap: t.cap }));
}

/** What iterationsToCollapse reads: an arquero table satisfies it. */
export interface ColumnarTable {
  numRows(): number;
  array(name: string): ArrayLike<unknown>;
}

/**
 * From recorded trajectories (the sweep's rows, with columns workflow, outcomes, samples, seed,
 * iteration, entropy_fraction): per (workflow, outcomes, samples, seed), the first iteration whose
 * entropy is exactly 0, or null when the run never reached 0; `cap` is the run's last recorded iteration.
 */
export function iterationsToCollapse(table: ColumnarTable): CollapseRow[] {
  const n = table.numRows();
  const workflow = table.array('workflow');
  const outcomes = table.array('outcomes');
  const samples = table.array('samples');
  const seed = table.array('seed');
  const iteration = table.array('iteration');
  const fraction = table.array('entropy_fraction');
  const runs = new Map<string, CollapseRow>();
  for (let i = 0; i < n; i++) {
    const key = `${workflow[i]}|${outcomes[i]}|${samples[i]}|${seed[i]}`;
    let row = runs.get(key);
    if (!row) {
      row = { workflow: String(workflow[i]), outcomes: Number(outcomes[i]), samples: Number(samples[i]), seed: Number(seed[i]), collapse_iteration: null, cap: 0 };
      runs.set(key, row);
    }
    const t = Number(iteration[i]);
    row.cap = Math.max(row.cap, t);
    if (Number(fraction[i]) === 0 && (row.collapse_iteration === null || t < row.collapse_iteration)) row.collapse_iteration = t;
  }
  return [...runs.values()];
}
