// A test in a real browser: Debian's Jupyter Notebook server on 127.0.0.1 (a free port, a random token), a small
// notebook in a temporary folder importing "collapse-or-thrive" from this clone, opened in headless Chromium
// (playwright-core), its cells run on the TypeScript kernel from the page, and the interactive plotly figure checked:
// its SVG is drawn, and a hover over a point shows its value. The server and the browser are stopped, and the
// folder removed, whether the test passes or not.
//
// The kernel is this clone's "tslab" kernel as scripts/setup.sh registers it (scripts/kernel/register.js), written
// to a private JUPYTER_PATH; the server's config, data and runtime folders are private too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const root = path.resolve(__dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => (clearTimeout(kill), resolve()));
    child.kill('SIGTERM');
  });
}

const cells = [
  `import { sweep, relplot, showFigure } from "collapse-or-thrive";
const results = await sweep("gaussian", { grid: { workflow: ["replace", "accumulate"], dim: [2], samples: [10, 100], iterations: [10] }, seeds: 3, progress: false });
console.log(\`\${results.numRows()} rows\`);`,
  `const fig = relplot(results, { x: "iteration", y: "trace_ratio", hue: "samples", col: "workflow", markers: true, title: "browser test" });
await showFigure(fig, "browser-test", { static: "none" });`,
];

