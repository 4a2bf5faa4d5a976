import { createRng } from '@mmre/core';
import { describe, expect, it } from 'vitest';
import { sacreBleuStats, sacreCorpusBleu } from './bleu-sacre.js';
import { microNer, type NerStats, nerStats } from './ner.js';
import {
  additiveStatistic,
  corpusBleuAdditive,
  meanStatistic,
  microF1Additive,
  pairedBootstrap,
  pairedBootstrapAll,
  pairedRandomization,
  pairedRandomizationAll,
  quantileSorted,
} from './paired.js';

function normal(rng: ReturnType<typeof createRng>): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const microF1 = (rows: readonly Pick<NerStats, 'tp' | 'fp' | 'fn'>[]) => microNer(rows).f1;
/** The mean of numeric rows as an additive statistic. */
const meanAdditive = additiveStatistic<number>(
  1,
  (x, out) => {
    out[0] = x;
  },
  (s, n) => (n === 0 ? null : (s[0] as number) / n),
);

describe('quantileSorted', () => {
  it('interpolates like numpy (type 7)', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0)).toBe(1);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
    expect(quantileSorted([10, 20], 0.25)).toBe(12.5);
  });
});

describe('pairedBootstrap / pairedRandomization', () => {
  const rng = createRng(99);
  const base = Array.from({ length: 200 }, () => normal(rng));

  it('identical systems: delta 0, CI [0, 0], p = 1', () => {
    const bs = pairedBootstrap(base, base, meanStatistic, { iterations: 500 });
    expect(bs).toEqual({ delta: 0, low: 0, high: 0, iterations: 500, valid: 500 });
    const ar = pairedRandomization(base, base, meanStatistic, { iterations: 500 });
    expect(ar).toEqual({ delta: 0, pValue: 1, iterations: 500, valid: 500 });
  });

  it('a clear difference: CI excludes 0 and p is small', () => {
    const r = createRng(5);
    const better = base.map((x) => x + 0.5 + 0.3 * normal(r));
    const bs = pairedBootstrap(better, base, meanStatistic, { iterations: 2000 });
    expect(bs.delta).toBeGreaterThan(0.4);
    expect(bs.low as number).toBeGreaterThan(0);
    expect(bs.low as number).toBeLessThan(bs.delta as number);
    expect(bs.high as number).toBeGreaterThan(bs.delta as number);
    const ar = pairedRandomization(better, base, meanStatistic, { iterations: 2000 });
    expect(ar.pValue).toBe(1 / 2001);
    // Swapping the systems flips the sign of delta and the interval, not p.
    const flipped = pairedBootstrap(base, better, meanStatistic, { iterations: 2000 });
    expect(flipped.delta).toBeCloseTo(-(bs.delta as number), 12);
    expect(flipped.high).toBeCloseTo(-(bs.low as number), 12);
    expect(pairedRandomization(base, better, meanStatistic, { iterations: 2000 }).pValue).toBe(ar.pValue);
  });

  it('is reproducible for a seed and changes with the seed', () => {
    const r = createRng(8);
    const other = base.map((x) => x + 0.1 * normal(r));
    const one = pairedBootstrap(other, base, meanStatistic, { iterations: 300, seed: 3 });
    expect(pairedBootstrap(other, base, meanStatistic, { iterations: 300, seed: 3 })).toEqual(one);
    expect(pairedBootstrap(other, base, meanStatistic, { iterations: 300, seed: 4 }).low).not.toBe(one.low);
    const p1 = pairedRandomization(other, base, meanStatistic, { iterations: 300, seed: 3 });
    expect(pairedRandomization(other, base, meanStatistic, { iterations: 300, seed: 3 })).toEqual(p1);
  });

  it('coverage sanity: the 90 % CI covers the true delta about 90 % of the time; null p-values are ~uniform', () => {
    const r = createRng(2024);
    const trueDelta = 0.3;
    let covered = 0;
    let rejectedUnderNull = 0;
    const reps = 120;
    for (let rep = 0; rep < reps; rep++) {
      const n = 60;
      const b = Array.from({ length: n }, () => normal(r));
      const a = b.map((x) => x + trueDelta + normal(r));
      const ci = pairedBootstrap(a, b, meanStatistic, { iterations: 400, seed: rep + 1, alpha: 0.1 });
      if ((ci.low as number) <= trueDelta && trueDelta <= (ci.high as number)) covered++;
      const a0 = b.map((x) => x + normal(r));
      const p = pairedRandomization(a0, b, meanStatistic, { iterations: 200, seed: rep + 1 }).pValue as number;
      if (p < 0.1) rejectedUnderNull++;
    }
    const coverage = covered / reps;
    expect(coverage).toBeGreaterThan(0.8);
    expect(coverage).toBeLessThan(0.97);
    expect(rejectedUnderNull / reps).toBeLessThan(0.2);
  });

  it('recomputes corpus statistics from resampled rows, which differs from averaging per-sample values', () => {
    // System a is perfect on one large sample and wrong on three tiny ones; b the other way round.
    const e = (t: string) => ({ label: 'person', text: t });
    const big = Array.from({ length: 20 }, (_, i) => e(`E${i}`));
    const small = [e('S')];
    const a = [nerStats(big, big), nerStats(small, []), nerStats(small, []), nerStats(small, [])];
    const b = [nerStats(big, []), nerStats(small, small), nerStats(small, small), nerStats(small, small)];
    const corpusDelta = microF1(a) - microF1(b);
    const meanDelta = (meanStatistic(a.map((s) => s.f1)) as number) - (meanStatistic(b.map((s) => s.f1)) as number);
    expect(corpusDelta).toBeGreaterThan(0); // micro F1 favours a (20 of 23 entities)
    expect(meanDelta).toBeLessThan(0); // per-sample average favours b (3 of 4 samples)
    const bs = pairedBootstrap(a, b, microF1, { iterations: 1000 });
    expect(bs.delta).toBe(corpusDelta);
    const bsMean = pairedBootstrap(
      a.map((s) => s.f1),
      b.map((s) => s.f1),
      meanStatistic,
      { iterations: 1000 },
    );
    expect(bsMean.delta).toBe(meanDelta);
    expect(bs.high).not.toBe(bsMean.high);
  });

  it('skips resamples where the statistic is undefined', () => {
    // accuracy-like statistic, undefined when the resample has no gold
    const rows = [
      { correct: 1, gold: 1 },
      { correct: 0, gold: 0 },
      { correct: 0, gold: 0 },
    ];
    const acc = (rs: readonly { correct: number; gold: number }[]) => {
      let c = 0;
      let g = 0;
      for (const x of rs) {
        c += x.correct;
        g += x.gold;
      }
      return g > 0 ? c / g : null;
    };
    const bs = pairedBootstrap(rows, rows, acc, { iterations: 500 });
    expect(bs.valid).toBeLessThan(500);
    expect(bs.valid).toBeGreaterThan(300); // P(no gold row) = (2/3)^3 ≈ 0.30
    expect(pairedBootstrap(rows.slice(1), rows.slice(1), acc, { iterations: 10 })).toMatchObject({
      delta: null,
      low: null,
      valid: 0,
    });
  });

  it('validates its inputs', () => {
    expect(() => pairedBootstrap([1], [1, 2], meanStatistic)).toThrow(/same samples/);
    expect(() => pairedRandomization([1], [1], meanStatistic, { iterations: 0 })).toThrow(/iterations/);
    expect(() => pairedBootstrap([1], [1], meanStatistic, { alpha: 1 })).toThrow(/alpha/);
  });
});

