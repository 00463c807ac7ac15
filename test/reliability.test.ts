// The reliability issue ("a cache that cannot lie, limits before work, every failure a clear line"), one
// test per item: each fails on the code before the fix (wrong numbers, a crash, a hang, a silent run, a
// file outside its folder) and passes now. Bad inputs must give one line naming the flag, a non-zero exit,
// no output file and no run started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as aq from 'arquero';
import { parseParam, positive, int } from '../lib/core/params';
import { planSweep, seedList, sweep } from '../lib/core/sweep';
import { workerCount } from '../lib/core/pool';
import { createRng } from '../lib/core/random';
import { getSetting } from '../lib/core/registry';
import { planRun } from '../lib/cli';
import { relplot } from '../lib/plot/relplot';
import { figureJsonForHtml, safeText, toPlainJson } from '../lib/plot/figure';
import { showFigure } from '../lib/plot/show-figure';

const root = path.join(__dirname, '..');
const bin = path.join(root, 'bin', 'collapse.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-reliability-'));
const cacheDir = path.join(tmp, 'cache');
const env = { ...process.env, COLLAPSE_CACHE_DIR: cacheDir, COLLAPSE_QUICK: '' };

/** The CLI; a timeout turns the old code's hangs and runaway sweeps into failures. */
function collapse(args: string[], extraEnv: Record<string, string> = {}, binPath = bin, timeout = 120_000) {
  return spawnSync(process.execPath, [binPath, ...args], { encoding: 'utf8', env: { ...env, ...extraEnv }, cwd: tmp, timeout });
}

/** A refused command: one line matching `message`, exit 2, no output file, no run cached. */
function assertRefused(args: string[], message: RegExp, extraEnv: Record<string, string> = {}) {
  const out = path.join(tmp, `refused-${Math.random().toString(36).slice(2)}.csv`);
  const before = fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir, { recursive: true }).length : 0;
  const r = collapse(['run', ...args, '--out', out], extraEnv, bin, 60_000);
  const what = `collapse run ${args.join(' ')}`;
  assert.equal(r.error, undefined, `${what}: ${String(r.error)} (it ran instead of being refused)`);
  assert.equal(r.status, 2, `${what}: exit ${r.status}, stderr: ${r.stderr}`);
  assert.match(r.stderr, message, what);
  assert.equal(r.stderr.trim().split('\n').length, 1, `${what}: one line, got: ${r.stderr}`);
  assert.match(r.stderr, /^collapse: /, what);
  assert.doesNotMatch(r.stderr, /\n\s+at |RangeError|TypeError|Invalid typed array/, `${what}: no stack trace`);
  assert.equal(fs.existsSync(out), false, `${what}: no output file`);
  const after = fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir, { recursive: true }).length : 0;
  assert.equal(after, before, `${what}: no run started`);
  refusedCount++;
}
let refusedCount = 0;

function csvColumn(text: string, name: string): string[] {
  const lines = text.trim().split('\n');
  const i = lines[0].split(',').indexOf(name);
  assert.ok(i >= 0, `column ${name} in ${lines[0]}`);
  return lines.slice(1).map((l) => l.split(',')[i]);
}

test('1. stale numbers after an edit: the cache key follows the code that ran (dist/), not the edited source', () => {
  const copy = path.join(tmp, 'project');
  fs.mkdirSync(copy);
  for (const d of ['lib', 'bin']) fs.cpSync(path.join(root, d), path.join(copy, d), { recursive: true });
  for (const f of ['package.json', 'tsconfig.json']) fs.copyFileSync(path.join(root, f), path.join(copy, f));
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));
  const build = () => {
    // tsc emits even if someone's edit elsewhere in lib/ does not type-check; the gaussian closure is what counts
    spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: copy, encoding: 'utf8' });
    assert.ok(fs.existsSync(path.join(copy, 'dist', 'lib', 'cli.js')), 'the copy built');
  };
  build();
  const copyEnv = { COLLAPSE_CACHE_DIR: path.join(tmp, 'copy-cache') };
  const run = () => {
    const r = collapse(['run', 'gaussian', '--workflow', 'replace', '--dim', '2', '--samples', '5', '--iterations', '3', '--seeds', '2', '--out', '-'], copyEnv, path.join(copy, 'bin', 'collapse.js'));
    assert.equal(r.status, 0, r.stderr);
    return csvColumn(r.stdout, 'squared_error_of_mean').map(Number);
  };
  const first = run();
  const model = path.join(copy, 'lib', 'settings', 'gaussian', 'model.ts');
  const source = fs.readFileSync(model, 'utf8');
  assert.ok(source.includes('squared_error_of_mean: sq,'));
  fs.writeFileSync(model, source.replace('squared_error_of_mean: sq,', 'squared_error_of_mean: sq * 1000,'));
  assert.deepEqual(run(), first, 'not rebuilt: the code that ran did not change, nor do its numbers');
  build();
  const after = run();
  assert.equal(after.length, first.length);
  after.forEach((v, i) => assert.ok(Math.abs(v - 1000 * first[i]) <= 1e-9 * Math.abs(v), `rebuilt: row ${i}: ${v} is 1000 × ${first[i]}`));
});

