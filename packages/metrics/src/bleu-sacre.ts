/**
 * BLEU with the exact semantics of sacrebleu 2.6.0: the `13a` tokenizer (`tokenizer_13a.Tokenizer13a`),
 * `BLEU.compute_bleu` with the `exp`, `floor`, `add-k` and `none` smoothing methods and effective order,
 * `sentence_bleu(hyp, [ref])` and `corpus_bleu(hyps, [refs])`.
 *
 * Speed: the tokenizer is a hand-written emulation of sacrebleu's four regex substitutions (same
 * left-to-right, non-overlapping matching) over the UTF-16 code units, producing tokens as ranges of
 * the line with exact packed keys for short ASCII tokens (no string is created and, for those, no
 * character compared); n-grams are counted on small integer ids (tokens interned per pair; an n-gram
 * unique in the reference is followed by position, only repeated ones are hashed) in reused typed
 * arrays. Statistics are computed once per pair; every smoothing variant derives from them.
 */
import { isPyWhitespace, pyRstrip, type TokenRanges } from './pysplit.js';

/** Sufficient statistics of BLEU for orders n = 1..4: matches (`counts`) and hypothesis n-grams (`totals`). */
export interface BleuStats {
  counts: number[];
  totals: number[];
  sysLen: number;
  refLen: number;
}

export interface SacreBleuOptions {
  /** Default `exp`. */
  smoothMethod?: 'exp' | 'floor' | 'add-k' | 'none';
  /** For `floor` (default 0.1) and `add-k` (default 1); ignored otherwise. */
  smoothValue?: number;
  /** Average only over the orders with a non-zero n-gram total (sacrebleu `effective_order`). */
  effectiveOrder?: boolean;
}

/** The fields of sacrebleu's `BLEUScore`. */
export interface SacreBleuResult {
  score: number;
  counts: number[];
  totals: number[];
  precisions: number[];
  bp: number;
  sys_len: number;
  ref_len: number;
}

export const SACREBLEU_MAX_ORDER = 4;

// ---------------------------------------------------------------------------------------------
// 13a tokenizer

// Character classes of the 13a regexes: OTHER (letters, `'`, non-ASCII), DIGIT `[0-9]`, DOTCOMMA `[.,]`,
// DASH `-`, PUNCT (the first regex's set `[\{-\~\[-\` -\&\(-\+\:-\@\/]` minus the space) and WS
// (Python whitespace, the final `split()`).
const OTHER = 0;
const DIGIT = 1;
const DOTCOMMA = 2;
const DASH = 3;
const PUNCT = 4;
const WS = 5;

const ASCII_CLASS = new Uint8Array(128);
for (let c = 0x21; c <= 0x26; c++) ASCII_CLASS[c] = PUNCT;
for (let c = 0x28; c <= 0x2b; c++) ASCII_CLASS[c] = PUNCT;
ASCII_CLASS[0x2f] = PUNCT;
for (let c = 0x3a; c <= 0x40; c++) ASCII_CLASS[c] = PUNCT;
for (let c = 0x5b; c <= 0x60; c++) ASCII_CLASS[c] = PUNCT;
for (let c = 0x7b; c <= 0x7e; c++) ASCII_CLASS[c] = PUNCT;
for (let c = 0x30; c <= 0x39; c++) ASCII_CLASS[c] = DIGIT;
ASCII_CLASS[0x2e] = DOTCOMMA;
ASCII_CLASS[0x2c] = DOTCOMMA;
ASCII_CLASS[0x2d] = DASH;
for (let c = 0; c < 128; c++) if (isPyWhitespace(c)) ASCII_CLASS[c] = WS;

function isDigitAt(line: string, i: number): boolean {
  const c = line.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
}

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

/**
 * 13a tokens of one line as ranges of its UTF-16 code units, each with an exact or hashed key:
 * a token of at most 8 ASCII characters is its own key, packed 7 bits per character into
 * (`keyA`, `keyB`) = (last 4 characters, the characters before them | length << 28), so equal keys
 * mean equal tokens and nothing is compared; any other token has (`keyA` = its last 4 characters
 * packed, lossy; `keyB` = LONG | length) and equal keys still need a character comparison.
 */
class Tokens13a {
  line = '';
  count = 0;
  start = new Int32Array(256);
  end = new Int32Array(256);
  keyA = new Int32Array(256);
  keyB = new Int32Array(256);

  reserve(n: number): void {
    if (this.start.length < n) {
      const size = Math.max(n, this.start.length * 2);
      this.start = new Int32Array(size);
      this.end = new Int32Array(size);
      this.keyA = new Int32Array(size);
      this.keyB = new Int32Array(size);
    }
  }

  tokens(): string[] {
    const out = new Array<string>(this.count);
    for (let k = 0; k < this.count; k++) out[k] = this.line.slice(this.start[k]!, this.end[k]!);
    return out;
  }
}

const LONG = 0xf0000000 | 0;
const LEN_MASK = 0x0fffffff;
const ONE_CHAR = 1 << 28;

