import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ROUGE_TYPES,
  meanRouge,
  ROUGE_TYPES,
  RougeScorer,
  type RougeScores,
  rougeScores,
  rougeScoresBoth,
  rougeTokenize,
} from './rouge.js';

describe('rougeTokenize', () => {
  it('lower-cases and splits on every run of non [a-z0-9]', () => {
    expect(rougeTokenize("The U.S. paid $5.00, won 3-2; don't   STOP!")).toEqual([
      'the',
      'u',
      's',
      'paid',
      '5',
      '00',
      'won',
      '3',
      '2',
      'don',
      't',
      'stop',
    ]);
    expect(rougeTokenize('')).toEqual([]);
    expect(rougeTokenize(' \t\n!!! … — ')).toEqual([]);
  });

  it('splits words at non-ASCII letters and drops CJK, emoji, fullwidth letters and ligatures', () => {
    expect(rougeTokenize('café naïve Straße')).toEqual(['caf', 'na', 've', 'stra', 'e']);
    expect(rougeTokenize('北京 a\u{1F600}b “quoted” ＡＢ１ ﬁne')).toEqual(['a', 'b', 'quoted', 'ne']);
  });

  it('follows Python str.lower(): İ → "i" + combining dot (ends the token), Kelvin sign → k', () => {
    expect(rougeTokenize('İstanbul')).toEqual(['i', 'stanbul']);
    expect(rougeTokenize('aİb İİ')).toEqual(['ai', 'b', 'i', 'i']);
    expect(rougeTokenize('\u212Aelvin 5\u212A')).toEqual(['kelvin', '5k']);
    // Greek final sigma and other non-ASCII lower-casing never produce [a-z0-9]
    expect(rougeTokenize('ΣΟΦΟΣ ǅ')).toEqual([]);
  });

  it('stems only tokens longer than 3 characters', () => {
    expect(rougeTokenize('Dies was dying; runs ran running news skies', { stemmer: true })).toEqual([
      'die',
      'was',
      'die',
      'run',
      'ran',
      'run',
      'news',
      'sky',
    ]);
    expect(rougeTokenize('Dies was dying', { stemmer: false })).toEqual(['dies', 'was', 'dying']);
  });

  it('gives the same token for a word whatever its case or stemming path', () => {
    expect(rougeTokenize('RUN run Run running', { stemmer: true })).toEqual(['run', 'run', 'run', 'run']);
  });
});

describe('rougeScores', () => {
  it('ROUGE-1/2/L on a hand-computed pair', () => {
    const s = rougeScores('the cat sat on the mat', 'The cat is on the mat.');
    // unigram overlap: the ×2, cat, on, mat = 5 of 6; bigrams: the cat, on the, the mat = 3 of 5;
    // LCS: the cat on the mat = 5.
    expect(s.rouge1.precision).toBe(5 / 6);
    expect(s.rouge1.recall).toBe(5 / 6);
    expect(s.rouge2.precision).toBe(3 / 5);
    expect(s.rouge2.recall).toBe(3 / 5);
    expect(s.rougeL.precision).toBe(5 / 6);
    expect(s.rougeLsum).toEqual(s.rougeL);
    expect(s.rouge1.fmeasure).toBe((2 * (5 / 6) * (5 / 6)) / (5 / 6 + 5 / 6));
  });

  it('clips n-gram counts like a Counter intersection', () => {
    const s = rougeScores('the the the the', 'the cat');
    expect(s.rouge1).toEqual({ precision: 1 / 4, recall: 1 / 2, fmeasure: (2 * 0.25 * 0.5) / 0.75 });
    expect(rougeScores('a b a b a b', 'a b a b').rouge2).toMatchObject({ precision: 3 / 5, recall: 3 / 3 });
  });

  it('returns zeros when a side has no tokens, and F = 0 when P + R = 0', () => {
    for (const [p, r] of [
      ['', 'some text'],
      ['some text', ''],
      ['', ''],
      ['!!!', '...'],
      ['alpha', 'beta'],
    ] as const) {
      const s = rougeScores(p, r, { stemmer: true, types: ROUGE_TYPES });
      expect(Object.keys(s)).toEqual([...ROUGE_TYPES]);
      for (const t of ROUGE_TYPES) expect(s[t]).toEqual({ precision: 0, recall: 0, fmeasure: 0 });
    }
    // one token each: no bigram, but the unigram matches
    const one = rougeScores('word', 'word');
    expect(one.rouge2).toEqual({ precision: 0, recall: 0, fmeasure: 0 });
    expect(one.rouge1.fmeasure).toBe(1);
  });

  it('uses the stemmer only when asked', () => {
    expect(rougeScores('dogs running', 'dog runs').rouge1.fmeasure).toBe(0);
    expect(rougeScores('dogs running', 'dog runs', { stemmer: true }).rouge1.fmeasure).toBe(1);
  });

  it('computes only the requested types and rejects unknown ones', () => {
    const s = rougeScores('a b', 'a c', { types: ['rouge2', 'rougeL'] });
    expect(Object.keys(s).sort()).toEqual(['rouge2', 'rougeL']);
    for (const t of ['rouge0', 'rouge10', 'rougeN', 'rougel']) {
      expect(() => rougeScores('a', 'b', { types: [t as never] })).toThrow(`unknown ROUGE type "${t}"`);
    }
    expect(() => rougeScores(null as never, 'b')).toThrow(/must be strings \(got object and string\)/);
  });
});

