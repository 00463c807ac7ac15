// A setting's parameters, declared once as a typed list with their defaults beside them (in the spirit
// of nanoGPT's GPTConfig and scikit-learn's keyword-only __init__). From the list come the validation
// (one rule for every setting: an unknown key is refused, naming it and the known ones), the defaults,
// the CLI flags and their help, and the TypeScript type of a configuration (ConfigOf), so a model reads
// `config.dim` as a number without parsing it again.
import { ConfigError } from './errors';

interface ParamBase<T> {
  /** What the parameter means, for --help. */
  readonly help: string;
  readonly default: T;
  /** On the command line: a comma-separated list (a grid axis), or a single value. */
  readonly list: boolean;
  /** Only a value other than the default enters a run's identity (its random streams, cache key and CSV
   *  columns), so adding the parameter changed no existing run. */
  readonly omitDefault?: boolean;
}

export interface IntParam extends ParamBase<number> {
  readonly kind: 'int';
  readonly min: number;
  readonly max?: number | (() => number);
  /** Why the maximum, e.g. 'the real training pool'. */
  readonly maxWhy?: string;
}

/** The range of a positive number (inclusive): beyond it the setting's arithmetic leaves the doubles. */
export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
  /** Why the range, e.g. 'beyond it the squares overflow'. */
  readonly rangeWhy?: string;
}

export interface NumberParam extends ParamBase<number>, NumberRange {
  readonly kind: 'number';
  /** Values must be > 0. */
  readonly positive: true;
}

export interface ChoiceParam<C extends string> extends ParamBase<C> {
  readonly kind: 'choice';
  readonly values: readonly C[];
}

/** A positive number or one of a few names (a KDE bandwidth: 0.1, or 'scott'). */
export interface NumberOrChoiceParam<C extends string> extends ParamBase<number | C>, NumberRange {
  readonly kind: 'number-or-choice';
  readonly values: readonly C[];
}

export type Param = IntParam | NumberParam | ChoiceParam<string> | NumberOrChoiceParam<string>;
export type Params = Record<string, Param>;

/** The value type of one parameter. */
export type ValueOf<P> = P extends ChoiceParam<infer C> ? C : P extends NumberOrChoiceParam<infer C> ? number | C : number;
/** The typed configuration of a parameter list. */
export type ConfigOf<P extends Params> = { -readonly [K in keyof P]: ValueOf<P[K]> };

type Options<T> = { help: string; default: T; list?: boolean; omitDefault?: boolean };

export function int(o: Options<number> & { min: number; max?: number | (() => number); maxWhy?: string }): IntParam {
  return { kind: 'int', list: true, ...o };
}
export function positive(o: Options<number> & NumberRange): NumberParam {
  return { kind: 'number', positive: true, list: true, ...o };
}
export function choice<const C extends string>(values: readonly C[], o: Options<NoInfer<C>>): ChoiceParam<C> {
  return { kind: 'choice', values, list: true, ...o };
}
export function numberOrChoice<const C extends string>(values: readonly C[], o: Options<number | NoInfer<C>> & NumberRange): NumberOrChoiceParam<C> {
  return { kind: 'number-or-choice', values, list: true, ...o };
}
// TypeScript 5.0 (tslab's) has no NoInfer: keep a choice's default from widening the inferred names.
type NoInfer<T> = [T][T extends unknown ? 0 : never];

// Strings (as the command line gives them) are read strictly, so a typo is refused rather than read as
// something else: an integer is digits only (no 0x10, 1e1, +3 or 3.0); a number is plain decimal or
// exponent notation (1, 0.5, .5, 1e-3, 2.5E2: no hex, no leading '+', no Infinity or NaN, no '_'). A
// leading '-' is read, so that -2 gets the range's message rather than a format one. Numbers given as
// numbers (the library) are taken as they are.
const INTEGER_TEXT = /^-?\d+$/;
const NUMBER_TEXT = /^-?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i;

function fromText(value: unknown, pattern: RegExp): unknown {
  if (typeof value !== 'string') return value;
  const t = value.trim();
  return pattern.test(t) ? Number(t) : value;
}