/**
 * Token ranges of an already preprocessed line under sacrebleu's `TokenizerRegexp` (the four
 * substitutions on ` {line} `, then `' '.join(line.split())`), written to `out`.
 *
 * One pass, no regex. The substitutions only insert spaces, so tokens are slices of the line, and
 * where spaces land follows from re.sub's left-to-right, non-overlapping scan:
 * - `([\{-\~\[-\` -\&\(-\+\:-\@\/])` → ` \1 `: each such character is a token by itself;
 * - `([0-9])(-)` → `\1 \2 `: a `-` right after a digit is a token by itself (the other substitutions
 *   never put a space between a digit and a `-`, so this sees the original adjacency);
 * - `([^0-9])([\.,])` → `\1 \2 ` then `([\.,])([^0-9])` → ` \1 \2`: for a maximal run of k
 *   characters `.`/`,` between p and q (the characters around it, a space at either end of the line),
 *   the first substitution pairs the run up from p (p itself when it is not a digit), so every run
 *   member ends up separated, except the last one when it was left unpaired (k + [p is a digit] even):
 *   it stays glued to q when q is a digit, and then also to p when k = 1 (`5.00`, `10,000`).
 * Checked against a literal transcription of the regexes in bleu-sacre.test.ts.
 */
function scan13a(line: string, out: Tokens13a): Tokens13a {
  const n = line.length;
  out.reserve(n + 1);
  const ts = out.start;
  const te = out.end;
  const ka = out.keyA;
  const kb = out.keyB;
  let count = 0;
  let i = 0;
  while (i < n) {
    let c = line.charCodeAt(i);
    const k = c < 128 ? ASCII_CLASS[c]! : isPyWhitespace(c) ? WS : OTHER;
    if (k === WS) {
      i++;
      continue;
    }
    if (k === PUNCT || (k === DASH && i > 0 && isDigitAt(line, i - 1))) {
      ts[count] = i;
      te[count] = i + 1;
      ka[count] = c;
      kb[count++] = ONE_CHAR;
      i++;
      continue;
    }
    if (k === DOTCOMMA) {
      // A run [i, j) outside a word (the character before is never a digit here: digits are in words).
      let j = i + 1;
      while (j < n) {
        const d = line.charCodeAt(j);
        if (d !== 0x2e && d !== 0x2c) break;
        j++;
      }
      const pDigit = i > 0 && isDigitAt(line, i - 1);
      const glueRight = ((j - i + (pDigit ? 1 : 0)) & 1) === 0 && j < n && isDigitAt(line, j);
      const last = glueRight ? j - 1 : j;
      for (let d = i; d < last; d++) {
        ts[count] = d;
        te[count] = d + 1;
        ka[count] = line.charCodeAt(d);
        kb[count++] = ONE_CHAR;
      }
      if (!glueRight) {
        i = j;
        continue;
      }
      // glued to the digits that follow: a word starting at the run's last character
      i = j - 1;
      c = line.charCodeAt(i);
    }
    // A word: OTHER and DIGIT characters, `-` not after a digit, and `.`/`,` glued between digits.
    let start = i;
    let a = c;
    let b = 0;
    let wide = c >= 128;
    let open = true;
    for (;;) {
      i++;
      if (i >= n) break;
      const prev = c;
      c = line.charCodeAt(i);
      if (c < 128) {
        const kk = ASCII_CLASS[c]!;
        if (kk > DIGIT) {
          if (kk === DASH) {
            if (prev >= 0x30 && prev <= 0x39) break;
          } else if (kk !== DOTCOMMA) {
            break;
          } else {
            let j = i + 1;
            while (j < n) {
              const d = line.charCodeAt(j);
              if (d !== 0x2e && d !== 0x2c) break;
              j++;
            }
            const pDigit = prev >= 0x30 && prev <= 0x39;
            const glueRight = ((j - i + (pDigit ? 1 : 0)) & 1) === 0 && j < n && isDigitAt(line, j);
            if (!(glueRight && j === i + 1)) {
              const len = i - start;
              ts[count] = start;
              te[count] = i;
              ka[count] = a;
              kb[count++] = len <= 8 && !wide ? b | (len << 28) : LONG | (len & LEN_MASK);
              const last = glueRight ? j - 1 : j;
              for (let d = i; d < last; d++) {
                ts[count] = d;
                te[count] = d + 1;
                ka[count] = line.charCodeAt(d);
                kb[count++] = ONE_CHAR;
              }
              if (!glueRight) {
                i = j;
                open = false;
                break;
              }
              // a new word from the run's last character, glued to the digits that follow
              start = j - 1;
              i = start;
              c = line.charCodeAt(i);
              a = c;
              b = 0;
              wide = false;
              continue;
            }
            // `5.00`, `10,000`: the word goes on through the `.`/`,`
          }
        }
      } else if (isPyWhitespace(c)) {
        break;
      } else {
        wide = true;
      }
      b = (b << 7) | (a >>> 21);
      a = ((a << 7) | c) & LEN_MASK;
    }
    if (open) {
      const len = i - start;
      ts[count] = start;
      te[count] = i;
      ka[count] = a;
      kb[count++] = len <= 8 && !wide ? b | (len << 28) : LONG | (len & LEN_MASK);
    }
  }
  out.line = line;
  out.count = count;
  return out;
}

