import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Module from 'module';
import * as aq from 'arquero';
import { relplot } from '../lib/plot/relplot';
import { heatmap } from '../lib/plot/heatmap';
import { scatterGrid } from '../lib/plot/scatter';
import { tQuantile } from '../lib/tables/stats';
import { histplot } from '../lib/plot/histplot';
import { saveFigure } from '../lib/plot/save';
import { show } from '../lib/plot/show';
import { chromiumPath, closeRenderer, renderImage } from '../lib/plot/render';
import { toPlainJson, Figure, Trace } from '../lib/plot/figure';
import { sequentialColor } from '../lib/plot/theme';
import { ConfigError } from '../lib/core/setting';

const hasChromium = fs.existsSync(chromiumPath());
const needsChromium = hasChromium ? {} : { skip: `no Chromium at ${chromiumPath()}` };

after(async () => {
  await closeRenderer(); // let the test process exit at once
});

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const axis = (fig: Figure, key: string) => fig.layout[key] as Obj;
const annotationTexts = (fig: Figure) => ((fig.layout.annotations ?? []) as Obj[]).map((a) => a.text as string);
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** workflow × n × seed × iteration, value = n·iteration + seed (mean over seeds 0, 1, 2 is n·iteration + 1). */
function smallSweep(): aq.ColumnTable {
  const cols: Record<string, unknown[]> = { workflow: [], n: [], seed: [], iteration: [], value: [] };
  for (const workflow of ['replace', 'accumulate']) {
    for (const n of [100, 10, 1000]) { // deliberately unsorted: plots order numbers ascending
      for (let seed = 0; seed < 3; seed++) {
        for (let iteration = 1; iteration <= 5; iteration++) {
          cols.workflow.push(workflow);
          cols.n.push(n);
          cols.seed.push(seed);
          cols.iteration.push(iteration);
          cols.value.push(n * iteration + seed);
        }
      }
    }
  }
  return aq.table(cols);
}

test('relplot: one panel per column value, log axes, a legend entry and a band per hue value', () => {
  const fig = relplot(smallSweep(), {
    x: 'iteration', y: 'value', hue: 'n', hueLog: true, col: 'workflow', logY: true, labels: { value: 'error' },
  });
  // Two panels: x/xaxis and x2/xaxis2; no third.
  assert.ok(fig.layout.xaxis && fig.layout.xaxis2 && !fig.layout.xaxis3);
  for (const key of ['yaxis', 'yaxis2']) assert.equal(axis(fig, key).type, 'log');
  assert.equal(axis(fig, 'xaxis').type, undefined, 'x stays linear');
  assert.deepEqual(annotationTexts(fig), ['workflow = Replace', 'workflow = Accumulate']);
  assert.equal(axis(fig, 'yaxis').title.text, 'error');
  assert.equal(axis(fig, 'yaxis2').title.text, '', 'y title only on the first column');
  assert.equal(axis(fig, 'yaxis2').matches, 'y', 'shared y');

  // 2 panels × 3 hues × (lower band, upper band, mean line).
  assert.equal(fig.data.length, 18);
  const means = fig.data.filter((t) => t.name !== 'ci_low' && t.name !== 'ci_high');
  const uppers = fig.data.filter((t) => t.fill === 'tonexty');
  assert.equal(means.length, 6);
  assert.equal(uppers.length, 6);
  // Each upper band edge directly follows its lower edge (tonexty fills to the previous trace) in the same panel.
  fig.data.forEach((t, i) => {
    if (t.fill === 'tonexty') {
      assert.equal(fig.data[i - 1].name, 'ci_low');
      assert.equal(fig.data[i - 1].xaxis, t.xaxis);
      assert.equal(fig.data[i - 1].legendgroup, t.legendgroup, 'band toggles with its line');
    }
  });
  const legend = fig.data.filter((t) => t.showlegend === true).map((t) => t.name);
  assert.deepEqual(legend, ['10', '100', '1000']);
  // hueLog: colours by log n, so 100 sits exactly in the middle of the palette.
  const colorOf = (name: string) => (means.find((t) => t.name === name)!.line as Obj).color;
  assert.equal(colorOf('10'), sequentialColor(0));
  assert.equal(colorOf('100'), sequentialColor(0.5));
  assert.equal(colorOf('1000'), sequentialColor(1));
  // The line is the mean over seeds: n·iteration + 1.
  const line = means.find((t) => t.name === '100' && t.xaxis === 'x2')!;
  assert.deepEqual(line.x, [1, 2, 3, 4, 5]);
  assert.deepEqual(line.y, [101, 201, 301, 401, 501]);
  assert.equal((fig.layout.legend as Obj).title.text, 'n');
});

