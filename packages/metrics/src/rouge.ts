/**
 * ROUGE-1, ROUGE-2, ROUGE-L and ROUGE-Lsum with the exact semantics of Google's rouge-score 0.1.2:
 * `RougeScorer(types, use_stemmer).score(target=reference, prediction=prediction)`.
 *
 * Design for speed (the results do not depend on any of it):
 * - one char-code pass tokenizes a text and hashes each token on the fly; tokens are interned in a
 *   module-level open-addressing table, so a known token costs no string allocation at all;
 * - the stem of each interned token is memoized as a token id;
 * - n-gram overlaps are counted on integer ids in reused typed arrays;
 * - ROUGE-L uses a bit-parallel LCS length (Hyyrö's variant of Allison–Dix), ROUGE-Lsum the full
 *   DP table and rouge-score's backtrack (only for texts with line breaks; otherwise it equals ROUGE-L).
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
// Token intern table (module level, reset when it grows past MAX_IDS; ids are only used within a call)

const MAX_IDS = 1 << 20;
let slotBits = 12;
let slotMask = (1 << slotBits) - 1;
/** slot → token id + 1 (0 = empty) */
let slots = new Int32Array(1 << slotBits);
/** id → hash */
let idHash = new Int32Array(1024);
/** id → id of its Porter stem (-1: not computed yet) */
let idStem = new Int32Array(1024);
/** id → token string */
let idStr: string[] = [];

function resetTable(): void {
  slotBits = 12;
  slotMask = (1 << slotBits) - 1;
  slots = new Int32Array(1 << slotBits);
  idHash = new Int32Array(1024);
  idStem = new Int32Array(1024);
  idStr = [];
}

function growSlots(): void {
  slotBits++;
  slotMask = (1 << slotBits) - 1;
  slots = new Int32Array(1 << slotBits);
  for (let id = 0; id < idStr.length; id++) {
    let s = idHash[id]! & slotMask;
    while (slots[s] !== 0) s = (s + 1) & slotMask;
    slots[s] = id + 1;
  }
}

function addToken(str: string, h: number, slot: number): number {
  const id = idStr.length;
  if (id >= idHash.length) {
    const nh = new Int32Array(idHash.length * 2);
    nh.set(idHash);
    idHash = nh;
    const ns = new Int32Array(idStem.length * 2);
    ns.set(idStem);
    idStem = ns;
  }
  idStr.push(str);
  idHash[id] = h;
  idStem[id] = -1;
  slots[slot] = id + 1;
  if (idStr.length * 2 > slots.length) growSlots();
  return id;
}

/** FNV-1a step over the normalized (lower-cased) code unit. */
function hashStep(h: number, c: number): number {
  return Math.imul(h ^ c, 0x01000193);
}
const HASH_SEED = 0x811c9dc5 | 0;

/** Lower-case mapping of a token code unit: A-Z → a-z, 'İ' → 'i', Kelvin sign → 'k', others unchanged. */
function norm(c: number): number {
  if (c >= 65 && c <= 90) return c + 32;
  if (c === 0x130) return 105;
  if (c === 0x212a) return 107;
  return c;
}

/** Id of the token text[start, end) after lower-casing (hash h), interning it when new. */
function internRange(text: string, start: number, end: number, h: number, plain: boolean): number {
  const len = end - start;
  let s = h & slotMask;
  while (true) {
    const e = slots[s]!;
    if (e === 0) break;
    const id = e - 1;
    if (idHash[id] === h) {
      const str = idStr[id]!;
      if (str.length === len) {
        let k = 0;
        if (plain) while (k < len && text.charCodeAt(start + k) === str.charCodeAt(k)) k++;
        else while (k < len && norm(text.charCodeAt(start + k)) === str.charCodeAt(k)) k++;
        if (k === len) return id;
      }
    }
    s = (s + 1) & slotMask;
  }
  let str: string;
  if (plain) str = text.slice(start, end);
  else {
    str = '';
    for (let k = start; k < end; k++) str += String.fromCharCode(norm(text.charCodeAt(k)));
  }
  return addToken(str, h, s);
}

