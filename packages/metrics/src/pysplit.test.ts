import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPyWhitespace, pyRstrip, pySplit } from './pysplit.js';

// Python 3.11: [c for c in range(0x110000) if chr(c).isspace()]
const PY_WS = [
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
  0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
];

/** Reference: split on runs of the listed code points, drop empties. */
function referenceSplit(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of s) {
    if (ch.length === 1 && PY_WS.includes(ch.charCodeAt(0))) {
      if (cur !== '') out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  if (cur !== '') out.push(cur);
  return out;
}

describe('isPyWhitespace', () => {
  it("is exactly Python's str.isspace() set over the BMP", () => {
    const got: number[] = [];
    for (let c = 0; c < 0x10000; c++) if (isPyWhitespace(c)) got.push(c);
    expect(got).toEqual(PY_WS);
  });

  it("differs from JavaScript's \\s where Python does", () => {
    expect(isPyWhitespace(0xfeff)).toBe(false);
    expect(/\s/.test('\ufeff')).toBe(true);
    for (const c of [0x1c, 0x1d, 0x1e, 0x1f, 0x85]) {
      expect(isPyWhitespace(c)).toBe(true);
      expect(/\s/.test(String.fromCharCode(c))).toBe(false);
    }
    expect(isPyWhitespace(0x200b)).toBe(false);
    expect(isPyWhitespace(0x180e)).toBe(false);
  });
});

describe('pySplit', () => {
  it('splits like Python str.split()', () => {
    expect(pySplit('')).toEqual([]);
    expect(pySplit(' \t\n ')).toEqual([]);
    expect(pySplit('  a  b\tc\n')).toEqual(['a', 'b', 'c']);
    expect(pySplit('a\x1cb\x85c\u3000d')).toEqual(['a', 'b', 'c', 'd']);
    expect(pySplit('a\ufeffb\u200bc')).toEqual(['a\ufeffb\u200bc']);
    expect(pySplit('😀 x😀')).toEqual(['😀', 'x😀']);
  });

  it('agrees with a reference on random strings over whitespace-heavy alphabets', () => {
    const alphabet = fc.constantFrom(
      'a',
      'B',
      '.',
      '😀',
      ' ',
      '\t',
      '\n',
      '\x1c',
      '\x1f',
      '\x85',
      '\xa0',
      '\u2028',
      '\u3000',
      '\ufeff',
      '\u200b',
      '\u180e',
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }), (chars) => {
        const s = chars.join('');
        const want = referenceSplit(s);
        expect(pySplit(s)).toEqual(want);
        let e = chars.length;
        while (e > 0 && PY_WS.includes(chars[e - 1]!.charCodeAt(0)) && chars[e - 1]!.length === 1) e--;
        expect(pyRstrip(s)).toBe(chars.slice(0, e).join(''));
      }),
      { numRuns: 500 },
    );
  });
});

describe('pyRstrip', () => {
  it('strip Python whitespace only', () => {
    expect(pyRstrip('  a b \n\x1c\x85')).toBe('  a b');
    expect(pyRstrip('a\ufeff')).toBe('a\ufeff');
    expect(pyRstrip('   ')).toBe('');
    expect(pyRstrip('abc')).toBe('abc');
  });
});
