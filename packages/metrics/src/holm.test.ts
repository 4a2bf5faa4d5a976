import { describe, expect, it } from 'vitest';
import { holmAdjust } from './holm.js';

/** Brute force from the definition: adjusted p(i) = max_{j ≤ i} min(1, (m − j + 1) p(j)) over the sorted p. */
function reference(ps: readonly (number | null)[]): (number | null)[] {
  const idx = ps.map((p, i) => [p, i] as const).filter((x): x is readonly [number, number] => x[0] !== null);
  const sorted = [...idx].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const m = sorted.length;
  const out: (number | null)[] = ps.map(() => null);
  sorted.forEach(([, i], k) => {
    let v = 0;
    for (let j = 0; j <= k; j++) v = Math.max(v, Math.min(1, (m - j) * (sorted[j] as readonly [number, number])[0]));
    out[i] = v;
  });
  return out;
}

describe('holmAdjust', () => {
  it('matches statsmodels multipletests(method="holm") on a worked example', () => {
    // statsmodels 0.14: multipletests([0.01, 0.04, 0.03, 0.005], method='holm')[1] → [0.03, 0.06, 0.06, 0.02]
    const got = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    expect(got.map((x) => Number((x as number).toFixed(12)))).toEqual([0.03, 0.06, 0.06, 0.02]);
  });

  it('keeps nulls out of the family and caps at 1', () => {
    expect(holmAdjust([null, 0.6, null, 0.2])).toEqual([null, 0.6, null, 0.4]);
    expect(holmAdjust([0.9, 0.8])).toEqual([1, 1]);
    expect(holmAdjust([])).toEqual([]);
    expect(holmAdjust([0.3])).toEqual([0.3]);
  });

  it('equals the brute-force definition on random families, is monotone in p and never below the raw p', () => {
    let s = 12345;
    const rnd = () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648;
    };
    for (let t = 0; t < 500; t++) {
      const n = 1 + Math.floor(rnd() * 12);
      const ps = Array.from({ length: n }, () => (rnd() < 0.15 ? null : rnd() < 0.2 ? 0.05 : rnd()));
      const got = holmAdjust(ps);
      expect(got).toEqual(reference(ps));
      ps.forEach((p, i) => {
        if (p === null) return;
        expect(got[i] as number).toBeGreaterThanOrEqual(p);
        ps.forEach((q, j) => {
          if (q !== null && q <= p) expect(got[j] as number).toBeLessThanOrEqual(got[i] as number);
        });
      });
    }
  });

  it('refuses a value that is not a probability', () => {
    expect(() => holmAdjust([0.1, 1.5])).toThrow(/p-value 1 is 1.5/);
    expect(() => holmAdjust([Number.NaN])).toThrow(RangeError);
  });
});