const scratch = new Tokens13a();
const hypTokens = new Tokens13a();
const refTokens = new Tokens13a();

/** Tokens of `text` under sacrebleu 2.6.0's `Tokenizer13a` (without the `rstrip()` that `BLEU` applies first). */
export function tokenize13aTokens(text: string): string[] {
  return scan13a(preprocess13a(text), scratch).tokens();
}

/** sacrebleu 2.6.0 `Tokenizer13a()(text)`: the tokenized line, tokens joined by single spaces. */
export function tokenize13a(text: string): string {
  return tokenize13aTokens(text).join(' ');
}

// ---------------------------------------------------------------------------------------------
// Clipped n-gram matches (shared with the NLTK flavour)
//
// Tokens are interned to ids per pair (reference tokens get 0..v-1, a hypothesis token absent from the
// reference gets -1), then each order n ≥ 2 interns (id of the (n-1)-gram, token id) pairs to fresh
// ids in a typed-array hash table, so counting is array indexing. Tables are emptied in O(1) by
// bumping a generation stamp; nothing is allocated per pair once the buffers are large enough.

let refTok = new Int32Array(256);
let refGram = new Int32Array(256);
let hypTok = new Int32Array(256);
let hypGram = new Int32Array(256);
let refCount = new Int32Array(1024);
let solo = new Int32Array(1024);
let used = new Int32Array(1024);
let inHyp = new Int32Array(1024);
let inHypGen = 0;
let refAlive = new Int32Array(256);
let hypAlive = new Int32Array(256);

// (previous n-gram id, token id) → n-gram id.
// Packed slots of 4: [stamp, previous id, token id, n-gram id].
let ht = new Int32Array(4 * 4096);
let htCap = 4096;
let htGen = 0;

// token (char range of a TokenRanges) → token id.
// Packed slots of 4: [stamp, hash, index of the first reference token with this text, token id].
let vt = new Int32Array(4 * 1024);
let vtCap = 1024;
let vtGen = 0;

// token string → generation * ID_SPAN + id (for string arrays); dropped when large.
const ID_SPAN = 2 ** 24;
const VOCAB_MAX = 200_000;
let vocab = new Map<string, number>();
let vocabGen = 0;

function reserveTokens(hl: number, rl: number): void {
  if (refTok.length < rl) {
    refTok = new Int32Array(rl * 2);
    refGram = new Int32Array(rl * 2);
  }
  if (hypTok.length < hl) {
    hypTok = new Int32Array(hl * 2);
    hypGram = new Int32Array(hl * 2);
  }
}

function initTotals(hl: number, maxN: number, correct: number[], total: number[]): void {
  for (let n = 1; n <= maxN; n++) {
    correct[n - 1] = 0;
    total[n - 1] = hl >= n ? hl - n + 1 : 0;
  }
}

// Stamps and table mask of the current pair, set by `prepareMatch`.
let curSeen = 0;
let curGen = 0;
let curMask = 0;

/** Sizes the match buffers for a pair (ids < maxN * rl) and starts fresh stamps. */
function prepareMatch(hl: number, rl: number, maxN: number): void {
  const need = maxN * rl + 1;
  if (refCount.length < need) {
    refCount = new Int32Array(need * 2);
    solo = new Int32Array(need * 2);
    inHyp = new Int32Array(need * 2);
    // `used` carries stamps of the same generation counter: restarting the counter must clear it too,
    // or a stale stamp equal to a new generation hides a match.
    used.fill(0);
    inHypGen = 0;
  }
  const usedNeed = (maxN - 1) * rl;
  if (used.length < usedNeed) {
    used = new Int32Array(usedNeed * 2);
    inHyp.fill(0);
    inHypGen = 0;
  }
  if (refAlive.length < rl) refAlive = new Int32Array(rl * 2);
  if (hypAlive.length < hl) hypAlive = new Int32Array(hl * 2);
  if (inHypGen >= 0x7ffffff0) {
    inHyp.fill(0);
    used.fill(0);
    inHypGen = 0;
  }
  curSeen = ++inHypGen;
  // Probe only the first `cap` slots, sized to this pair (≥ 2 × entries), so a short pair stays in cache.
  let cap = 64;
  while (cap < usedNeed * 2) cap *= 2;
  if (htCap < cap) {
    ht = new Int32Array(4 * cap);
    htCap = cap;
    htGen = 0;
  }
  if (htGen >= 0x7ffffff0) {
    ht.fill(0);
    htGen = 0;
  }
  curGen = ++htGen;
  curMask = cap - 1;
}

function matchBuffers(): MatchBuffers {
  return {
    refTok,
    hypTok,
    refGram,
    hypGram,
    refCount,
    solo,
    inHyp,
    used,
    refAlive,
    hypAlive,
    table: ht,
  };
}

/** Counts matches from `refTok[0..rl)` (ids < v) and `hypTok[0..hl)` (ids, -1 = not in ref). */
function matchIds(hl: number, rl: number, v: number, maxN: number, correct: number[]): void {
  prepareMatch(hl, rl, maxN);
  refCount.fill(0, 0, v);
  // The buffers are passed as arguments: locals, not module bindings, in the hot loops.
  matchLevels(hl, rl, v, maxN, correct, curSeen, curGen, curMask, matchBuffers(), -1, false, 0);
}

