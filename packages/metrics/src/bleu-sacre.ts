/**
 * BLEU with the exact semantics of sacrebleu 2.6.0: the `13a` tokenizer (`tokenizer_13a.Tokenizer13a`),
 * `BLEU.compute_bleu` with the `exp`, `floor`, `add-k` and `none` smoothing methods and effective order,
 * `sentence_bleu(hyp, [ref])` and `corpus_bleu(hyps, [refs])`.
 *
 * Speed: the tokenizer is a hand-written emulation of sacrebleu's four regex substitutions (same
 * left-to-right, non-overlapping matching), producing tokens as slices of the input; n-grams are
 * counted on small integer ids (tokens interned per pair, n-grams interned level by level) in reused
 * typed arrays. Statistics are computed once per pair; every smoothing variant derives from them.
 */
import { isPyWhitespace, pyRstrip } from './pysplit.js';

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

const OTHER = 0;
const DIGIT = 1;
const DOTCOMMA = 2;
const DASH = 3;
const SEP = 4;

/**
 * Class of each ASCII code unit for the first regex `([\{-\~\[-\` -\&\(-\+\:-\@\/])` → ` \1 ` (P1),
 * digits, `.`/`,`, `-`. Everything else (letters, `'`, non-ASCII) is OTHER.
 */
const P1 = new Uint8Array(128);
for (let c = 0x20; c <= 0x26; c++) P1[c] = 1;
for (let c = 0x28; c <= 0x2b; c++) P1[c] = 1;
P1[0x2f] = 1;
for (let c = 0x3a; c <= 0x40; c++) P1[c] = 1;
for (let c = 0x5b; c <= 0x60; c++) P1[c] = 1;
for (let c = 0x7b; c <= 0x7e; c++) P1[c] = 1;

// Two ping-pong buffers: source index (-1 for an inserted separator) and class of each item.
let srcA = new Int32Array(1024);
let clsA = new Uint8Array(1024);
let srcB = new Int32Array(1024);
let clsB = new Uint8Array(1024);

