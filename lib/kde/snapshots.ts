// Pictures of a run: the real data, and points sampled from the fitted KDE at chosen iterations
// under each workflow, for the scatter figures that let the collapse be seen.
//
// The run uses exactly the streams of `runOne` (and so of the sweep): its real data, test set and
// test NLL are those of the sweep's run with the same configuration and seed. The pictured points
// are drawn from each pictured fit with a stream of their own, so taking the picture does not
// change the run.
import { canonicalJson, createRng } from '../random';
import { prepareRun } from '../setting';
import { runLoop, WORKFLOWS, type Workflow } from '../workflows';
import { KdeModel, kdeSetting, type KdeFit } from './setting';
import { sampleKde } from './kernel-density';

export interface KdeSnapshot {
  workflow: Workflow;
  iteration: number;
  /** Points fit on at this iteration, and the bandwidth in use. */
  trainingSize: number;
  bandwidth: number;
  /** `count` points drawn from this iteration's KDE, row-major. */
  samples: Float64Array;
  testNll: number;
}

export interface KdeSnapshotRun {
  dimension: number;
  real: Float64Array;
  test: Float64Array;
  snapshots: KdeSnapshot[];
}

/**
 * Run one configuration (dataset, kernel, bandwidth, samples) with one seed under each workflow up
 * to the largest requested iteration, keeping `count` samples (default n) of the fits at `iterations`.
 */
export function kdeSnapshots(
  config: Record<string, unknown>,
  seed: number,
  iterations: readonly number[],
  options: { workflows?: readonly Workflow[]; count?: number } = {},
): KdeSnapshotRun {
  const last = Math.max(...iterations);
  const wanted = new Set(iterations);
  const snapshots: KdeSnapshot[] = [];
  let first: KdeModel | undefined;
  for (const workflow of options.workflows ?? WORKFLOWS) {
    const validated = kdeSetting.validate({ ...config, workflow, iterations: last });
    const { model, loop } = prepareRun(kdeSetting, validated, seed); // the sweep's run for this seed
    const kde = model as KdeModel;
    first ??= kde;
    const count = options.count ?? kde.size(kde.real);
    const pictures = createRng(`kde-snapshot:${canonicalJson(validated)}:${seed}`);
    const trajectory = runLoop(model, {
      ...loop,
      onIteration: (t, f, trainingSize) => {
        if (!wanted.has(t)) return;
        const fit = f as KdeFit;
        const samples = sampleKde(fit.kernel, fit.bandwidth, fit.dimension, fit.batches, count, pictures.derive(`${t}`));
        snapshots.push({ workflow, iteration: t, trainingSize, bandwidth: fit.bandwidth, samples, testNll: NaN });
      },
    });
    for (const s of snapshots) if (s.workflow === workflow) s.testNll = trajectory.metrics.test_nll[s.iteration - 1];
  }
  return { dimension: first!.dimension, real: first!.real, test: first!.test, snapshots };
}

/** The two coordinates to draw: (x, y) for the 2-D sets, (x, z) for the swiss roll (its spiral). */
export function planeOf(points: Float64Array, d: number): { x: Float64Array; y: Float64Array } {
  const n = points.length / d;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const second = d === 3 ? 2 : 1;
  for (let i = 0; i < n; i++) {
    x[i] = points[i * d];
    y[i] = points[i * d + second];
  }
  return { x, y };
}
