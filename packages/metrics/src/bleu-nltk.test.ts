import { describe, expect, it } from 'vitest';
import { nltkBleuFromStats, nltkBleuStats, nltkCorpusBleu, nltkSentenceBleu, sumNltkBleuStats } from './bleu-nltk.js';

// Expected values from NLTK's nltk.translate.bleu_score (sentence_bleu / corpus_bleu, SmoothingFunction()).
describe('nltkSentenceBleu', () => {
  it('without smoothing: sys.float_info.min for orders without a match, one warning each', () => {
    expect(nltkSentenceBleu('the cat sat', 'the cat sat')).toEqual({ score: 1.2213386697554703e-77, warnings: 1 });
    const one = nltkSentenceBleu('cat', 'cat');
    expect(one.warnings).toBe(3);
    expect(one.score).toBeCloseTo(1.821831989445342e-231, 240);
    expect(one.score).toBeGreaterThan(0);
  });

  it('returns 0 without a warning when no unigram matches (empty sides included)', () => {
    for (const [p, r] of [
      ['', 'a b'],
      ['a b', ''],
      ['', ''],
      [' \t ', 'x'],
      ['x y', 'a b'],
    ] as const) {
      for (const smoothing of ['none', 'method1', 'method4', 'method7'] as const) {
        expect(nltkSentenceBleu(p, r, { smoothing })).toEqual({ score: 0, warnings: 0 });
      }
    }
  });

  it('method4 smooths only hypotheses longer than one token; method1 adds epsilon', () => {
    expect(nltkSentenceBleu('cat', 'cat', { smoothing: 'method4' }).score).toBe(1);
    expect(nltkSentenceBleu('cat', 'cat', { smoothing: 'method1' }).score).toBeCloseTo(0.1778279410038923, 15);
    expect(nltkSentenceBleu('cat', 'cat', { smoothing: 'method7' }).score).toBeCloseTo(0.19245008972987526, 15);
    const p = 'the quick brown fox jumps';
    const r = 'the quick brown dog jumps over';
    expect(nltkSentenceBleu(p, r, { smoothing: 'method4' }).score).toBeCloseTo(0.26350377764435096, 15);
    expect(nltkSentenceBleu(p, r, { smoothing: 'method7' }).score).toBeCloseTo(0.3449648633284696, 15);
    expect(nltkSentenceBleu(p, r, { weights: [0.5, 0.5] }).score).toBeCloseTo(0.5178107940302672, 15);
  });

  it('gives the same statistics on the UTF-8 fast path and the UTF-16 fallback (lone surrogates)', () => {
    // '\ud800' makes the pair ill-formed, so the fallback tokenizes it; the rest is the same text.
    const p = 'é ü\u3000日本 😀 x\u0085y a';
    const r = 'é\u00a0ü 日本 😀 x y a';
    const fast = nltkBleuStats(p, r);
    const slow = nltkBleuStats(`${p} \ud800`, `${r} \ud800`);
    // 7 tokens on each side ('\u3000', '\u0085', '\u00a0' are Python whitespace), all equal.
    expect(fast.numerators).toEqual([7, 6, 5, 4, 3]);
    expect(fast.denominators).toEqual([7, 6, 5, 4, 3]);
    expect(slow.numerators).toEqual([8, 7, 6, 5, 4]);
    expect(slow.hypLen).toBe(fast.hypLen + 1);
    expect(nltkBleuStats('é x', 'e\u0301 x').numerators[0]).toBe(1); // no Unicode normalization
  });

  it('splits on Python whitespace, not JavaScript \\s', () => {
    // \x1c separates in Python; \ufeff does not.
    expect(nltkSentenceBleu('a\x1cb c d', 'a b c d').score).toBeCloseTo(1, 15);
    expect(nltkSentenceBleu('a\ufeffb c d', 'a b c d').score).toBe(0 + nltkSentenceBleu('ab c d', 'a b c d').score);
  });

  it('rejects bad weights and smoothing names', () => {
    expect(() => nltkSentenceBleu('a', 'a', { weights: [] })).toThrow(/weights/);
    expect(() => nltkSentenceBleu('a', 'a', { smoothing: 'method9' as 'none' })).toThrow(/smoothing/);
  });
});

describe('nltkCorpusBleu', () => {
  const refs = ['a b c d e', 'x y'];
  const preds = ['a b c d e', 'x z'];

  it('smooths with the corpus hypothesis length and the last pair (method4/method7)', () => {
    expect(nltkCorpusBleu(preds, refs, { smoothing: 'method4' }).score).toBeCloseTo(0.7652058832556895, 15);
    expect(nltkCorpusBleu(preds, refs, { smoothing: 'method7' }).score).toBeCloseTo(0.7930009427721928, 15);
    expect(nltkCorpusBleu(preds, refs)).toEqual({ score: nltkCorpusBleu(preds, refs).score, warnings: 0 });
  });

  it('keeps method7 exact when the corpus fractions outgrow doubles (BigInt path)', () => {
    // Deterministic 300-pair corpus (same LCG and word list as the Python script that produced the values).
    const words = 'the a cat dog sat on mat red blue green house car tree sky sun moon star river lake hill'.split(' ');
    let x = 12345;
    const rnd = () => {
      x = Number((BigInt(x) * 1103515245n + 12345n) % 2n ** 31n);
      return x;
    };
    const ps: string[] = [];
    const rs: string[] = [];
    for (let i = 0; i < 300; i++) {
      const n = 20 + (rnd() % 30);
      const r: string[] = [];
      for (let k = 0; k < n; k++) r.push(words[rnd() % words.length]!);
      const p = r.map((w) => (rnd() % 4 ? w : words[rnd() % words.length]!));
      ps.push(p.join(' '));
      rs.push(r.join(' '));
    }
    expect(nltkCorpusBleu(ps, rs, { smoothing: 'method7' }).score).toBeCloseTo(0.28579857382419066, 15);
    expect(nltkCorpusBleu(ps, rs, { smoothing: 'method4' }).score).toBeCloseTo(0.16146382752040478, 15);
  });

  it('equals the score of the summed per-pair statistics', () => {
    const summed = sumNltkBleuStats(preds.map((p, i) => nltkBleuStats(p, refs[i]!)));
    for (const smoothing of ['none', 'method1', 'method4', 'method7'] as const) {
      expect(nltkBleuFromStats(summed, { smoothing })).toEqual(nltkCorpusBleu(preds, refs, { smoothing }));
    }
    // Each pair contributes at least 1 to every denominator (NLTK's max(1, ...)).
    expect(summed.denominators).toEqual([7, 5, 4, 3, 2]);
  });

  it('rejects mismatched or empty inputs', () => {
    expect(() => nltkCorpusBleu(['a'], [])).toThrow(/one reference per prediction/);
    expect(() => nltkCorpusBleu([], [])).toThrow(/empty/);
  });
});
