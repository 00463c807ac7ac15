// The command line: `collapse run <setting> [--flag value ...] --out FILE`, `collapse --help`,
// `collapse run <setting> --help`, `collapse --version`. Every flag comes from the setting's declaration;
// every flag and every configuration of the grid is validated before any run starts, and a bad value
// gets one line naming it, exit code 2, and no output file.
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { ConfigError } from './core/errors';
import { describeType } from './core/params';
import { projectRoot, writeFileAtomic } from './core/project';
import { getSetting, settingNames } from './core/registry';
import { expandGrid, quickMode, type Grid, type RunConfig, type TaskSetting } from './core/setting';
import { parseShard, type Shard } from './core/shard';
import { planSweep, sweepColumns } from './core/sweep';
import { splitSbatchOptions, submitSlurm, writeSlurmScripts } from './cluster/slurm';
import { toCsv } from './tables/csv';

class HelpRequest extends Error {
  constructor(readonly text: string) {
    super(text);
  }
}

function version(): string {
  return JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')).version;
}

function mainHelp(): string {
  const names = settingNames();
  const width = Math.max(...names.map((n) => n.length));
  return [
    'usage: collapse run <setting> [--<flag> VALUE ...] --out FILE',
    '       collapse run <setting> [--<flag> VALUE ...] --shard K/N|auto [--out FILE]   one shard of the runs, into the cache',
    '       collapse slurm <setting> [--<flag> VALUE ...] --shards N --out FILE [--submit] [--sbatch "OPTIONS"]',
    '       collapse run <setting> --help     the setting\'s flags, defaults, grids and CSV columns',
    '       collapse --version',
    '',
    'settings:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${getSetting(n).summary}`),
    '',
    'Every setting takes --seeds N (seeds 0..N-1) and --out FILE (- for stdout). Unset flags take the',
    "paper's grid (COLLAPSE_QUICK=1: the quick grid). Runs are cached (data/cache, or COLLAPSE_CACHE_DIR)",
    'and go to worker threads (COLLAPSE_WORKERS).',
  ].join('\n');
}

function list(values: readonly unknown[]): string {
  return values.map(String).join(',');
}

/** `collapse run <setting> --help`: generated from the declaration. */
export function settingHelp(setting: TaskSetting): string {
  const lines = [`collapse run ${setting.name}: ${setting.summary}`, '', 'flags:'];
  const main = setting.grid(undefined, false).grid;
  const quick = setting.grid(undefined, true).grid;
  for (const [name, p] of Object.entries(setting.params)) {
    lines.push(`  --${name} ${p.list ? 'LIST' : 'VALUE'}`);
    lines.push(`      ${p.help}`);
    lines.push(`      type: ${describeType(p)}; default: ${String(p.default)}`);
    lines.push(`      paper's grid: ${list(main[name])}; quick grid: ${list(quick[name])}`);
  }
  const seeds = setting.grid(undefined, false).seeds;
  lines.push('  --seeds N', `      seeds 0..N-1; default: ${seeds} (the paper's), ${setting.grid(undefined, true).seeds} in quick mode`);
  lines.push('  --out FILE', '      the CSV (- for stdout); required unless --shard is given');
  lines.push('  --shard K/N | auto', "      compute only shard K (0-based) of N of the runs into the cache (auto: from Slurm's array task id and count)");
  const leading = ['workflow', ...setting.columns, 'seed', 'iteration', ...setting.metrics];
  const trailing = Object.keys(setting.params).filter((k) => k !== 'workflow' && k !== 'iterations' && !setting.columns.includes(k));
  lines.push('', `CSV columns: ${leading.join(',')}, then ${[...trailing, 'training_size'].join(', ')}`);
  if (setting.gridNames.length > 1) {
    lines.push('', `named grids (for sweep("${setting.name}", { grid: NAME }) in a notebook): ${setting.gridNames.join(', ')}`);
  }
  if (setting.example) lines.push('', `example: ${setting.example}`);
  return lines.join('\n');
}

