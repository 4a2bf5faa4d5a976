import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LcsWorkspace } from './lcs.js';

/** LCS by the full table (rouge-score `_lcs_table`). */
function lcsTable(a: readonly number[], b: readonly number[]): number {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      t[i]![j] = a[i - 1] === b[j - 1] ? t[i - 1]![j - 1]! + 1 : Math.max(t[i - 1]![j]!, t[i]![j - 1]!);
  return t[a.length]![b.length]!;
}

describe('LcsWorkspace', () => {
  it('length (bit-parallel) equals the table, across word boundaries, one instance for all', () => {
    const lcs = new LcsWorkspace();
    const seq = (max: number) => fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: max });
    fc.assert(
      fc.property(fc.oneof(seq(8), seq(40), seq(140)), fc.oneof(seq(8), seq(40), seq(140)), (a, b) => {
        const want = lcsTable(a, b);
        const ia = Int32Array.from(a);
        const ib = Int32Array.from(b);
        expect(lcs.length(ia, a.length, ib, b.length, 4)).toBe(want);
      }),
      { numRuns: 1500 },
    );
    for (const n of [31, 32, 33, 63, 64, 65, 200]) {
      const a = Int32Array.from({ length: n }, (_, i) => i % 5);
      expect(lcs.length(a, n, a, n, 5)).toBe(n);
      expect(lcs.length(a, n, a.subarray(1), n - 1, 5)).toBe(n - 1);
    }
  });
});