interface MatchBuffers {
  refTok: Int32Array;
  hypTok: Int32Array;
  refGram: Int32Array;
  hypGram: Int32Array;
  refCount: Int32Array;
  solo: Int32Array;
  inHyp: Int32Array;
  used: Int32Array;
  refAlive: Int32Array;
  hypAlive: Int32Array;
  table: Int32Array;
}

/**
 * Level by level (n = 1..maxN), with ids for n-grams: `solo[id]` is the only reference position of
 * the n-gram `id`, or -1 when it occurs more than once there. A hypothesis position whose n-gram is
 * unique in the reference follows that one reference position (`hypGram[i] = -(p + 1)` after order 1;
 * from order 2 on, its longer matches are counted at once and the position is dropped): its longer
 * n-grams match when the next tokens are equal, and are unique too, so nothing is hashed or counted
 * for them on the reference side (`used` marks the matched ones, for clipping at 1). Only n-grams
 * extending a repeated (n-1)-gram get ids through the hash table of (previous id, token id) pairs,
 * and reference positions are interned only when the hypothesis has their prefix and last token.
 */
function matchLevels(
  hl: number,
  rl: number,
  v: number,
  maxN: number,
  correct: number[],
  seen: number,
  gen: number,
  mask: number,
  buf: MatchBuffers,
  level1HypN: number,
  level1Repeated: boolean,
  level1RefN: number,
): void {
  const { refTok, hypTok, refGram, hypGram, refCount, solo, inHyp, used, refAlive, hypAlive, table } = buf;
  const wrap = 4 * mask + 3;

  let c: number;
  let hypN: number;
  let repeated: boolean;
  if (level1HypN >= 0) {
    // n = 1 was counted while interning (`internKeys`)
    c = correct[0]!;
    hypN = level1HypN;
    repeated = level1Repeated;
  } else {
    // n = 1
    for (let i = 0; i < rl; i++) {
      const id = refTok[i]!;
      solo[id] = refCount[id] === 0 ? i : -1;
      refCount[id]!++;
    }
    c = 0;
    hypN = 0;
    repeated = false;
    for (let i = 0; i < hl; i++) {
      const id = hypTok[i]!;
      if (id < 0) continue;
      inHyp[id] = seen;
      const p = solo[id]!;
      if (p >= 0) {
        hypGram[i] = -p - 1;
      } else {
        hypGram[i] = id;
        repeated = true;
      }
      hypAlive[hypN++] = i;
      if (refCount[id]! > 0) {
        c++;
        refCount[id]!--;
      }
    }
    correct[0] = c;
  }
  if (c === 0 || maxN < 2) return;
  let refN = 0;
  if (repeated) {
    // the reference positions of tokens repeated there that the hypothesis has (in any order)
    if (level1HypN >= 0) {
      // `internKeys` listed the positions of repeated tokens in refAlive
      for (let j = 0; j < level1RefN; j++) {
        const i = refAlive[j]!;
        const id = refTok[i]!;
        if (inHyp[id] === seen) {
          refGram[i] = id;
          refAlive[refN++] = i;
        }
      }
    } else {
      for (let i = 0; i < rl; i++) {
        const id = refTok[i]!;
        if (inHyp[id] === seen && solo[id]! < 0) {
          refGram[i] = id;
          refAlive[refN++] = i;
        }
      }
    }
  }

  let next = v;
  for (let n = 2; n <= maxN; n++) {
    // Reference: intern the n-grams extending a repeated (n-1)-gram that the hypothesis has, when the
    // hypothesis also has their last token.
    const rLast = rl - n;
    let k = 0;
    for (let j = 0; j < refN; j++) {
      const i = refAlive[j]!;
      if (i > rLast) continue;
      const a = refGram[i]!;
      const b = refTok[i + n - 1]!;
      if (inHyp[a] !== seen || inHyp[b] !== seen) continue;
      const h = Math.imul(a ^ Math.imul(b, 0x85ebca77), 0x9e3779b1);
      let slot = ((h ^ (h >>> 15)) & mask) << 2;
      let g = -1;
      while (table[slot] === gen) {
        if (table[slot + 1] === a && table[slot + 2] === b) {
          g = table[slot + 3]!;
          break;
        }
        slot = (slot + 4) & wrap;
      }
      if (g < 0) {
        g = next++;
        solo[g] = i;
        refCount[g] = 1;
        table[slot] = gen;
        table[slot + 1] = a;
        table[slot + 2] = b;
        table[slot + 3] = g;
      } else {
        solo[g] = -1;
        refCount[g]!++;
      }
      refGram[i] = g;
      refAlive[k++] = i;
    }
    refN = k;
    // Hypothesis: extend the positions whose (n-1)-gram occurs in the reference.
    const hLast = hl - n;
    const usedBase = (n - 2) * rl;
    // matches of order n counted ahead from unique n-grams of lower orders, see below
    c = correct[n - 1]!;
    k = 0;
    for (let j = 0; j < hypN; j++) {
      const i = hypAlive[j]!;
      if (i > hLast) break;
      const b = hypTok[i + n - 1]!;
      if (b < 0) continue;
      const a = hypGram[i]!;
      let p: number;
      if (a < 0) {
        // the (n-1)-gram is unique in the reference, at p
        p = -a - 1;
        if (p > rLast || refTok[p + n - 1] !== b) continue;
      } else {
        const h = Math.imul(a ^ Math.imul(b, 0x85ebca77), 0x9e3779b1);
        let slot = ((h ^ (h >>> 15)) & mask) << 2;
        let g = -1;
        while (table[slot] === gen) {
          if (table[slot + 1] === a && table[slot + 2] === b) {
            g = table[slot + 3]!;
            break;
          }
          slot = (slot + 4) & wrap;
        }
        if (g < 0) continue;
        p = solo[g]!;
        if (p < 0) {
          hypGram[i] = g;
          hypAlive[k++] = i;
          inHyp[g] = seen;
          if (refCount[g]! > 0) {
            c++;
            refCount[g]!--;
          }
          continue;
        }
      }
      // The n-gram at i is the one at p, unique in the reference: count it and at once its longer
      // matches (also unique there, at p), and drop i from the positions to extend.
      if (used[usedBase + p] !== seen) {
        used[usedBase + p] = seen;
        c++;
      }
      for (let m = n + 1; m <= maxN; m++) {
        if (i + m > hl || p + m > rl || hypTok[i + m - 1] !== refTok[p + m - 1]) break;
        const u = (m - 2) * rl + p;
        if (used[u] !== seen) {
          used[u] = seen;
          correct[m - 1]!++;
        }
      }
    }
    hypN = k;
    correct[n - 1] = c;
    if (c === 0) return;
    if (refN === 0 || n === maxN) continue;
    // The next reference level starts from the repeated n-grams only.
    k = 0;
    for (let j = 0; j < refN; j++) {
      const i = refAlive[j]!;
      if (solo[refGram[i]!]! < 0) refAlive[k++] = i;
    }
    refN = k;
  }
}

