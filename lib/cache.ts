// The run cache: one JSON file per (setting, configuration, seed, code version) under data/cache/.
// A finished run is written atomically, so an interrupted sweep leaves only whole files behind and
// resumes by skipping them. The code version is a hash of the source files that decide the numbers,
// so editing the model invalidates its cache, while editing a plot does not.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { canonicalJson } from './random';
import { cacheDir, projectRoot, writeFileAtomic } from './project';
import type { RunConfig, TaskSetting } from './setting';
import type { Trajectory } from './workflows';

/** Files every setting's numbers depend on. */
export const CORE_FILES = ['random.ts', 'workflows.ts', 'setting.ts', 'batches.ts'];
const versions = new Map<string, string>();

/** Hash of the setting's source files (lib/*.ts), or of their compiled form when only that exists. */
export function codeVersion(setting: TaskSetting): string {
  const known = versions.get(setting.name);
  if (known) return known;
  const h = createHash('sha256');
  for (const file of [...CORE_FILES, ...setting.codeFiles]) {
    const ts = path.join(projectRoot(), 'lib', file);
    const js = path.join(projectRoot(), 'dist', 'lib', file.replace(/\.ts$/, '.js'));
    const src = fs.existsSync(ts) ? ts : js;
    h.update(file).update('\0').update(fs.readFileSync(src)).update('\0');
  }
  const v = h.digest('hex').slice(0, 16);
  versions.set(setting.name, v);
  return v;
}

/**
 * data/cache/<folder>/<hash>.json for `key` under the setting's code version: a run's file, or one of
 * the other things a setting caches (shared synthetic samples, a run's sample log, collapse times).
 */
export function keyedCachePath(folder: string, setting: TaskSetting, key: string): string {
  const hash = createHash('sha256').update(`${codeVersion(setting)}|${key}`).digest('hex').slice(0, 24);
  return path.join(cacheDir(), folder, `${hash}.json`);
}

export function runCachePath(setting: TaskSetting, config: RunConfig, seed: number): string {
  return keyedCachePath(setting.name, setting, `${canonicalJson(config)}|${seed}`);
}

// JSON has no Infinity or NaN; the metrics can be either (a zero density gives an infinite NLL).
function encode(a: Float64Array): (number | string)[] {
  return Array.from(a, (v) => (Number.isFinite(v) ? v : String(v)));
}
function decode(a: (number | string)[]): Float64Array {
  return Float64Array.from(a, (v) => (typeof v === 'number' ? v : Number(v)));
}

export function readCachedRun(file: string): Trajectory | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const o = JSON.parse(text);
  const metrics: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(o.metrics as Record<string, (number | string)[]>)) metrics[k] = decode(v);
  return { iterations: o.iterations, trainingSize: decode(o.trainingSize), metrics };
}

export function writeCachedRun(file: string, setting: TaskSetting, config: RunConfig, seed: number, t: Trajectory): void {
  const metrics: Record<string, (number | string)[]> = {};
  for (const [k, v] of Object.entries(t.metrics)) metrics[k] = encode(v);
  const body = { setting: setting.name, code: codeVersion(setting), config, seed, iterations: t.iterations, trainingSize: encode(t.trainingSize), metrics };
  writeFileAtomic(file, JSON.stringify(body));
}