test('relplot: col × row grid with margin titles and no hue', () => {
  const t = smallSweep().derive({ half: (d: { seed: number }) => (d.seed < 2 ? 'a' : 'b') });
  const fig = relplot(t, { x: 'iteration', y: 'value', col: 'workflow', row: 'half', band: false });
  assert.ok(fig.layout.xaxis4 && !fig.layout.xaxis5);
  // Column titles once, above the top row; row titles once, right of the last column.
  assert.deepEqual(annotationTexts(fig), ['workflow = Replace', 'workflow = Accumulate', 'half = a', 'half = b']);
  assert.equal(fig.data.length, 4, 'one line per panel, no bands');
  assert.equal(axis(fig, 'xaxis').showticklabels, false, 'shared x: tick labels only on the bottom row');
  assert.equal(axis(fig, 'xaxis3').showticklabels, true);
});

test('relplot: overlays land in the matching facet, in the hue colour, with one legend entry', () => {
  const x = [1, 2, 3, 4, 5];
  const fig = relplot(smallSweep(), {
    x: 'iteration', y: 'value', hue: 'n', hueLog: true, col: 'workflow', logY: true,
    overlays: [
      { x, y: x.map((i) => 10 * i), name: 'theory', col: 'replace', hue: 10 },
      { x, y: x.map((i) => 1000 * i), name: 'theory', col: 'replace', hue: '1000' },
      { x, y: x.map(() => 5), name: 'bound', dash: 'dot' },
    ],
  });
  const curves = fig.data.filter((t) => typeof t.legendgroup === 'string' && (t.legendgroup as string).startsWith('overlay:') && t.showlegend === false);
  const theory = curves.filter((t) => t.name === 'theory');
  assert.equal(theory.length, 2);
  assert.ok(theory.every((t) => t.xaxis === 'x'), 'theory only in the Replace panel');
  const lineColor = (t: Trace) => (t.line as Obj).color;
  const meanOf = (name: string) => fig.data.find((t) => t.name === name && t.showlegend === true)!;
  assert.equal(lineColor(theory[0]), lineColor(meanOf('10')));
  assert.equal(lineColor(theory[1]), lineColor(meanOf('1000')));
  assert.equal((theory[0].line as Obj).dash, 'dash');
  const bound = curves.filter((t) => t.name === 'bound');
  assert.deepEqual(bound.map((t) => t.xaxis), ['x', 'x2'], 'no col given: every panel');
  assert.equal((bound[0].line as Obj).color, '#1f1f1f', 'black without a hue');
  const legendEntries = fig.data.filter((t) => t.showlegend === true).map((t) => t.name);
  assert.deepEqual(legendEntries, ['10', '100', '1000', 'theory', 'bound']);
  // hueOrder selects: n = 100 is left out, and so is its theory curve.
  const some = relplot(smallSweep(), {
    x: 'iteration', y: 'value', hue: 'n', hueOrder: [1000, '10'], col: 'workflow',
    overlays: [{ x, y: x, name: 'theory', hue: 100 }, { x, y: x, name: 'theory', hue: 10, col: 'accumulate' }],
  });
  assert.deepEqual(some.data.filter((t) => t.showlegend === true).map((t) => t.name), ['1000', '10', 'theory']);
  assert.deepEqual(some.data.filter((t) => t.name === 'theory' && t.showlegend === false).map((t) => t.xaxis), ['x2']);
  // Overlays count towards the y range: 5 (the bound) is inside it.
  const range = axis(fig, 'yaxis').range as number[];
  assert.ok(range[0] <= Math.log10(5) && range[1] >= Math.log10(5000));
});

