/**
 * ROUGE-1, ROUGE-2, ROUGE-L and ROUGE-Lsum with the exact semantics of Google's rouge-score 0.1.2:
 * `RougeScorer(types, use_stemmer).score(target=reference, prediction=prediction)`.
 *
 * Design for speed: one char-code pass tokenizes each text (no regex), tokens are interned to small
 * integer ids per call, n-grams are counted on ids, and the LCS tables live in typed arrays that are
 * reused across calls. The stemmer is memoized.
 */
import { porterStem } from './porter.js';

export interface PRF {
  precision: number;
  recall: number;
  fmeasure: number;
}

export type RougeType = 'rouge1' | 'rouge2' | 'rougeL' | 'rougeLsum';

export const ROUGE_TYPES: readonly RougeType[] = Object.freeze(['rouge1', 'rouge2', 'rougeL', 'rougeLsum'] as const);

export type RougeScores = Record<RougeType, PRF>;

export interface RougeOptions {
  /** Apply NLTK's Porter stemmer to tokens longer than 3 characters (rouge-score `use_stemmer=True`). */
  stemmer?: boolean;
  /** Which types to compute (default: all four). The result holds only these keys. */
  types?: readonly RougeType[];
}

// ---------------------------------------------------------------------------------------------
// Stemmer cache

const STEM_CACHE_MAX = 200_000;
let stemCache = new Map<string, string>();

function cachedStem(token: string): string {
  let s = stemCache.get(token);
  if (s === undefined) {
    s = porterStem(token);
    if (stemCache.size >= STEM_CACHE_MAX) stemCache = new Map();
    stemCache.set(token, s);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

/**
 * Python `str.lower()` followed by `[^a-z0-9]+ → " "`: the only characters that end up as token
 * characters are ASCII letters and digits, 'İ' (U+0130, lower-cases to "i" + U+0307, so it ends the
 * token after an "i") and the Kelvin sign (U+212A, lower-cases to "k"). Checked over every code point.
 */
function isTokenStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 0x130 || c === 0x212a;
}

function buildSpecial(text: string, start: number, end: number): string {
  let out = '';
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c >= 65 && c <= 90) out += String.fromCharCode(c + 32);
    else if (c === 0x130) out += 'i';
    else if (c === 0x212a) out += 'k';
    else out += String.fromCharCode(c);
  }
  return out;
}

/**
 * Scans `text` and calls `emit(token, line)` for each token (after stemming when asked), where `line`
 * counts the "\n" characters before the token. "\n" always separates tokens, so the tokens of each line
 * are exactly what rouge-score gets by tokenizing that line alone.
 */
function scan(text: string, stem: boolean, emit: (token: string, line: number) => void): void {
  const len = text.length;
  let line = 0;
  let i = 0;
  while (i < len) {
    let c = text.charCodeAt(i);
    if (!isTokenStart(c)) {
      if (c === 10) line++;
      i++;
      continue;
    }
    const start = i;
    let upper = false;
    let special = false;
    while (i < len) {
      c = text.charCodeAt(i);
      if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
        i++;
      } else if (c >= 65 && c <= 90) {
        upper = true;
        i++;
      } else if (c === 0x212a) {
        special = true;
        i++;
      } else if (c === 0x130) {
        // "İ".lower() == "i\u0307": the combining dot is not [a-z0-9], so the token ends after "i".
        special = true;
        i++;
        break;
      } else {
        break;
      }
    }
    let token: string;
    if (special) token = buildSpecial(text, start, i);
    else if (upper) token = text.slice(start, i).toLowerCase();
    else token = text.slice(start, i);
    if (stem && token.length > 3) token = cachedStem(token);
    // rouge-score drops tokens that do not match ^[a-z0-9]+$ (only the empty string can fail here).
    if (token.length > 0) emit(token, line);
  }
}

/**
 * rouge-score's tokenizer: Python `str.lower()`, every run of `[^a-z0-9]` becomes a space, split on
 * whitespace, and (with `stemmer`) NLTK Porter stemming of tokens longer than 3 characters.
 */