describe('ROUGE-N for N = 3..9 (rouge-score accepts rouge1 … rouge9)', () => {
  it('hand-computed trigram and 4-gram scores, with clipping', () => {
    // trigrams of the prediction: "the cat sat", "cat sat on", "sat on the", "on the mat", "the mat the",
    // "mat the cat" (6); of the reference: "the cat sat", "cat sat on", "sat on a", "on a mat" (4).
    const s = rougeScores('The cat sat on the mat the cat', 'the cat sat on a mat', { types: ['rouge3', 'rouge4'] });
    expect(Object.keys(s)).toEqual(['rouge3', 'rouge4']);
    expect(s.rouge3).toEqual({ precision: 2 / 6, recall: 2 / 4, fmeasure: (2 * (2 / 6) * (2 / 4)) / (2 / 6 + 2 / 4) });
    expect(s.rouge4).toMatchObject({ precision: 1 / 5, recall: 1 / 3 });
    // "a b a" twice in the prediction, once in the reference: clipped to 1
    expect(rougeScores('a b a b a', 'a b a', { types: ['rouge3'] }).rouge3).toMatchObject({
      precision: 1 / 3,
      recall: 1,
    });
  });

  it('gives zeros when a side has fewer than N tokens (P and R divide by max(count, 1))', () => {
    const s = rougeScores('a b c d e f g h', 'a b c d e f g h', { types: ['rouge8', 'rouge9'] });
    expect(s.rouge8).toEqual({ precision: 1, recall: 1, fmeasure: 1 });
    expect(s.rouge9).toEqual({ precision: 0, recall: 0, fmeasure: 0 });
  });

  it('rouge1/rouge2 are the N = 1, 2 cases, and each type is the same whatever else is asked for', () => {
    const word = fc.constantFrom('a', 'b', 'c', 'the', 'cat', 'Cats', 'running', 'runs');
    const text = fc.array(word, { maxLength: 40 }).map((w) => w.join(' '));
    fc.assert(
      fc.property(text, text, fc.boolean(), (p, r, stemmer) => {
        const all = rougeScores(p, r, { types: ROUGE_TYPES, stemmer });
        const def = rougeScores(p, r, { stemmer });
        expect(all.rouge1).toEqual(def.rouge1);
        expect(all.rouge2).toEqual(def.rouge2);
        const tp = rougeTokenize(p, { stemmer });
        const tr = rougeTokenize(r, { stemmer });
        for (const t of ROUGE_TYPES) {
          expect(rougeScores(p, r, { types: [t], stemmer })[t]).toEqual(all[t]);
          if (t === 'rougeL' || t === 'rougeLsum') continue;
          // Counter overlap of n-grams, as rouge-score's _score_ngrams
          const n = Number(t.slice(5));
          const grams = (xs: string[]) => {
            const m = new Map<string, number>();
            for (let i = 0; i + n <= xs.length; i++)
              m.set(xs.slice(i, i + n).join(' '), (m.get(xs.slice(i, i + n).join(' ')) ?? 0) + 1);
            return m;
          };
          const gr = grams(tr);
          let overlap = 0;
          for (const [g, c] of grams(tp)) overlap += Math.min(c, gr.get(g) ?? 0);
          const pc = Math.max(tp.length - n + 1, 0);
          const rc = Math.max(tr.length - n + 1, 0);
          expect(all[t]).toMatchObject({ precision: overlap / Math.max(pc, 1), recall: overlap / Math.max(rc, 1) });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the default types at rouge1, rouge2, rougeL, rougeLsum', () => {
    expect(DEFAULT_ROUGE_TYPES).toEqual(['rouge1', 'rouge2', 'rougeL', 'rougeLsum']);
    expect(ROUGE_TYPES).toEqual([
      'rouge1',
      'rouge2',
      'rouge3',
      'rouge4',
      'rouge5',
      'rouge6',
      'rouge7',
      'rouge8',
      'rouge9',
      'rougeL',
      'rougeLsum',
    ]);
    expect(Object.keys(rougeScores('a b', 'a b'))).toEqual([...DEFAULT_ROUGE_TYPES]);
  });
});

describe('rougeLsum (summary-level LCS over "\\n" lines)', () => {
  it('takes the union of LCS hits over candidate lines', () => {
    const s = rougeScores('c d\na b', 'a b c d');
    expect(s.rougeL).toEqual({ precision: 0.5, recall: 0.5, fmeasure: 0.5 });
    expect(s.rougeLsum).toEqual({ precision: 1, recall: 1, fmeasure: 1 });
    // "\r\n" is a line break too (the "\r" is just a separator), but U+2028 is not
    expect(rougeScores('c d\r\na b', 'a b c d').rougeLsum.fmeasure).toBe(1);
    expect(rougeScores('c d\u2028a b', 'a b c d').rougeLsum.fmeasure).toBe(0.5);
  });

  it('clips hits by the token counts of both summaries', () => {
    // each reference line's union LCS is "x y", but the candidate has only one x and one y
    expect(rougeScores('x y', 'x y\nx y').rougeLsum).toEqual({ precision: 1, recall: 0.5, fmeasure: 2 / 3 });
    const s = rougeScores('the cat\nsat the cat', 'the cat sat\nthe cat');
    expect(s.rougeL.fmeasure).toBe(1);
    expect(s.rougeLsum.precision).toBe(0.8);
    expect(s.rougeLsum.recall).toBe(0.8);
  });

  it("follows rouge-score's backtrack tie-breaking", () => {
    // LCS("a b", "b a") has length 1; rouge-score's backtrack picks "a", so the union with the line "a"
    // is {a}: 1 hit (picking "b" would give 2).
    expect(rougeScores('b a\na', 'a b').rougeLsum).toMatchObject({ precision: 1 / 3, recall: 1 / 2 });
    expect(rougeScores('b a\nb', 'a b').rougeLsum).toMatchObject({ precision: 2 / 3, recall: 1 });
  });

  it('ignores blank, whitespace-only and punctuation-only lines', () => {
    const s = rougeScores('a b c', 'a b\n\n!!!\n  \nc\n');
    expect(s.rougeLsum).toEqual({ precision: 1, recall: 1, fmeasure: 1 });
    expect(rougeScores('\n\n', 'a').rougeLsum).toEqual({ precision: 0, recall: 0, fmeasure: 0 });
  });
});

describe('rougeScores properties', () => {
  const word = fc.constantFrom('the', 'cat', 'Cats', 'sat', 'on', 'mat', 'running', 'runs', 'a', 'İstanbul', '5.00');
  const sep = fc.constantFrom(' ', ' ', ', ', '. ', '\n', '\n\n', '\t');
  const text = fc.array(fc.tuple(word, sep), { maxLength: 90 }).map((ws) => ws.map(([w, s]) => w + s).join(''));

  it('swapping prediction and reference swaps precision and recall (rouge1/2/L)', () => {
    fc.assert(
      fc.property(text, text, fc.boolean(), (p, r, stemmer) => {
        const a = rougeScores(p, r, { stemmer });
        const b = rougeScores(r, p, { stemmer });
        for (const t of ['rouge1', 'rouge2', 'rougeL'] as const) {
          expect(a[t].precision).toBe(b[t].recall);
          expect(a[t].recall).toBe(b[t].precision);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('ROUGE-L matches a plain LCS table, and rougeLsum equals rougeL without line breaks', () => {
    fc.assert(
      fc.property(text, text, (p, r) => {
        const tp = rougeTokenize(p);
        const tr = rougeTokenize(r);
        const t = Array.from({ length: tr.length + 1 }, () => new Array<number>(tp.length + 1).fill(0));
        for (let i = 1; i <= tr.length; i++)
          for (let j = 1; j <= tp.length; j++)
            t[i]![j] = tr[i - 1] === tp[j - 1] ? t[i - 1]![j - 1]! + 1 : Math.max(t[i - 1]![j]!, t[i]![j - 1]!);
        const lcs = t[tr.length]![tp.length]!;
        const s = rougeScores(p, r);
        expect(s.rougeL.precision).toBe(tp.length && tr.length ? lcs / tp.length : 0);
        expect(s.rougeL.recall).toBe(tp.length && tr.length ? lcs / tr.length : 0);
        const flat = rougeScores(p.replaceAll('\n', ' '), r.replaceAll('\n', ' '));
        expect(flat.rougeLsum).toEqual(flat.rougeL);
      }),
      { numRuns: 300 },
    );
  });

  it('identical non-empty texts score 1 everywhere (rouge2 needs two tokens)', () => {
    fc.assert(
      fc.property(text, (p) => {
        const n = rougeTokenize(p).length;
        const s = rougeScores(p, p, { stemmer: true });
        expect(s.rouge1.fmeasure).toBe(n > 0 ? 1 : 0);
        expect(s.rouge2.fmeasure).toBe(n > 1 ? 1 : 0);
        expect(s.rougeL.fmeasure).toBe(n > 0 ? 1 : 0);
        expect(s.rougeLsum.fmeasure).toBe(n > 0 ? 1 : 0);
      }),
      { numRuns: 200 },
    );
  });
});

describe('meanRouge', () => {
  it('sums left to right from 0 and divides by n', () => {
    const scores = [rougeScores('a b c', 'a b d'), rougeScores('x', 'y'), rougeScores('p q', 'p q')];
    const m = meanRouge(scores);
    expect(Object.keys(m)).toEqual([...DEFAULT_ROUGE_TYPES]);
    for (const t of DEFAULT_ROUGE_TYPES) {
      for (const f of ['precision', 'recall', 'fmeasure'] as const) {
        expect(m[t]![f]).toBe((0 + scores[0]![t]![f] + scores[1]![t]![f] + scores[2]![t]![f]) / 3);
      }
    }
  });

  it('gives zeros for no scores, accepts any iterable and keeps the first score types', () => {
    const empty = meanRouge([]);
    expect(Object.keys(empty)).toEqual([...DEFAULT_ROUGE_TYPES]);
    for (const t of DEFAULT_ROUGE_TYPES) expect(empty[t]).toEqual({ precision: 0, recall: 0, fmeasure: 0 });
    function* gen(): Generator<RougeScores> {
      yield rougeScores('a b', 'a b', { types: ['rouge1'] });
      yield rougeScores('a b', 'a c', { types: ['rouge1'] });
    }
    const m = meanRouge(gen());
    expect(Object.keys(m)).toEqual(['rouge1']);
    expect(m.rouge1.precision).toBe(0.75);
    expect(() => meanRouge([rougeScores('a', 'a'), rougeScores('a', 'a', { types: ['rouge1'] })])).toThrow(
      /score #1 has no rouge2/,
    );
  });
});

describe('stem cache', () => {
  it('keeps exact results past its size limit (it starts over), in one call and across calls', () => {
    const scorer = new RougeScorer();
    const before = scorer.score('the cat sat on the mat', 'the cat is on the mat', { stemmer: true });
    const words: string[] = [];
    for (let k = 0; k < 120_000; k++) words.push(`running${k.toString(36)}ing`);
    const text = words.join(' ');
    const s = scorer.score(text, text, { stemmer: true, types: ['rouge1'] });
    expect(s.rouge1).toEqual({ precision: 1, recall: 1, fmeasure: 1 });
    expect(
      scorer.score(`${words[0]} ${words[119_999]}`, 'x', { stemmer: true, types: ['rouge1'] }).rouge1.precision,
    ).toBe(0);
    expect(scorer.score('the cat sat on the mat', 'the cat is on the mat', { stemmer: true })).toEqual(before);
    expect(rougeTokenize('Running cats', { stemmer: true })).toEqual(['run', 'cat']);
  });
});

describe('rougeScoresBoth', () => {
  it('equals rougeScores without and with the stemmer, on stem-heavy, multi-line and unicode text', () => {
    const word = fc.constantFrom(
      'running',
      'runs',
      'ran',
      'flies',
      'dying',
      'skies',
      'news',
      'generously',
      'İstanbul',
      'KELVIN\u212a',
      'caf\u00e9',
      'U.S.',
      '3-2',
      'a',
      'the',
      'eed',
      'agreed',
      'sses',
      'ies',
      '\n',
      '. ',
      '',
    );
    const text = fc.array(word, { maxLength: 25 }).map((a) => a.join(' '));
    const types = fc.subarray([...ROUGE_TYPES], { minLength: 1 });
    fc.assert(
      fc.property(text, text, types, (p, r, t) => {
        const both = rougeScoresBoth(p, r, { types: t });
        expect(both.plain).toEqual(rougeScores(p, r, { types: t }));
        expect(both.stemmed).toEqual(rougeScores(p, r, { types: t, stemmer: true }));
        // default: all four types
        const all = rougeScoresBoth(p, r);
        expect(all.stemmed).toEqual(rougeScores(p, r, { stemmer: true }));
      }),
      { numRuns: 400 },
    );
  });

  it('rejects non-strings and unknown types like rougeScores', () => {
    expect(() => rougeScoresBoth(1 as unknown as string, 'a')).toThrow(/must be strings/);
    expect(() => rougeScoresBoth('a', 'a', { types: ['rouge0' as 'rouge1'] })).toThrow(/unknown ROUGE type/);
  });
});