/**
 * For n = 1..maxN: `correct[n-1]` = Σ over distinct hypothesis n-grams of min(count in hyp, count in ref)
 * and `total[n-1]` = number of hypothesis n-grams (max(0, len - n + 1)). Overwrites both arrays.
 */
export function clippedNgramMatches(
  hyp: readonly string[],
  ref: readonly string[],
  maxN: number,
  correct: number[],
  total: number[],
): void {
  const hl = hyp.length;
  const rl = ref.length;
  initTotals(hl, maxN, correct, total);
  if (hl === 0 || rl === 0) return;
  reserveTokens(hl, rl);
  if (vocab.size > VOCAB_MAX || vocabGen >= 2 ** 28 || rl >= ID_SPAN) {
    vocab = new Map();
    vocabGen = 0;
  }
  const base = ++vocabGen * ID_SPAN;
  let v = 0;
  for (let i = 0; i < rl; i++) {
    const t = ref[i]!;
    const e = vocab.get(t);
    let id: number;
    if (e === undefined || e < base) {
      id = v++;
      vocab.set(t, base + id);
    } else {
      id = e - base;
    }
    refTok[i] = id;
  }
  let anyHyp = false;
  for (let i = 0; i < hl; i++) {
    const e = vocab.get(hyp[i]!);
    if (e === undefined || e < base) {
      hypTok[i] = -1;
    } else {
      hypTok[i] = e - base;
      anyHyp = true;
    }
  }
  if (anyHyp) matchIds(hl, rl, v, maxN, correct);
}

function sameToken(a: string, as: number, ae: number, b: string, bs: number, be: number): boolean {
  if (ae - as !== be - bs) return false;
  for (let i = 0; i < ae - as; i++) if (a.charCodeAt(as + i) !== b.charCodeAt(bs + i)) return false;
  return true;
}

function sameBytes(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
  if (ae - as !== be - bs) return false;
  for (let i = 0; i < ae - as; i++) if (a[as + i] !== b[bs + i]) return false;
  return true;
}