test('2. a temporary file a killed run left beside the output is removed; a live process\'s is kept', () => {
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  const out = path.join(tmp, 'tmpclean.csv');
  const stale = `${out}.${dead}.123456.tmp`;
  const live = `${out}.${process.pid}.654321.tmp`;
  const other = path.join(tmp, `other.csv.${dead}.1.tmp`);
  for (const f of [stale, live, other]) fs.writeFileSync(f, 'half a file');
  const r = collapse(['run', 'gaussian', '--dim', '1', '--samples', '5', '--iterations', '2', '--seeds', '1', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(fs.existsSync(stale), false, 'the dead process\'s temporary file is removed');
  assert.equal(fs.existsSync(live), true, 'a running process\'s temporary file is left alone');
  assert.equal(fs.existsSync(other), true, 'another output\'s temporary file is left alone');
  assert.ok(fs.readFileSync(out, 'utf8').startsWith('workflow,'));
});

test('3a. limits before work: seeds beyond the cap are one line, no crash', () => {
  assertRefused(['gaussian', '--seeds', '1e9'], /seeds must be an integer, got '1e9'/);
  assertRefused(['gaussian', '--seeds', '1000000000'], /seeds must be <= 1000000/);
  assert.throws(() => seedList(1e9), /seeds must be <= 1000000/);
  assert.throws(() => seedList([0, 1, 1]), /duplicate seed 1/);
});

test('3b. limits before work: a run too big for the machine is refused naming the flag and the estimate', () => {
  assertRefused(['gaussian', '--iterations', '1000000000'], /^collapse: --iterations 1000000000 needs about [\d.]+ [kMGTPE]B per run .*limit is/);
  assertRefused(['gaussian', '--dim', '1000000000'], /^collapse: --dim 1000000000 needs about [\d.]+ [kMGTPE]B per run/);
  assertRefused(['gaussian', '--samples', '1000000000000'], /^collapse: --samples 1000000000000 needs about [\d.]+ [kMGTPE]B per run/);
  assertRefused(['gaussian', '--workflow', 'replace', '--dim', '100000', '--samples', '10'], /^collapse: --dim 100000 needs about/);
  assertRefused(['kde', '--samples', '1000000', '--iterations', '100000', '--seeds', '1000'], /^collapse: --samples 1000000 needs about [\d.]+ TB per run \(with .*--iterations 100000/);
  assertRefused(['kde', '--workflow', 'replace', '--samples', '1000000000000'], /--samples 1000000000000 needs about/);
  assertRefused(['discrete', '--outcomes', '2000000000', '--samples', '2000000000', '--iterations', '10000'], /needs about .* per run/);
  assertRefused(['regression', '--dim', '1000000', '--samples', '1000000'], /needs about .* per run/);
  // the limit is overridable; its message says so
  assertRefused(['gaussian', '--dim', '10', '--samples', '100'], /needs about .* the limit is 1 kB \(COLLAPSE_MAX_RUN_BYTES\)/, { COLLAPSE_MAX_RUN_BYTES: '1000' });
  assertRefused(['gaussian', '--dim', '2'], /COLLAPSE_MAX_RUN_BYTES must be a positive number of bytes, got 'lots'/, { COLLAPSE_MAX_RUN_BYTES: 'lots' });
  for (const name of ['gaussian', 'kde', 'discrete', 'regression']) {
    const setting = getSetting(name) as unknown as { spec: { memory?: unknown } };
    assert.equal(typeof setting.spec.memory, 'function', `${name} declares its memory`);
  }
  // every declared grid of every setting fits
  for (const name of ['gaussian', 'kde', 'discrete', 'regression']) {
    for (const grid of getSetting(name).gridNames) for (const quick of [false, true]) planSweep(name, { grid, quick });
  }
});

test('3c. limits before work: more runs than the task list can hold are refused; a long sweep says so before it starts', async () => {
  assertRefused(['gaussian', '--dim', '1,2,3,4,5,6,7,8,9,10', '--samples', '2,3,4,5,6,7,8,9,10,11', '--seeds', '1000000'], /300 configurations × 1000000 seeds = 300000000 runs, more than 10000000/);
  assert.throws(() => planSweep('gaussian', { grid: { dim: Array.from({ length: 5000 }, (_, i) => i + 1), samples: Array.from({ length: 5000 }, (_, i) => i + 2) }, seeds: 1 }), /25000000 runs, more than 10000000/);
  const out = path.join(tmp, 'long.csv');
  const long = planRun(['run', 'gaussian', '--dim', '1,3', '--samples', '10', '--iterations', '5', '--seeds', '20000', '--out', out]);
  assert.equal(long.command, 'run');
  assert.match((long as { notice?: string }).notice ?? '', /^collapse: 120000 runs \(6 configurations × 20000 seeds\), .*this will take a while/);
  const big = planRun(['run', 'kde', '--samples', '10000', '--iterations', '1000', '--seeds', '10', '--out', out]);
  assert.match((big as { notice?: string }).notice ?? '', /about [\d.e+]+× the work of the quick sweep/);
  const short = planRun(['run', 'gaussian', '--dim', '2', '--samples', '5', '--iterations', '3', '--seeds', '2', '--out', out]);
  assert.equal((short as { notice?: string }).notice, undefined, 'a short sweep says nothing');
  // the CLI prints the notice on stderr before the first run (stopped once it has)
  const child = spawn(process.execPath, [bin, 'run', 'kde', '--samples', '10000', '--iterations', '1000', '--seeds', '10', '--out', out], { env: { ...env, COLLAPSE_CACHE_DIR: path.join(tmp, 'long-cache') }, cwd: tmp });
  let stderr = '';
  const firstLine = await new Promise<string>((resolve) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.includes('\n')) resolve(stderr.split('\n')[0]);
    });
    child.on('close', () => resolve(stderr.split('\n')[0]));
  });
  child.kill('SIGKILL');
  assert.match(firstLine, /^collapse: 360 runs \(36 configurations × 10 seeds\), about [\d.e+]+× the work of the quick sweep .*this will take a while/);
});

