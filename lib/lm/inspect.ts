// What the sweep does not keep: the synthetic conversations themselves. One run of the lm setting,
// exactly as runOne runs it (same streams, so the same numbers as the sweep's row for that seed), with
// the model's log of sampled and rejected conversations, cached under data/cache/lm-samples/.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { codeVersion } from '../cache';
import { cacheDir, writeFileAtomic } from '../project';
import { canonicalJson } from '../random';
import { prepareRun } from '../setting';
import { runLoop } from '../workflows';
import { lmSetting, type LmModel, type SampleRecord } from './setting';

export interface LmRunWithSamples {
  workflow: string;
  model: string;
  samples: number;
  seed: number;
  /** metrics[name][t − 1], as in a Trajectory (plain arrays: this is JSON). */
  metrics: Record<string, number[]>;
  trainingSize: number[];
  /** One record per sampling round: model t's rejected share, mean length and first conversations. */
  sampleLog: SampleRecord[];
}

/** Run (or read from the cache) one lm run and keep its samples. */
export function lmRunWithSamples(config: Record<string, unknown>, seed: number, options: { cache?: boolean } = {}): LmRunWithSamples {
  const run = lmSetting.validate(config);
  const file = path.join(cacheDir(), 'lm-samples', `${createHash('sha256').update(`${codeVersion(lmSetting)}|${canonicalJson(run)}|${seed}`).digest('hex').slice(0, 24)}.json`);
  if (options.cache !== false && fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'), (_, v) => (v === 'NaN' ? NaN : v));
  const { model, loop } = prepareRun(lmSetting, run, seed); // the sweep's run for this seed
  const t = runLoop(model, loop);
  const result: LmRunWithSamples = {
    workflow: run.workflow,
    model: String(run.model),
    samples: Number(run.samples),
    seed,
    metrics: Object.fromEntries(Object.entries(t.metrics).map(([k, v]) => [k, Array.from(v)])),
    trainingSize: Array.from(t.trainingSize),
    sampleLog: (model as LmModel).sampleLog,
  };
  if (options.cache !== false) writeFileAtomic(file, JSON.stringify(result, (_, v) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v)));
  return result;
}
