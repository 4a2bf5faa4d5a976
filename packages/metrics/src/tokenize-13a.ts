/**
 * sacrebleu 2.6.0's `13a` tokenizer (`tokenizer_13a.Tokenizer13a`), as a one-pass scan instead of its
 * four regex substitutions.
 */
import { isPyWhitespace } from './pysplit.js';
import { HASH_SEED, hashStep, TokenRanges } from './tokens.js';

/**
 * sacrebleu's language-independent part of `Tokenizer13a.__call__`: `<skipped>` removed, `-\n` removed,
 * other `\n` → space, and (only when the line contains `&`) `&quot; &amp; &lt; &gt;` unescaped in that order.
 */
function preprocess13a(line: string): string {
  if (line.includes('<skipped>')) line = line.replaceAll('<skipped>', '');
  if (line.includes('\n')) {
    line = line.replaceAll('-\n', '');
    line = line.replaceAll('\n', ' ');
  }
  if (line.includes('&')) {
    line = line.replaceAll('&quot;', '"');
    line = line.replaceAll('&amp;', '&');
    line = line.replaceAll('&lt;', '<');
    line = line.replaceAll('&gt;', '>');
  }
  return line;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** ASCII letters and digits: always inside a word (the common case, tested first). */
function isAsciiAlnum(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
}

function isDotComma(c: number): boolean {
  return c === 0x2e || c === 0x2c;
}

/**
 * The characters the first 13a regex `([\{-\~\[-\` -\&\(-\+\:-\@\/])` puts spaces around (its class
 * minus the space itself): ASCII punctuation other than `'`, `,`, `-` and `.`.
 */
function isPunct(c: number): boolean {
  return (
    (c >= 0x21 && c <= 0x26) ||
    (c >= 0x28 && c <= 0x2b) ||
    c === 0x2f ||
    (c >= 0x3a && c <= 0x40) ||
    (c >= 0x5b && c <= 0x60) ||
    (c >= 0x7b && c <= 0x7e)
  );
}

/** End of the run of `.`/`,` that starts at `i`. */
function dotCommaRunEnd(line: string, i: number): number {
  let j = i + 1;
  while (j < line.length && isDotComma(line.charCodeAt(j))) j++;
  return j;
}

/**
 * Whether the last character of the `.`/`,` run [i, j) stays glued to the digit after it: the
 * substitution `([^0-9])([\.,])` pairs the run up from the character before it (that character itself
 * when it is not a digit), so the last member is left unpaired when the run length plus [the
 * character before is a digit] is even.
 */
function glueRight(line: string, i: number, j: number, prevIsDigit: boolean): boolean {
  return ((j - i + (prevIsDigit ? 1 : 0)) & 1) === 0 && j < line.length && isDigit(line.charCodeAt(j));
}

/**
 * Tokens of an already preprocessed line under sacrebleu's `TokenizerRegexp` (the four substitutions
 * on ` {line} `, then `' '.join(line.split())`).
 *
 * One pass, no regex. The substitutions only insert spaces, so tokens are slices of the line, and
 * where spaces land follows from re.sub's left-to-right, non-overlapping scan:
 * - `([\{-\~\[-\` -\&\(-\+\:-\@\/])` → ` \1 `: each such character is a token by itself;
 * - `([0-9])(-)` → `\1 \2 `: a `-` right after a digit is a token by itself (the other substitutions
 *   never put a space between a digit and a `-`, so this sees the original adjacency);
 * - `([^0-9])([\.,])` → `\1 \2 ` then `([\.,])([^0-9])` → ` \1 \2`: for a maximal run of k
 *   characters `.`/`,` between p and q (the characters around it, a space at either end of the line),
 *   every run member ends up separated, except the last one when it was left unpaired (`glueRight`):
 *   it stays glued to q when q is a digit, and then also to p when k = 1 (`5.00`, `10,000`).
 * Checked against a literal transcription of the regexes in tokenize-13a.test.ts.
 */
function scan13a(line: string, out: TokenRanges): TokenRanges {
  out.reset(line);
  const n = line.length;
  let i = 0;
  while (i < n) {
    let c = line.charCodeAt(i);
    if (isAsciiAlnum(c)) {
      // the start of a word (below)
    } else if (isPyWhitespace(c)) {
      i++;
      continue;
    } else if (isPunct(c) || (c === 0x2d && i > 0 && isDigit(line.charCodeAt(i - 1)))) {
      out.push(i, i + 1, hashStep(HASH_SEED, c));
      i++;
      continue;
    } else if (isDotComma(c)) {
      // A run [i, j) outside a word (the character before is never a digit here: digits are in words).
      const j = dotCommaRunEnd(line, i);
      const glue = glueRight(line, i, j, i > 0 && isDigit(line.charCodeAt(i - 1)));
      const last = glue ? j - 1 : j;
      for (let d = i; d < last; d++) out.push(d, d + 1, hashStep(HASH_SEED, line.charCodeAt(d)));
      if (!glue) {
        i = j;
        continue;
      }
      // glued to the digits that follow: a word starting at the run's last character
      i = j - 1;
      c = line.charCodeAt(i);
    }
    // A word: letters, digits, `'`, non-ASCII non-whitespace, `-` not after a digit, and `.`/`,` glued
    // between digits.
    let start = i;
    let h = hashStep(HASH_SEED, c);
    let open = true;
    for (;;) {
      i++;
      if (i >= n) break;
      const prev = c;
      c = line.charCodeAt(i);
      if (isAsciiAlnum(c)) {
        h = hashStep(h, c);
        continue;
      }
      if (isPyWhitespace(c) || isPunct(c)) break;
      if (c === 0x2d) {
        if (isDigit(prev)) break;
        h = hashStep(h, c);
        continue;
      }
      if (!isDotComma(c)) {
        h = hashStep(h, c);
        continue;
      }
      const j = dotCommaRunEnd(line, i);
      const glue = glueRight(line, i, j, isDigit(prev));
      // `5.00`, `10,000`: the word goes on through a single `.`/`,` between digits
      if (glue && j === i + 1) {
        h = hashStep(h, c);
        continue;
      }
      out.push(start, i, h);
      const last = glue ? j - 1 : j;
      for (let d = i; d < last; d++) out.push(d, d + 1, hashStep(HASH_SEED, line.charCodeAt(d)));
      if (!glue) {
        i = j;
        open = false;
        break;
      }
      // a new word from the run's last character, glued to the digits that follow
      start = j - 1;
      i = start;
      c = line.charCodeAt(i);
      h = hashStep(HASH_SEED, c);
    }
    if (open) out.push(start, i, h);
  }
  return out;
}

/** `tokenize13aTokens` into reusable ranges. */
export function tokenize13aRanges(text: string, out: TokenRanges): TokenRanges {
  return scan13a(preprocess13a(text), out);
}

/** Tokens of `text` under sacrebleu 2.6.0's `Tokenizer13a` (without the `rstrip()` that `BLEU` applies first). */
export function tokenize13aTokens(text: string): string[] {
  return tokenize13aRanges(text, new TokenRanges()).tokens();
}

/** sacrebleu 2.6.0 `Tokenizer13a()(text)`: the tokenized line, tokens joined by single spaces. */
export function tokenize13a(text: string): string {
  return tokenize13aTokens(text).join(' ');
}
