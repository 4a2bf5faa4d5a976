/**
 * The project's one seedable PRNG: **mulberry32** (Tommy Ettinger, public domain). 32-bit state,
 * period 2^32; the same seed gives the same stream on every platform and Node version. Splits,
 * shuffles, k-shot choice, bootstrap resampling, fuzzing, fixtures and benchmarks all use it.
 */

/** A generator of unsigned 32-bit integers; `seed` is truncated and reduced to 32 bits. */
export function mulberry32Uint32(seed: number): () => number {
  let state = Math.trunc(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** A generator of floats in [0, 1): each a 32-bit value / 2^32. */
export function mulberry32(seed: number): () => number {
  const next = mulberry32Uint32(seed);
  return () => next() / 4294967296;
}

/**
 * A seedable PRNG with the draws the paired statistics use, over `mulberry32Uint32(seed)`: the seed is
 * any finite number, truncated and reduced to an unsigned 32-bit integer, so `createRng(1)` gives the
 * same stream on every platform and run.
 */
export interface Rng {
  /** Next unsigned 32-bit integer. */
  nextUint32(): number;
  /** Next float in [0, 1) (a 32-bit value / 2^32). */
  next(): number;
  /** Next integer in [0, n), for 1 ≤ n ≤ 2^32: `Math.floor((u32 / 2^32) * n)` (multiply-shift, bias < n / 2^32). */
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
