// Every notebook executes headless from top to bottom in quick mode (COLLAPSE_QUICK=1), with a fresh
// cache, and produces figures without error outputs. The committed notebooks are not touched: the
// executed copies go to a temporary folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..');
const notebooks = fs.readdirSync(path.join(root, 'notebooks')).filter((f) => f.endsWith('.ipynb')).sort();
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-notebooks-'));

test('there are notebooks to run', () => {
  assert.ok(notebooks.length >= 3, `found ${notebooks.join(', ')}`);
});

for (const nb of notebooks) {
  test(`notebook ${nb} executes in quick mode`, { timeout: 20 * 60_000 }, () => {
    const started = Date.now();
    // --allow-errors: a failing cell still writes the notebook, so the assertion below can quote its error.
    const r = spawnSync('/usr/bin/jupyter', ['nbconvert', '--to', 'notebook', '--execute', '--allow-errors', path.join(root, 'notebooks', nb), '--output-dir', out, '--ExecutePreprocessor.timeout=1200', '--ExecutePreprocessor.kernel_name=tslab'], {
      encoding: 'utf8',
      env: { ...process.env, COLLAPSE_QUICK: '1', COLLAPSE_CACHE_DIR: path.join(out, 'cache'), COLLAPSE_FIGURES_DIR: '' },
    });
    assert.equal(r.status, 0, `nbconvert failed:\n${r.stderr.split('\n').filter((l) => !/debugger|frozen|PYDEVD/i.test(l)).slice(-40).join('\n')}`);
    const executed = JSON.parse(fs.readFileSync(path.join(out, nb), 'utf8'));
    const outputs = executed.cells.flatMap((c: any) => c.outputs ?? []);
    const errors = executed.cells.flatMap((c: any, i: number) =>
      (c.outputs ?? []).filter((o: any) => o.output_type === 'error').map((o: any) => `cell ${i}: ${o.ename}: ${o.evalue}\n${(o.traceback ?? []).join('\n').slice(0, 2000)}`));
    assert.deepEqual(errors, [], 'no error outputs');
    const figures = outputs.filter((o: any) => o.data && o.data['image/png'] && o.data['text/html']);
    assert.ok(figures.length >= 1, 'at least one figure with a live (HTML) and a static (PNG) form');
    process.stderr.write(`# ${nb}: ${figures.length} figures in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  });
}
