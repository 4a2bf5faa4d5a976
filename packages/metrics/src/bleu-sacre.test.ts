import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BleuStats,
  sacreBleuFromStats,
  sacreBleuStats,
  sacreCorpusBleu,
  sacreSentenceBleu,
  sumBleuStats,
  tokenize13aTokens,
} from './bleu-sacre.js';
import { pyRstrip } from './pysplit.js';

const pyRstripForTest = pyRstrip;

/** Clipped n-gram matches by brute force on token strings (independent of the id/hash machinery). */
function directCounts(hyp: string[], ref: string[]): { counts: number[]; totals: number[] } {
  const counts: number[] = [];
  const totals: number[] = [];
  for (let n = 1; n <= 4; n++) {
    const count = (xs: string[]) => {
      const m = new Map<string, number>();
      for (let i = 0; i + n <= xs.length; i++) {
        const k = xs.slice(i, i + n).join('\u0000');
        m.set(k, (m.get(k) ?? 0) + 1);
      }
      return m;
    };
    const r = count(ref);
    let want = 0;
    for (const [k, v] of count(hyp)) want += Math.min(v, r.get(k) ?? 0);
    counts.push(want);
    totals.push(Math.max(0, hyp.length - n + 1));
  }
  return { counts, totals };
}

describe('sacreBleuStats', () => {
  it('counts clipped matches of the 13a tokens (incl. lone surrogates and Python whitespace)', () => {
    const alphabet = fc.constantFrom(
      'a',
      'b',
      'ab',
      '.',
      ',',
      '-',
      '1',
      ' ',
      '\n',
      'é',
      'é.',
      '日本',
      '😀',
      '\u00a0',
      '\u0085',
      '\u2028',
      '\u3000',
      '\u1680',
      '\u2009',
      '\ufeff',
      '\ud83d',
      '\ude00',
      '&amp;',
    );
    const text = fc.array(alphabet, { maxLength: 25 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text, text, (p, r) => {
        const got = sacreBleuStats(p, r);
        const hyp = tokenize13aTokens(pyRstripForTest(p));
        const ref = tokenize13aTokens(pyRstripForTest(r));
        expect(got).toEqual({ ...directCounts(hyp, ref), sysLen: hyp.length, refLen: ref.length });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('sacreBleuStats on near-identical tokens and repeated n-grams', () => {
  // Words of 6..11 characters over a two-letter alphabet share prefixes, suffixes and lengths, and a
  // small vocabulary makes repeated n-grams common.
  it('agrees with counting on token strings for near-identical long tokens and repeated n-grams', () => {
    const word = fc.oneof(
      fc.array(fc.constantFrom('x', 'y'), { minLength: 6, maxLength: 11 }).map((a) => a.join('')),
      fc.constantFrom('the', 'a', '.', 'é', 'xé', 'xxxxxxxé', 'yyyyyyyyé', '5.00', '10,000'),
    );
    const text = fc.array(word, { maxLength: 30 }).map((a) => a.join(' '));
    fc.assert(
      fc.property(text, text, fc.boolean(), (p, r, copy) => {
        // half the time the hypothesis repeats a stretch of the reference (long matches, clipping)
        const hypText = copy ? `${r.slice(0, r.length >> 1)} ${p} ${r.slice(r.length >> 2)}` : p;
        const got = sacreBleuStats(hypText, r);
        const hyp = tokenize13aTokens(pyRstripForTest(hypText));
        const ref = tokenize13aTokens(pyRstripForTest(r));
        expect(got).toEqual({ ...directCounts(hyp, ref), sysLen: hyp.length, refLen: ref.length });
      }),
      { numRuns: 1500 },
    );
  });
});

describe('sacreBleuFromStats (sacrebleu BLEU.compute_bleu)', () => {
  // Expected values from sacrebleu 2.6.0.
  it('exp smoothing with effective order: a short exact prefix', () => {
    const r = sacreSentenceBleu('the cat', 'the cat sat on the mat');
    expect(r.counts).toEqual([2, 1, 0, 0]);
    expect(r.totals).toEqual([2, 1, 0, 0]);
    expect(r.precisions).toEqual([100, 100, 0, 0]);
    expect(r.bp).toBeCloseTo(0.1353352832366127, 15);
    expect(r.score).toBeCloseTo(13.533528323661276, 12);
    expect(sacreSentenceBleu('the cat', 'the cat sat on the mat', { effectiveOrder: false }).score).toBe(0);
  });

  it('add-k adds k to orders 2..4 and reports the added counts', () => {
    const stats = sacreBleuStats('the cat', 'the cat sat on the mat');
    const before = JSON.stringify(stats);
    const r = sacreBleuFromStats(stats, { smoothMethod: 'add-k', effectiveOrder: true });
    expect(r.counts).toEqual([2, 2, 1, 1]);
    expect(r.totals).toEqual([2, 2, 1, 1]);
    expect(r.precisions).toEqual([100, 100, 100, 100]);
    expect(r.score).toBeCloseTo(13.533528323661276, 12);
    expect(JSON.stringify(stats)).toBe(before); // the input is not modified
  });

  it('floor smoothing', () => {
    const r = sacreSentenceBleu('the dog sat on a mat', 'the cat sat on the mat', { smoothMethod: 'floor' });
    expect(r.counts).toEqual([4, 1, 0, 0]);
    expect(r.totals).toEqual([6, 5, 4, 3]);
    expect(r.precisions[2]).toBeCloseTo(2.5, 14);
    expect(r.precisions[3]).toBeCloseTo(3.3333333333333335, 14);
    expect(r.score).toBeCloseTo(10.266900960803408, 11);
  });

  it('exp smoothing halves again for each order without a match', () => {
    const stats: BleuStats = { counts: [3, 0, 0, 0], totals: [4, 3, 2, 1], sysLen: 4, refLen: 4 };
    const r = sacreBleuFromStats(stats);
    expect(r.precisions).toEqual([75, 100 / (2 * 3), 100 / (4 * 2), 100 / (8 * 1)]);
    expect(sacreBleuFromStats(stats, { smoothMethod: 'none' }).score).toBe(0);
  });

  it('handles empty sides like sacrebleu', () => {
    const emptyPred = sacreSentenceBleu('', 'a b c');
    expect([emptyPred.score, emptyPred.bp, emptyPred.sys_len, emptyPred.ref_len]).toEqual([0, 0, 0, 3]);
    const emptyRef = sacreSentenceBleu('a b', '');
    expect([emptyRef.score, emptyRef.bp, emptyRef.sys_len, emptyRef.ref_len]).toEqual([0, 1, 2, 0]);
    const both = sacreSentenceBleu('  ', '');
    expect([both.score, both.bp]).toEqual([0, 1]);
    expect(sacreSentenceBleu('x y', 'a b').precisions).toEqual([0, 0, 0, 0]);
  });

  it('scores an identical pair 100 up to exp/log rounding', () => {
    expect(sacreSentenceBleu('The cat sat on the mat.', 'The cat sat on the mat.').score).toBeCloseTo(100, 12);
  });

  it('rejects statistics without four orders', () => {
    expect(() => sacreBleuFromStats({ counts: [1], totals: [1], sysLen: 1, refLen: 1 })).toThrow(/4 entries/);
  });

  it('rejects an unknown smoothing method', () => {
    expect(() =>
      sacreBleuFromStats(
        { counts: [1, 0, 0, 0], totals: [1, 0, 0, 0], sysLen: 1, refLen: 1 },
        { smoothMethod: 'x' as 'exp' },
      ),
    ).toThrow(/smoothMethod/);
  });
});

describe('corpus BLEU', () => {
  const preds = ['The cat sat on the mat.', 'A dog barked, loudly.', '', 'U.S. 10,000 $5.00'];
  const refs = ['The cat is on the mat.', 'The dog barked loudly!', 'Nothing.', 'U.S. 10,000 $5.00'];

  it('is BLEU of the summed statistics, without effective order', () => {
    const summed = sumBleuStats(preds.map((p, i) => sacreBleuStats(p, refs[i]!)));
    expect(sacreCorpusBleu(preds, refs)).toEqual(
      sacreBleuFromStats(summed, { smoothMethod: 'exp', effectiveOrder: false }),
    );
    expect(summed.sysLen).toBe(preds.reduce((s, p) => s + tokenize13aTokens(p).length, 0));
  });

  it('requires one reference per prediction', () => {
    expect(() => sacreCorpusBleu(['a'], [])).toThrow(/one reference per prediction/);
  });
});
