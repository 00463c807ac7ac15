// A model that only keeps track of where its data came from: each point carries the iteration whose
// model generated it (0 = real data). Driven through the same workflow loop as every task setting, it
// shows what each workflow trains on — the composition of the training set by generation.
import type { Model } from './workflows';

/** A batch: the generation of each point. */
export type Labels = Int32Array;

/** Counts of points per generation (index = generation). */
export interface Composition {
  counts: Float64Array;
  total: number;
}

export interface ProvenanceFit {
  /** Share of each generation in the training set. */
  shares: Float64Array;
}

export function provenanceModel(n: number, maxGenerations: number): Model<Labels, Composition, ProvenanceFit> {
  const count = (b: Labels): Composition => {
    const counts = new Float64Array(maxGenerations + 1);
    for (const g of b) counts[g]++;
    return { counts, total: b.length };
  };
  return {
    real: new Int32Array(n), // generation 0
    size: (b) => b.length,
    summarize: count,
    merge: (into, other) => {
      for (let g = 0; g < into.counts.length; g++) into.counts[g] += other.counts[g];
      into.total += other.total;
      return into;
    },
    take: (batches, indices) => {
      const all = new Int32Array(batches.reduce((s, b) => s + b.length, 0));
      let o = 0;
      for (const b of batches) {
        all.set(b, o);
        o += b.length;
      }
      return Int32Array.from(indices, (i) => all[i]);
    },
    fit: (c) => ({ shares: c.counts.map((v) => v / c.total) }),
    // The samples of model t are generation t.
    sample: (_fit, m, _rng, { iteration }) => new Int32Array(m).fill(iteration),
    evaluate: (fit) => ({ real_share: fit.shares[0] }),
  };
}
