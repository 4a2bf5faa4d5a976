import { describe, expect, it } from 'vitest';
import { createRng } from './rng.js';

describe('createRng (mulberry32)', () => {
  it('is reproducible for a seed and differs between seeds', () => {
    const a = createRng(1);
    const b = createRng(1);
    const c = createRng(2);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
  });
  it('matches an independent mulberry32 implementation (Python, 32-bit arithmetic)', () => {
    const r = createRng(12345);
    expect(Array.from({ length: 5 }, () => r.nextUint32())).toEqual([
      4207900869, 1317490944, 2079646450, 3513001552, 2187978186,
    ]);
    const r1 = createRng(1);
    expect(Array.from({ length: 3 }, () => r1.nextUint32())).toEqual([2693262067, 11749833, 2265367787]);
  });
  it('gives roughly uniform floats and ints in range', () => {
    const r = createRng(7);
    const buckets = new Array(10).fill(0);
    let outOfRange = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = r.next();
      if (!(x >= 0 && x < 1)) outOfRange++;
      else buckets[Math.floor(x * 10)]++;
    }
    expect(outOfRange).toBe(0);
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
    for (let i = 0; i < 1000; i++) {
      const k = r.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
  });
  it('rejects a non-finite seed', () => {
    expect(() => createRng(Number.NaN)).toThrow(/seed/);
  });
});
