import { createRng } from './rng.js';

/**
 * Recomputes a corpus value from a list of per-sample rows (sufficient statistics): the mean for a
 * mean-type metric, BLEU from summed n-gram stats, micro F1 from summed tp/fp/fn, …
 * May return null when the value is undefined for that row list (e.g. accuracy with no gold pair).
 * The array passed in is reused between calls: read it, do not keep it.
 */
export type PairedStatistic<T> = (rows: readonly T[]) => number | null;

export interface BootstrapOptions {
  /** Number of bootstrap resamples (default 10,000). */
  iterations?: number;
  /** Seed of the `createRng` stream (default 1). */
  seed?: number;
  /** 1 − confidence level (default 0.05 → 95 % interval). */
  alpha?: number;
}

export interface BootstrapResult {
  /** statistic(a) − statistic(b) on the full sample; null when either is undefined. */
  delta: number | null;
  /** Lower percentile bound of the delta (quantile alpha/2); null when no resample was valid. */
  low: number | null;
  /** Upper percentile bound (quantile 1 − alpha/2); null when no resample was valid. */
  high: number | null;
  /** Resamples drawn. */
  iterations: number;
  /** Resamples where both statistics were defined (the interval is computed from these). */
  valid: number;
}

export interface RandomizationOptions {
  /** Number of random relabellings (default 10,000). */
  iterations?: number;
  /** Seed of the `createRng` stream (default 1). */
  seed?: number;
}

export interface RandomizationResult {
  /** statistic(a) − statistic(b); null when either is undefined. */
  delta: number | null;
  /** Two-sided p = (#{|d*| ≥ |d|} + 1) / (valid + 1); null when delta is undefined. */
  pValue: number | null;
  /** Relabellings drawn. */
  iterations: number;
  /** Relabellings where both statistics were defined (the p-value is computed from these). */
  valid: number;
}

function checkInputs(a: readonly unknown[], b: readonly unknown[], iterations: number, where: string): void {
  if (a.length !== b.length)
    throw new RangeError(
      `${where}: a and b must hold the same samples in the same order (got ${a.length} and ${b.length} rows)`,
    );
  if (!Number.isInteger(iterations) || iterations < 1)
    throw new RangeError(`${where}: iterations must be a positive integer, got ${iterations}`);
}

/** Quantile with linear interpolation between order statistics (numpy's default, "type 7"). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const vlo = sorted[lo] as number;
  return vlo + (h - lo) * ((sorted[hi] as number) - vlo);
}

/**
 * Paired bootstrap confidence interval of statistic(a) − statistic(b) (percentile method).
 * a[i] and b[i] are the sufficient statistics of the SAME sample i under two systems (a = joint,
 * b = single). Each resample draws n sample indices with replacement and uses the same indices for
 * both systems, then recomputes the corpus statistic of each system from the resampled rows, so it
 * is valid for corpus-level metrics (BLEU, micro F1), not only for means.
 */
export function pairedBootstrap<T>(
  a: readonly T[],
  b: readonly T[],
  statistic: PairedStatistic<T>,
  options: BootstrapOptions = {},
): BootstrapResult {
  const { iterations = 10_000, seed = 1, alpha = 0.05 } = options;
  checkInputs(a, b, iterations, 'pairedBootstrap');
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`pairedBootstrap: alpha must be in (0, 1), got ${alpha}`);
  const sa = statistic(a);
  const sb = statistic(b);
  const delta = sa === null || sb === null ? null : sa - sb;
  const n = a.length;
  const rng = createRng(seed);
  const ra: T[] = new Array(n);
  const rb: T[] = new Array(n);
  const deltas = new Float64Array(iterations);
  let valid = 0;
  for (let it = 0; it < iterations; it++) {
    for (let k = 0; k < n; k++) {
      const i = rng.int(n);
      ra[k] = a[i] as T;
      rb[k] = b[i] as T;
    }
    const x = statistic(ra);
    const y = statistic(rb);
    if (x === null || y === null || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    deltas[valid++] = x - y;
  }
  if (valid === 0) return { delta, low: null, high: null, iterations, valid };
  const sorted = deltas.subarray(0, valid).sort();
  return {
    delta,
    low: quantileSorted(sorted, alpha / 2),
    high: quantileSorted(sorted, 1 - alpha / 2),
    iterations,
    valid,
  };
}

/**
 * Paired approximate-randomization test of H0 "a and b are exchangeable per sample": each
 * iteration swaps a[i] and b[i] with probability 1/2 for every sample i, recomputes the corpus
 * statistics, and counts |d*| ≥ |d| (two-sided; a relative tolerance of 1e-12 absorbs
 * floating-point noise in sums taken in another order). p = (count + 1) / (valid + 1).
 */
export function pairedRandomization<T>(
  a: readonly T[],
  b: readonly T[],
  statistic: PairedStatistic<T>,
  options: RandomizationOptions = {},
): RandomizationResult {
  const { iterations = 10_000, seed = 1 } = options;
  checkInputs(a, b, iterations, 'pairedRandomization');
  const sa = statistic(a);
  const sb = statistic(b);
  if (sa === null || sb === null) return { delta: null, pValue: null, iterations, valid: 0 };
  const delta = sa - sb;
  const threshold = Math.abs(delta) - 1e-12 * Math.max(1, Math.abs(delta));
  const n = a.length;
  const rng = createRng(seed);
  const ra: T[] = new Array(n);
  const rb: T[] = new Array(n);
  let count = 0;
  let valid = 0;
  for (let it = 0; it < iterations; it++) {
    let bits = 0;
    for (let i = 0; i < n; i++) {
      if ((i & 31) === 0) bits = rng.nextUint32();
      const swap = (bits >>> (i & 31)) & 1;
      ra[i] = (swap ? b[i] : a[i]) as T;
      rb[i] = (swap ? a[i] : b[i]) as T;
    }
    const x = statistic(ra);
    const y = statistic(rb);
    if (x === null || y === null || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    valid++;
    if (Math.abs(x - y) >= threshold) count++;
  }
  return { delta, pValue: (count + 1) / (valid + 1), iterations, valid };
}

/** Convenience statistic: the mean of numeric rows (null for no rows). */
export function meanStatistic(rows: readonly number[]): number | null {
  if (rows.length === 0) return null;
  let s = 0;
  for (const x of rows) s += x;
  return s / rows.length;
}
