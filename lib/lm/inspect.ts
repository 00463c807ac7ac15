// What the sweep does not keep: the synthetic conversations themselves. One run of the lm setting,
// exactly as runOne runs it (same streams, so the same numbers as the sweep's row for that seed), with
// the model's log of sampled and rejected conversations, cached under data/cache/lm-samples/. Its
// trajectory also goes into the sweep's run cache, so a sweep that follows reuses the run instead of
// computing it again.
import * as fs from 'fs';
import { keyedCachePath, runCachePath, writeCachedRun } from '../cache';
import { runJobs, workerCount } from '../pool';
import { createProgress } from '../progress';
import { writeFileAtomic } from '../project';
import { canonicalJson } from '../random';
import { prepareRun } from '../setting';
import { runLoop, WORKFLOW_LABELS, type Trajectory, type Workflow } from '../workflows';
import { publish } from '../notebook';
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
  const file = keyedCachePath('lm-samples', lmSetting, `${canonicalJson(run)}|${seed}`);
  if (options.cache !== false && fs.existsSync(file)) {
    const cached: LmRunWithSamples = JSON.parse(fs.readFileSync(file, 'utf8'), (_, v) => (v === 'NaN' ? NaN : v));
    const runFile = runCachePath(lmSetting, run, seed);
    if (!fs.existsSync(runFile)) writeCachedRun(runFile, lmSetting, run, seed, toTrajectory(cached));
    return cached;
  }
  const { model, loop } = prepareRun(lmSetting, run, seed); // the sweep's run for this seed
  const t = runLoop(model, loop);
  if (options.cache !== false) writeCachedRun(runCachePath(lmSetting, run, seed), lmSetting, run, seed, t);
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

function toTrajectory(r: LmRunWithSamples): Trajectory {
  const metrics = Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, Float64Array.from(v)]));
  return { iterations: r.trainingSize.length, trainingSize: Float64Array.from(r.trainingSize), metrics };
}

/**
 * Several lmRunWithSamples at once on the worker pool (one run per core, or $COLLAPSE_WORKERS), longest
 * first as the sweep orders them, with a progress bar; results in the order asked.
 */
export async function lmRunsWithSamples(
  runs: readonly { config: Record<string, unknown>; seed: number }[],
  options: { cache?: boolean; workers?: number; progress?: boolean } = {},
): Promise<LmRunWithSamples[]> {
  const cost = runs.map((r) => lmSetting.cost!(lmSetting.validate(r.config))); // every configuration checked first
  const order = runs.map((_, i) => i).sort((a, b) => cost[b] - cost[a] || a - b);
  const jobs = order.map((i) => ({ module: 'lm/inspect', fn: 'lmRunWithSamples', args: [runs[i].config, runs[i].seed, { cache: options.cache }] }));
  const out: LmRunWithSamples[] = new Array(runs.length);
  const progress = createProgress('lm runs with samples', runs.length, { enabled: options.progress !== false });
  let done = 0;
  progress.tick(0);
  await runJobs<LmRunWithSamples>(jobs, workerCount(jobs.length, options.workers), (k, result) => {
    out[order[k]] = result;
    progress.tick(++done);
  });
  progress.finish();
  return out;
}

export interface ShowSamplesOptions {
  /** Sampling rounds to show, by the iteration of the model that sampled (default: all). */
  rounds?: number[];
  /** Kept conversations shown per round (default 3). */
  perRound?: number;
  /** Also show this many rejected samples per round (default 1). */
  rejected?: number;
  title?: string;
}

/**
 * The sampled conversations of several runs side by side — one column per run, one row per sampling
 * round — as an HTML table in a notebook (a plain-text form elsewhere, and for viewers without HTML).
 */
export function showSamples(runs: readonly LmRunWithSamples[], options: ShowSamplesOptions = {}): void {
  const perRound = options.perRound ?? 3;
  const nRejected = options.rejected ?? 1;
  const all = [...new Set(runs.flatMap((r) => r.sampleLog.map((s) => s.iteration)))].sort((a, b) => a - b);
  const rounds = options.rounds ? all.filter((t) => options.rounds!.includes(t)) : all;
  const head = (r: LmRunWithSamples) => `${WORKFLOW_LABELS[r.workflow as Workflow] ?? r.workflow} · ${r.model} · R = ${r.samples} · seed ${r.seed}`;
  const stats = (s: SampleRecord) => `rejected ${(100 * s.rejectedShare).toFixed(1)} % · mean length ${s.meanLength.toFixed(1)} chars`;
  const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

  const text: string[] = [];
  if (options.title) text.push(options.title, '');
  for (const t of rounds) {
    for (const r of runs) {
      const s = r.sampleLog.find((x) => x.iteration === t);
      if (!s) continue;
      text.push(`── ${head(r)} · samples of model ${t} · ${stats(s)}`);
      for (const c of s.kept.slice(0, perRound)) text.push(c.replace(/^/gm, '   '));
      for (const c of s.rejected.slice(0, nRejected)) text.push(`   [rejected] ${c.replace(/\n/g, '\n              ')}`);
    }
    text.push('');
  }
  const plain = text.join('\n');

  const pre = 'margin:2px 0 6px 0;white-space:pre-wrap;word-break:break-word;font-size:11.5px;line-height:1.35';
  const rows = rounds.map((t) => {
    const cells = runs.map((r) => {
      const s = r.sampleLog.find((x) => x.iteration === t);
      if (!s) return '<td></td>';
      const kept = s.kept.slice(0, perRound).map((c) => `<pre style="${pre}">${esc(c)}</pre>`).join('');
      const rej = s.rejected.slice(0, nRejected).map((c) => `<pre style="${pre};color:#9a3412">✗ ${esc(c)}</pre>`).join('');
      return `<td style="vertical-align:top;text-align:left;min-width:260px;padding:4px 10px;border-top:1px solid #ddd"><div style="color:#555;font-size:11px">${stats(s)}</div>${kept}${rej}</td>`;
    });
    return `<tr><th style="vertical-align:top;text-align:left;white-space:nowrap;padding:4px 10px 4px 0;border-top:1px solid #ddd">model ${t}</th>${cells.join('')}</tr>`;
  });
  const html =
    (options.title ? `<div style="font-weight:600;margin:4px 0">${esc(options.title)}</div>` : '') +
    `<table style="border-collapse:collapse;font-family:monospace"><thead><tr><th></th>${runs.map((r) => `<th style="text-align:left;padding:4px 10px">${esc(head(r))}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>` +
    `<div style="color:#555;font-size:11px">Each row: conversations sampled by model t (the training data of model t + 1 under Replace); ✗ a rejected sample (… = cut at the length limit).</div>`;
  if (!publish({ 'text/html': html, 'text/plain': plain })) console.log(plain);
}
