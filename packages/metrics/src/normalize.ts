import { canonicalLabel } from '@mmre/core';

/** Letters whose Unicode case folding is not `lower(upper(lower(c)))` (see `caseFold`). */
function foldCodePoint(ch: string): string {
  const cp = ch.codePointAt(0) as number;
  // U+0131 LATIN SMALL LETTER DOTLESS I has no folding (only the Turkic `T` entry maps I → ı).
  if (cp === 0x131) return ch;
  // Cherokee folds to the UPPER-case letters (they were encoded first).
  if (cp >= 0x13a0 && cp <= 0x13f5) return ch;
  if ((cp >= 0x13f8 && cp <= 0x13fd) || (cp >= 0xab70 && cp <= 0xabbf)) return ch.toUpperCase();
  return ch.toLowerCase().toUpperCase().toLowerCase();
}

/**
 * Unicode full case folding, i.e. Python's `str.casefold()`: `toLowerCase` plus the full foldings
 * (ß → ss, ẞ → ss, ŉ → ʼn, ﬁ → fi, ᾳ → αι, ſ → s, ς → σ, U+0345 → ι, µ → μ, …) and Cherokee
 * (folds to upper case). Implemented per code point as `lower(upper(lower(c)))` with the two
 * exceptions above (dotless ı, Cherokee); checked against Python over every code point: it agrees
 * on all code points both Unicode versions assign (Python 3.11 = Unicode 14, Node 22 = Unicode 17).
 * Per code point, so there is no context-dependent final-sigma lowering (casefold has none either).
 */
export function caseFold(text: string): string {
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase();
  let out = '';
  for (const ch of text) out += foldCodePoint(ch);
  return out;
}

/**
 * Collapses runs of Python whitespace (`str.isspace()`, what `str.split()` splits on: the ASCII
 * controls \t \n \v \f \r and \x1c–\x1f, space, U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028,
 * U+2029, U+202F, U+205F, U+3000) to one space and trims. JavaScript's `\s` differs (it has U+FEFF,
 * lacks \x1c–\x1f and U+0085).
 */
export function collapseWhitespace(text: string): string {
  return text.replace(/[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g, ' ').trim();
}

/**
 * Entity text as compared by the NER and matching metrics (DESIGN.md "Metrics"):
 * Unicode NFKC, whitespace collapse (Python `str.split()` whitespace), trim, case fold
 * (`caseFold`), then NFKC again because folding can un-normalise (e.g. ǰ → ǰ).
 * `normalizeEntityText(x) === normalizeEntityText(normalizeEntityText(x))`.
 */
export function normalizeEntityText(text: string): string {
  return caseFold(collapseWhitespace(text.normalize('NFKC'))).normalize('NFKC');
}

/**
 * A label as compared by the NER metric: the canonical label for known labels and aliases
 * (`canonicalLabel` from @mmre/core: `PER` → `person`, `misc` → `other`, …); an unknown label is
 * compared trimmed and lower-cased.
 */
export function normalizeLabel(label: string): string {
  return canonicalLabel(label) ?? label.trim().toLowerCase();
}

/** A segment id as compared by the matching metric: trimmed and lower-cased. */
export function normalizeSegment(segment: string): string {
  return segment.trim().toLowerCase();
}
