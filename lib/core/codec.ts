// The one JSON codec of everything cached: numbers that JSON cannot hold (Infinity, −Infinity, NaN: a
// top-hat KDE's NLL, a metric not recorded) and Float64Arrays round-trip exactly.
const NONFINITE = '$nonfinite';
const F64 = '$f64';

export function encode(value: unknown): string {
  return JSON.stringify(value, function (key, v) {
    const raw = (this as Record<string, unknown>)[key];
    if (raw instanceof Float64Array) return { [F64]: Array.from(raw, (x) => (Number.isFinite(x) ? x : { [NONFINITE]: String(x) })) };
    if (typeof v === 'number' && !Number.isFinite(v)) return { [NONFINITE]: String(v) };
    return v;
  });
}

export function decode(text: string): unknown {
  return JSON.parse(text, (_key, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      if (NONFINITE in v) return Number(v[NONFINITE]);
      if (F64 in v && Array.isArray(v[F64])) return Float64Array.from(v[F64] as number[]);
    }
    return v;
  });
}