test('a notebook opened in Chromium on Jupyter Notebook runs on the TypeScript kernel and draws a live plotly figure', { timeout: 4 * 60_000 }, async (t) => {
  assert.ok(fs.existsSync('/usr/bin/jupyter-notebook'), 'Debian\'s jupyter-notebook is installed (scripts/setup.sh installs it)');
  assert.ok(fs.existsSync(CHROMIUM), `Chromium at ${CHROMIUM}`);
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-browser-'));
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let log = '';
  t.after(async () => {
    await browser?.close().catch(() => {});
    if (server) await stop(server);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // The notebook's folder has the package installed as `npm install <clone>` would: a link to the clone.
  const work = path.join(dir, 'work');
  fs.mkdirSync(path.join(work, 'node_modules'), { recursive: true });
  fs.symlinkSync(root, path.join(work, 'node_modules', 'collapse-or-thrive'));
  const nb = {
    cells: cells.map((source, i) => ({ cell_type: 'code', id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source })),
    metadata: { kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' } },
    nbformat: 4, nbformat_minor: 5,
  };
  fs.writeFileSync(path.join(work, 'browser.ipynb'), JSON.stringify(nb));
  const jupyterPath = path.join(dir, 'jupyter');
  await new Promise<void>((resolve, reject) => {
    const r = spawn(process.execPath, [path.join(root, 'scripts', 'kernel', 'register.js'), '--into', jupyterPath], { stdio: 'inherit' });
    r.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`register.js exited with ${code}`))));
  });

  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  server = spawn('/usr/bin/jupyter', ['notebook', '--no-browser', '--allow-root', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0',
    `--NotebookApp.token=${token}`, `--notebook-dir=${work}`], {
    cwd: work,
    env: {
      ...process.env,
      JUPYTER_PATH: jupyterPath,
      JUPYTER_CONFIG_DIR: path.join(dir, 'config'),
      JUPYTER_DATA_DIR: path.join(dir, 'data'),
      JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime'),
      COLLAPSE_CACHE_DIR: path.join(dir, 'cache'),
      COLLAPSE_FIGURES_DIR: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.on('data', (b) => (log += b));
  server.stderr!.on('data', (b) => (log += b));
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor('the notebook server', 60_000, async () => {
      if (server!.exitCode !== null) throw Object.assign(new Error('exited'), { fatal: true });
      const r = await fetch(`${base}/api/status?token=${token}`);
      return r.ok ? true : undefined;
    });
    const unauthorized = await fetch(`${base}/api/contents`);
    assert.equal(unauthorized.status, 403, 'the server refuses a request without the token');
    process.stderr.write(`# browser test: server up in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${base}/notebooks/browser.ipynb?token=${token}`);
    await page.waitForFunction(() => {
      const J = (globalThis as any).Jupyter;
      return J?.notebook?.kernel?.is_connected?.() && J.notebook.kernel.name === 'tslab' && J.notebook.kernel_busy === false;
    }, undefined, { timeout: 60_000, polling: 250 });
    process.stderr.write(`# browser test: kernel ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    await page.evaluate(() => (globalThis as any).Jupyter.notebook.execute_all_cells());

    // the figure: plotly's SVG, with the lines of the sweep
    const plot = page.locator('.js-plotly-plot').first();
    await plot.locator('svg.main-svg').first().waitFor({ timeout: 120_000 });
    assert.ok(await plot.locator('.scatterlayer .trace').count() >= 4, 'the curves are drawn');
    const text = await page.locator('.output_area').allInnerTexts();
    assert.ok(text.some((s) => /^120 rows$/m.test(s)), `the sweep's output: ${text.join(' | ')}`);
    assert.equal(await page.locator('.output_error').count(), 0, `no error output: ${text.join(' | ')}`);

    // a hover over a marker of the first curve shows its value
    await plot.scrollIntoViewIfNeeded();
    const target = await plot.evaluate((gd: any) => {
      const trace = gd._fullData.find((tr: any) => tr.mode?.includes('markers') && tr.visible !== false && Array.isArray(tr.x) && tr.x.length > 2);
      const xa = gd._fullLayout[trace.xaxis.replace('x', 'xaxis')], ya = gd._fullLayout[trace.yaxis.replace('y', 'yaxis')];
      const i = Math.floor(trace.x.length / 2);
      const box = gd.getBoundingClientRect();
      return { x: box.left + xa._offset + xa.d2p(trace.x[i]), y: box.top + ya._offset + ya.d2p(trace.y[i]), value: trace.y[i] as number, iteration: trace.x[i] as number };
    });
    await page.mouse.move(target.x - 30, target.y - 30);
    await page.mouse.move(target.x, target.y, { steps: 5 });
    let last = '';
    const hover = await waitFor('a hover label', 15_000, async () => {
      // one <tspan class="line"> per line of the label
      const s = (await plot.locator('.hoverlayer .hovertext tspan.line').allTextContents().catch(() => [])).join('\n');
      // the label of the point under the mouse (the moves on the way there may have shown a neighbour's first)
      return new RegExp(`^iteration = ${target.iteration}$`, 'm').test(s) ? s : (last = s, undefined);
    }).catch(async (err) => {
      if (process.env.COLLAPSE_BROWSER_SCREENSHOT) await page.screenshot({ path: process.env.COLLAPSE_BROWSER_SCREENSHOT, fullPage: true });
      throw new Error(`${(err as Error).message} (mouse at ${Math.round(target.x)}, ${Math.round(target.y)}, iteration ${target.iteration}; last label: ${last || 'none'})`);
    });
    const shown = /trace_ratio:\s*(-?[0-9.]+(?:e[-+]?\d+)?)/.exec(hover);
    assert.ok(shown, `the hover label names the metric and shows a value: ${hover}`);
    assert.ok(Math.abs(Number(shown[1]) - target.value) <= 1e-3 * Math.abs(target.value), `the hover shows ${shown[1]}, the point is ${target.value}: ${hover}`);
    assert.deepEqual(pageErrors, [], 'no script error on the page');
    process.stderr.write(`# browser test: figure drawn, hover "${hover.replace(/\n/g, ' | ').slice(0, 120)}" (point at iteration ${target.iteration}, ${target.value.toPrecision(4)}), ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

    // Trust. Saved from the page, the executed notebook is signed by the server (its outputs came from this
    // session). A copy with different content is not trusted: the viewer runs none of its scripts, so the figure
    // shows as its static form (here the placeholder, as the cell asked for no image). Signed with the command
    // `npm run reproduce` uses (python3 -m nbformat.sign, for this server's data folder), it is live again.
    await page.evaluate(() => (globalThis as any).Jupyter.notebook.save_notebook());
    const saved = await waitFor('the saved notebook', 30_000, async () => {
      const nbSaved = JSON.parse(fs.readFileSync(path.join(work, 'browser.ipynb'), 'utf8'));
      return nbSaved.cells.some((c: any) => (c.outputs ?? []).some((o: any) => o.data?.['text/html'])) ? nbSaved : undefined;
    });
    saved.metadata.copied = true;
    fs.writeFileSync(path.join(work, 'copy.ipynb'), JSON.stringify(saved));
    const open = async (name: string) => {
      await page.goto(`${base}/notebooks/${name}?token=${token}`);
      await page.waitForFunction(() => (globalThis as any).Jupyter?.notebook?._fully_loaded, undefined, { timeout: 30_000 });
      await page.waitForTimeout(1500); // the figure's script retries for a while until plotly is there
      return { live: await page.locator('.js-plotly-plot svg.main-svg').count(), placeholder: await page.getByText('shown when the notebook is trusted').count() };
    };
    const untrusted = await open('copy.ipynb');
    assert.deepEqual(untrusted, { live: 0, placeholder: 1 }, 'an untrusted notebook shows the static form, not the live figure');
    const sign = spawn('/usr/bin/python3', ['-m', 'nbformat.sign', path.join(work, 'copy.ipynb')], { env: { ...process.env, JUPYTER_DATA_DIR: path.join(dir, 'data') }, stdio: 'ignore' });
    assert.equal(await new Promise((resolve) => sign.on('exit', resolve)), 0, 'python3 -m nbformat.sign');
    const signed = await open('copy.ipynb');
    assert.ok(signed.live >= 1, `once signed, the figure is live (${JSON.stringify(signed)})`);
    process.stderr.write(`# browser test: untrusted copy static, signed copy live, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- notebook server log (last lines) ---\n${log.split("\n").slice(-30).join("\n")}`);
  }
});
