// Cells that survive copying: theory overlays computed from the configurations in the results, and a warning in
// the output when an overlay matches no panel (a copied cell would otherwise silently lose its curves).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aq, distinctValues, gaussian, relplot } from '../lib';

const results = aq.table({
  workflow: ['replace', 'replace', 'accumulate', 'accumulate', 'replace', 'replace', 'accumulate', 'accumulate'],
  dim: [2, 2, 2, 2, 2, 2, 2, 2],
  samples: [10, 10, 10, 10, 100, 100, 100, 100],
  seed: [0, 0, 0, 0, 0, 0, 0, 0],
  iteration: [1, 2, 1, 2, 1, 2, 1, 2],
  trace_ratio: [1, 0.9, 1, 0.95, 1, 0.99, 1, 0.995],
});

function warnings(fn: () => unknown): string[] {
  const seen: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void seen.push(args.map(String).join(' '));
  try {
    fn();
  } finally {
    console.warn = warn;
  }
  return seen;
}

const plot = { x: 'iteration', y: 'trace_ratio', hue: 'samples', col: 'workflow', row: 'dim' };

test('distinctValues gives the configurations present, sorted', () => {
  assert.deepEqual(distinctValues(results, 'samples'), [10, 100]);
  assert.deepEqual(distinctValues<string>(results, 'workflow'), ['accumulate', 'replace']);
  assert.throws(() => distinctValues(results, 'nope'), /no column 'nope'/);
});

test('overlays computed from the results match every panel: no warning', () => {
  const overlays = gaussian.theory.gaussianTheoryOverlays('trace_ratio', distinctValues(results, 'dim'), distinctValues(results, 'samples'), 2, distinctValues<string>(results, 'workflow'));
  assert.ok(overlays.length > 0);
  assert.deepEqual(warnings(() => relplot(results, { ...plot, overlays })), []);
});

test('an overlay whose row, col or hue matches no facet or hue level is named in a warning', () => {
  // the cell of notebook 01, copied onto results with other dimensions and sizes
  const overlays = gaussian.theory.gaussianTheoryOverlays('trace_ratio', [2, 10], [10, 1000], 2, ['replace', 'accumulate']);
  const seen = warnings(() => relplot(results, { ...plot, overlays }));
  assert.equal(seen.length, 2, seen.join('\n')); // one per overlay name
  assert.match(seen[0], /^relplot: overlay 'theory: E under Replace' is not drawn: 3 curves match no panel \(hue samples = 1000, row dim = 10\)/);
  assert.match(seen[0], /the data has col workflow: replace, accumulate; row dim: 2; hue samples: 10, 100/);
  assert.match(seen[1], /overlay 'theory: E under Accumulate'/);
  const one = warnings(() => relplot(results, { ...plot, overlays: [{ x: [1, 2], y: [1, 1], name: 'mine', col: 'accumulate-subsample' }] }));
  assert.equal(one.length, 1);
  assert.match(one[0], /overlay 'mine' is not drawn: 1 curve matches no panel \(col workflow = accumulate-subsample\)/);
});