test('relplot: bad options fail early with ConfigError', () => {
  const t = smallSweep();
  assert.throws(() => relplot(t, { x: 'iteration', y: 'nope' }), ConfigError);
  assert.throws(() => relplot(t, { x: 'iteration', y: 'value', hueLog: true }), ConfigError);
  assert.throws(() => relplot(t, { x: 'iteration', y: 'value', hue: 'workflow', hueLog: true }), /numeric hue/);
  assert.throws(() => relplot(t, { x: 'iteration', y: 'value', overlays: [{ x: [1], y: [1], name: 't', col: 'replace' }] }), /no col/);
  assert.throws(() => relplot(t, { x: 'iteration', y: 'value', overlays: [{ x: [1, 2], y: [1], name: 't' }] }), ConfigError);
  assert.throws(() => relplot(t, { x: 'iteration', y: 'value', hue: 'n', hueOrder: [7] }), /hueOrder: none of 7 occur/);
  assert.throws(() => relplot(aq.table({ iteration: [], value: [] }), { x: 'iteration', y: 'value' }), /no rows/);
});

test('relplot: infinite means are pinned to the panel edge; on a log axis the band is computed on the log scale, never ≤ 0', () => {
  const t = aq.table({
    iteration: [1, 1, 1, 2, 2, 2, 3, 3, 3],
    seed: [0, 1, 2, 0, 1, 2, 0, 1, 2],
    nll: [1, 2, 3, 0.01, 0.02, 10, 1, Infinity, 2],
  });
  const fig = relplot(t, { x: 'iteration', y: 'nll', logY: true });
  const range = axis(fig, 'yaxis').range as number[];
  const markers = fig.data.find((t) => t.mode === 'markers' && t.showlegend === false)!;
  assert.deepEqual(markers.x, [3]);
  assert.deepEqual(markers.y, [10 ** range[1]]);
  assert.equal((markers.marker as Obj).symbol[0], 'triangle-up');
  assert.ok(fig.data.some((t) => t.name === 'mean = ±∞' && t.showlegend === true));
  // iteration 2: mean 3.34, sd 5.76 → the linear t interval goes below 0; on a log axis the band is the interval of
  // log(mean) (delta method), m·exp(±h/m): positive, and symmetric about the mean on the axis.
  const lower = fig.data.find((t) => t.name === 'ci_low')!;
  const upper = fig.data.find((t) => t.name === 'ci_high')!;
  const m = (0.01 + 0.02 + 10) / 3;
  const sd = Math.sqrt(((0.01 - m) ** 2 + (0.02 - m) ** 2 + (10 - m) ** 2) / 2);
  const h = tQuantile(0.975, 2) * (sd / Math.sqrt(3));
  assert.ok(Math.abs((lower.y as number[])[1] - m * Math.exp(-h / m)) < 1e-9 * m);
  assert.ok(Math.abs((upper.y as number[])[1] - m * Math.exp(h / m)) < 1e-9 * m);
  assert.ok((lower.y as number[])[1] > 0);
  // JSON has no Infinity: the figure that leaves the process has nulls there.
  const plain = toPlainJson(fig) as Obj;
  const meanLine = (plain.data as Obj[]).find((t) => t.mode === 'lines+markers');
  assert.equal(meanLine!.y[2], null);
});

