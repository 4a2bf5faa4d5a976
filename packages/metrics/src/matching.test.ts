import { describe, expect, it } from 'vitest';
import { matchingStats, microMatching } from './matching.js';

const p = (segment: string, entity: string) => ({ segment, entity });

describe('matchingStats', () => {
  it('matches (segment, normalised entity) as multisets', () => {
    const gold = [p('a', 'Spurs'), p('b', 'Spurs'), p('b', 'Thunder')];
    const pred = [p('A', 'spurs'), p('b', 'THUNDER'), p('b', 'Thunder'), p('c', 'Spurs')];
    const s = matchingStats(gold, pred);
    expect(s).toMatchObject({ correct: 2, gold: 3, pred: 4 });
    expect(s.accuracy).toBe(2 / 3);
    expect(s.precision).toBe(2 / 4);
    expect(s.f1).toBe((2 * 0.5 * (2 / 3)) / (0.5 + 2 / 3));
  });
  it('has no accuracy (null, not 0 or 1) when there is no gold pair', () => {
    expect(matchingStats([], []).accuracy).toBeNull();
    expect(matchingStats([], [p('a', 'X')])).toMatchObject({ accuracy: null, precision: 0, f1: 0, pred: 1 });
  });
  it('accuracy 0 when gold pairs exist and nothing matches', () => {
    expect(matchingStats([p('a', 'X')], []).accuracy).toBe(0);
  });
});

describe('microMatching', () => {
  it('is Σcorrect / Σgold, skipping nothing', () => {
    const s1 = matchingStats([p('a', 'X')], [p('a', 'x')]);
    const s2 = matchingStats([p('a', 'X'), p('b', 'Y'), p('c', 'Z')], [p('a', 'X')]);
    const s3 = matchingStats([], [p('a', 'Q')]);
    const m = microMatching([s1, s2, s3]);
    expect(m).toMatchObject({ correct: 2, gold: 4, pred: 3, accuracy: 0.5 });
    expect(m.precision).toBe(2 / 3);
    expect(microMatching([s3]).accuracy).toBeNull();
  });
});
