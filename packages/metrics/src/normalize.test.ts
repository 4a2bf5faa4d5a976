import { describe, expect, it } from 'vitest';
import { caseFold, collapseWhitespace, normalizeEntityText, normalizeLabel, normalizeSegment } from './normalize.js';

describe('caseFold (Python str.casefold semantics)', () => {
  it.each([
    ['Straße', 'strasse'],
    ['STRASSE', 'strasse'],
    ['ẞ', 'ss'],
    ['ΟΔΟΣ', 'οδοσ'], // no final-sigma form, unlike toLowerCase
    ['ς', 'σ'],
    ['ſ', 's'],
    ['ŉ', 'ʼn'],
    ['ﬁ', 'fi'],
    ['ᾳ', 'αι'],
    ['ᾈ', 'ἀι'],
    ['µ', 'μ'],
    ['\u0345', 'ι'],
    ['İ', 'i\u0307'],
    ['ı', 'ı'],
    ['Ꭰ', 'Ꭰ'],
    ['ꭰ', 'Ꭰ'],
    ['ǅ', 'ǆ'],
    ['ABC def', 'abc def'],
  ])('%s → %s', (input, expected) => {
    expect(caseFold(input)).toBe(expected);
  });
  it('differs from toLowerCase where casefold does', () => {
    expect('Straße'.toLowerCase()).not.toBe(caseFold('Straße'));
    expect('ΟΔΟΣ'.toLowerCase()).not.toBe(caseFold('ΟΔΟΣ'));
  });
});

describe('collapseWhitespace (Python str.split whitespace)', () => {
  it('collapses Python whitespace, including \\x1c-\\x1f and U+0085, but not U+FEFF', () => {
    expect(collapseWhitespace('  a\t\n b\x1c\x85c\u3000 ')).toBe('a b c');
    expect(collapseWhitespace('a\ufeffb')).toBe('a\ufeffb');
  });
});

describe('normalizeEntityText', () => {
  it('applies NFKC, whitespace collapse, trim and case fold', () => {
    expect(normalizeEntityText('  Ｌｉｏｎｅｌ\u00a0\u00a0MESSI ')).toBe('lionel messi');
    expect(normalizeEntityText('Cafe\u0301')).toBe('café');
    expect(normalizeEntityText('ＮＢＡ')).toBe('nba');
    expect(normalizeEntityText('Weiß')).toBe(normalizeEntityText('WEISS'));
    expect(normalizeEntityText('ﬁfa')).toBe('fifa');
  });
  it('is idempotent', () => {
    for (const s of ['Straße', 'ǰ', ' Ａ\u2003B ', 'ΣΊΣΥΦΟΣ', 'İstanbul', 'x\u0345y']) {
      const once = normalizeEntityText(s);
      expect(normalizeEntityText(once)).toBe(once);
    }
  });
});

describe('normalizeLabel / normalizeSegment', () => {
  it('maps known labels and aliases to the canonical four', () => {
    expect(normalizeLabel('PER')).toBe('person');
    expect(normalizeLabel(' Org ')).toBe('organization');
    expect(normalizeLabel('misc')).toBe('other');
  });
  it('lower-cases unknown labels', () => {
    expect(normalizeLabel(' Product ')).toBe('product');
  });
  it('lower-cases segment ids', () => {
    expect(normalizeSegment(' A ')).toBe('a');
  });
});