test("relplot: sharey 'row' shares y within a row only; bandLimits clip a share's band to [0, 1]", () => {
  // two rows on scales 1000× apart: each row gets its own range, both panels of a row the same one
  const cols: Record<string, unknown[]> = { workflow: [], scale: [], seed: [], iteration: [], value: [] };
  for (const workflow of ['replace', 'accumulate']) for (const scale of [1, 1000]) for (let seed = 0; seed < 3; seed++) {
    for (let iteration = 1; iteration <= 4; iteration++) {
      cols.workflow.push(workflow); cols.scale.push(scale); cols.seed.push(seed); cols.iteration.push(iteration);
      cols.value.push(scale * (iteration + seed + (workflow === 'replace' ? 1 : 0)));
    }
  }
  const fig = relplot(aq.table(cols), { x: 'iteration', y: 'value', col: 'workflow', row: 'scale', logY: true, sharey: 'row' });
  assert.equal(axis(fig, 'yaxis2').matches, 'y', 'row 1: second panel follows the first');
  assert.equal(axis(fig, 'yaxis4').matches, 'y3', 'row 2: second panel follows the first of its row');
  assert.equal(axis(fig, 'yaxis3').matches, undefined, 'rows are independent');
  assert.deepEqual(axis(fig, 'yaxis2').range, axis(fig, 'yaxis').range);
  assert.ok((axis(fig, 'yaxis3').range as number[])[0] > (axis(fig, 'yaxis').range as number[])[1], 'row 2 sits above row 1');

  // a share from 3 seeds of 0/1 values: the t-interval runs past [0, 1]; clipped, it stays inside
  const share = aq.table({ iteration: [1, 1, 1, 2, 2, 2], seed: [0, 1, 2, 0, 1, 2], finite: [1, 0, 0, 1, 1, 0] });
  const raw = relplot(share, { x: 'iteration', y: 'finite' });
  assert.ok((raw.data.find((t) => t.name === 'ci_low')!.y as number[]).some((v) => v < 0));
  const clipped = relplot(share, { x: 'iteration', y: 'finite', bandLimits: [0, 1] });
  assert.ok((clipped.data.find((t) => t.name === 'ci_low')!.y as number[]).every((v) => v >= 0));
  assert.ok((clipped.data.find((t) => t.fill === 'tonexty')!.y as number[]).every((v) => v <= 1));
  assert.throws(() => relplot(share, { x: 'iteration', y: 'finite', bandLimits: [1, 0] }), /bandLimits must be/);
});

test('relplot: on a log axis, markers pinned for infinite means stay inside the range after rounding to 6 digits', () => {
  for (const top of [3.3333333, 123.456789, 0.0123456789, 7777.77777]) {
    const t = aq.table({ iteration: [1, 1, 2, 2], seed: [0, 1, 0, 1], nll: [top, top * 1.1, Infinity, 1] });
    const plain = toPlainJson(relplot(t, { x: 'iteration', y: 'nll', logY: true })) as Obj;
    const [lo, hi] = (plain.layout as Obj).yaxis.range as number[];
    const pinned = (plain.data as Obj[]).find((d) => d.mode === 'markers' && d.showlegend === false)!;
    for (const v of pinned.y as number[]) {
      const shown = Math.log(v) / Math.LN10; // plotly's own test of whether a value is on a log axis
      assert.ok(shown >= lo && shown <= hi, `top ${top}: pinned ${v} (log ${shown}) outside [${lo}, ${hi}]`);
    }
  }
});

test('relplot: points a log x axis cannot show are counted, not dropped silently', () => {
  const t = aq.table({ num_synthetic: [0, 0, 256, 256, 1024, 1024], seed: [0, 1, 0, 1, 0, 1], loss: [2, 2.1, 1.9, 1.95, 1.8, 1.85] });
  const fig = relplot(t, { x: 'num_synthetic', y: 'loss', logX: true });
  assert.equal(axis(fig, 'xaxis').type, 'log');
  assert.ok(annotationTexts(fig).includes('not shown: 1 point at num_synthetic ≤ 0 (log axis)'));
});

