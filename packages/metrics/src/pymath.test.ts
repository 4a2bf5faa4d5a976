import { describe, expect, it } from 'vitest';
import { fsum, ratioToDouble } from './pymath.js';

describe('exact arithmetic helpers', () => {
  it('fsum is correctly rounded like math.fsum', () => {
    expect(fsum([1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50])).toBe(1e-100);
    expect(fsum(new Array(10).fill(0.1))).toBe(1);
    expect(fsum([])).toBe(0);
  });

  it('ratioToDouble rounds big ratios like Python int / int', () => {
    expect(ratioToDouble(10n ** 30n + 1n, 3n * 10n ** 29n)).toBe(3.3333333333333335);
    expect(ratioToDouble(2n ** 60n + 3n, 7n)).toBe(1.647030720866924e17);
    expect(ratioToDouble(-6n, 4n)).toBe(-1.5);
    expect(ratioToDouble(0n, 5n)).toBe(0);
    // half-way cases round to even
    expect(ratioToDouble(2n ** 54n + 2n, 2n)).toBe(2 ** 53);
    expect(ratioToDouble(2n ** 54n + 6n, 2n)).toBe(2 ** 53 + 4);
  });
});
