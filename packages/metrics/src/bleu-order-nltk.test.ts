import { describe, expect, it } from 'vitest';
import { nltkSentenceBleu } from './bleu-nltk.js';

// Regression, NLTK flavour of bleu-order.test.ts (its own file: a fresh module instance).
const tokens = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`).join(' ');

describe('NLTK BLEU does not depend on the calls before it', () => {
  it('scores a pair right after the buffers grew', () => {
    nltkSentenceBleu('t0', 't0');
    nltkSentenceBleu('a b', 'a b');
    nltkSentenceBleu('t0', tokens(210));
    // NLTK 3.8: sentence_bleu([['it','is']], ['it','is'], smoothing_function=method1) → 0.31622776601683794
    expect(nltkSentenceBleu('it is', 'it is', { smoothing: 'method1' }).score).toBeCloseTo(0.31622776601683794, 14);
  });
});
