// What the sweep does not keep: the synthetic conversations themselves. One run of the lm setting,
// exactly as runOne runs it (same streams, so the same numbers as the sweep's row for that seed), with
// the model's log of sampled and rejected conversations, cached under data/cache/lm-samples/. Its
// trajectory also goes into the sweep's run cache, so a sweep that follows reuses the run instead of
// computing it again.
import { writeCache } from '../../core/cache';
import { runCachedJobs } from '../../core/jobs';
import { canonicalJson } from '../../core/random';
import { runSlot, settingVersion } from '../../core/sweep';
import { WORKFLOW_LABELS, type Trajectory, type Workflow } from '../../core/workflows';
import { publish } from '../../core/notebook';
import type { LmFit, SampleRecord } from './model';
import { lmSetting } from './setting';

export interface LmRunWithSamples {
  workflow: string;
  model: string;
  samples: number;
  seed: number;
  /** metrics[name][t − 1], as in a Trajectory. */
  metrics: Record<string, number[]>;
  trainingSize: number[];
  /** One record per sampling round: model t's rejected share, mean length and first conversations. */
  sampleLog: SampleRecord[];
  /** The learning curve of each iteration's fine-tuning: held-out loss (first 100 test conversations) by step. */
  curves: { iteration: number; step: number; loss: number }[];
}

/** One run of the lm setting, exactly the sweep's run for this seed, with what its sampling rounds kept. */
export function computeRunWithSamples(task: { config: Record<string, unknown>; seed: number }): LmRunWithSamples {
  const run = lmSetting.validate(task.config);
  const sampleLog: SampleRecord[] = [];
  const curves: LmRunWithSamples['curves'] = [];
  const t = lmSetting.run(run, task.seed, {
    onSample: (_t, s) => sampleLog.push(s.detail as SampleRecord),
    onIteration: (iteration, fit) => curves.push(...(fit as LmFit).curve.map((c) => ({ iteration, ...c }))),
  });
  return {
    workflow: run.workflow,
    model: run.model,
    samples: run.samples,
    seed: task.seed,
    metrics: Object.fromEntries(Object.entries(t.metrics).map(([k, v]) => [k, Array.from(v)])),
    trainingSize: Array.from(t.trainingSize),
    sampleLog,
    curves,
  };
}

function toTrajectory(r: LmRunWithSamples): Trajectory {
  const metrics = Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, Float64Array.from(v)]));
  return { iterations: r.trainingSize.length, trainingSize: Float64Array.from(r.trainingSize), metrics };
}

/**
 * Several runs with their samples on the worker pool, longest first, with a progress bar, each cached
 * under data/cache/lm-samples/; results in the order asked. Each computed run's trajectory also goes into
 * the sweep's run cache, so a sweep that follows reuses it instead of computing it again.
 */
export async function lmRunsWithSamples(
  runs: readonly { config: Record<string, unknown>; seed: number }[],
  options: { cache?: boolean; workers?: number; progress?: boolean } = {},
): Promise<LmRunWithSamples[]> {
  const tasks = runs.map((r) => ({ config: lmSetting.validate(r.config) as Record<string, unknown>, seed: r.seed })); // every configuration checked first
  const useCache = options.cache !== false;
  const version = settingVersion(lmSetting);
  return runCachedJobs({
    label: 'lm runs with samples',
    tasks,
    run: computeRunWithSamples,
    slot: useCache ? (t) => ({ folder: 'lm-samples', version, key: `${canonicalJson(t.config)}|${t.seed}` }) : undefined,
    check: (v, t) => (v && Array.isArray((v as LmRunWithSamples).sampleLog) && Array.isArray((v as LmRunWithSamples).curves) && (v as LmRunWithSamples).trainingSize?.length === Number(t.config.iterations) ? undefined : 'not a run with samples'),
    cost: (t) => lmSetting.cost(t.config as Record<string, string | number>),
    workers: options.workers,
    progress: options.progress,
    onComputed: (t, r) => {
      if (useCache) writeCache(runSlot(lmSetting, t.config as Record<string, string | number>, t.seed), toTrajectory(r));
    },
  });
}

/** One run with its samples (cached as lmRunsWithSamples caches it). */
export async function lmRunWithSamples(config: Record<string, unknown>, seed: number, options: { cache?: boolean } = {}): Promise<LmRunWithSamples> {
  return (await lmRunsWithSamples([{ config, seed }], { ...options, workers: 1, progress: false }))[0];
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