test('4. output checked before the sweep: a folder, a missing folder, /proc; a closed pipe stops quietly', async () => {
  fs.mkdirSync(path.join(tmp, 'sub'), { recursive: true });
  const base = ['gaussian', '--dim', '2', '--samples', '5', '--iterations', '3', '--seeds', '1'];
  for (const [out, message] of [
    ['.', /--out \. is a folder; give a file name/],
    ['sub/', /--out sub\/ is a folder; give a file name/],
    ['sub', /--out sub is a folder/],
    ['/proc/nope/x.csv', /--out \/proc\/nope\/x\.csv: the folder \/proc\/nope does not exist/],
    ['missing/x.csv', /the folder .*missing does not exist/],
  ] as const) {
    const r = collapse(['run', ...base, '--out', out]);
    assert.equal(r.status, 2, `--out ${out}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.equal(fs.existsSync(path.join(cacheDir, 'gaussian')) && fs.readdirSync(path.join(cacheDir, 'gaussian')).some((f) => f.includes('"dim":2,')), false, 'no run started');
    refusedCount++;
  }
  // `--out - | head -2`: megabytes of CSV into a pipe closed after two lines
  const child = spawn('bash', ['-c', `set -o pipefail; "${process.execPath}" "${bin}" run gaussian --dim 1,2 --samples 10 --iterations 300 --seeds 20 --out - | head -2`], { env, cwd: tmp });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(status, 0, `the pipeline succeeds; stderr: ${stderr}`);
  assert.equal(stdout.trim().split('\n').length, 2);
  assert.doesNotMatch(stderr, /EPIPE|Error|\n\s+at /);
});

test('5. lenient or duplicate values are refused with one line each', () => {
  const cases: [string[], RegExp][] = [
    [['gaussian', '--dim', '0x10'], /dim must be an integer, got '0x10'/],
    [['gaussian', '--dim', '1e1'], /dim must be an integer, got '1e1'/],
    [['gaussian', '--dim', '+3'], /dim must be an integer, got '\+3'/],
    [['gaussian', '--dim', '3.0'], /dim must be an integer, got '3\.0'/],
    [['gaussian', '--iterations', '1e2'], /iterations must be an integer, got '1e2'/],
    [['gaussian', '--seeds', '0x3'], /seeds must be an integer, got '0x3'/],
    [['gaussian', '--dim', '-3'], /dim must be >= 1, got -3/],
    [['gaussian', '--dim', '9007199254740993'], /dim must be <= 9007199254740991/],
    [['gaussian', '--sigma2', '0x10'], /sigma2 must be a number, got '0x10'/],
    [['gaussian', '--sigma2', '+2'], /sigma2 must be a number, got '\+2'/],
    [['gaussian', '--sigma2', 'Infinity'], /sigma2 must be a number, got 'Infinity'/],
    [['gaussian', '--sigma2', '1_000'], /sigma2 must be a number, got '1_000'/],
    [['kde', '--bandwidth', '0x1'], /bandwidth must be a positive number or one of scott, silverman, got '0x1'/],
    [['gaussian', '--workflow', 'replace,replace'], /duplicate value replace in --workflow/],
    [['gaussian', '--dim', '3,3'], /duplicate value 3 in --dim/],
    [['gaussian', '--dim', '3,03'], /duplicate value 03 in --dim \(the same as 3\)/],
    [['kde', '--bandwidth', '0.5,0.5'], /duplicate value 0.5 in --bandwidth/],
    [['kde', '--bandwidth', '0.5,5e-1'], /duplicate value 5e-1 in --bandwidth \(the same as 0.5\)/],
    [['kde', '--bandwidth', 'scott,scott'], /duplicate value scott in --bandwidth/],
    [['regression', '--sigma2', '1,1.0'], /duplicate value 1.0 in --sigma2/],
  ];
  for (const [args, message] of cases) assertRefused(args, message);
  for (const bad of ['abc', '0', '-1', '1.5', '2e1', '0x2']) {
    assertRefused(['gaussian', '--dim', '2'], new RegExp(`COLLAPSE_WORKERS must be a positive integer .*got '${bad.replace('.', '\\.')}'`), { COLLAPSE_WORKERS: bad });
  }
  assert.throws(() => workerCount(3, NaN), /workers must be an integer >= 1, got NaN/);
  assert.throws(() => planSweep('gaussian', { grid: { dim: [3, 3] } }), /^ConfigError: duplicate value 3 in dim$/);
  // the plain forms are still read
  const P = positive({ default: 1, help: '' });
  for (const [text, value] of [['0.5', 0.5], ['.5', 0.5], ['5.', 5], ['1e-3', 0.001], ['2.5E2', 250], [' 3 ', 3]] as const) assert.equal(parseParam('x', P, text), value);
  const I = int({ default: 1, min: 1, help: '' });
  assert.equal(parseParam('n', I, ' 12 '), 12);
  assert.equal(parseParam('n', I, 12), 12);
});

test('6. values past double precision: bandwidths and variances outside the finite range are refused; the range edges give no NaN', () => {
  assertRefused(['kde', '--bandwidth', '1e-200'], /bandwidth must be >= 1e-100 .*got 1e-200/);
  assertRefused(['kde', '--bandwidth', '1e-155'], /bandwidth must be >= 1e-100 .*got 1e-155/);
  assertRefused(['kde', '--bandwidth', '1e200'], /bandwidth must be <= 1e\+100 .*got 1e\+200/);
  assertRefused(['gaussian', '--sigma2', '1.7e308'], /sigma2 must be <= 1e\+100 .*got 1\.7e\+308/);
  assertRefused(['gaussian', '--sigma2', '1e-300'], /sigma2 must be >= 1e-100/);
  assertRefused(['regression', '--sigma2', '1e300'], /sigma2 must be <= 1e\+100/);
  assert.throws(() => getSetting('kde').validate({ bandwidth: 1e-200 }), /bandwidth must be >= 1e-100/);
  const kde = collapse(['run', 'kde', '--dataset', 'moons,swiss_roll', '--bandwidth', '1e-100,1e100', '--samples', '1,10', '--iterations', '8', '--seeds', '1', '--out', '-']);
  assert.equal(kde.status, 0, kde.stderr);
  for (const col of ['test_nll', 'zero_density_share', 'test_nll_on_support']) assert.ok(!csvColumn(kde.stdout, col).some((v) => v === 'nan' || v === 'inf' || v === '-inf'), `kde ${col} finite at the range's edges`);
  for (const s of ['1e-100', '1e100']) {
    const g = collapse(['run', 'gaussian', '--dim', '1,10', '--samples', '2,100', '--iterations', '20', '--seeds', '1', '--sigma2', s, '--out', '-']);
    assert.equal(g.status, 0, g.stderr);
    assert.ok(!/(^|,)nan(,|$)/m.test(g.stdout), `gaussian sigma2 ${s}: no NaN`);
    const r = collapse(['run', 'regression', '--dim', '1,10', '--samples', '2,100', '--iterations', '20', '--seeds', '1', '--sigma2', s, '--out', '-']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!csvColumn(r.stdout, 'test_mse').some((v) => v === 'nan' || v === 'inf'), `regression sigma2 ${s}: finite test_mse`);
  }
});

test('7. the library\'s entry points: each bad argument a clear error naming it', async () => {
  const tiny = { dim: [1], samples: [5], iterations: [2] };
  await assert.rejects(
    Promise.race([sweep('gaussian', { grid: tiny, seeds: 2, workers: NaN, cache: false, progress: false }), new Promise((_, reject) => setTimeout(() => reject(new Error('never settled')), 20_000))]),
    /workers must be an integer >= 1, got NaN/,
  );
  await assert.rejects(sweep('gaussian', { grid: tiny, seeds: 1, workers: 0, cache: false, progress: false }), /workers must be an integer >= 1, got 0/);
  assert.throws(() => planSweep('gaussian', { grid: null as never }), /grid must be an object of value lists .* got null/);
  assert.throws(() => planSweep('gaussian', { grid: [1, 2] as never }), /grid must be an object .* got a list/);
  assert.throws(() => planSweep('gaussian', { grid: { dim: '12' as never } }), /grid values for dim must be a list \(e\.g\. \["12"\]\), got '12'/);
  assert.throws(() => planSweep('gaussian', { seeds: [] }), /seeds must be a count or a non-empty list, got \[\]/);
  assert.throws(() => planSweep('gaussian', { seeds: 0 }), /seeds must be an integer >= 1, got 0/);
  assert.throws(() => createRng({} as never), /createRng: seed must be a number or a string, got object/);
  assert.throws(() => createRng({ a: 1 } as never), /seed must be a number or a string/);
  assert.throws(() => createRng(null as never), /got null/);
  assert.notEqual(createRng(1).uniform(), createRng(2).uniform());
  assert.throws(() => relplot(aq.table({ x: [1, 2, 3], y: [NaN, NaN, NaN] }), { x: 'x', y: 'y' }), /y column 'y' has no finite value to plot/);
  relplot(aq.table({ x: [1, 2, 3], y: [NaN, 1, NaN] }), { x: 'x', y: 'y' }); // one finite value is a figure
});

test('8. figures: names stay inside the figures folder; styles and url(...) are stripped from text', async () => {
  const fig = relplot(aq.table({ x: [1, 2], y: [1, 2] }), { x: 'x', y: 'y' });
  const dir = path.join(tmp, 'figures');
  const saved = process.env.COLLAPSE_FIGURES_DIR;
  process.env.COLLAPSE_FIGURES_DIR = dir;
  try {
    for (const name of ['../../x', '../x', 'sub/../../x', '/tmp/x', '', 'a//b', '..\\x']) {
      await assert.rejects(showFigure(fig, name), /showFigure: name .*(must stay inside the figures folder|must be a non-empty)/, name);
    }
  } finally {
    if (saved === undefined) delete process.env.COLLAPSE_FIGURES_DIR;
    else process.env.COLLAPSE_FIGURES_DIR = saved;
  }
  assert.equal(fs.existsSync(path.join(tmp, 'x.html')) || fs.existsSync(path.join(path.dirname(tmp), 'x.html')), false);
  const evil = '<span style="background:url(http://example.invalid/track)">Replace</span>';
  const table = aq.table({ [`t ${evil}`]: [1, 2, 1, 2], y: [1, 2, 3, 4], hue: [evil, evil, 'b', 'b'] });
  const styled = relplot(table, { x: `t ${evil}`, y: 'y', hue: 'hue', title: `title <a href="https://ok.example" style='color:red'>link</a> url( http://x )` } as never);
  const json = figureJsonForHtml(styled);
  assert.doesNotMatch(json, /style\s*=|url\s*\(/i);
  assert.match(json, /\\u003cspan>Replace\\u003c\/span>/, 'the markup other than styles stays');
  assert.equal(safeText('<b style=color:red>x</b>'), '<b>x</b>');
  assert.equal(safeText("<span  STYLE = 'a:b'>x</span>"), '<span>x</span>');
  assert.equal(safeText('a url(javascript:alert(1)) b'), 'a ) b');
  assert.equal(safeText('plain <b>bold</b>'), 'plain <b>bold</b>');
  assert.deepEqual(toPlainJson({ name: evil }), { name: '<span>Replace</span>' });
});

test('bad inputs refused cleanly (count)', () => {
  assert.ok(refusedCount >= 40, `${refusedCount} refused`);
  console.log(`# ${refusedCount} bad inputs refused with one line`);
});