function ensureCapacity(n: number): void {
  if (srcA.length >= n) return;
  let size = srcA.length;
  while (size < n) size *= 2;
  srcA = new Int32Array(size);
  clsA = new Uint8Array(size);
  srcB = new Int32Array(size);
  clsB = new Uint8Array(size);
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
 * Tokens of `line` under sacrebleu's 13a tokenizer (without the `rstrip()` that `BLEU` applies first).
 *
 * The four substitutions of `TokenizerRegexp` are applied to a sequence of items (the characters of
 * ` {line} ` and inserted separators) with the same scanning rule as `re.sub` (left to right, a match
 * resumes after its end). Runs of separators are collapsed, which cannot change any match: a separator
 * is never a digit, `.`, `,` or `-`, so only its presence next to an item matters. Python whitespace
 * characters are separators for the final `split()`; the other characters keep their place, so each
 * token is a contiguous slice of the preprocessed line. A surrogate pair is two OTHER items, which
 * matches exactly as the single code point does in Python.
 */
export function tokenize13aTokens(text: string): string[] {
  const line = preprocess13a(text);
  const n = line.length;
  ensureCapacity(3 * n + 8);

  // Pass 1: ' ' + line + ' ', each P1 character surrounded by separators.
  let src = srcA;
  let cls = clsA;
  let m = 0;
  src[m] = -1;
  cls[m++] = SEP;
  let sawDotComma = false;
  let sawDash = false;
  for (let i = 0; i < n; i++) {
    const c = line.charCodeAt(i);
    if (c < 128) {
      if (P1[c] === 1) {
        if (c !== 0x20) {
          if (cls[m - 1] !== SEP) {
            src[m] = -1;
            cls[m++] = SEP;
          }
          src[m] = i;
          cls[m++] = OTHER;
        }
        if (cls[m - 1] !== SEP) {
          src[m] = -1;
          cls[m++] = SEP;
        }
        continue;
      }
      if (c >= 0x30 && c <= 0x39) {
        src[m] = i;
        cls[m++] = DIGIT;
        continue;
      }
      if (c === 0x2e || c === 0x2c) {
        src[m] = i;
        cls[m++] = DOTCOMMA;
        sawDotComma = true;
        continue;
      }
      if (c === 0x2d) {
        src[m] = i;
        cls[m++] = DASH;
        sawDash = true;
        continue;
      }
      if (isPyWhitespace(c)) {
        if (cls[m - 1] !== SEP) {
          src[m] = -1;
          cls[m++] = SEP;
        }
        continue;
      }
      src[m] = i;
      cls[m++] = OTHER;
      continue;
    }
    if (isPyWhitespace(c)) {
      if (cls[m - 1] !== SEP) {
        src[m] = -1;
        cls[m++] = SEP;
      }
      continue;
    }
    src[m] = i;
    cls[m++] = OTHER;
  }
  if (cls[m - 1] !== SEP) {
    src[m] = -1;
    cls[m++] = SEP;
  }

  if (sawDotComma) {
    // Pass 2: ([^0-9])([\.,]) → '\1 \2 '
    let outSrc = srcB;
    let outCls = clsB;
    let k = 0;
    let i = 0;
    while (i < m) {
      const ci = cls[i]!;
      if (i + 1 < m && ci !== DIGIT && cls[i + 1] === DOTCOMMA) {
        if (ci !== SEP || outCls[k - 1] !== SEP) {
          outSrc[k] = src[i]!;
          outCls[k++] = ci;
        }
        if (outCls[k - 1] !== SEP) {
          outSrc[k] = -1;
          outCls[k++] = SEP;
        }
        outSrc[k] = src[i + 1]!;
        outCls[k++] = DOTCOMMA;
        outSrc[k] = -1;
        outCls[k++] = SEP;
        i += 2;
      } else {
        if (ci !== SEP || k === 0 || outCls[k - 1] !== SEP) {
          outSrc[k] = src[i]!;
          outCls[k++] = ci;
        }
        i++;
      }
    }
    src = outSrc;
    cls = outCls;
    m = k;

    // Pass 3: ([\.,])([^0-9]) → ' \1 \2'
    outSrc = srcA;
    outCls = clsA;
    k = 0;
    i = 0;
    while (i < m) {
      const ci = cls[i]!;
      if (i + 1 < m && ci === DOTCOMMA && cls[i + 1] !== DIGIT) {
        if (k === 0 || outCls[k - 1] !== SEP) {
          outSrc[k] = -1;
          outCls[k++] = SEP;
        }
        outSrc[k] = src[i]!;
        outCls[k++] = DOTCOMMA;
        outSrc[k] = -1;
        outCls[k++] = SEP;
        const cj = cls[i + 1]!;
        if (cj !== SEP) {
          outSrc[k] = src[i + 1]!;
          outCls[k++] = cj;
        }
        i += 2;
      } else {
        if (ci !== SEP || k === 0 || outCls[k - 1] !== SEP) {
          outSrc[k] = src[i]!;
          outCls[k++] = ci;
        }
        i++;
      }
    }
    src = outSrc;
    cls = outCls;
    m = k;
  }

  if (sawDash) {
    // Pass 4: ([0-9])(-) → '\1 \2 '
    const outSrc = src === srcA ? srcB : srcA;
    const outCls = src === srcA ? clsB : clsA;
    let k = 0;
    let i = 0;
    while (i < m) {
      const ci = cls[i]!;
      if (i + 1 < m && ci === DIGIT && cls[i + 1] === DASH) {
        outSrc[k] = src[i]!;
        outCls[k++] = DIGIT;
        outSrc[k] = -1;
        outCls[k++] = SEP;
        outSrc[k] = src[i + 1]!;
        outCls[k++] = DASH;
        outSrc[k] = -1;
        outCls[k++] = SEP;
        i += 2;
      } else {
        if (ci !== SEP || k === 0 || outCls[k - 1] !== SEP) {
          outSrc[k] = src[i]!;
          outCls[k++] = ci;
        }
        i++;
      }
    }
    src = outSrc;
    cls = outCls;
    m = k;
  }

  // ' '.join(line.split()): tokens are the runs of non-separator items.
  const tokens: string[] = [];
  let start = -1;
  for (let i = 0; i < m; i++) {
    if (cls[i] === SEP) {
      if (start >= 0) {
        tokens.push(line.slice(src[start]!, src[i - 1]! + 1));
        start = -1;
      }
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) tokens.push(line.slice(src[start]!, src[m - 1]! + 1));
  return tokens;
}

/** sacrebleu 2.6.0 `Tokenizer13a()(text)`: the tokenized line, tokens joined by single spaces. */
export function tokenize13a(text: string): string {
  return tokenize13aTokens(text).join(' ');
}

// ---------------------------------------------------------------------------------------------
// Clipped n-gram matches (shared with the NLTK flavour)

const vocab = new Map<string, number>();
const gramIds = new Map<number, number>();
let refTok = new Int32Array(256);
let refGram = new Int32Array(256);
let hypTok = new Int32Array(256);
let hypGram = new Int32Array(256);
let refCount = new Int32Array(1024);

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
  for (let n = 1; n <= maxN; n++) {
    correct[n - 1] = 0;
    total[n - 1] = hl >= n ? hl - n + 1 : 0;
  }
  if (hl === 0 || rl === 0) return;
  if (refTok.length < rl) {
    refTok = new Int32Array(rl * 2);
    refGram = new Int32Array(rl * 2);
  }
  if (hypTok.length < hl) {
    hypTok = new Int32Array(hl * 2);
    hypGram = new Int32Array(hl * 2);
  }
  vocab.clear();
  let v = 0;
  for (let i = 0; i < rl; i++) {
    const t = ref[i]!;
    let id = vocab.get(t);
    if (id === undefined) {
      id = v++;
      vocab.set(t, id);
    }
    refTok[i] = id;
    refGram[i] = id;
  }
  let anyHyp = false;
  for (let i = 0; i < hl; i++) {
    const id = vocab.get(hyp[i]!);
    if (id === undefined) {
      hypTok[i] = -1;
      hypGram[i] = -1;
    } else {
      hypTok[i] = id;
      hypGram[i] = id;
      anyHyp = true;
    }
  }
  if (!anyHyp) return;
  // Ids: tokens 0..v-1, then n-grams of every order get fresh ids, so keys `prev * v + tok` never collide.
  const need = v + (maxN - 1) * rl + 1;
  if (refCount.length < need) refCount = new Int32Array(need * 2);
  refCount.fill(0, 0, need);

  // n = 1
  for (let i = 0; i < rl; i++) refCount[refTok[i]!]!++;
  let c = 0;
  for (let i = 0; i < hl; i++) {
    const id = hypTok[i]!;
    if (id >= 0 && refCount[id]! > 0) {
      c++;
      refCount[id]!--;
    }
  }
  correct[0] = c;
  if (c === 0) return;

  gramIds.clear();
  let next = v;
  for (let n = 2; n <= maxN; n++) {
    if (hl < n || rl < n) break;
    const last = rl - n;
    for (let i = 0; i <= last; i++) {
      const key = refGram[i]! * v + refTok[i + n - 1]!;
      let g = gramIds.get(key);
      if (g === undefined) {
        g = next++;
        gramIds.set(key, g);
      }
      refGram[i] = g;
      refCount[g]!++;
    }
    c = 0;
    const hlast = hl - n;
    for (let i = 0; i <= hlast; i++) {
      const p = hypGram[i]!;
      const t = hypTok[i + n - 1]!;
      if (p < 0 || t < 0) {
        hypGram[i] = -1;
        continue;
      }
      const g = gramIds.get(p * v + t);
      if (g === undefined) {
        hypGram[i] = -1;
        continue;
      }
      hypGram[i] = g;
      if (refCount[g]! > 0) {
        c++;
        refCount[g]!--;
      }
    }
    correct[n - 1] = c;
    if (c === 0) return;
  }
}

// ---------------------------------------------------------------------------------------------
// BLEU

/** Tokenized (13a, after `rstrip()`) sentence statistics of one pair, as sacrebleu computes them. */
export function sacreBleuStats(prediction: string, reference: string): BleuStats {
  const hyp = tokenize13aTokens(pyRstrip(prediction));
  const ref = tokenize13aTokens(pyRstrip(reference));
  const counts = [0, 0, 0, 0];
  const totals = [0, 0, 0, 0];
  clippedNgramMatches(hyp, ref, SACREBLEU_MAX_ORDER, counts, totals);
  return { counts, totals, sysLen: hyp.length, refLen: ref.length };
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
  const method = options.smoothMethod ?? 'exp';
  if (method !== 'exp' && method !== 'floor' && method !== 'add-k' && method !== 'none') {
    throw new Error(
      `sacreBleuFromStats: unknown smoothMethod ${JSON.stringify(method)} (use exp, floor, add-k or none)`,
    );
  }
  const smoothValue = options.smoothValue ?? SMOOTH_DEFAULTS[method] ?? 0;
  const effectiveOrder = options.effectiveOrder ?? false;
  const correct = stats.counts.slice(0, SACREBLEU_MAX_ORDER);
  const total = stats.totals.slice(0, SACREBLEU_MAX_ORDER);
  const sysLen = stats.sysLen;
  const refLen = stats.refLen;

  let bp = 1.0;
  if (sysLen < refLen) bp = sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0.0;

  const precisions = [0.0, 0.0, 0.0, 0.0];
  if (!correct.some((c) => c !== 0)) {
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
  return sacreBleuFromStats(sacreBleuStats(prediction, reference), {
    smoothMethod: options.smoothMethod ?? 'exp',
    effectiveOrder: options.effectiveOrder ?? true,
    ...(options.smoothValue === undefined ? {} : { smoothValue: options.smoothValue }),
  });
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
    const hyp = tokenize13aTokens(pyRstrip(predictions[i]!));
    const ref = tokenize13aTokens(pyRstrip(references[i]!));
    clippedNgramMatches(hyp, ref, SACREBLEU_MAX_ORDER, c, t);
    for (let n = 0; n < SACREBLEU_MAX_ORDER; n++) {
      counts[n]! += c[n]!;
      totals[n]! += t[n]!;
    }
    sysLen += hyp.length;
    refLen += ref.length;
  }
  return sacreBleuFromStats(
    { counts, totals, sysLen, refLen },
    {
      smoothMethod: options.smoothMethod ?? 'exp',
      effectiveOrder: options.effectiveOrder ?? false,
      ...(options.smoothValue === undefined ? {} : { smoothValue: options.smoothValue }),
    },
  );
}