/** Id of a whole string (already lower-case), interning it when new. */
function internString(str: string): number {
  let h = HASH_SEED;
  for (let k = 0; k < str.length; k++) h = hashStep(h, str.charCodeAt(k));
  return internRange(str, 0, str.length, h, true);
}

/** Id of the Porter stem of token `id` (memoized), or -1 when the stem is empty (dropped). */
function stemId(id: number): number {
  let s = idStem[id]!;
  if (s === -1) {
    const stem = porterStem(idStr[id]!);
    s = stem.length === 0 ? -2 : internString(stem);
    idStem[id] = s;
  }
  return s < 0 ? -1 : s;
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

/**
 * A side of a pair: token ids in `ids[0, n)`, the "\n" line of each token in `lines`, and whether the
 * tokens span more than one line.
 */
class Side {
  ids = new Int32Array(256);
  lines = new Int32Array(256);
  n = 0;
  multiline = false;

  push(id: number, line: number): void {
    if (this.n === this.ids.length) {
      const ni = new Int32Array(this.n * 2);
      ni.set(this.ids);
      this.ids = ni;
      const nl = new Int32Array(this.n * 2);
      nl.set(this.lines);
      this.lines = nl;
    }
    this.ids[this.n] = id;
    this.lines[this.n] = line;
    this.n++;
  }
}

/**
 * rouge-score's tokenizer on `text`, into `side`.
 *
 * Python `str.lower()` then `[^a-z0-9]+ → " "`: the only characters that end up in tokens are ASCII
 * letters and digits, 'İ' (U+0130, lower-cases to "i" + U+0307, so the token ends after the "i") and
 * the Kelvin sign (U+212A, lower-cases to "k"); this was checked over every code point for Python
 * 3.11 and JavaScript. "\n" always separates tokens, so the tokens of each line are exactly what
 * rouge-score gets by tokenizing that line alone (which ROUGE-Lsum does).
 */
function tokenizeInto(text: string, stem: boolean, side: Side): void {
  side.n = 0;
  const len = text.length;
  let line = 0;
  let i = 0;
  while (i < len) {
    let c = text.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 0x130 || c === 0x212a)) {
      if (c === 10) line++;
      i++;
      continue;
    }
    const start = i;
    let plain = true;
    let h = HASH_SEED;
    while (i < len) {
      c = text.charCodeAt(i);
      if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
        h = hashStep(h, c);
        i++;
      } else if (c >= 65 && c <= 90) {
        h = hashStep(h, c + 32);
        plain = false;
        i++;
      } else if (c === 0x212a) {
        h = hashStep(h, 107);
        plain = false;
        i++;
      } else if (c === 0x130) {
        // "İ".lower() == "i\u0307": the combining dot is not [a-z0-9], so the token ends after "i".
        h = hashStep(h, 105);
        plain = false;
        i++;
        break;
      } else {
        break;
      }
    }
    let id = internRange(text, start, i, h, plain);
    // Only tokens longer than 3 characters are stemmed; rouge-score then drops tokens that are not
    // ^[a-z0-9]+$, which only an empty stem could fail.
    if (stem && i - start > 3) id = stemId(id);
    if (id >= 0) side.push(id, line);
  }
  side.multiline = side.n > 0 && side.lines[side.n - 1] !== side.lines[0];
}

function checkTable(): void {
  if (idStr.length > MAX_IDS) resetTable();
}

/**
 * rouge-score's tokenizer: Python `str.lower()`, every run of `[^a-z0-9]` becomes a space, split on
 * whitespace, and (with `stemmer`) NLTK Porter stemming of tokens longer than 3 characters.
 */
