/**
 * Static rendering (PNG, SVG) of plotly figures in headless Chromium via playwright-core.
 *
 * One browser per process, launched on first use, holding one page with the plotly bundle loaded. The browser's
 * pipes would keep Node alive, so it closes itself after a short idle period (longer inside a Jupyter kernel,
 * where the process lives on anyway); playwright also kills it and removes its temporary profile on process exit.
 */
import * as fs from 'fs';
import type { Browser, Page } from 'playwright-core';
import { Figure, figureSize, toPlainJson } from './figure';
import { plotlyBundle } from './bundle';

export type ImageFormat = 'png' | 'svg';

/** Thrown when no static image can be made (no Chromium); callers may carry on without one. */
export class StaticRenderUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StaticRenderUnavailable';
  }
}

/** Chromium executable: $CHROMIUM_PATH, else Debian's /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--disable-crash-reporter',
];

const RENDER_TIMEOUT_MS = 60_000;

interface Renderer {
  browser: Browser;
  page: Page;
}

let renderer: Promise<Renderer> | null = null;
let inFlight = 0;
let idleTimer: NodeJS.Timeout | null = null;
let exitHookInstalled = false;

/** How long an unused browser stays open: long in a notebook kernel, short in scripts so they can exit. */
function idleMs(): number {
  const fromEnv = Number(process.env.COLLAPSE_BROWSER_IDLE_MS);
  if (Number.isFinite(fromEnv) && fromEnv >= 0 && process.env.COLLAPSE_BROWSER_IDLE_MS !== undefined) return fromEnv;
  return insideKernel() ? 120_000 : 1_500;
}

/** True when this process is a tslab Jupyter kernel (its jupyter module is loaded). */
export function insideKernel(): boolean {
  return Object.keys(require.cache).some((id) => /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(id));
}

async function launch(): Promise<Renderer> {
  const executablePath = chromiumPath();
  if (!fs.existsSync(executablePath)) {
    throw new StaticRenderUnavailable(`Chromium not found at ${executablePath} (set CHROMIUM_PATH)`);
  }
  // Loaded lazily: playwright-core is large, and a figure that is never rendered statically should not pay for it.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  let browser: Browser;
  try {
    // launch() gives the browser a fresh temporary --user-data-dir and deletes it on close or exit.
    browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  } catch (err) {
    const first = String((err as Error).message ?? err).split('\n')[0];
    throw new StaticRenderUnavailable(`Chromium at ${executablePath} failed to start: ${first}`);
  }
  browser.on('disconnected', () => {
    renderer = null;
  });
  const page = await browser.newPage();
  await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
  await page.addScriptTag({ content: plotlyBundle() });
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('beforeExit', () => void closeRenderer());
  }
  return { browser, page };
}

function getRenderer(): Promise<Renderer> {
  if (renderer === null) {
    renderer = launch();
    renderer.catch(() => {
      renderer = null; // a failed launch is retried next time (e.g. after CHROMIUM_PATH is fixed)
    });
  }
  return renderer;
}

function scheduleIdleClose(): void {
  if (idleTimer !== null) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    idleTimer = null;
    if (inFlight === 0) void closeRenderer();
  }, idleMs());
  idleTimer.unref();
}

/**
 * Renders a figure to PNG (a Buffer, at `scale`× its pixel size) or SVG (a string).
 * Throws StaticRenderUnavailable when Chromium is missing or cannot start.
 */
export async function renderImage(fig: Figure, format: 'png', scale?: number): Promise<Buffer>;
export async function renderImage(fig: Figure, format: 'svg', scale?: number): Promise<string>;
export async function renderImage(fig: Figure, format: ImageFormat, scale?: number): Promise<Buffer | string>;
export async function renderImage(fig: Figure, format: ImageFormat, scale = 2): Promise<Buffer | string> {
  inFlight++;
  if (idleTimer !== null) clearTimeout(idleTimer);
  try {
    const { page } = await getRenderer();
    const { width, height } = figureSize(fig);
    const plain = toPlainJson({ data: fig.data, layout: fig.layout }) as { data: unknown[]; layout: unknown };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`static render timed out after ${RENDER_TIMEOUT_MS / 1000} s`)), RENDER_TIMEOUT_MS);
    });
    const render = page.evaluate(
      async ({ fig, format, width, height, scale }) => {
        const w = globalThis as unknown as { Plotly: { toImage(f: unknown, o: unknown): Promise<string> } };
        return w.Plotly.toImage(fig, { format, width, height, scale });
      },
      { fig: plain, format, width, height, scale: format === 'png' ? scale : 1 },
    );
    render.catch(() => undefined); // if the timeout wins, the late rejection is expected, not unhandled
    let dataUrl: string;
    try {
      dataUrl = await Promise.race([render, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return decodeDataUrl(dataUrl, format);
  } finally {
    inFlight--;
    if (inFlight === 0) scheduleIdleClose();
  }
}

function decodeDataUrl(url: string, format: ImageFormat): Buffer | string {
  const comma = url.indexOf(',');
  const header = url.slice(0, comma);
  const payload = url.slice(comma + 1);
  if (format === 'png') {
    if (!header.includes(';base64')) throw new Error(`unexpected PNG data URL header: ${header}`);
    return Buffer.from(payload, 'base64');
  }
  return header.includes(';base64') ? Buffer.from(payload, 'base64').toString('utf8') : decodeURIComponent(payload);
}

/** Closes the shared browser now (it reopens on the next render). Safe to call at any time. */
export async function closeRenderer(): Promise<void> {
  if (idleTimer !== null) {
    clearTimeout(idleTimer);
    idleTimer = null;
  }
  const current = renderer;
  renderer = null;
  if (current === null) return;
  try {
    const { browser } = await current;
    await browser.close();
  } catch {
    // never launched, or already gone: nothing to close
  }
}
