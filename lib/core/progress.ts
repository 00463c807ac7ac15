// A progress bar for long sweeps: redrawn in place in a terminal, printed every 10 % to a log, and
// drawn as an updating HTML bar under the running cell in a notebook.
import { inKernel, newDisplayId, publish } from './notebook';

export interface Progress {
  tick(done: number): void;
  finish(): void;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
}

// The time left is estimated from the runs computed in this process, not from those read from the cache.
function describe(label: string, done: number, total: number, started: number, cached: number): { text: string; frac: number } {
  const frac = total === 0 ? 1 : done / total;
  const elapsed = (Date.now() - started) / 1000;
  const computed = done - cached;
  const eta = computed > 0 ? (elapsed * (total - done)) / computed : NaN;
  const text = `${label} ${done}/${total} runs (${(100 * frac).toFixed(0)}%) · ${formatSeconds(elapsed)} elapsed${done < total ? ` · ${formatSeconds(eta)} left` : ''}`;
  return { text, frac };
}

/** A bar for `total` runs; `cached` of them were found in the cache and count as done from the start. */
export function createProgress(label: string, total: number, options: { enabled?: boolean; cached?: number } = {}): Progress {
  const started = Date.now();
  const cached = options.cached ?? 0;
  if (options.enabled === false) return { tick() {}, finish() {} };
  if (inKernel()) {
    const id = newDisplayId();
    let last = 0;
    const draw = (done: number, update: boolean) => {
      const { text, frac } = describe(label, done, total, started, cached);
      const html = `<div style="font-family:monospace;font-size:12px"><div style="width:360px;height:10px;background:#e5e7eb;border-radius:3px;display:inline-block;vertical-align:middle"><div style="width:${(360 * frac).toFixed(0)}px;height:10px;background:#2563eb;border-radius:3px"></div></div> ${text}</div>`;
      publish({ 'text/html': html, 'text/plain': text }, { displayId: id, update });
    };
    draw(0, false);
    return {
      tick(done) {
        const now = Date.now();
        if (now - last < 250 && done < total) return;
        last = now;
        draw(done, true);
      },
      finish() {
        draw(total, true);
      },
    };
  }
  const tty = process.stderr.isTTY === true;
  let lastDecile = -1;
  let lastDraw = 0;
  const width = 30;
  return {
    tick(done) {
      const { text, frac } = describe(label, done, total, started, cached);
      if (tty) {
        const now = Date.now();
        if (now - lastDraw < 100 && done < total) return;
        lastDraw = now;
        const filled = Math.round(width * frac);
        process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\x1b[K`);
      } else {
        const decile = Math.floor(frac * 10);
        if (decile > lastDecile) {
          lastDecile = decile;
          process.stderr.write(`${text}\n`);
        }
      }
    },
    finish() {
      this.tick(total);
      if (tty) process.stderr.write('\n');
    },
  };
}
