// bench/lib/growth.ts: the per-row cost between two bench sizes, with the fixed part cancelled out.
import { describe, expect, it } from 'vitest';
import { marginalCosts, type SizePoint } from '../bench/lib/growth.ts';

/** A run of `rows` rows that costs `fixedS` once and `msPerRow` per row. */
const run = (fixedS: number, msPerRow: number, rows: number) => ({
  ok: true,
  wallS: fixedS + (msPerRow * rows) / 1000,
});
const point = (n: number, ours: SizePoint['ours'], floor: SizePoint['floor']): SizePoint => ({
  n,
  rows: n * 3,
  ours,
  floor,
});

/** The i-th item, which the test expects to be there. */
function at<T>(xs: readonly T[], i: number): T {
  const x = xs[i];
  if (x === undefined) throw new Error(`expected an item at ${i}, got ${xs.length}`);
  return x;
}

describe('marginalCosts', () => {
  it('recovers the per-row and fixed costs of two linear runs, whose plain ratio still rises with size', () => {
    // ours: 2 s fixed, 5 ms a row; floor: 5 s fixed, 2.5 ms a row → per-row ratio 2 at every size
    const sizes = [500, 1660, 5533];
    const points = sizes.map((n) => point(n, run(2, 5, n * 3), run(5, 2.5, n * 3)));
    const plain = points.map((p) => (p.ours?.wallS ?? 0) / (p.floor?.wallS ?? 1));
    expect(at(plain, 0)).toBeLessThan(at(plain, 1));
    expect(at(plain, 1)).toBeLessThan(at(plain, 2));
    const m = marginalCosts(points);
    expect(m.map((x) => [x.from, x.to])).toEqual([
      [500, 1660],
      [1660, 5533],
    ]);
    for (const x of m) {
      expect(x.oursMsPerRow).toBeCloseTo(5, 9);
      expect(x.floorMsPerRow).toBeCloseTo(2.5, 9);
      expect(x.ratio).toBeCloseTo(2, 9);
      expect(x.oursFixedS).toBeCloseTo(2, 9);
      expect(x.floorFixedS).toBeCloseTo(5, 9);
    }
  });

  it('shows a per-row cost that grows with size (superlinear) as a rising ratio', () => {
    const points = [
      point(500, { ok: true, wallS: 10 }, { ok: true, wallS: 10 }),
      point(1660, { ok: true, wallS: 30 }, { ok: true, wallS: 20 }),
      point(5533, { ok: true, wallS: 130 }, { ok: true, wallS: 50 }),
    ];
    const m = marginalCosts(points);
    const a = at(m, 0);
    const b = at(m, 1);
    expect(a.ratio).toBeCloseTo(20 / 10, 9);
    expect(b.ratio).toBeCloseTo(100 / 30, 9);
    expect(b.ratio).toBeGreaterThan(a.ratio);
  });

  it('sorts by rows and leaves out sizes with a failed or missing run', () => {
    const points = [
      point(5533, run(2, 5, 16599), run(5, 2.5, 16599)),
      point(1660, { ok: false, wallS: 1 }, run(5, 2.5, 4980)),
      point(500, run(2, 5, 1500), run(5, 2.5, 1500)),
      point(300, run(2, 5, 900), null),
    ];
    const m = marginalCosts(points);
    expect(m).toHaveLength(1);
    expect([at(m, 0).from, at(m, 0).to]).toEqual([500, 5533]);
    expect(at(m, 0).ratio).toBeCloseTo(2, 9);
  });

  it('gives no ratio when the floor did not grow between the sizes', () => {
    const x = at(
      marginalCosts([
        point(500, { ok: true, wallS: 10 }, { ok: true, wallS: 9 }),
        point(1660, { ok: true, wallS: 30 }, { ok: true, wallS: 8 }),
      ]),
      0,
    );
    expect(Number.isNaN(x.ratio)).toBe(true);
    expect(x.oursMsPerRow).toBeCloseTo((20 / 3480) * 1000, 9);
  });
});
