// The workbench as a package, exactly as the README's "Your own analysis" says: in an empty folder outside the
// clone, the template (notebooks/template/), `npm install <clone>`, then the script (tsx) and the notebook (nbconvert
// on the TypeScript kernel) import "collapse-or-thrive", run a sweep and produce a figure; `npx collapse` works there;
// the types are real (a type error is reported); results go to $COLLAPSE_CACHE_DIR when set.
//
// The kernel is this clone's "tslab" kernel as scripts/setup.sh registers it (scripts/kernel/register.js), written
// to a private JUPYTER_PATH, so another clone's set-up on the same machine cannot change what this test runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const noise = (s: string) => s.split('\n').filter((l) => !/debugger|frozen_modules|PYDEVD|MissingIDField|validate\(nb\)/i.test(l)).join('\n');

function run(cmd: string, args: string[], options: SpawnSyncOptions & { what: string }): { stdout: string; stderr: string; seconds: number } {
  const started = Date.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 180_000, ...options });
  const seconds = (Date.now() - started) / 1000;
  const stdout = String(r.stdout ?? ''), stderr = String(r.stderr ?? '');
  assert.equal(r.status, 0, `${options.what} failed (status ${r.status}, signal ${r.signal}${r.error ? `, ${r.error.message}` : ''}):\n${stdout.slice(-2000)}\n${noise(stderr).slice(-3000)}`);
  process.stderr.write(`# ${options.what}: ${seconds.toFixed(1)} s\n`);
  return { stdout, stderr, seconds };
}

