import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NgramMatcher } from './ngram-matches.js';

/** The matcher on token strings: ids from a Map (reference first). */
function clippedNgramMatches(
  hyp: readonly string[],
  ref: readonly string[],
  maxN: number,
  correct: number[],
  total: number[],
  matcher = new NgramMatcher(),
): void {
  const ids = new Map<string, number>();
  const idOf = (t: string) => {
    if (!ids.has(t)) ids.set(t, ids.size);
    return ids.get(t)!;
  };
  const r = Int32Array.from(ref, idOf);
  const h = Int32Array.from(hyp, idOf);
  matcher.match(r, r.length, h, h.length, ids.size, maxN, correct, total);
}

describe('NgramMatcher (clipped n-gram matches)', () => {
  it('clips hypothesis n-gram counts by the reference counts', () => {
    const c = [0, 0, 0, 0];
    const t = [0, 0, 0, 0];
    clippedNgramMatches('the the the the'.split(' '), 'the cat the'.split(' '), 4, c, t);
    expect(c).toEqual([2, 0, 0, 0]);
    expect(t).toEqual([4, 3, 2, 1]);
    clippedNgramMatches('a b a b a'.split(' '), 'a b a b'.split(' '), 4, c, t);
    expect(c).toEqual([4, 3, 2, 1]);
    expect(t).toEqual([5, 4, 3, 2]);
    clippedNgramMatches([], ['a'], 4, c, t);
    expect(c).toEqual([0, 0, 0, 0]);
    expect(t).toEqual([0, 0, 0, 0]);
  });

  it('agrees with a direct count on random token lists, one instance for every call', () => {
    const tok = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 12 });
    // shared by all runs (as the single-pair functions share theirs): stale buffer contents must not matter
    const matcher = new NgramMatcher();
    fc.assert(
      fc.property(tok, tok, fc.integer({ min: 1, max: 7 }), (hyp, ref, maxN) => {
        const c: number[] = [];
        const t: number[] = [];
        clippedNgramMatches(hyp, ref, maxN, c, t, matcher);
        expect(c).toHaveLength(maxN);
        for (let n = 1; n <= maxN; n++) {
          const count = (xs: string[]) => {
            const m = new Map<string, number>();
            for (let i = 0; i + n <= xs.length; i++) {
              const k = xs.slice(i, i + n).join(' ');
              m.set(k, (m.get(k) ?? 0) + 1);
            }
            return m;
          };
          const h = count(hyp);
          const r = count(ref);
          let want = 0;
          for (const [k, v] of h) want += Math.min(v, r.get(k) ?? 0);
          expect(c[n - 1]).toBe(want);
          expect(t[n - 1]).toBe(Math.max(0, hyp.length - n + 1));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('counts a phrase unique in the reference once, however often the hypothesis repeats it', () => {
    const c: number[] = [];
    const t: number[] = [];
    clippedNgramMatches('x y z x y z x y'.split(' '), 'a x y z b'.split(' '), 4, c, t);
    expect(c).toEqual([3, 2, 1, 0]);
    clippedNgramMatches('x y z x y z'.split(' '), 'x y z q x y z'.split(' '), 4, c, t);
    expect(c).toEqual([6, 4, 2, 0]);
  });
});