/** `clippedNgramMatches` on token ranges (no token strings are created). @internal */
export function clippedNgramMatchesRanges(
  hyp: TokenRanges,
  ref: TokenRanges,
  maxN: number,
  correct: number[],
  total: number[],
): void {
  const hl = hyp.count;
  const rl = ref.count;
  initTotals(hl, maxN, correct, total);
  if (hl === 0 || rl === 0) return;
  reserveTokens(hl, rl);
  let cap = 32;
  while (cap < rl * 2) cap *= 2;
  if (vtCap < cap) {
    vt = new Int32Array(4 * cap);
    vtCap = cap;
    vtGen = 0;
  }
  if (vtGen >= 0x7ffffff0) {
    vt.fill(0);
    vtGen = 0;
  }
  const gen = ++vtGen;
  const mask = cap - 1;
  const wrap = 4 * cap - 1;
  const table = vt;
  if (hyp.utf8 !== ref.utf8) {
    throw new Error('clippedNgramMatchesRanges: both sides must be tokenized in the same mode (UTF-8 or UTF-16)');
  }
  const bytes = ref.utf8;
  const rBytes = ref.bytes;
  const hBytes = hyp.bytes;
  const rLine = ref.line;
  const rs = ref.start;
  const re = ref.end;
  const rh = ref.hash;
  let v = 0;
  for (let k = 0; k < rl; k++) {
    const h = rh[k]!;
    let slot = ((h ^ (h >>> 16)) & mask) << 2;
    let id = -1;
    while (table[slot] === gen) {
      if (table[slot + 1] === h) {
        const o = table[slot + 2]!;
        if (
          bytes
            ? sameBytes(rBytes, rs[o]!, re[o]!, rBytes, rs[k]!, re[k]!)
            : sameToken(rLine, rs[o]!, re[o]!, rLine, rs[k]!, re[k]!)
        ) {
          id = table[slot + 3]!;
          break;
        }
      }
      slot = (slot + 4) & wrap;
    }
    if (id < 0) {
      id = v++;
      table[slot] = gen;
      table[slot + 1] = h;
      table[slot + 2] = k;
      table[slot + 3] = id;
    }
    refTok[k] = id;
  }
  const hLine = hyp.line;
  const hs = hyp.start;
  const he = hyp.end;
  const hh = hyp.hash;
  let anyHyp = false;
  for (let k = 0; k < hl; k++) {
    const h = hh[k]!;
    let slot = ((h ^ (h >>> 16)) & mask) << 2;
    let id = -1;
    while (table[slot] === gen) {
      if (table[slot + 1] === h) {
        const o = table[slot + 2]!;
        if (
          bytes
            ? sameBytes(rBytes, rs[o]!, re[o]!, hBytes, hs[k]!, he[k]!)
            : sameToken(rLine, rs[o]!, re[o]!, hLine, hs[k]!, he[k]!)
        ) {
          id = table[slot + 3]!;
          break;
        }
      }
      slot = (slot + 4) & wrap;
    }
    hypTok[k] = id;
    if (id >= 0) anyHyp = true;
  }
  if (anyHyp) matchIds(hl, rl, v, maxN, correct);
}

// ---------------------------------------------------------------------------------------------
// sacreBLEU pair statistics on 13a token keys

// Packed slots of 4: [stamp, keyA, keyB, token id].
let kt = new Int32Array(4 * 1024);
let ktCap = 1024;
let ktGen = 0;
// Reference token index of the first occurrence of each token id.
let firstRef = new Int32Array(256);

function keySlot(a: number, b: number, mask: number): number {
  const h = Math.imul(a ^ Math.imul(b, 0x85ebca77), 0x9e3779b1);
  return ((h ^ (h >>> 15)) & mask) << 2;
}

// Level-1 results of `internKeys` besides its return value.
let level1HypN = 0;
let level1Repeated = false;
let level1RefN = 0;

/**
 * Interns the reference tokens (ids 0..v-1 in `refTok`) and looks the hypothesis tokens up (`hypTok`,
 * -1 when absent from the reference), counting order 1 on the way (`correct[0]`, and the state
 * `matchLevels` continues from). Returns v, or -1 when no hypothesis token is in the reference.
 */
function internPair13a(hyp: Tokens13a, ref: Tokens13a, maxN: number, correct: number[]): number {
  const hl = hyp.count;
  const rl = ref.count;
  reserveTokens(hl, rl);
  prepareMatch(hl, rl, maxN);
  if (firstRef.length < rl) firstRef = new Int32Array(rl * 2);
  let cap = 32;
  while (cap < rl * 4) cap *= 2;
  if (ktCap < cap) {
    kt = new Int32Array(4 * cap);
    ktCap = cap;
    ktGen = 0;
  }
  if (ktGen >= 0x7ffffff0) {
    kt.fill(0);
    ktGen = 0;
  }
  return internKeys(hyp, ref, ++ktGen, cap - 1, kt, firstRef, refTok, hypTok, correct, matchBuffers());
}