test('heatmap: cells are means over seeds, axes numeric-ordered categories, hover shows the value', () => {
  const cols: Record<string, number[]> = { num_real: [], num_synthetic: [], seed: [], loss: [] };
  for (const r of [1024, 0, 256]) for (const s of [4096, 0, 256, 1024]) for (let seed = 0; seed < 2; seed++) {
    cols.num_real.push(r);
    cols.num_synthetic.push(s);
    cols.seed.push(seed);
    cols.loss.push(1 + r / 1024 + s / 4096 + seed); // mean over seeds: 1.5 + r/1024 + s/4096
  }
  const fig = heatmap(aq.table(cols), { x: 'num_synthetic', y: 'num_real', z: 'loss', reverseY: true });
  const trace = fig.data[0];
  assert.equal(trace.type, 'heatmap');
  assert.deepEqual(trace.x, ['0', '256', '1024', '4096']);
  assert.deepEqual(trace.y, ['0', '256', '1024']);
  const z = trace.z as number[][];
  assert.equal(z.length, 3);
  assert.ok(z.every((row) => row.length === 4));
  assert.equal(z[2][1], 1.5 + 1 + 256 / 4096); // y = 1024, x = 256
  assert.match(trace.hovertemplate as string, /customdata\[0\]/);
  assert.equal((trace.customdata as string[][][])[0][0][0], '1.5');
  assert.equal(axis(fig, 'yaxis').autorange, 'reversed');
  assert.equal(axis(fig, 'xaxis').type, 'category');

  const logFig = heatmap(aq.table(cols), { x: 'num_synthetic', y: 'num_real', z: 'loss', logColor: true });
  assert.equal((logFig.data[0].z as number[][])[0][0], Math.log10(1.5));
  const bar = logFig.data[0].colorbar as Obj;
  assert.ok(Array.isArray(bar.tickvals) && bar.tickvals.length >= 3, 'colour bar labelled in original units');
  assert.equal(bar.ticktext.length, bar.tickvals.length);
  assert.throws(() => heatmap(aq.table(cols), { x: 'num_real', y: 'num_real', z: 'loss' }), ConfigError);

  // diverging: a signed change, white at 0 whatever the range
  const change = aq.table(cols).derive({ delta: (d: { loss: number }) => d.loss - 2.5 });
  const div = heatmap(change, { x: 'num_synthetic', y: 'num_real', z: 'delta', diverging: true }).data[0];
  assert.equal(div.zmid, 0);
  const scale = div.colorscale as [number, string][];
  assert.equal(scale[Math.floor(scale.length / 2)][0], 0.5, 'the middle colour sits at 0');
  assert.throws(() => heatmap(change, { x: 'num_synthetic', y: 'num_real', z: 'delta', diverging: true, logColor: true }), /cannot be combined/);
});

test('scatterGrid: one panel per cloud, shared ranges, equal axes', () => {
  const panels = [1, 10, 100].map((it) => ({ title: `iteration ${it}`, x: new Float64Array([0, 1, 2]), y: [0, it / 100, 0.5] }));
  panels[0] = { ...panels[0], reference: { x: [-1, 3], y: [0, 0] } } as typeof panels[0];
  const fig = scatterGrid(panels, { cols: 2, equalAxes: true });
  assert.ok(fig.layout.xaxis3 && fig.layout.xaxis4, '3 panels in a 2 × 2 grid');
  assert.equal(axis(fig, 'xaxis4').visible, false, 'the unused cell is hidden');
  assert.equal(fig.data.length, 4);
  assert.deepEqual(fig.data[1].x, [0, 1, 2], 'typed arrays become plain arrays');
  const xr = axis(fig, 'xaxis').range as number[];
  const yr = axis(fig, 'yaxis3').range as number[];
  assert.ok(Math.abs(xr[1] - xr[0] - (yr[1] - yr[0])) < 1e-12, 'equal spans');
  assert.deepEqual(axis(fig, 'xaxis2').range, xr, 'same ranges everywhere');
  assert.equal(axis(fig, 'yaxis2').scaleanchor, 'x2');
  assert.deepEqual(annotationTexts(fig), ['iteration 1', 'iteration 10', 'iteration 100']);
  assert.throws(() => scatterGrid(panels, { cols: 0 }), ConfigError);
});

