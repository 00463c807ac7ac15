// The command-line contract: exact leading columns, stdout output, and one-line errors with no file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..');
const bin = path.join(root, 'bin', 'collapse.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-cli-'));
const env = { ...process.env, COLLAPSE_CACHE_DIR: path.join(tmp, 'cache') };

function collapse(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env, cwd: tmp });
}

test('gaussian CSV: exact leading columns, one row per (workflow, dim, samples, seed, iteration)', () => {
  const out = path.join(tmp, 'g.csv');
  const r = collapse('run', 'gaussian', '--workflow', 'replace,accumulate', '--dim', '1,3', '--samples', '10', '--iterations', '4', '--seeds', '3', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
  assert.ok(lines[0].startsWith('workflow,dim,samples,seed,iteration,squared_error_of_mean,trace_ratio,det_ratio'), lines[0]);
  assert.equal(lines.length, 1 + 2 * 2 * 1 * 3 * 4);
  const first = lines[1].split(',');
  assert.deepEqual(first.slice(0, 5), ['replace', '1', '10', '0', '1']);
  // iteration 1 is the fit on the real data: the same numbers under both workflows
  const acc = lines.find((l) => l.startsWith('accumulate,1,10,0,1,'))!;
  assert.deepEqual(acc.split(',').slice(5, 8), first.slice(5, 8));
  const seeds = new Set(lines.slice(1).map((l) => l.split(',')[3]));
  assert.deepEqual([...seeds].sort(), ['0', '1', '2']);
});

test('--out - writes the CSV to stdout; the same seed gives byte-identical output', () => {
  const a = collapse('run', 'gaussian', '--dim', '2', '--samples', '5', '--iterations', '3', '--seeds', '2', '--out', '-');
  const b = collapse('run', 'gaussian', '--dim', '2', '--samples', '5', '--iterations', '3', '--seeds', '2', '--out', '-');
  assert.equal(a.status, 0, a.stderr);
  assert.ok(a.stdout.startsWith('workflow,dim,samples,seed,iteration,'));
  assert.equal(a.stdout.trim().split('\n').length, 1 + 3 * 2 * 3, 'three workflows by default');
  assert.equal(a.stdout, b.stdout);
});

const bad: [string[], RegExp][] = [
  [['--workflow', 'keep'], /unknown workflow 'keep'/],
  [['--dim', '0'], /dim must be >= 1, got 0/],
  [['--dim', '2,x'], /dim must be an integer, got 'x'/],
  [['--samples', '1'], /samples must be >= 2, got 1/],
  [['--iterations', '0'], /iterations must be >= 1, got 0/],
  [['--iterations', 'ten'], /iterations must be an integer, got 'ten'/],
  [['--seeds', 'many'], /seeds must be an integer, got 'many'/],
  [['--seeds', '0'], /seeds must be an integer >= 1, got 0/],
  [['--sigma2', '0'], /sigma2 must be > 0, got 0/],
  [['--sigma2', '-2'], /sigma2 must be > 0, got -2/],
  [['--dim', '1,,2'], /--dim has an empty item in '1,,2'/],
  [['--colour', 'red'], /unknown flag --colour/],
];
for (const [args, message] of bad) {
  test(`bad input ${args.join(' ')}: one line, non-zero exit, no output file`, () => {
    const out = path.join(tmp, `bad-${args.join('_')}.csv`);
    const r = collapse('run', 'gaussian', ...args, '--out', out);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line, got: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(fs.existsSync(out), false, 'no output file');
  });
}

test('unknown setting and missing --out are one-line errors', () => {
  const r = collapse('run', 'weather', '--out', path.join(tmp, 'w.csv'));
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /^collapse: unknown setting 'weather'/);
  const m = collapse('run', 'gaussian', '--dim', '2');
  assert.notEqual(m.status, 0);
  assert.match(m.stderr, /--out FILE is required/);
});