export function rougeTokenize(text: string, options: { stemmer?: boolean } = {}): string[] {
  const out: string[] = [];
  scan(text, options.stemmer === true, (t) => {
    out.push(t);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Per-call token interning and reusable buffers

interface Side {
  ids: number[];
  /** line number ("\n" count) of each token */
  lines: number[];
  multiline: boolean;
}

let vocab = new Map<string, number>();

function tokenizeSide(text: string, stem: boolean): Side {
  const ids: number[] = [];
  const lines: number[] = [];
  const v = vocab;
  scan(text, stem, (t, line) => {
    let id = v.get(t);
    if (id === undefined) {
      id = v.size;
      v.set(t, id);
    }
    ids.push(id);
    lines.push(line);
  });
  const multiline = lines.length > 0 && lines[lines.length - 1] !== lines[0];
  return { ids, lines, multiline };
}

let countsA = new Int32Array(256);
let countsB = new Int32Array(256);
let lcsRow = new Int32Array(256);
let lcsTable = new Int32Array(1024);
let unionMark = new Uint8Array(256);
let gramsA = new Float64Array(256);
let gramsB = new Float64Array(256);

function ensureCounts(n: number): void {
  if (countsA.length < n) {
    const size = Math.max(n, countsA.length * 2);
    countsA = new Int32Array(size);
    countsB = new Int32Array(size);
  }
}

// ---------------------------------------------------------------------------------------------
// Scores

function fmeasure(precision: number, recall: number): number {
  // scoring.fmeasure: 2 * p * r / (p + r), evaluated left to right as in Python; 0.0 when p + r == 0.
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

function prf(precision: number, recall: number): PRF {
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

const ZERO = (): PRF => ({ precision: 0, recall: 0, fmeasure: 0 });

/** rouge-1 overlap: sum over token ids of min(count in reference, count in prediction). */
function unigramOverlap(ref: number[], pred: number[], vocabSize: number): number {
  ensureCounts(vocabSize);
  const a = countsA;
  const b = countsB;
  for (let k = 0; k < ref.length; k++) a[ref[k]!]!++;
  for (let k = 0; k < pred.length; k++) b[pred[k]!]!++;
  let overlap = 0;
  for (let k = 0; k < vocabSize; k++) {
    const x = a[k]!;
    const y = b[k]!;
    overlap += x < y ? x : y;
    a[k] = 0;
    b[k] = 0;
  }
  return overlap;
}

/** rouge-2 overlap with Counter semantics: bigrams encoded as id1 * V + id2, sorted and merged. */
function bigramOverlap(ref: number[], pred: number[], vocabSize: number): number {
  const nr = ref.length - 1;
  const np = pred.length - 1;
  if (nr <= 0 || np <= 0) return 0;
  if (gramsA.length < nr) gramsA = new Float64Array(Math.max(nr, gramsA.length * 2));
  if (gramsB.length < np) gramsB = new Float64Array(Math.max(np, gramsB.length * 2));
  for (let k = 0; k < nr; k++) gramsA[k] = ref[k]! * vocabSize + ref[k + 1]!;
  for (let k = 0; k < np; k++) gramsB[k] = pred[k]! * vocabSize + pred[k + 1]!;
  const a = gramsA.subarray(0, nr).sort();
  const b = gramsB.subarray(0, np).sort();
  let i = 0;
  let j = 0;
  let overlap = 0;
  while (i < nr && j < np) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      overlap++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return overlap;
}

function ngramScore(overlap: number, refCount: number, predCount: number): PRF {
  const precision = overlap / Math.max(predCount, 1);
  const recall = overlap / Math.max(refCount, 1);
  return prf(precision, recall);
}

/** LCS length with one reused row (O(|a|·|b|) time, O(|b|) memory). */
function lcsLength(a: number[], aStart: number, aEnd: number, b: number[], bStart: number, bEnd: number): number {
  const cols = bEnd - bStart;
  if (lcsRow.length < cols + 1) lcsRow = new Int32Array(Math.max(cols + 1, lcsRow.length * 2));
  const row = lcsRow;
  row.fill(0, 0, cols + 1);
  for (let i = aStart; i < aEnd; i++) {
    const ai = a[i]!;
    let diag = 0; // table[i-1][j-1]
    for (let j = 1; j <= cols; j++) {
      const up = row[j]!; // table[i-1][j]
      let v: number;
      if (ai === b[bStart + j - 1]) v = diag + 1;
      else {
        const left = row[j - 1]!; // table[i][j-1]
        v = up > left ? up : left;
      }
      diag = up;
      row[j] = v;
    }
  }
  return row[cols]!;
}

/**
 * rouge-score `lcs_ind(ref, can)`: full LCS table then `_backtrack_norec`, marking the chosen reference
 * positions (relative to rStart) in `unionMark`. The tie-breaking of the backtrack decides which
 * positions are chosen, so it is reproduced exactly.
 */
function markLcs(ref: number[], rStart: number, rEnd: number, can: number[], cStart: number, cEnd: number): void {
  const rows = rEnd - rStart;
  const cols = cEnd - cStart;
  const w = cols + 1;
  const size = (rows + 1) * w;
  if (lcsTable.length < size) lcsTable = new Int32Array(Math.max(size, lcsTable.length * 2));
  const t = lcsTable;
  t.fill(0, 0, w);
  for (let i = 1; i <= rows; i++) {
    const ri = ref[rStart + i - 1]!;
    const base = i * w;
    const prev = base - w;
    t[base] = 0;
    for (let j = 1; j <= cols; j++) {
      if (ri === can[cStart + j - 1]) t[base + j] = t[prev + j - 1]! + 1;
      else {
        const up = t[prev + j]!;
        const left = t[base + j - 1]!;
        t[base + j] = up > left ? up : left;
      }
    }
  }
  let i = rows;
  let j = cols;
  while (i > 0 && j > 0) {
    if (ref[rStart + i - 1] === can[cStart + j - 1]) {
      unionMark[i - 1] = 1;
      i--;
      j--;
    } else if (t[i * w + j - 1]! > t[(i - 1) * w + j]!) j--;
    else i--;
  }
}

/** Line ranges [start, end) of the non-empty token groups of a side, by "\n" line. */
function sentenceRanges(side: Side): number[] {
  const out: number[] = [];
  const { lines } = side;
  let start = 0;
  for (let k = 1; k <= lines.length; k++) {
    if (k === lines.length || lines[k] !== lines[start]) {
      out.push(start, k);
      start = k;
    }
  }
  return out;
}

/**
 * rouge-score `_summary_level_lcs` over sentences split on "\n": for each reference sentence, the union
 * of its LCS positions with every candidate sentence, counted as hits while the token still has
 * budget in both summaries' token counts. Sentences without tokens contribute nothing, which is what
 * rouge-score's handling of blank and punctuation-only lines amounts to.
 */
function summaryLevelLcs(ref: Side, can: Side, vocabSize: number): PRF {
  const m = ref.ids.length;
  const n = can.ids.length;
  if (m === 0 || n === 0) return ZERO();
  ensureCounts(vocabSize);
  const cntR = countsA;
  const cntC = countsB;
  for (let k = 0; k < m; k++) cntR[ref.ids[k]!]!++;
  for (let k = 0; k < n; k++) cntC[can.ids[k]!]!++;
  const refSents = sentenceRanges(ref);
  const canSents = sentenceRanges(can);
  let hits = 0;
  for (let s = 0; s < refSents.length; s += 2) {
    const rStart = refSents[s]!;
    const rEnd = refSents[s + 1]!;
    const rLen = rEnd - rStart;
    if (unionMark.length < rLen) unionMark = new Uint8Array(Math.max(rLen, unionMark.length * 2));
    unionMark.fill(0, 0, rLen);
    for (let c = 0; c < canSents.length; c += 2) {
      markLcs(ref.ids, rStart, rEnd, can.ids, canSents[c]!, canSents[c + 1]!);
    }
    for (let k = 0; k < rLen; k++) {
      if (unionMark[k] === 0) continue;
      const tok = ref.ids[rStart + k]!;
      if (cntC[tok]! > 0 && cntR[tok]! > 0) {
        hits++;
        cntC[tok]!--;
        cntR[tok]!--;
      }
    }
  }
  cntR.fill(0, 0, vocabSize);
  cntC.fill(0, 0, vocabSize);
  return prf(hits / n, hits / m);
}

function checkTypes(types: readonly RougeType[]): void {
  for (const t of types) {
    if (!ROUGE_TYPES.includes(t)) {
      throw new Error(`rougeScores: unknown ROUGE type ${JSON.stringify(t)}; use one of ${ROUGE_TYPES.join(', ')}`);
    }
  }
}

/**
 * Scores `prediction` against `reference` exactly like rouge-score 0.1.2
 * `RougeScorer(types, use_stemmer).score(target=reference, prediction=prediction)`.
 */
export function rougeScores(prediction: string, reference: string, options: RougeOptions = {}): RougeScores {
  const types = options.types ?? ROUGE_TYPES;
  if (options.types !== undefined) checkTypes(types);
  const stem = options.stemmer === true;
  vocab = new Map();
  const pred = tokenizeSide(prediction, stem);
  const ref = tokenizeSide(reference, stem);
  const vocabSize = vocab.size;
  const out = {} as RougeScores;
  let lcsL: PRF | undefined;
  for (const type of types) {
    switch (type) {
      case 'rouge1':
        out.rouge1 = ngramScore(unigramOverlap(ref.ids, pred.ids, vocabSize), ref.ids.length, pred.ids.length);
        break;
      case 'rouge2':
        out.rouge2 = ngramScore(
          bigramOverlap(ref.ids, pred.ids, vocabSize),
          Math.max(ref.ids.length - 1, 0),
          Math.max(pred.ids.length - 1, 0),
        );
        break;
      case 'rougeL':
        lcsL ??= scoreLcs(ref, pred);
        out.rougeL = { ...lcsL };
        break;
      case 'rougeLsum':
        // Without a line break on either side there is one sentence per side and the union LCS is the
        // LCS itself, so rougeLsum equals rougeL.
        if (!ref.multiline && !pred.multiline) {
          lcsL ??= scoreLcs(ref, pred);
          out.rougeLsum = { ...lcsL };
        } else {
          out.rougeLsum = summaryLevelLcs(ref, pred, vocabSize);
        }
        break;
    }
  }
  return out;
}

function scoreLcs(ref: Side, pred: Side): PRF {
  const m = ref.ids.length;
  const n = pred.ids.length;
  if (m === 0 || n === 0) return ZERO();
  const lcs = lcsLength(ref.ids, 0, m, pred.ids, 0, n);
  return prf(lcs / n, lcs / m);
}

/**
 * Mean of each ROUGE type's precision, recall and F over `scores`: summed left to right from 0, then
 * divided by the count (all zeros for no scores). The types are those of the first score; every later
 * score must have them too.
 */
export function meanRouge(scores: Iterable<RougeScores>): RougeScores {
  let types: RougeType[] | undefined;
  const sums = {} as RougeScores;
  let n = 0;
  for (const s of scores) {
    if (types === undefined) {
      types = ROUGE_TYPES.filter((t) => s[t] !== undefined);
      for (const t of types) sums[t] = ZERO();
    }
    for (const t of types) {
      const v = s[t];
      if (v === undefined) {
        throw new Error(
          `meanRouge: score #${n} has no ${t} although the first score has; score all pairs with the same types`,
        );
      }
      const acc = sums[t];
      acc.precision += v.precision;
      acc.recall += v.recall;
      acc.fmeasure += v.fmeasure;
    }
    n++;
  }
  if (types === undefined) {
    for (const t of ROUGE_TYPES) sums[t] = ZERO();
    return sums;
  }
  for (const t of types) {
    const acc = sums[t];
    acc.precision /= n;
    acc.recall /= n;
    acc.fmeasure /= n;
  }
  return sums;
}