test('scatterGrid: shareAxes false gives each panel its own range', () => {
  const panels = [{ title: 'small', x: [0, 1], y: [0, 1] }, { title: 'wide', x: [-50, 50], y: [0, 100] }];
  const fig = scatterGrid(panels, { cols: 2, shareAxes: false });
  const a = axis(fig, 'xaxis').range as number[];
  const b = axis(fig, 'xaxis2').range as number[];
  assert.ok(a[1] - a[0] < 5 && b[1] - b[0] > 100, `ranges ${a} and ${b}`);
});

test('histplot: counts add up, log bins, values it cannot show are counted in a note', () => {
  const t = aq.table({
    n: [10, 10, 10, 10, 10, 100, 100, 100],
    variance: [0.1, 1, 10, 0, Infinity, 0.5, 0.6, 0.7],
  });
  const fig = histplot(t, { x: 'variance', col: 'n', logX: true, bins: 4 });
  assert.equal(fig.data.length, 2);
  const counts = (tr: Trace) => (tr.customdata as number[][]).slice(1, -2).map((c) => c[2]);
  assert.equal(counts(fig.data[0]).reduce((a, b) => a + b, 0), 3, 'three positive finite values in n = 10');
  assert.equal(counts(fig.data[1]).reduce((a, b) => a + b, 0), 3);
  assert.equal(axis(fig, 'xaxis').type, 'log');
  const edges = (fig.data[0].customdata as number[][]).slice(1, -2).map((c) => c[0]);
  assert.ok(Math.abs(edges[1] / edges[0] - edges[2] / edges[1]) < 1e-9, 'log-spaced bins');
  assert.ok(annotationTexts(fig).includes('not shown: 1 ≤ 0 (log axis), 1 = +∞'));
  assert.ok(annotationTexts(fig).includes('n = 100'));
});

