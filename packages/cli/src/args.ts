import { InvalidArgumentError } from 'commander';

// The parsers of the commands' numeric options, in one place. Each throws commander's
// InvalidArgumentError, which commander prints as "error: option '--x <n>' argument 'abc' is invalid.
// <message>" and exits 1 — never a stack trace.

/** An integer ≥ 0 written as digits (`--seed`, `--min-segments`): `0`, `42`; not `-1`, `1.5`, `1e3`. */
export function wholeNumber(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`${name} must be a whole number, got "${value}"`);
    return Number(value);
  };
}

/** An integer ≥ 1 (`--bootstrap`). */
export function positiveInteger(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < 1)
      throw new InvalidArgumentError(`${name} must be a positive integer, got "${value}"`);
    return n;
  };
}

/** Any integer, negative included (`mmre report --seed`). */
export function integer(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n)) throw new InvalidArgumentError(`must be an integer, got "${value}"`);
  return n;
}

/** A number strictly between 0 and 1 (`--alpha`). */
export function fraction(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`must be a number between 0 and 1, e.g. 0.05, got "${value}"`);
  return n;
}

/** A split ratio, parts separated by `:` (`--ratio`): `7:3`, `8:1:1`, `0.7:0.3`; at least two parts, a positive sum. */
export function ratio(value: string): string {
  const v = value.trim();
  if (!/^\d+(\.\d+)?(:\d+(\.\d+)?)+$/.test(v) || !v.split(':').some((p) => Number(p) > 0))
    throw new InvalidArgumentError(`must be two or more numbers separated by ":", e.g. 7:3 or 8:1:1, got "${value}"`);
  return v;
}
