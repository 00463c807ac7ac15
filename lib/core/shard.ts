// Splitting a sweep's runs among N shards (cluster jobs) so that they finish together: the runs, longest
// first by the setting's cost model, each go to the shard with the least work so far (Graham's LPT rule,
// within 4/3 of the best split). The split depends only on the sweep's plan, so every run belongs to
// exactly one shard, whatever N is, and every process that plans the same sweep agrees on it.
import { ConfigError } from './errors';

export interface Shard {
  /** 0-based. */
  index: number;
  count: number;
}

/** The shard of each task, from the tasks' costs. */
export function assignShards(costs: readonly number[], count: number): Int32Array {
  const order = costs.map((_, i) => i).sort((a, b) => costs[b] - costs[a] || a - b);
  const load = new Float64Array(count);
  const shard = new Int32Array(costs.length);
  for (const i of order) {
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s] < load[best]) best = s;
    shard[i] = best;
    load[best] += Math.max(costs[i], 0);
  }
  return shard;
}

/** `K/N` (0 ≤ K < N), or `auto`: K and N from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT. */
export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Shard {
  if (text === 'auto') {
    const id = env.SLURM_ARRAY_TASK_ID;
    const count = env.SLURM_ARRAY_TASK_COUNT;
    if (id === undefined || count === undefined) throw new ConfigError('--shard auto needs SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (inside a Slurm array job)');
    return parseShard(`${id}/${count}`, {});
  }
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) throw new ConfigError(`--shard must be K/N (0 <= K < N) or auto, got '${text}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!(count >= 1 && index < count)) throw new ConfigError(`--shard must be K/N with 0 <= K < N, got '${text}'`);
  return { index, count };
}