test('saveFigure writes PNG, SVG and standalone HTML atomically, leaving no temporary files', needsChromium, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plot-test-'));
  try {
    const fig = relplot(smallSweep(), { x: 'iteration', y: 'value', hue: 'n', hueLog: true, col: 'workflow', logY: true });
    const written = await saveFigure(fig, path.join(dir, 'sub', 'trace.png'));
    assert.deepEqual(written.map((f) => path.basename(f)), ['trace.png', 'trace.svg', 'trace.html']);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'sub')).sort(), ['trace.html', 'trace.png', 'trace.svg']);
    const png = fs.readFileSync(path.join(dir, 'sub', 'trace.png'));
    assert.ok(png.subarray(0, 8).equals(PNG_MAGIC), 'PNG signature');
    assert.equal(png.readUInt32BE(16), 2 * (fig.layout.width as number), 'PNG is rendered at 2× the figure width');
    const svg = fs.readFileSync(path.join(dir, 'sub', 'trace.svg'), 'utf8');
    assert.match(svg, /^<svg[\s\S]*<\/svg>$/);
    assert.ok(svg.includes('workflow = Replace'));
    const html = fs.readFileSync(path.join(dir, 'sub', 'trace.html'), 'utf8');
    assert.ok(html.length > 1_000_000, 'plotly bundle inline');
    assert.match(html, /Plotly\.newPlot\('figure'/);
    assert.ok(!/<script[^>]+src=/.test(html), 'no external scripts');
    await assert.rejects(saveFigure(fig, path.join(dir, 'x'), ['pdf' as 'png']), ConfigError);
    assert.ok(!fs.existsSync(path.join(dir, 'x.png')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('renderImage serves concurrent renders from one browser', needsChromium, async () => {
  const fig = relplot(smallSweep(), { x: 'iteration', y: 'value', col: 'workflow' });
  const [png, svg] = await Promise.all([renderImage(fig, 'png'), renderImage(fig, 'svg')]);
  assert.ok(png.subarray(0, 8).equals(PNG_MAGIC));
  assert.ok(svg.startsWith('<svg'));
});

test('show: outside a kernel it prints one hint and returns; inside it sends one plotly + HTML + PNG bundle', needsChromium, async () => {
  const fig = relplot(smallSweep(), { x: 'iteration', y: 'value', hue: 'n', logY: true });
  const logged: string[] = [];
  const originalLog = console.log;
  console.log = (...args: unknown[]) => void logged.push(args.join(' '));
  const fakeId = path.join(os.tmpdir(), 'node_modules', 'tslab', 'dist', 'jupyter.js');
  const sent: Obj[] = [];
  try {
    await show(fig);
    await show(fig);
    assert.equal(logged.length, 1, 'one hint per process');
    assert.match(logged[0], /not inside a Jupyter kernel/);

    // Stand in for tslab: its jupyter module, loaded, with a display hook set (as while a cell runs).
    const fake = new Module(fakeId);
    fake.exports = { lastWriteDisplayData: (data: Obj, update: boolean) => sent.push({ ...data, update }) };
    fake.loaded = true;
    require.cache[fakeId] = fake;
    await show(fig);
    await show(fig, { static: 'svg' });
    await show(fig, { static: 'none' });
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    await closeRenderer();
    await show(fig);
  } finally {
    delete process.env.CHROMIUM_PATH;
    delete require.cache[fakeId];
    console.log = originalLog;
  }
  assert.equal(sent.length, 4, 'one display message per show()');
  const [first, second, third, noBrowser] = sent;
  assert.equal(first.update, false);
  assert.deepEqual(Object.keys(first.data).sort(), ['application/vnd.plotly.v1+json', 'image/png', 'text/html', 'text/plain']);
  assert.deepEqual(first.data['application/vnd.plotly.v1+json'].layout, toPlainJson(fig.layout));
  assert.ok(Buffer.from(first.data['image/png'], 'base64').subarray(0, 8).equals(PNG_MAGIC));
  assert.deepEqual(first.metadata['image/png'], { width: fig.layout.width, height: fig.layout.height });
  assert.ok(first.data['text/html'].length > 1_000_000, 'first figure embeds the plotly bundle');
  assert.match(first.data['text/html'], /<img src="data:image\/png;base64,/);
  assert.ok(second.data['text/html'].length < 200_000, 'later figures reuse window.Plotly');
  assert.ok(second.data['image/svg+xml'].startsWith('<svg'));
  assert.ok(!('image/png' in third.data) && !('image/svg+xml' in third.data));
  assert.ok(!('image/png' in noBrowser.data), 'no Chromium: no static image…');
  assert.ok('application/vnd.plotly.v1+json' in noBrowser.data, '…but the live figure is still shown');
  assert.ok(logged.some((l) => /static image skipped \(Chromium not found at \/nonexistent\/chromium/.test(l)));
});

test('relplot: on a log y axis, means and overlay points ≤ 0 are gaps named in a panel note, not values plotly drops', () => {
  const t = aq.table({ iteration: [1, 1, 2, 2, 3, 3], seed: [0, 1, 0, 1, 0, 1], det: [0.5, 0.7, 0, 0, 0.1, 0.2] });
  const fig = relplot(t, { x: 'iteration', y: 'det', logY: true, overlays: [{ x: [1, 2, 3], y: [0.6, 0, 0.15], name: 'theory' }] });
  // what leaves the process (JSON: NaN, an empty band, becomes null): nothing at or below 0
  for (const trace of (toPlainJson(fig) as Obj).data as Obj[]) for (const v of trace.y ?? []) assert.ok(v === null || v > 0, `${trace.name}: ${String(v)}`);
  const mean = fig.data.find((tr) => tr.mode === 'lines+markers')!;
  assert.deepEqual(mean.y, [0.6, null, (0.1 + 0.2) / 2]);
  assert.ok(annotationTexts(fig).includes('not shown: 2 points at det ≤ 0 (log axis)'), annotationTexts(fig).join(' | '));
});