function internKeys(
  hyp: Tokens13a,
  ref: Tokens13a,
  gen: number,
  mask: number,
  table: Int32Array,
  first: Int32Array,
  rTok: Int32Array,
  hTok: Int32Array,
  correct: number[],
  buf: MatchBuffers,
): number {
  const { refCount, solo, inHyp, hypGram, hypAlive, refAlive } = buf;
  const seen = curSeen;
  const wrap = 4 * mask + 3;
  const rLine = ref.line;
  const rs = ref.start;
  const re = ref.end;
  const rka = ref.keyA;
  const rkb = ref.keyB;
  const rl = ref.count;
  let v = 0;
  let repN = 0;
  for (let k = 0; k < rl; k++) {
    const a = rka[k]!;
    const b = rkb[k]!;
    let slot = keySlot(a, b, mask);
    let id = -1;
    while (table[slot] === gen) {
      if (table[slot + 1] === a && table[slot + 2] === b) {
        const t = table[slot + 3]!;
        if ((b & LONG) !== LONG) {
          id = t;
          break;
        }
        const o = first[t]!;
        if (sameToken(rLine, rs[o]!, re[o]!, rLine, rs[k]!, re[k]!)) {
          id = t;
          break;
        }
      }
      slot = (slot + 4) & wrap;
    }
    if (id < 0) {
      id = v++;
      first[id] = k;
      solo[id] = k;
      refCount[id] = 1;
      table[slot] = gen;
      table[slot + 1] = a;
      table[slot + 2] = b;
      table[slot + 3] = id;
    } else {
      // positions of repeated tokens, for `matchLevels`
      if (solo[id]! >= 0) {
        refAlive[repN++] = first[id]!;
        solo[id] = -1;
      }
      refAlive[repN++] = k;
      refCount[id]!++;
    }
    rTok[k] = id;
  }
  const hLine = hyp.line;
  const hs = hyp.start;
  const he = hyp.end;
  const hka = hyp.keyA;
  const hkb = hyp.keyB;
  const hl = hyp.count;
  let c = 0;
  let hypN = 0;
  let repeated = false;
  for (let k = 0; k < hl; k++) {
    const a = hka[k]!;
    const b = hkb[k]!;
    let slot = keySlot(a, b, mask);
    let id = -1;
    while (table[slot] === gen) {
      if (table[slot + 1] === a && table[slot + 2] === b) {
        const t = table[slot + 3]!;
        if ((b & LONG) !== LONG) {
          id = t;
          break;
        }
        const o = first[t]!;
        if (sameToken(rLine, rs[o]!, re[o]!, hLine, hs[k]!, he[k]!)) {
          id = t;
          break;
        }
      }
      slot = (slot + 4) & wrap;
    }
    hTok[k] = id;
    if (id < 0) continue;
    // order 1, as in `matchLevels`
    inHyp[id] = seen;
    const p = solo[id]!;
    if (p >= 0) {
      hypGram[k] = -p - 1;
    } else {
      hypGram[k] = id;
      repeated = true;
    }
    hypAlive[hypN++] = k;
    if (refCount[id]! > 0) {
      c++;
      refCount[id]!--;
    }
  }
  correct[0] = c;
  level1HypN = hypN;
  level1Repeated = repeated;
  level1RefN = repN;
  return hypN > 0 ? v : -1;
}