describe('additive statistics (fast path)', () => {
  it('give exactly the results of the function form on the same rows', () => {
    const r = createRng(11);
    const e = (k: number) => ({ label: 'person', text: `E${k}` });
    const rows = (miss: number) =>
      Array.from({ length: 80 }, () => {
        const gold = Array.from({ length: 1 + r.int(4) }, () => e(r.int(20)));
        const pred = gold.filter(() => r.next() > miss);
        if (r.next() < 0.3) pred.push(e(r.int(20)));
        return nerStats(gold, pred);
      });
    const a = rows(0.2);
    const b = rows(0.4);
    expect(pairedBootstrap(a, b, microF1Additive, { iterations: 300, seed: 9 })).toEqual(
      pairedBootstrap(a, b, microF1, { iterations: 300, seed: 9 }),
    );
    expect(pairedRandomization(a, b, microF1Additive, { iterations: 300, seed: 9 })).toEqual(
      pairedRandomization(a, b, microF1, { iterations: 300, seed: 9 }),
    );
    const xs = Array.from({ length: 50 }, () => normal(r));
    const ys = xs.map((x) => x + 0.2 * normal(r));
    const fn = pairedBootstrap(xs, ys, meanStatistic, { iterations: 200 });
    const add = pairedBootstrap(xs, ys, meanAdditive, { iterations: 200 });
    expect(add.valid).toBe(fn.valid);
    expect(add.low as number).toBeCloseTo(fn.low as number, 12);
  });
  it('corpus BLEU from summed stats equals sacreCorpusBleu', () => {
    const preds = ['the cat sat on the mat', 'a dog', 'hello world again'];
    const refs = ['the cat is on the mat', 'a dog barked', 'hello there world'];
    const stats = preds.map((p, i) => sacreBleuStats(p, refs[i] as string));
    const bs = pairedBootstrap(stats, stats, corpusBleuAdditive, { iterations: 10 });
    expect(bs.delta).toBe(0);
    const sums = new Float64Array(10);
    const tmp = new Float64Array(10);
    for (const s of stats) {
      corpusBleuAdditive.vector(s, tmp);
      for (let j = 0; j < 10; j++) sums[j] = (sums[j] as number) + (tmp[j] as number);
    }
    expect(
      Math.abs((corpusBleuAdditive.fromSums(sums, 3) as number) - sacreCorpusBleu(preds, refs).score),
    ).toBeLessThan(1e-9);
  });
});

