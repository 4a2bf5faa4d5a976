/**
 * rouge-score 0.1.2's tokenizer (`tokenize.tokenize`): Python `str.lower()`, every run of `[^a-z0-9]`
 * becomes a space, split on whitespace, and (with the stemmer) NLTK's Porter stem of tokens longer than
 * 3 characters.
 */
import { porterStem } from './porter.js';
import { HASH_SEED, hashStep, TokenRanges } from './tokens.js';

function isLowerAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

/**
 * rouge-score's tokens of `text` into `out`: the runs of `[a-z0-9]` of `text.toLowerCase()`, with the
 * "\n"-separated line of each.
 *
 * JavaScript's `toLowerCase` and Python's `str.lower()` produce an ASCII letter or digit from the same
 * characters only (checked over every code point, Python 3.11 and Node 22): A–Z, a–z, 0–9, 'İ' (U+0130,
 * "i" + U+0307, so the token ends after the "i") and the Kelvin sign (U+212A → "k"). "\n" always
 * separates tokens, so the tokens of each line are exactly what rouge-score gets by tokenizing that
 * line alone (which ROUGE-Lsum does).
 */
export function rougeTokenRanges(text: string, out: TokenRanges): TokenRanges {
  const lower = text.toLowerCase();
  out.reset(lower);
  const n = lower.length;
  let line = 0;
  let i = 0;
  while (i < n) {
    const c = lower.charCodeAt(i);
    if (isLowerAlnum(c)) {
      const start = i;
      let h = hashStep(HASH_SEED, c);
      for (i++; i < n; i++) {
        const d = lower.charCodeAt(i);
        if (!isLowerAlnum(d)) break;
        h = hashStep(h, d);
      }
      out.pushOnLine(start, i, h, line);
      continue;
    }
    if (c === 10) line++;
    i++;
  }
  return out;
}

/**
 * rouge-score's stemming step as a text: the tokens of `t`, those longer than 3 characters replaced
 * by their stem, joined by " " within a line and by "\n" between lines. Its tokens (`rougeTokenRanges`)
 * are the stemmed tokens on the same lines: stems are `[a-z0-9]+` (rouge-score drops any other token,
 * and only an empty stem could be one: it vanishes here too).
 */
export function stemmedText(t: TokenRanges, stem: (word: string) => string): string {
  let out = '';
  for (let k = 0; k < t.count; k++) {
    let token = t.token(k);
    if (token.length > 3) token = stem(token);
    if (k > 0) out += t.line[k] === t.line[k - 1] ? ' ' : '\n';
    out += token;
  }
  return out;
}

/** Cached stems kept by a `StemCache` before it starts over. */
const STEM_CACHE_MAX = 100_000;

/**
 * `porterStem` memoized. It caches a pure function (`porterStem` keeps no state), so what it holds
 * never changes a result, only how fast it comes.
 */
export class StemCache {
  private readonly stems = new Map<string, string>();

  readonly stem = (word: string): string => {
    let s = this.stems.get(word);
    if (s === undefined) {
      s = porterStem(word);
      if (this.stems.size >= STEM_CACHE_MAX) this.stems.clear();
      this.stems.set(word, s);
    }
    return s;
  };
}

/**
 * rouge-score's tokenizer: Python `str.lower()`, every run of `[^a-z0-9]` becomes a space, split on
 * whitespace, and (with `stemmer`) NLTK Porter stemming of tokens longer than 3 characters.
 */
export function rougeTokenize(text: string, options: { stemmer?: boolean } = {}): string[] {
  const t = rougeTokenRanges(text, new TokenRanges());
  if (options.stemmer !== true) return t.tokens();
  return rougeTokenRanges(stemmedText(t, porterStem), new TokenRanges()).tokens();
}