/** sacreBLEU statistics of one pair into `correct`/`total`; the lengths are `hypTokens.count`/`refTokens.count`. */
function sacreStatsInto(prediction: string, reference: string, correct: number[], total: number[]): void {
  const hyp = scan13a(preprocess13a(pyRstrip(prediction)), hypTokens);
  const ref = scan13a(preprocess13a(pyRstrip(reference)), refTokens);
  const hl = hyp.count;
  const rl = ref.count;
  initTotals(hl, SACREBLEU_MAX_ORDER, correct, total);
  if (hl === 0 || rl === 0) return;
  const v = internPair13a(hyp, ref, SACREBLEU_MAX_ORDER, correct);
  if (v >= 0) {
    matchLevels(
      hl,
      rl,
      v,
      SACREBLEU_MAX_ORDER,
      correct,
      curSeen,
      curGen,
      curMask,
      matchBuffers(),
      level1HypN,
      level1Repeated,
      level1RefN,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// BLEU

/** Tokenized (13a, after `rstrip()`) sentence statistics of one pair, as sacrebleu computes them. */
export function sacreBleuStats(prediction: string, reference: string): BleuStats {
  const counts = [0, 0, 0, 0];
  const totals = [0, 0, 0, 0];
  sacreStatsInto(prediction, reference, counts, totals);
  return { counts, totals, sysLen: hypTokens.count, refLen: refTokens.count };
}

/** Element-wise sum of statistics (sacrebleu `sum_of_lists`): the corpus statistics. */
export function sumBleuStats(stats: Iterable<BleuStats>): BleuStats {
  const counts = [0, 0, 0, 0];
  const totals = [0, 0, 0, 0];
  let sysLen = 0;
  let refLen = 0;
  for (const s of stats) {
    for (let n = 0; n < SACREBLEU_MAX_ORDER; n++) {
      counts[n]! += s.counts[n] ?? 0;
      totals[n]! += s.totals[n] ?? 0;
    }
    sysLen += s.sysLen;
    refLen += s.refLen;
  }
  return { counts, totals, sysLen, refLen };
}

const SMOOTH_DEFAULTS: Record<string, number | undefined> = { floor: 0.1, 'add-k': 1 };

/** sacrebleu `my_log`: log floored to -9999999999 at 0. */
function myLog(x: number): number {
  return x === 0 ? -9999999999 : Math.log(x);
}

/**
 * sacrebleu's `BLEU.compute_bleu(correct, total, sys_len, ref_len, smooth_method, smooth_value,
 * effective_order)`, operation for operation. `counts`/`totals` of the result include the `k` that
 * `add-k` adds to orders 2..4 (as sacrebleu's do); the input is not modified.
 */
export function sacreBleuFromStats(stats: BleuStats, options: SacreBleuOptions = {}): SacreBleuResult {
  return computeBleu(stats, options.smoothMethod ?? 'exp', options.smoothValue, options.effectiveOrder ?? false);
}

function computeBleu(
  stats: BleuStats,
  method: string,
  smoothValueOption: number | undefined,
  effectiveOrder: boolean,
): SacreBleuResult {
  if (method !== 'exp' && method !== 'floor' && method !== 'add-k' && method !== 'none') {
    throw new Error(
      `sacreBleuFromStats: unknown smoothMethod ${JSON.stringify(method)} (use exp, floor, add-k or none)`,
    );
  }
  const smoothValue = smoothValueOption ?? SMOOTH_DEFAULTS[method] ?? 0;
  if (stats.counts.length < SACREBLEU_MAX_ORDER || stats.totals.length < SACREBLEU_MAX_ORDER) {
    throw new Error(
      `sacreBleuFromStats: counts and totals need ${SACREBLEU_MAX_ORDER} entries (orders 1..4), got ${stats.counts.length} and ${stats.totals.length}`,
    );
  }
  return bleuOwned(
    stats.counts.slice(0, SACREBLEU_MAX_ORDER),
    stats.totals.slice(0, SACREBLEU_MAX_ORDER),
    stats.sysLen,
    stats.refLen,
    method,
    smoothValue,
    effectiveOrder,
  );
}

/** `compute_bleu` on fresh arrays that become the result's `counts`/`totals` (add-k adds to them). */
function bleuOwned(
  correct: number[],
  total: number[],
  sysLen: number,
  refLen: number,
  method: string,
  smoothValue: number,
  effectiveOrder: boolean,
): SacreBleuResult {
  let bp = 1.0;
  if (sysLen < refLen) bp = sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0.0;

  const precisions = [0.0, 0.0, 0.0, 0.0];
  if (correct[0] === 0 && correct[1] === 0 && correct[2] === 0 && correct[3] === 0) {
    return { score: 0.0, counts: correct, totals: total, precisions, bp, sys_len: sysLen, ref_len: refLen };
  }

  let smoothMteval = 1.0;
  let effOrder = SACREBLEU_MAX_ORDER;
  for (let n = 1; n <= SACREBLEU_MAX_ORDER; n++) {
    if (method === 'add-k' && n > 1) {
      correct[n - 1]! += smoothValue;
      total[n - 1]! += smoothValue;
    }
    const t = total[n - 1]!;
    if (t === 0) break;
    if (effectiveOrder) effOrder = n;
    const c = correct[n - 1]!;
    if (c === 0) {
      if (method === 'exp') {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * t);
      } else if (method === 'floor') {
        precisions[n - 1] = (100 * smoothValue) / t;
      }
    } else {
      precisions[n - 1] = (100 * c) / t;
    }
  }

  // Python: sum([...]) from int 0, left to right, then / eff_order.
  let sum = 0;
  for (let n = 0; n < effOrder; n++) sum += myLog(precisions[n]!);
  const score = bp * Math.exp(sum / effOrder);
  return { score, counts: correct, totals: total, precisions, bp, sys_len: sysLen, ref_len: refLen };
}

/**
 * sacrebleu `sentence_bleu(prediction, [reference])`: defaults `smooth_method='exp'`,
 * `use_effective_order=True`, 13a, case-sensitive.
 */
export function sacreSentenceBleu(
  prediction: string,
  reference: string,
  options: SacreBleuOptions = {},
): SacreBleuResult {
  const method = options.smoothMethod ?? 'exp';
  if (method !== 'exp' || options.smoothValue !== undefined) {
    return computeBleu(
      sacreBleuStats(prediction, reference),
      method,
      options.smoothValue,
      options.effectiveOrder ?? true,
    );
  }
  // default smoothing: no statistics object, the count arrays become the result's
  const counts = [0, 0, 0, 0];
  const totals = [0, 0, 0, 0];
  sacreStatsInto(prediction, reference, counts, totals);
  return bleuOwned(counts, totals, hypTokens.count, refTokens.count, 'exp', 0, options.effectiveOrder ?? true);
}

/**
 * sacrebleu `corpus_bleu(predictions, [references])`: statistics summed over pairs; defaults
 * `smooth_method='exp'`, `use_effective_order=False`.
 */
export function sacreCorpusBleu(
  predictions: readonly string[],
  references: readonly string[],
  options: SacreBleuOptions = {},
): SacreBleuResult {
  if (predictions.length !== references.length) {
    throw new Error(
      `sacreCorpusBleu: ${predictions.length} predictions but ${references.length} references; pass one reference per prediction`,
    );
  }
  const counts = [0, 0, 0, 0];
  const totals = [0, 0, 0, 0];
  const c = [0, 0, 0, 0];
  const t = [0, 0, 0, 0];
  let sysLen = 0;
  let refLen = 0;
  for (let i = 0; i < predictions.length; i++) {
    sacreStatsInto(predictions[i]!, references[i]!, c, t);
    for (let n = 0; n < SACREBLEU_MAX_ORDER; n++) {
      counts[n]! += c[n]!;
      totals[n]! += t[n]!;
    }
    sysLen += hypTokens.count;
    refLen += refTokens.count;
  }
  return computeBleu(
    { counts, totals, sysLen, refLen },
    options.smoothMethod ?? 'exp',
    options.smoothValue,
    options.effectiveOrder ?? false,
  );
}