describe('pairedBootstrapAll / pairedRandomizationAll (several statistics, one pass)', () => {
  it('give result for result exactly what one call per statistic gives, in any order of the statistics', () => {
    const r = createRng(5);
    type Row = { tp: number; fp: number; fn: number; v: number; correct: number; gold: number };
    const rows = (n: number, skew: number): Row[] =>
      Array.from({ length: n }, () => {
        const gold = r.int(3);
        return {
          tp: r.int(4),
          fp: r.int(3 + skew),
          fn: r.int(3),
          v: normal(r) + skew,
          correct: gold ? r.int(gold + 1) : 0,
          gold,
        };
      });
    const f1 = additiveStatistic<Row>(
      3,
      (x, out) => {
        out[0] = x.tp;
        out[1] = x.fp;
        out[2] = x.fn;
      },
      (s) => {
        const d = 2 * (s[0] as number) + (s[1] as number) + (s[2] as number);
        return d === 0 ? null : (2 * (s[0] as number)) / d;
      },
    );
    const mean = additiveStatistic<Row>(
      1,
      (x, out) => {
        out[0] = x.v;
      },
      (s, n) => (n === 0 ? null : (s[0] as number) / n),
    );
    // undefined (null) on some resamples: no gold pair drawn
    const acc = additiveStatistic<Row>(
      2,
      (x, out) => {
        out[0] = x.correct;
        out[1] = x.gold;
      },
      (s) => ((s[1] as number) === 0 ? null : (s[0] as number) / (s[1] as number)),
    );
    // undefined on the full sample: no p-value, and the other statistics are not disturbed
    const never = additiveStatistic<Row>(
      1,
      () => {},
      () => null,
    );
    for (const [n, iterations, seed] of [
      [1, 50, 1],
      [7, 400, 2],
      [120, 300, 3],
    ] as const) {
      const a = rows(n, 0);
      const b = rows(n, 1);
      for (const order of [
        [f1, mean, acc, never],
        [never, acc, mean, f1],
        [acc, f1],
      ]) {
        const bs = pairedBootstrapAll(a, b, order, { iterations, seed, alpha: 0.1 });
        const rt = pairedRandomizationAll(a, b, order, { iterations, seed });
        order.forEach((st, i) => {
          expect(bs[i]).toEqual(pairedBootstrap(a, b, st, { iterations, seed, alpha: 0.1 }));
          expect(rt[i]).toEqual(pairedRandomization(a, b, st, { iterations, seed }));
        });
      }
    }
    expect(pairedBootstrapAll([], [], [], {})).toEqual([]);
    expect(() => pairedBootstrapAll([1], [], [meanAdditive])).toThrow(/same samples/);
  });
});
