import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pySplit } from './pysplit.js';
import { tokenize13a, tokenize13aTokens } from './tokenize-13a.js';

/**
 * A literal transcription of sacrebleu 2.6.0's Tokenizer13a + TokenizerRegexp (JavaScript's `replace`
 * with /g scans left to right without overlaps, like Python's re.sub), used as the oracle for the
 * hand-written one-pass tokenizer.
 */
function literal13a(line: string): string {
  line = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (line.includes('&')) {
    line = line.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  line = ` ${line} `;
  line = line.replace(/([{-~[-` -&(-+:-@/])/g, ' $1 ');
  line = line.replace(/([^0-9])([.,])/g, '$1 $2 ');
  line = line.replace(/([.,])([^0-9])/g, ' $1 $2');
  line = line.replace(/([0-9])(-)/g, '$1 $2 ');
  return pySplit(line).join(' ');
}

describe('tokenize13a', () => {
  // Expected strings produced by sacrebleu 2.6.0's Tokenizer13a()(s).
  it.each([
    [
      'U.S. troops, 10,000 of them, paid $5.00 (3-2 win).',
      'U . S . troops , 10,000 of them , paid $ 5.00 ( 3 - 2 win ) .',
    ],
    ['He said: "don\'t" &amp; &lt;b&gt; &amp;lt;', 'He said : " don\'t " & < b > <'],
    ['a..5 5..a 5.a a.5 ..., x.,y 1,2,3', 'a . .5 5 . . a 5 . a a . 5 . . . , x . , y 1,2,3'],
    ['well-\nknown<skipped> line\nbreak', 'wellknown line break'],
    ['“curly” — dash… emoji😀. café.', '“curly” — dash… emoji😀 . café .'],
    ['tab\there\x1cthere\ufeffbom\u200bzw', 'tab here there\ufeffbom\u200bzw'],
    ['', ''],
    ['   ', ''],
  ])('%j → %j', (input, want) => {
    expect(tokenize13a(input)).toBe(want);
    expect(tokenize13aTokens(input)).toEqual(want === '' ? [] : want.split(' '));
  });

  it('equals the literal regex transcription on random punctuation/digit-heavy strings', () => {
    const alphabet = fc.constantFrom(
      '.',
      ',',
      '-',
      '0',
      '7',
      'a',
      'Z',
      ' ',
      '\n',
      '(',
      '&',
      '$',
      "'",
      '/',
      '~',
      '\u3000',
      '\x1c',
      '\ufeff',
      'é',
      '😀',
      '&amp;',
      '&quot;',
      '<skipped>',
      '-\n',
      '\t',
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 30 }), (chars) => {
        const s = chars.join('');
        expect(tokenize13a(s)).toBe(literal13a(s));
      }),
      { numRuns: 3000 },
    );
  });
});