/** Below `min`, above `max` (inclusive): the message, or undefined. */
function outOfRange(name: string, r: NumberRange, x: number): string | undefined {
  const why = r.rangeWhy ? ` (${r.rangeWhy})` : '';
  if (r.min !== undefined && x < r.min) return `${name} must be >= ${r.min}${why}, got ${x}`;
  if (r.max !== undefined && x > r.max) return `${name} must be <= ${r.max}${why}, got ${x}`;
  return undefined;
}

/** Check one value (a number, or a string as the command line gives it); throws ConfigError naming `name`. */
export function parseParam(name: string, p: Param, value: unknown): number | string {
  switch (p.kind) {
    case 'int': {
      const x = fromText(value, INTEGER_TEXT);
      if (typeof x !== 'number' || !Number.isInteger(x)) throw new ConfigError(`${name} must be an integer, got '${String(value)}'`);
      if (x < p.min) throw new ConfigError(`${name} must be >= ${p.min}, got ${x}`);
      const max = typeof p.max === 'function' ? p.max() : p.max;
      if (max !== undefined && x > max) throw new ConfigError(`${name} must be <= ${max}${p.maxWhy ? ` (${p.maxWhy})` : ''}, got ${x}`);
      if (!Number.isSafeInteger(x)) throw new ConfigError(`${name} must be <= ${Number.MAX_SAFE_INTEGER} (the largest exact integer of a double), got ${String(value)}`);
      return x;
    }
    case 'number': {
      const x = fromText(value, NUMBER_TEXT);
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new ConfigError(`${name} must be a number, got '${String(value)}'`);
      if (!(x > 0)) throw new ConfigError(`${name} must be > 0, got ${x}`);
      const range = outOfRange(name, p, x);
      if (range) throw new ConfigError(range);
      return x;
    }
    case 'choice':
      if (typeof value !== 'string' || !p.values.includes(value)) throw new ConfigError(`unknown ${name} '${String(value)}' (expected one of: ${p.values.join(', ')})`);
      return value;
    case 'number-or-choice': {
      if (typeof value === 'string' && p.values.includes(value)) return value;
      const x = fromText(value, NUMBER_TEXT);
      if (typeof x === 'number' && Number.isFinite(x) && x > 0) {
        const range = outOfRange(name, p, x);
        if (range) throw new ConfigError(range);
        return x;
      }
      throw new ConfigError(`${name} must be a positive number or one of ${p.values.join(', ')}, got '${String(value)}'`);
    }
  }
}

/** Validate a configuration against a parameter list: unknown keys refused, values checked, defaults filled. Keys keep the list's order. */
export function validateParams(setting: string, params: Params, config: Record<string, unknown>): Record<string, number | string> {
  const known = Object.keys(params);
  for (const key of Object.keys(config)) {
    if (!known.includes(key)) throw new ConfigError(`unknown parameter '${key}' for setting ${setting} (expected: ${known.join(', ')})`);
  }
  const out: Record<string, number | string> = {};
  for (const [key, p] of Object.entries(params)) {
    const raw = config[key];
    out[key] = raw === undefined ? p.default : parseParam(key, p, raw);
  }
  return out;
}

/** The parameter's type, as --help shows it. */
export function describeType(p: Param): string {
  const many = p.list ? 'LIST of ' : '';
  switch (p.kind) {
    case 'int': {
      const max = typeof p.max === 'function' ? undefined : p.max;
      return `${many}integer${p.list ? 's' : ''} >= ${p.min}${max !== undefined ? ` and <= ${max}` : ''}`;
    }
    case 'number':
      return `${many}number${p.list ? 's' : ''} > 0${describeRange(p)}`;
    case 'choice':
      return `${many}${p.values.join(' | ')}`;
    case 'number-or-choice':
      return `${many}number > 0${describeRange(p)} | ${p.values.join(' | ')}`;
  }
}

function describeRange(r: NumberRange): string {
  if (r.min !== undefined && r.max !== undefined) return ` in [${r.min}, ${r.max}]`;
  if (r.min !== undefined) return ` and >= ${r.min}`;
  if (r.max !== undefined) return ` and <= ${r.max}`;
  return '';
}
