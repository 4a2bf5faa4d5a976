import { describe, expect, it } from 'vitest';
import { sacreSentenceBleu } from './bleu-sacre.js';

// Regression: the matcher's buffers grow with the longest reference seen; when they grew, stale
// generation stamps dropped the matches of later calls. Vitest runs each test file in a fresh module
// instance: this sequence is the first the module sees (bleu-order-nltk.test.ts has the NLTK one).
const tokens = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`).join(' ');

describe('sacreBLEU does not depend on the calls before it', () => {
  it('scores a pair right after the buffers grew', () => {
    sacreSentenceBleu('t0', 't0');
    sacreSentenceBleu('a b', 'a b');
    sacreSentenceBleu('t0', tokens(256));
    const r = sacreSentenceBleu('it is', 'it is');
    // sacrebleu 2.6.0: sentence_bleu('it is', ['it is']) → score 100.00000000000004, counts [2, 1, 0, 0]
    expect(r.counts).toEqual([2, 1, 0, 0]);
    expect(r.score).toBeCloseTo(100, 10);
  });
});
