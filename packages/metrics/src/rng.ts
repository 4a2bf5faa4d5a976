import { mulberry32Uint32 } from '@mmre/core';

/**
 * A small seedable PRNG for the paired statistics: **mulberry32** (Tommy Ettinger, public domain),
 * 32-bit state, period 2^32, passes gjrand/PractRand to a few GB: plenty for resampling.
 *
 * The seed is any finite number; it is reduced to an unsigned 32-bit integer (`seed >>> 0` after
 * truncation), so `createRng(1)` gives the same stream on every platform and run.
 */
export interface Rng {
  /** Next unsigned 32-bit integer. */
  nextUint32(): number;
  /** Next float in [0, 1) (a 32-bit value / 2^32). */
  next(): number;
  /** Next integer in [0, n), for 1 ≤ n ≤ 2^32 (multiply-shift, bias < n / 2^32). */
  int(n: number): number;
}

export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`createRng: seed must be a finite number, got ${seed}`);
  const nextUint32 = mulberry32Uint32(seed);
  return {
    nextUint32,
    next: () => nextUint32() / 4294967296,
    int: (n: number) => Math.floor((nextUint32() / 4294967296) * n),
  };
}
