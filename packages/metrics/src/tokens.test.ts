import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pySplitRanges } from './pysplit.js';
import { tokenize13aRanges } from './tokenize-13a.js';
import { rougeTokenRanges } from './tokenize-rouge.js';
import { HASH_SEED, hashStep, TokenInterner, TokenRanges } from './tokens.js';

function fnv(token: string): number {
  let h = HASH_SEED;
  for (let i = 0; i < token.length; i++) h = hashStep(h, token.charCodeAt(i));
  return h;
}

const alphabet = fc.constantFrom(
  'a',
  'Z',
  '0',
  '5',
  '.',
  ',',
  '-',
  "'",
  '$',
  '(',
  ' ',
  '\n',
  '\t',
  '\x1c',
  '\u3000',
  '\ufeff',
  'é',
  'İ',
  '\u212a',
  '😀',
  '\ud83d',
  '&amp;',
);
const text = fc.array(alphabet, { maxLength: 40 }).map((a) => a.join(''));

describe('TokenRanges', () => {
  it('the tokenizers give each token the hash of its text (equal tokens, equal hashes)', () => {
    const out = new TokenRanges();
    fc.assert(
      fc.property(text, (s) => {
        for (const t of [tokenize13aRanges(s, out), pySplitRanges(s, out), rougeTokenRanges(s, out)]) {
          for (let k = 0; k < t.count; k++) expect(t.hash[k]).toBe(fnv(t.token(k)));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('grows past its initial capacity and keeps every token', () => {
    const words = Array.from({ length: 1000 }, (_, i) => `w${i}`);
    const t = pySplitRanges(words.join(' '), new TokenRanges());
    expect(t.tokens()).toEqual(words);
    // reused for a shorter text: only the new tokens count
    expect(pySplitRanges('x y', t).tokens()).toEqual(['x', 'y']);
  });
});

describe('TokenInterner', () => {
  /** Token lists whose hashes all collide, so equality rests on the character comparison. */
  function colliding(tokens: string[]): TokenRanges {
    const t = new TokenRanges().reset(tokens.join(' '));
    let s = 0;
    for (const tok of tokens) {
      t.push(s, s + tok.length, 7);
      s += tok.length + 1;
    }
    return t;
  }

  it('equal ids exactly for equal tokens, numbered by first occurrence (reference first), even when hashes collide', () => {
    const tok = fc.array(fc.constantFrom('a', 'b', 'ab', 'ba', 'aa', 'é', '😀'), { maxLength: 30 });
    const interner = new TokenInterner();
    fc.assert(
      fc.property(tok, tok, fc.boolean(), (ref, hyp, collide) => {
        const r = collide ? colliding(ref) : pySplitRanges(ref.join(' '), new TokenRanges());
        const h = collide ? colliding(hyp) : pySplitRanges(hyp.join(' '), new TokenRanges());
        const distinct = interner.intern(r, h);
        const first = new Map<string, number>();
        for (const t of [...ref, ...hyp]) if (!first.has(t)) first.set(t, first.size);
        expect(distinct).toBe(first.size);
        expect(Array.from(interner.ref.subarray(0, ref.length))).toEqual(ref.map((t) => first.get(t)));
        expect(Array.from(interner.hyp.subarray(0, hyp.length))).toEqual(hyp.map((t) => first.get(t)));
      }),
      { numRuns: 1000 },
    );
  });
});
