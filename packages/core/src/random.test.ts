import { describe, expect, it } from 'vitest';
import { createRng, mulberry32, mulberry32Uint32 } from './random.js';

describe('mulberry32', () => {
  it('floats are the 32-bit values / 2^32', () => {
    const u = mulberry32Uint32(9);
    const f = mulberry32(9);
    for (let i = 0; i < 100; i++) expect(f()).toBe(u() / 4294967296);
  });
});

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

  it('keeps the streams of the paired statistics: int(n) = floor(u32 / 2^32 * n), next() = u32 / 2^32', () => {
    // Values of createRng as it was in @mmre/metrics (the bootstrap/randomization draws of the report).
    const r = createRng(1);
    expect(Array.from({ length: 8 }, () => r.int(2000))).toEqual([1254, 5, 1054, 1962, 1936, 562, 1225, 1441]);
    const f = createRng(42);
    expect(Array.from({ length: 4 }, () => f.next())).toEqual([
      0.6011037519201636, 0.44829055899754167, 0.8524657934904099, 0.6697340414393693,
    ]);
    // the seed is truncated, then reduced to 32 bits
    const neg = createRng(-7.9);
    expect([neg.nextUint32(), neg.nextUint32()]).toEqual([1860010037, 1397564179]);
    const same = createRng(4294967289);
    expect([same.nextUint32(), same.nextUint32()]).toEqual([1860010037, 1397564179]);
    const u = mulberry32Uint32(77);
    const g = createRng(77);
    for (const n of [1, 2, 3, 7, 1000, 2 ** 31, 2 ** 32]) expect(g.int(n)).toBe(Math.floor((u() / 4294967296) * n));
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
    expect(() => createRng(Number.POSITIVE_INFINITY)).toThrow(/seed/);
  });
});
