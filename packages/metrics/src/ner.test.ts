import { describe, expect, it } from 'vitest';
import { macroNer, microNer, nerStats } from './ner.js';

const e = (label: string, text: string) => ({ label, text });

describe('nerStats', () => {
  it('counts multiset matches after label alias mapping and text normalisation', () => {
    const gold = [e('person', 'Lionel Messi'), e('organization', 'NBA'), e('location', 'Paris')];
    const pred = [e('PER', '  lionel  MESSI'), e('org', 'ＮＢＡ'), e('person', 'Paris'), e('other', 'Star Wars')];
    const s = nerStats(gold, pred);
    expect(s).toMatchObject({ tp: 2, fp: 2, fn: 1 });
    expect(s.precision).toBe(2 / 4);
    expect(s.recall).toBe(2 / 3);
    expect(s.f1).toBe((2 * 0.5 * (2 / 3)) / (0.5 + 2 / 3));
  });
  it('counts duplicates as a multiset', () => {
    const gold = [e('person', 'A'), e('person', 'A'), e('person', 'B')];
    expect(nerStats(gold, [e('person', 'A')])).toMatchObject({ tp: 1, fp: 0, fn: 2 });
    expect(nerStats(gold, [e('person', 'a'), e('person', 'A'), e('person', 'A')])).toMatchObject({
      tp: 2,
      fp: 1,
      fn: 1,
    });
  });
  it('compares unknown labels lower-cased', () => {
    expect(nerStats([e('product', 'iPhone')], [e('PRODUCT', 'iphone')]).tp).toBe(1);
    expect(nerStats([e('product', 'iPhone')], [e('other', 'iphone')]).tp).toBe(0);
  });
  it('gives 0 for undefined P, R, F1', () => {
    expect(nerStats([], [])).toEqual({ tp: 0, fp: 0, fn: 0, precision: 0, recall: 0, f1: 0 });
    expect(nerStats([e('person', 'A')], [])).toMatchObject({ precision: 0, recall: 0, f1: 0, fn: 1 });
    expect(nerStats([], [e('person', 'A')])).toMatchObject({ precision: 0, recall: 0, f1: 0, fp: 1 });
    expect(nerStats([e('person', 'A')], [e('person', 'B')])).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });
  it('perfect prediction gives 1', () => {
    expect(nerStats([e('person', 'A')], [e('person', 'A')])).toMatchObject({ precision: 1, recall: 1, f1: 1 });
  });
});

describe('microNer / macroNer', () => {
  it('micro sums counts; macro averages per-sample values', () => {
    const s1 = nerStats([e('person', 'A')], [e('person', 'A')]); // f1 1
    const s2 = nerStats(
      [e('person', 'B'), e('person', 'C'), e('person', 'D')],
      [e('person', 'X'), e('person', 'Y'), e('person', 'B')],
    ); // tp 1 fp 2 fn 2
    const micro = microNer([s1, s2]);
    expect(micro).toMatchObject({ tp: 2, fp: 2, fn: 2, precision: 0.5, recall: 0.5, f1: 0.5 });
    const macro = macroNer([s1, s2]);
    expect(macro?.f1).toBeCloseTo((1 + 1 / 3) / 2, 15);
    expect(macro?.n).toBe(2);
    expect(macroNer([])).toBeNull();
    expect(microNer([])).toMatchObject({ f1: 0, precision: 0, recall: 0 });
  });
});