// util.parseArgs reads `--sigma2 -2` as a missing value; a negative number after a flag is its value, and
// so is whatever follows --sbatch (its value is a list of options: "--time=01:00:00 --mem=4G").
function joinNegativeValues(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const next = args[i + 1];
    if (a.startsWith('--') && !a.includes('=') && next !== undefined && (/^-(\d|\.\d|inf)/i.test(next) || a === '--sbatch')) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

function splitList(flag: string, value: string): string[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new ConfigError(`--${flag} has an empty item in '${value}'`);
  return items;
}

/** The output file must be writable before any run starts; a temporary file a killed run left beside it is removed. */
function checkOutput(out: string): void {
  const file = path.resolve(out);
  if (out.endsWith('/') || (fs.existsSync(file) && fs.statSync(file).isDirectory())) throw new ConfigError(`--out ${out} is a folder; give a file name`);
  const dir = path.dirname(file);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new ConfigError(`--out ${out}: the folder ${dir} does not exist`);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new ConfigError(`--out ${out}: the folder ${dir} is not writable`);
  }
  const base = path.basename(file);
  for (const f of fs.readdirSync(dir)) {
    const m = f.startsWith(`${base}.`) && /\.(\d+)\.\d+\.tmp$/.exec(f);
    if (m && !processAlive(Number(m[1]))) fs.rmSync(path.join(dir, f), { force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Parsed {
  setting: TaskSetting;
  /** The setting's flags and --seeds as given, in order. */
  given: [string, string][];
  values: Record<string, string[] | boolean | undefined>;
  one(key: string): string | undefined;
}

/** Parse `<command> <setting> [flags]` with the setting's flags plus `extra` options. */
function parseCommand(command: string, name: string | undefined, rest: string[], extra: Record<string, { type: 'string' | 'boolean' }>): Parsed {
  if (name === undefined || name.startsWith('-')) throw new ConfigError(`missing setting after ${command} (expected one of: ${settingNames().join(', ')})`);
  const setting = getSetting(name);
  const flags = [...Object.keys(setting.params), 'seeds', ...Object.keys(extra)];
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const f of [...Object.keys(setting.params), 'seeds']) options[f] = { type: 'string', multiple: true };
  for (const [f, o] of Object.entries(extra)) options[f] = { ...o, multiple: o.type === 'string' };
  let values: Record<string, string[] | boolean | undefined>;
  try {
    const parsed = parseArgs({ args: joinNegativeValues(rest), options, strict: true, allowPositionals: true });
    if (parsed.positionals.length) throw new ConfigError(`unexpected argument '${parsed.positionals[0]}'`);
    values = parsed.values as typeof values;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const e = err as Error & { code?: string };
    const flag = /'(-[^' ]+)/.exec(e.message)?.[1] ?? '';
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new ConfigError(`unknown flag ${flag} for ${name} (expected: ${flags.map((k) => '--' + k).join(', ')})`);
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new ConfigError(`${flag} needs a value`);
    throw new ConfigError(e.message.split('\n')[0]);
  }
  if (values.help) throw new HelpRequest(settingHelp(setting));
  const one = (key: string): string | undefined => {
    const v = values[key] as string[] | undefined;
    if (v && v.length > 1) throw new ConfigError(`--${key} given twice`);
    return v?.[0];
  };
  const given: [string, string][] = [];
  for (const key of [...Object.keys(setting.params), 'seeds']) {
    const v = one(key);
    if (v !== undefined) given.push([key, v]);
  }
  return { setting, given, values, one };
}

/** The grid and seeds of a run's flags, every configuration validated (ConfigError before any work). */
function planGrid(setting: TaskSetting, given: [string, string][]): { grid: Grid; seeds: number[]; notice: string | undefined } {
  const defaults = setting.grid(undefined, quickMode());
  const grid: Grid = { ...defaults.grid };
  let seeds: number | undefined;
  for (const [key, v] of given) {
    if (key === 'seeds') {
      // digits only, as every integer flag: 1e9 or 0x10 is refused rather than read as a number
      if (!/^-?\d+$/.test(v.trim())) throw new ConfigError(`seeds must be an integer, got '${v}'`);
      seeds = Number(v.trim());
    } else grid[key] = setting.params[key].list ? splitList(key, v) : [v];
  }
  const plan = planSweep(setting, { grid, seeds: seeds ?? defaults.seeds, flags: true });
  return { grid, seeds: plan.seeds, notice: longSweepNotice(setting, plan.configs, plan.seeds.length) };
}

/** Sweeps this many times the work of the setting's quick sweep, or with this many runs, get a notice first. */
const LONG_WORK = 100;
const LONG_RUNS = 10_000;

/**
 * One line before a long sweep starts: its runs and its work relative to the setting's quick sweep (the
 * settings' costs are relative, so this is the honest unit), or undefined for a short one.
 */
export function longSweepNotice(setting: TaskSetting, configs: readonly RunConfig[], seeds: number): string | undefined {
  const runs = configs.length * seeds;
  let work = 0;
  for (const c of configs) work += setting.cost(c) * seeds;
  const quick = setting.grid(undefined, true);
  let quickWork = 0;
  for (const c of expandGrid(quick.grid)) quickWork += setting.cost(setting.validate(c)) * quick.seeds;
  const ratio = work / quickWork;
  if (!(ratio >= LONG_WORK || runs >= LONG_RUNS)) return undefined;
  const times = ratio >= 1 ? `about ${Number(ratio.toPrecision(2))}×` : 'less than';
  return `collapse: ${runs} runs (${configs.length} configurations × ${seeds} seeds), ${times} the work of the quick sweep (COLLAPSE_QUICK=1 collapse run ${setting.name}); this will take a while. Runs already cached are read back, and each finished run is cached, so an interrupted sweep resumes.`;
}

export type Plan =
  | { command: 'run'; setting: TaskSetting; grid: Grid; seeds: number[]; notice: string | undefined; out: string | undefined; shard: Shard | undefined }
  | { command: 'slurm'; setting: TaskSetting; given: [string, string][]; shards: number; out: string; submit: boolean; sbatch: string[] };

/** Parse and validate everything; returns what to run. Throws ConfigError before any work. */
export function planRun(argv: string[]): Plan {
  const [command, name, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') throw new HelpRequest(mainHelp());
  if (command === '--version' || command === '-v') throw new HelpRequest(version());
  if (command === 'run') {
    const p = parseCommand(command, name, rest, { out: { type: 'string' }, shard: { type: 'string' } });
    const shardText = p.one('shard');
    const shard = shardText === undefined ? undefined : parseShard(shardText);
    const out = p.one('out');
    if (out === '' || (out === undefined && !shard)) throw new ConfigError('--out FILE is required (use --out - for stdout)');
    if (out !== undefined && out !== '-') checkOutput(out);
    return { command: 'run', setting: p.setting, ...planGrid(p.setting, p.given), out, shard };
  }
  if (command === 'slurm') {
    const p = parseCommand(command, name, rest, { out: { type: 'string' }, shards: { type: 'string' }, submit: { type: 'boolean' }, sbatch: { type: 'string' } });
    const shardsText = p.one('shards');
    const shards = Number(shardsText);
    if (shardsText === undefined) throw new ConfigError('--shards N is required');
    if (!(Number.isInteger(shards) && shards >= 1 && /^\d+$/.test(shardsText))) throw new ConfigError(`--shards must be an integer >= 1, got '${shardsText}'`);
    const out = p.one('out');
    if (out === undefined || out === '' || out === '-') throw new ConfigError('--out FILE is required (a file the merge job writes)');
    checkOutput(out);
    planGrid(p.setting, p.given); // validates the sweep here, not on the cluster
    return { command: 'slurm', setting: p.setting, given: p.given, shards, out, submit: p.values.submit === true, sbatch: splitSbatchOptions(p.one('sbatch')) };
  }
  throw new ConfigError(`unknown command '${command}' (expected: run, slurm, --help, --version)`);
}

/** Write to stdout; a reader that closed the pipe early (`| head`) ends the output quietly. */
function writeStdout(text: string): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  process.stdout.write(text);
}

export async function main(argv: string[]): Promise<number> {
  try {
    const plan = planRun(argv);
    if (plan.command === 'slurm') {
      const scripts = writeSlurmScripts({ setting: plan.setting.name, flags: plan.given, shards: plan.shards, out: plan.out, submit: plan.submit, sbatch: plan.sbatch });
      process.stdout.write(`collapse: wrote ${scripts.array} (${plan.shards} shards) and ${scripts.merge} (writes ${path.resolve(plan.out)})\n`);
      if (plan.submit) {
        const ids = submitSlurm(scripts);
        process.stdout.write(`collapse: submitted array job ${ids.array} and merge job ${ids.merge} (afterok:${ids.array})\n`);
      } else process.stdout.write(`collapse: submit with: sbatch ${scripts.array}, then sbatch --dependency=afterok:<its job id> ${scripts.merge}\n`);
      return 0;
    }
    if (plan.notice) process.stderr.write(plan.notice + '\n');
    const columns = await sweepColumns(plan.setting, { grid: plan.grid, seeds: plan.seeds, progress: true, shard: plan.shard });
    if (plan.out === undefined) return 0;
    const csv = toCsv(columns);
    if (plan.out === '-') writeStdout(csv);
    else writeFileAtomic(plan.out, csv);
    return 0;
  } catch (err) {
    if (err instanceof HelpRequest) {
      process.stdout.write(err.text + '\n');
      return 0;
    }
    const message = err instanceof ConfigError ? err.message : err instanceof Error ? `error: ${err.message}` : String(err);
    process.stderr.write(`collapse: ${message}\n`);
    if (process.env.COLLAPSE_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return 2;
  }
}
