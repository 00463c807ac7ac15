// `collapse slurm SETTING [flags] --shards N --out FILE [--submit] [--sbatch "options"]`: the same sweep
// as a Slurm array job of N shards, each computing its runs into one shared cache folder, and a merge job
// that depends on the whole array (afterok) and writes FILE: a sweep that finds every run cached, so FILE
// equals, byte for byte, what `collapse run SETTING [flags] --out FILE` writes on one machine.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../core/errors';
import { cacheDir, projectRoot, writeFileAtomic } from '../core/project';

export interface SlurmPlan {
  setting: string;
  /** The setting's flags as given (name → value), passed through unchanged to every job. */
  flags: [string, string][];
  shards: number;
  out: string;
  submit: boolean;
  sbatch: string[];
}

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The extra sbatch options, one per #SBATCH line (each must start with '-'). */
export function splitSbatchOptions(text: string | undefined): string[] {
  if (text === undefined || text.trim() === '') return [];
  const opts = text.trim().split(/\s+/);
  const bad = opts.find((o) => !o.startsWith('-'));
  if (bad !== undefined) throw new ConfigError(`--sbatch: '${bad}' is not an sbatch option (write options like "--partition=cpu --time=01:00:00")`);
  return opts;
}

function script(lines: string[]): string {
  return ['#!/bin/bash', ...lines, ''].join('\n');
}

/** Write the two sbatch scripts beside FILE (in FILE.slurm/); returns their paths. */
export function writeSlurmScripts(plan: SlurmPlan): { dir: string; array: string; merge: string } {
  const out = path.resolve(plan.out);
  const dir = `${out}.slurm`;
  fs.mkdirSync(dir, { recursive: true });
  const collapse = [process.execPath, path.join(projectRoot(), 'bin', 'collapse.js')].map(quote).join(' ');
  const flags = plan.flags.map(([k, v]) => `--${k} ${quote(v)}`).join(' ');
  const env = [
    `export COLLAPSE_CACHE_DIR=${quote(path.resolve(cacheDir()))}`,
    ...(process.env.COLLAPSE_QUICK !== undefined ? [`export COLLAPSE_QUICK=${quote(process.env.COLLAPSE_QUICK)}`] : []),
  ];
  const extra = plan.sbatch.map((o) => `#SBATCH ${o}`);
  const name = `collapse-${plan.setting}`;
  const array = path.join(dir, 'shards.sbatch');
  const merge = path.join(dir, 'merge.sbatch');
  writeFileAtomic(
    array,
    script([
      `#SBATCH --job-name=${name}`,
      `#SBATCH --array=0-${plan.shards - 1}`,
      `#SBATCH --output=${quote(path.join(dir, 'shard-%a.log'))}`,
      ...extra,
      '# one shard of the sweep per array task, into the shared cache; workers = the CPUs Slurm gave the task.',
      `# The shard count is written out, so one killed shard can be run again alone: sbatch --array=K ${path.basename(array)}`,
      ...env,
      'export COLLAPSE_WORKERS=${SLURM_CPUS_PER_TASK:-1}',
      `exec ${collapse} run ${plan.setting} ${flags} --shard \${SLURM_ARRAY_TASK_ID}/${plan.shards}`,
    ]),
  );
  writeFileAtomic(
    merge,
    script([
      `#SBATCH --job-name=${name}-merge`,
      `#SBATCH --output=${quote(path.join(dir, 'merge.log'))}`,
      ...extra,
      '# every run is cached by the shards: this only reads them back and writes the CSV',
      ...env,
      'export COLLAPSE_WORKERS=${SLURM_CPUS_PER_TASK:-1}',
      `exec ${collapse} run ${plan.setting} ${flags} --out ${quote(out)}`,
    ]),
  );
  fs.chmodSync(array, 0o755);
  fs.chmodSync(merge, 0o755);
  return { dir, array, merge };
}

/** Submit the array and the merge (afterok on the whole array); returns the two job ids. */
export function submitSlurm(scripts: { array: string; merge: string }): { array: string; merge: string } {
  const sbatch = (args: string[]) => {
    try {
      return execFileSync('sbatch', ['--parsable', ...args], { encoding: 'utf8' }).trim().split(';')[0];
    } catch (err) {
      const e = err as Error & { code?: string; stderr?: string };
      throw new ConfigError(e.code === 'ENOENT' ? 'sbatch not found: run on a Slurm login node, or leave out --submit and submit the scripts yourself' : `sbatch failed: ${String(e.stderr ?? e.message).trim()}`);
    }
  };
  const array = sbatch([scripts.array]);
  const merge = sbatch([`--dependency=afterok:${array}`, scripts.merge]);
  return { array, merge };
}
