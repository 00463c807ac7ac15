// Progress right after a resume: runs found in the cache count as done from the first line, and the time left
// is estimated from the runs computed in this process only (a resumed sweep would otherwise promise to end at once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createProgress } from '../lib/core/progress';
import { sweep } from '../lib';

/** What `fn` writes to stderr: as a log (one line per 10 %), or as a terminal (redrawn in place, split at each redraw). */
async function stderrOf(fn: () => unknown, terminal = false): Promise<string[]> {
  const lines: string[] = [];
  const write = process.stderr.write;
  const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  Object.defineProperty(process.stderr, 'isTTY', { value: terminal, configurable: true });
  process.stderr.write = ((chunk: string | Uint8Array) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stderr.write = write;
    if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
  }
  return lines.join('').split(/[\r\n]/).map((l) => l.replace(/\x1b\[K$/, '')).filter(Boolean);
}

test('cached runs count as done from the start; no time-left estimate before a run is computed here', async () => {
  const lines = await stderrOf(() => {
    const p = createProgress('resumed', 10, { cached: 6 });
    p.tick(6);
    p.finish();
  });
  assert.match(lines[0], /^resumed 6\/10 runs \(60%\) · 0s elapsed · \? left$/);
  assert.match(lines.at(-1)!, /^resumed 10\/10 runs \(100%\)/);
});

test('the time left comes from the runs computed in this process, not from the cached ones', async () => {
  const lines = await stderrOf(async () => {
    const p = createProgress('resumed', 100, { cached: 90 });
    p.tick(90);
    await new Promise((r) => setTimeout(r, 1100));
    p.tick(91); // one run computed in ~1.1 s, nine left: about 10 s, not the ~0.1 s that 91 done in 1.1 s would say
  }, true);
  const m = /91\/100 runs \(91%\) · 1s elapsed · (\d+)s left/.exec(lines.join('\n'));
  assert.ok(m, lines.join('\n'));
  assert.ok(Number(m[1]) >= 9 && Number(m[1]) <= 12, `estimate ${m[1]} s`);
});

test('a sweep resumed from the cache starts its bar at the cached runs', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-progress-'));
  const saved = process.env.COLLAPSE_CACHE_DIR;
  process.env.COLLAPSE_CACHE_DIR = dir;
  try {
    const grid = { workflow: ['replace' as const, 'accumulate' as const], dim: [2], samples: [10], iterations: [3] };
    await stderrOf(() => sweep('gaussian', { grid, seeds: 2, workers: 1 }));
    const lines = await stderrOf(() => sweep('gaussian', { grid, seeds: 3, workers: 1 }));
    assert.match(lines[0], /^gaussian 4\/6 runs \(67%\) · 0s elapsed · \? left$/, lines.join('\n'));
    assert.match(lines.at(-1)!, /^gaussian 6\/6 runs \(100%\)/);
  } finally {
    if (saved === undefined) delete process.env.COLLAPSE_CACHE_DIR;
    else process.env.COLLAPSE_CACHE_DIR = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