export function rougeTokenize(text: string, options: { stemmer?: boolean } = {}): string[] {
  checkTable();
  const side = new Side();
  tokenizeInto(text, options.stemmer === true, side);
  const out: string[] = new Array(side.n);
  for (let k = 0; k < side.n; k++) out[k] = idStr[side.ids[k]!]!;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reusable buffers

const PRED = new Side();
const REF = new Side();
let cntA = new Int32Array(1024);
let cntB = new Int32Array(1024);
let bigramKeys = new Float64Array(256);
let bigramCounts = new Int32Array(256);
let lcsTable = new Int32Array(1024);
let unionMark = new Uint8Array(256);
let maskSlot = new Int32Array(1024).fill(-1);
let masks = new Int32Array(256);
let bitsV = new Int32Array(8);

function ensureIdArrays(): void {
  const n = idStr.length;
  if (cntA.length < n) {
    const size = Math.max(n, cntA.length * 2);
    cntA = new Int32Array(size);
    cntB = new Int32Array(size);
    maskSlot = new Int32Array(size).fill(-1);
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

function zero(): PRF {
  return { precision: 0, recall: 0, fmeasure: 0 };
}

/** ROUGE-N from overlap and n-gram counts: overlap / max(count, 1). */
function ngramScore(overlap: number, refCount: number, predCount: number): PRF {
  return prf(overlap / Math.max(predCount, 1), overlap / Math.max(refCount, 1));
}

/** rouge-1 overlap with Counter semantics: sum over tokens of min(count in ref, count in pred). */
function unigramOverlap(ref: Side, pred: Side): number {
  const cnt = cntA;
  const r = ref.ids;
  const p = pred.ids;
  for (let k = 0; k < ref.n; k++) cnt[r[k]!]!++;
  let overlap = 0;
  for (let k = 0; k < pred.n; k++) {
    const id = p[k]!;
    if (cnt[id]! > 0) {
      overlap++;
      cnt[id]!--;
    }
  }
  for (let k = 0; k < ref.n; k++) cnt[r[k]!] = 0;
  return overlap;
}

/** rouge-2 overlap with Counter semantics, bigram (a, b) keyed as a * V + b + 1 in a small hash table. */
function bigramOverlap(ref: Side, pred: Side): number {
  const nr = ref.n - 1;
  const np = pred.n - 1;
  if (nr <= 0 || np <= 0) return 0;
  let size = 64;
  while (size < nr * 4) size *= 2;
  if (bigramKeys.length < size) {
    bigramKeys = new Float64Array(size);
    bigramCounts = new Int32Array(size);
  }
  const keys = bigramKeys;
  const counts = bigramCounts;
  const mask = size - 1;
  const V = idStr.length; // every id is < V, so keys are exact (V < 2^26) and never 0
  const r = ref.ids;
  const p = pred.ids;
  for (let k = 0; k < nr; k++) {
    const a = r[k]!;
    const b = r[k + 1]!;
    const key = a * V + b + 1;
    let s = (Math.imul(a, 0x9e3779b1) ^ b) & mask;
    while (counts[s] !== 0 && keys[s] !== key) s = (s + 1) & mask;
    keys[s] = key;
    counts[s]!++;
  }
  let overlap = 0;
  for (let k = 0; k < np; k++) {
    const a = p[k]!;
    const b = p[k + 1]!;
    const key = a * V + b + 1;
    let s = (Math.imul(a, 0x9e3779b1) ^ b) & mask;
    while (keys[s] !== 0) {
      if (keys[s] === key) {
        if (counts[s]! > 0) {
          overlap++;
          counts[s]!--;
        }
        break;
      }
      s = (s + 1) & mask;
    }
  }
  keys.fill(0, 0, size);
  counts.fill(0, 0, size);
  return overlap;
}

/**
 * LCS length of two id sequences, bit-parallel over the shorter one (Hyyrö 2004):
 * V ← (V + (V & M[x])) | (V & ~M[x]) for each x of the longer sequence; LCS = zero bits of V.
 */
function lcsLength(aIds: Int32Array, an: number, bIds: Int32Array, bn: number): number {
  if (bn > an) return lcsLength(bIds, bn, aIds, an);
  // b is the shorter sequence: build its match masks, W words of 32 bits per distinct id.
  const W = (bn + 31) >>> 5;
  let distinct = 0;
  for (let j = 0; j < bn; j++) {
    const id = bIds[j]!;
    if (maskSlot[id] === -1) maskSlot[id] = distinct++;
  }
  if (masks.length < distinct * W) masks = new Int32Array(Math.max(distinct * W, masks.length * 2));
  const M = masks;
  M.fill(0, 0, distinct * W);
  for (let j = 0; j < bn; j++) {
    const base = maskSlot[bIds[j]!]! * W;
    M[base + (j >>> 5)]! |= 1 << (j & 31);
  }
  if (bitsV.length < W) bitsV = new Int32Array(Math.max(W, bitsV.length * 2));
  const V = bitsV;
  V.fill(-1, 0, W);
  for (let i = 0; i < an; i++) {
    const slot = maskSlot[aIds[i]!]!;
    if (slot === -1) continue; // no match: V is unchanged
    const base = slot * W;
    let carry = 0;
    for (let k = 0; k < W; k++) {
      const v = V[k]! >>> 0;
      const m = M[base + k]!;
      const u = (v & m) >>> 0;
      const sum = v + u + carry;
      carry = sum > 0xffffffff ? 1 : 0;
      V[k] = (sum >>> 0) | (v & ~m);
    }
  }
  for (let j = 0; j < bn; j++) maskSlot[bIds[j]!] = -1;
  // Count zero bits among the low bn bits.
  let ones = 0;
  for (let k = 0; k < W; k++) {
    let x = V[k]!;
    const bits = k === W - 1 ? bn - 32 * k : 32;
    if (bits < 32) x &= (1 << bits) - 1;
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    ones += Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
  }
  return bn - ones;
}

function scoreLcs(ref: Side, pred: Side): PRF {
  const m = ref.n;
  const n = pred.n;
  if (m === 0 || n === 0) return zero();
  const lcs = lcsLength(ref.ids, m, pred.ids, n);
  return prf(lcs / n, lcs / m);
}

/**
 * rouge-score `lcs_ind(ref, can)`: the full LCS table, then `_backtrack_norec`, marking the chosen
 * reference positions (relative to rStart) in `unionMark`. The backtrack's tie-breaking decides which
 * positions are chosen, and so the union, so it is reproduced exactly.
 */
function markLcs(ref: Int32Array, rStart: number, rEnd: number, can: Int32Array, cStart: number, cEnd: number): void {
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
      else t[base + j] = Math.max(t[prev + j]!, t[base + j - 1]!);
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

/** [start, end) token ranges of the lines of a side that hold at least one token. */
function sentenceRanges(side: Side): number[] {
  const out: number[] = [];
  const { lines, n } = side;
  let start = 0;
  for (let k = 1; k <= n; k++) {
    if (k === n || lines[k] !== lines[start]) {
      out.push(start, k);
      start = k;
    }
  }
  return out;
}

/**
 * rouge-score `_summary_level_lcs` over the sentences split on "\n": for each reference sentence, the
 * union of its LCS positions with every candidate sentence, counted as hits while the token still has
 * budget in both summaries' token counts. Lines without tokens (blank, whitespace or punctuation only)
 * contribute nothing there, and dropping them here gives the same result.
 */
function summaryLevelLcs(ref: Side, can: Side): PRF {
  const m = ref.n;
  const n = can.n;
  if (m === 0 || n === 0) return zero();
  const cntR = cntA;
  const cntC = cntB;
  const rIds = ref.ids;
  const cIds = can.ids;
  for (let k = 0; k < m; k++) cntR[rIds[k]!]!++;
  for (let k = 0; k < n; k++) cntC[cIds[k]!]!++;
  const refSents = sentenceRanges(ref);
  const canSents = sentenceRanges(can);
  let hits = 0;
  for (let s = 0; s < refSents.length; s += 2) {
    const rStart = refSents[s]!;
    const rEnd = refSents[s + 1]!;
    const rLen = rEnd - rStart;
    if (unionMark.length < rLen) unionMark = new Uint8Array(Math.max(rLen, unionMark.length * 2));
    unionMark.fill(0, 0, rLen);
    for (let c = 0; c < canSents.length; c += 2) markLcs(rIds, rStart, rEnd, cIds, canSents[c]!, canSents[c + 1]!);
    for (let k = 0; k < rLen; k++) {
      if (unionMark[k] === 0) continue;
      const tok = rIds[rStart + k]!;
      if (cntC[tok]! > 0 && cntR[tok]! > 0) {
        hits++;
        cntC[tok]!--;
        cntR[tok]!--;
      }
    }
  }
  for (let k = 0; k < m; k++) cntR[rIds[k]!] = 0;
  for (let k = 0; k < n; k++) cntC[cIds[k]!] = 0;
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
 * The result holds the requested types only (all four by default).
 */
export function rougeScores(prediction: string, reference: string, options: RougeOptions = {}): RougeScores {
  if (typeof prediction !== 'string' || typeof reference !== 'string') {
    throw new TypeError(
      `rougeScores: prediction and reference must be strings (got ${typeof prediction} and ${typeof reference})`,
    );
  }
  const types = options.types ?? ROUGE_TYPES;
  if (options.types !== undefined) checkTypes(types);
  const stem = options.stemmer === true;
  checkTable();
  tokenizeInto(prediction, stem, PRED);
  tokenizeInto(reference, stem, REF);
  ensureIdArrays();
  return scoreSides(REF, PRED, types);
}

/** Both variants of one pair: `plain` (no stemmer) and `stemmed` (Porter stemmer). */
export interface RougeScoresBoth {
  plain: RougeScores;
  stemmed: RougeScores;
}

const PRED_STEMMED = new Side();
const REF_STEMMED = new Side();

/** The stemmed side derived from the unstemmed one: tokens longer than 3 characters replaced by their stem. */
function stemSide(src: Side, dst: Side): void {
  dst.n = 0;
  const ids = src.ids;
  const lines = src.lines;
  for (let k = 0; k < src.n; k++) {
    let id = ids[k]!;
    if (idStr[id]!.length > 3) id = stemId(id);
    if (id >= 0) dst.push(id, lines[k]!);
  }
  dst.multiline = dst.n > 0 && dst.lines[dst.n - 1] !== dst.lines[0];
}

/**
 * `rougeScores` without and with the stemmer from one tokenization of each text: equal to
 * `{ plain: rougeScores(p, r, { types }), stemmed: rougeScores(p, r, { types, stemmer: true }) }`.
 */
export function rougeScoresBoth(
  prediction: string,
  reference: string,
  options: { types?: readonly RougeType[] } = {},
): RougeScoresBoth {
  if (typeof prediction !== 'string' || typeof reference !== 'string') {
    throw new TypeError(
      `rougeScoresBoth: prediction and reference must be strings (got ${typeof prediction} and ${typeof reference})`,
    );
  }
  const types = options.types ?? ROUGE_TYPES;
  if (options.types !== undefined) checkTypes(types);
  checkTable();
  tokenizeInto(prediction, false, PRED);
  tokenizeInto(reference, false, REF);
  stemSide(PRED, PRED_STEMMED);
  stemSide(REF, REF_STEMMED);
  ensureIdArrays();
  return { plain: scoreSides(REF, PRED, types), stemmed: scoreSides(REF_STEMMED, PRED_STEMMED, types) };
}

function scoreSides(ref: Side, pred: Side, types: readonly RougeType[]): RougeScores {
  const out = {} as RougeScores;
  let lcs: PRF | undefined;
  for (const type of types) {
    switch (type) {
      case 'rouge1':
        out.rouge1 = ngramScore(unigramOverlap(ref, pred), ref.n, pred.n);
        break;
      case 'rouge2':
        out.rouge2 = ngramScore(bigramOverlap(ref, pred), Math.max(ref.n - 1, 0), Math.max(pred.n - 1, 0));
        break;
      case 'rougeL':
        lcs ??= scoreLcs(ref, pred);
        out.rougeL = { ...lcs };
        break;
      case 'rougeLsum':
        // With every token of each side on one line there is one sentence per side that has tokens,
        // and the union LCS is the LCS itself: rougeLsum equals rougeL.
        if (!ref.multiline && !pred.multiline) {
          lcs ??= scoreLcs(ref, pred);
          out.rougeLsum = { ...lcs };
        } else {
          out.rougeLsum = summaryLevelLcs(ref, pred);
        }
        break;
    }
  }
  return out;
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
      for (const t of types) sums[t] = zero();
    }
    for (const t of types) {
      const v = s[t];
      if (v === undefined) {
        throw new Error(
          `meanRouge: score #${n} has no ${t} although the first score has it; score all pairs with the same types`,
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
    for (const t of ROUGE_TYPES) sums[t] = zero();
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
