/**
 * Python's whitespace (`str.isspace()`, Python 3.11 / Unicode 14) and `str.split()` / `str.rstrip()`
 * with no argument.
 *
 * This is not JavaScript's `\s`: Python counts U+001C–U+001F (file/group/record/unit separators) and
 * U+0085 (NEL) as whitespace and does not count U+FEFF (BOM); JavaScript's `\s` does the opposite.
 * Neither counts U+200B (zero-width space) or U+180E.
 */
import { HASH_SEED, hashStep, type TokenRanges } from './tokens.js';

/** True when the UTF-16 code unit `c` is a Python whitespace character (`chr(c).isspace()`). */
export function isPyWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c >= 0x1c;
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/**
 * Python `text.split()` with no argument: splits on runs of Python whitespace and drops empty strings
 * (so leading/trailing whitespace yields no empty tokens, and an all-whitespace string yields `[]`).
 */
export function pySplit(text: string): string[] {
  const out: string[] = [];
  const n = text.length;
  let start = -1;
  for (let i = 0; i < n; i++) {
    if (isPyWhitespace(text.charCodeAt(i))) {
      if (start >= 0) {
        out.push(text.slice(start, i));
        start = -1;
      }
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) out.push(start === 0 ? text : text.slice(start));
  return out;
}

/** `pySplit` into reusable ranges. */
export function pySplitRanges(text: string, out: TokenRanges): TokenRanges {
  out.reset(text);
  const n = text.length;
  let start = -1;
  let h = HASH_SEED;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (isPyWhitespace(c)) {
      if (start >= 0) {
        out.push(start, i, h);
        start = -1;
      }
    } else {
      if (start < 0) {
        start = i;
        h = HASH_SEED;
      }
      h = hashStep(h, c);
    }
  }
  if (start >= 0) out.push(start, n, h);
  return out;
}

/** Python `text.rstrip()` with no argument. */
export function pyRstrip(text: string): string {
  let end = text.length;
  while (end > 0 && isPyWhitespace(text.charCodeAt(end - 1))) end--;
  return end === text.length ? text : text.slice(0, end);
}