test('in an empty folder: npm install <clone>, then the template script, notebook and npx collapse work', { timeout: 10 * 60_000 }, async (t) => {
  assert.ok(fs.existsSync(path.join(root, 'dist', 'lib', 'index.js')) && fs.existsSync(path.join(root, 'dist', 'lib', 'index.d.ts')), 'the library is built (npm run build)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-own-analysis-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const folder = path.join(dir, 'my-analysis');
  fs.mkdirSync(folder);
  for (const f of ['package.json', 'analysis.ts', 'analysis.ipynb', 'README.md']) fs.copyFileSync(path.join(root, 'notebooks', 'template', f), path.join(folder, f));
  const cache = path.join(dir, 'cache');
  const jupyterPath = path.join(dir, 'jupyter');
  run(process.execPath, [path.join(root, 'scripts', 'kernel', 'register.js'), '--into', jupyterPath], { what: 'kernel spec' });
  const env = { ...process.env, COLLAPSE_CACHE_DIR: cache, JUPYTER_PATH: jupyterPath, COLLAPSE_QUICK: '', COLLAPSE_FIGURES_DIR: '' };

  // npm install <clone>: a link to the clone, recorded in package.json, and the `collapse` command in .bin
  // (--offline: the clone's own dependencies are already installed, nothing is fetched)
  // (the template's own devDependency, tsx, comes from npm's cache, where the clone's npm ci left it; from the
  // registry only if the cache lacks it)
  const installStarted = Date.now();
  const offline = spawnSync('npm', ['install', root, '--no-audit', '--no-fund', '--offline'], { cwd: folder, env, encoding: 'utf8', timeout: 180_000 });
  if (offline.status !== 0) {
    process.stderr.write(`# npm install --offline failed (${noise(offline.stderr).trim().split('\n').at(-1)}); again with the registry\n`);
    run('npm', ['install', root, '--no-audit', '--no-fund', '--prefer-offline'], { cwd: folder, env, what: 'npm install <clone>' });
  } else process.stderr.write(`# npm install <clone> --offline: ${((Date.now() - installStarted) / 1000).toFixed(1)} s\n`);
  const link = path.join(folder, 'node_modules', 'collapse-or-thrive');
  assert.equal(fs.realpathSync(link), fs.realpathSync(root), 'node_modules/collapse-or-thrive is the clone');
  const pkg = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8'));
  assert.equal(path.resolve(folder, String(pkg.dependencies['collapse-or-thrive']).replace(/^file:/, '')), root, 'package.json records the clone');
  assert.ok(fs.existsSync(path.join(folder, 'node_modules', '.bin', 'collapse')), 'node_modules/.bin/collapse');

  // the script, as the README says (npm run analysis: the folder's own tsx)
  assert.ok(fs.existsSync(path.join(folder, 'node_modules', '.bin', 'tsx')), 'node_modules/.bin/tsx');
  const script = run('npm', ['run', '--silent', 'analysis'], { cwd: folder, env, what: 'npm run analysis (tsx analysis.ts)' });
  assert.match(script.stdout, /^400 rows: workflow, dim, samples, seed, iteration, /m);
  for (const ext of ['png', 'svg', 'html']) assert.ok(fs.statSync(path.join(folder, 'figures', `trace-ratio.${ext}`)).size > 1000, `figures/trace-ratio.${ext}`);
  assert.ok(fs.readdirSync(path.join(cache, 'gaussian')).length >= 20, 'the runs are cached in $COLLAPSE_CACHE_DIR');

  // the types: the script type-checks against the package's declarations, and a wrong type is an error
  fs.writeFileSync(path.join(folder, 'wrong.ts'), 'import { sweep } from "collapse-or-thrive";\nexport async function f() { const n: string = (await sweep("gaussian")).numRows(); return n; }\n');
  const tscArgs = ['--noEmit', '--strict', '--esModuleInterop', '--skipLibCheck', '--target', 'ES2020', '--module', 'commonjs', '--moduleResolution', 'node', '--typeRoots', path.join(root, 'node_modules', '@types'), '--types', 'node'];
  run(bin('tsc'), [...tscArgs, 'analysis.ts'], { cwd: folder, env, what: 'tsc analysis.ts' });
  const wrong = spawnSync(bin('tsc'), [...tscArgs, 'wrong.ts'], { cwd: folder, env, encoding: 'utf8' });
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.stdout, /wrong\.ts\(2,[0-9]+\): error TS2322: Type 'number' is not assignable to type 'string'/);

  // the command line
  run('npx', ['--no-install', 'collapse', 'run', 'gaussian', '--dim', '2', '--samples', '10', '--iterations', '3', '--seeds', '1', '--out', 'x.csv'], { cwd: folder, env, what: 'npx collapse run' });
  const csv = fs.readFileSync(path.join(folder, 'x.csv'), 'utf8').trim().split('\n');
  assert.match(csv[0], /^workflow,dim,samples,seed,iteration,squared_error_of_mean,trace_ratio,det_ratio/);
  assert.equal(csv.length, 1 + 3 * 3, 'three workflows × three iterations');

  // the notebook, on the TypeScript kernel
  run('/usr/bin/jupyter', ['nbconvert', '--to', 'notebook', '--execute', '--allow-errors', 'analysis.ipynb', '--output', 'executed.ipynb',
    '--ExecutePreprocessor.timeout=300', '--ExecutePreprocessor.kernel_name=tslab'], { cwd: folder, env, what: 'nbconvert analysis.ipynb' });
  const executed = JSON.parse(fs.readFileSync(path.join(folder, 'executed.ipynb'), 'utf8'));
  const outputs = executed.cells.flatMap((c: any) => c.outputs ?? []);
  const errors = outputs.filter((o: any) => o.output_type === 'error').map((o: any) => `${o.ename}: ${o.evalue}`);
  assert.deepEqual(errors, [], 'no error outputs');
  const text = outputs.filter((o: any) => o.output_type === 'stream').map((o: any) => [].concat(o.text).join('')).join('');
  assert.match(text, /^400 rows$/m);
  assert.doesNotMatch(text, /is not drawn/, 'every theory overlay matches a panel');
  const figures = outputs.filter((o: any) => o.data?.['application/vnd.plotly.v1+json'] && o.data['image/png'] && o.data['text/html']);
  assert.equal(figures.length, 1, 'one figure, live (plotly) and static (PNG)');
  const traces = figures[0].data['application/vnd.plotly.v1+json'].data as { name?: string }[];
  assert.ok(traces.some((tr) => /theory/.test(tr.name ?? '')), 'the theory overlays are drawn');
});
