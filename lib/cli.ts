// The command line: `collapse run <setting> [--flag value ...] --out FILE`.
// Every flag is validated, and every configuration of the grid, before any run starts; a bad value
// gets one line naming it and a non-zero exit, and no output file is written.
import { toCsv } from './csv';
import { writeFileAtomic } from './project';
import { ConfigError, quickMode, type Grid } from './setting';
import { getSetting, SETTING_NAMES } from './settings';
import { planSweep, seedList, sweepColumns } from './sweep';
import { WORKFLOWS } from './workflows';

const USAGE = `usage: collapse run <setting> [--workflow LIST] [--<setting flags> ...] [--iterations T] [--seeds N] --out FILE
settings: ${SETTING_NAMES.join(', ')}
  gaussian   [--dim LIST] [--samples LIST] [--sigma2 X]
  kde        [--dataset LIST] [--bandwidth LIST] [--kernel gaussian|tophat] [--samples LIST]
  lm         [--model SIZE] [--samples R]
  lm-value   [--model LIST] [--num_real LIST] [--num_synthetic LIST] [--source_samples R]   (value of synthetic data)
  discrete   [--outcomes LIST] [--samples LIST]
  regression [--dim LIST] [--sigma2 LIST] [--samples LIST]
LIST is comma-separated. Workflows: ${WORKFLOWS.join(', ')} (default: all three).
--seeds N runs seeds 0..N-1. --out - writes CSV to stdout. Defaults: the paper's grid (COLLAPSE_QUICK=1: the quick grid).`;

interface ParsedRun {
  setting: string;
  values: Map<string, string>;
}

function parseArgs(argv: string[]): ParsedRun {
  const [command, setting, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') throw new UsageRequest();
  if (command !== 'run') throw new ConfigError(`unknown command '${command}' (expected: run)`);
  if (setting === undefined || setting.startsWith('--')) throw new ConfigError('missing setting after run (expected one of: ' + SETTING_NAMES.join(', ') + ')');
  const values = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument '${arg}'`);
    let name = arg.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    } else {
      value = rest[i + 1];
      if (value === undefined || (value.startsWith('--') && value !== '-')) throw new ConfigError(`--${name} needs a value`);
      i++;
    }
    if (values.has(name)) throw new ConfigError(`--${name} given twice`);
    values.set(name, value);
  }
  return { setting, values };
}

class UsageRequest extends Error {}

function splitList(flag: string, value: string): string[] {
  const items = value.split(',').map((s) => s.trim());
  const empty = items.findIndex((s) => s === '');
  if (empty >= 0) throw new ConfigError(`--${flag} has an empty item in '${value}'`);
  return items;
}

/** Parse and validate everything; returns what to run. Throws ConfigError before any work. */
export function planRun(argv: string[]): { setting: string; grid: Grid; seeds: number[]; out: string } {
  const { setting: name, values } = parseArgs(argv);
  const setting = getSetting(name);
  const quick = quickMode();
  const defaults = setting.grid(quick);
  const known = new Map<string, boolean>([['workflow', true], ['iterations', false], ...setting.flags.map((f) => [f.name, f.list] as [string, boolean])]);
  for (const key of values.keys()) {
    if (key !== 'out' && key !== 'seeds' && !known.has(key)) throw new ConfigError(`unknown flag --${key} for ${name} (expected: ${[...known.keys(), 'seeds', 'out'].map((k) => '--' + k).join(', ')})`);
  }
  const out = values.get('out');
  if (out === undefined || out === '') throw new ConfigError('--out FILE is required (use --out - for stdout)');
  const grid: Grid = { ...defaults };
  for (const [key, list] of known) {
    const v = values.get(key);
    if (v === undefined) continue;
    grid[key] = list ? splitList(key, v) : [v];
  }
  const seedsText = values.get('seeds');
  let seeds: number[];
  if (seedsText === undefined) seeds = seedList(setting.seeds(quick));
  else {
    const n = Number(seedsText);
    if (seedsText.trim() === '' || !Number.isInteger(n)) throw new ConfigError(`seeds must be an integer, got '${seedsText}'`);
    seeds = seedList(n);
  }
  planSweep(setting, grid); // validates every configuration
  return { setting: name, grid, seeds, out };
}

export async function main(argv: string[]): Promise<number> {
  try {
    const plan = planRun(argv);
    const columns = await sweepColumns(plan.setting, { grid: plan.grid, seeds: plan.seeds, progress: true });
    const csv = toCsv(columns);
    if (plan.out === '-') process.stdout.write(csv);
    else writeFileAtomic(plan.out, csv);
    return 0;
  } catch (err) {
    if (err instanceof UsageRequest) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    const message = err instanceof ConfigError ? err.message : err instanceof Error ? `error: ${err.message}` : String(err);
    process.stderr.write(`collapse: ${message}\n`);
    if (process.env.COLLAPSE_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return 2;
  }
}
