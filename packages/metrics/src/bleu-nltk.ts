/**
 * BLEU with the exact semantics of NLTK 3.8 `nltk.translate.bleu_score`: `sentence_bleu([ref.split()],
 * pred.split())` and `corpus_bleu([[r.split()] ...], [p.split() ...])`, without smoothing (`method0`) or
 * with `SmoothingFunction()` (epsilon 0.1, alpha 5, k 5) `method1`, `method4`, `method7`.
 *
 * Faithful details:
 * - tokens are Python `str.split()` tokens (see `pySplit`), nothing lower-cased;
 * - modified precisions are `Fraction(numerator, denominator, _normalize=False)`: the denominator is
 *   `max(1, #hyp n-grams)` per pair, summed unreduced over the corpus, and smoothing uses that raw
 *   denominator;
 * - the score is integer `0` when no unigram matches (no smoothing is applied, no warning issued);
 * - `method0` replaces each zero-match order by `sys.float_info.min` and issues one warning per order
 *   (counted in `warnings`);
 * - smoothing sees `hyp_len` = the corpus hypothesis length and, for `method5` inside `method7`, the
 *   5-gram precision of the *last* pair (as NLTK does); `method5` averages with exact rational
 *   arithmetic while all operands are Fractions, like Python's `fractions`;
 * - orders whose smoothed precision is not > 0 are skipped, then `bp * exp(fsum(w_i * log(p_i)))`
 *   with `math.fsum`'s exact summation.
 */
import { clippedNgramMatchesRanges } from './bleu-sacre.js';
import { pySplitRanges, pySplitUtf8, TokenRanges } from './pysplit.js';

const hypRanges = new TokenRanges();
const refRanges = new TokenRanges();

/** Python `split()` of both sides into comparable ranges (UTF-8 unless a side has lone surrogates). */
function splitPair(prediction: string, reference: string, hyp: TokenRanges, ref: TokenRanges): void {
  if (!pySplitUtf8(prediction, hyp) || !pySplitUtf8(reference, ref)) {
    pySplitRanges(prediction, hyp);
    pySplitRanges(reference, ref);
  }
}

export type NltkSmoothing = 'none' | 'method1' | 'method4' | 'method7';

export const NLTK_SMOOTHINGS: readonly NltkSmoothing[] = Object.freeze([
  'none',
  'method1',
  'method4',
  'method7',
] as const);

export interface NltkBleuResult {
  score: number;
  /** Number of warnings NLTK issues during the call (only `none` warns: one per zero-match order). */
  warnings: number;
}

export interface NltkBleuOptions {
  /** Default `none` (no smoothing function). */
  smoothing?: NltkSmoothing;
  /** Default (0.25, 0.25, 0.25, 0.25). */
  weights?: readonly number[];
}

/**
 * Sufficient statistics of NLTK's corpus BLEU: per order n = 1..N (N ≥ 5) the summed Fraction numerators
 * and (unreduced, each pair at least 1) denominators, the summed hypothesis and closest reference
 * lengths, and the 5-gram precision of the last pair (what `method5`/`method7` reads).
 */
export interface NltkBleuStats {
  numerators: number[];
  denominators: number[];
  hypLen: number;
  refLen: number;
  last5: { numerator: number; denominator: number };
}

const DEFAULT_WEIGHTS: readonly number[] = Object.freeze([0.25, 0.25, 0.25, 0.25]);
/** sys.float_info.min */
const FLOAT_MIN = 2.2250738585072014e-308;
const EPSILON = 0.1;
const K = 5;

// ---------------------------------------------------------------------------------------------
// Statistics

/** Statistics of one (prediction, reference) pair on Python `str.split()` tokens, orders 1..max(maxOrder, 5). */
export function nltkBleuStats(prediction: string, reference: string, maxOrder = 4): NltkBleuStats {
  const hyp = hypRanges;
  const ref = refRanges;
  splitPair(prediction, reference, hyp, ref);
  const orders = Math.max(maxOrder, 5);
  const numerators = new Array<number>(orders).fill(0);
  const totals = new Array<number>(orders).fill(0);
  clippedNgramMatchesRanges(hyp, ref, orders, numerators, totals);
  const denominators = totals.map((t) => Math.max(1, t));
  return {
    numerators,
    denominators,
    hypLen: hyp.count,
    refLen: ref.count,
    last5: { numerator: numerators[4]!, denominator: denominators[4]! },
  };
}

/** Corpus statistics: sums per order and of lengths; `last5` of the last pair. */
export function sumNltkBleuStats(stats: Iterable<NltkBleuStats>): NltkBleuStats {
  let numerators: number[] = [];
  let denominators: number[] = [];
  let hypLen = 0;
  let refLen = 0;
  let last5 = { numerator: 0, denominator: 1 };
  let first = true;
  for (const s of stats) {
    if (first) {
      numerators = s.numerators.slice();
      denominators = s.denominators.slice();
      first = false;
    } else {
      const len = Math.min(numerators.length, s.numerators.length);
      numerators.length = len;
      denominators.length = len;
      for (let i = 0; i < len; i++) {
        numerators[i]! += s.numerators[i]!;
        denominators[i]! += s.denominators[i]!;
      }
    }
    hypLen += s.hypLen;
    refLen += s.refLen;
    last5 = { ...s.last5 };
  }
  return { numerators, denominators, hypLen, refLen, last5 };
}

// ---------------------------------------------------------------------------------------------
// Exact arithmetic helpers

/**
 * A Python value of the smoothing code: a `fractions.Fraction` (sign in the numerator, denominator
 * > 0) held in safe integers (`small`) or BigInts (`big`) once it outgrows them, or a Python float.
 */
type PyNum = { t: 'small'; n: number; d: number } | { t: 'big'; n: bigint; d: bigint } | { t: 'float'; v: number };

/** Below this magnitude, products and sums of integers are exact in doubles. */
const EXACT = 2 ** 52;

function gcdNum(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

function bigAbs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

function gcd(a: bigint, b: bigint): bigint {
  a = bigAbs(a);
  b = bigAbs(b);
  while (b !== 0n) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

const TWO53 = 2n ** 53n;

/** Correctly rounded (round-half-even) n / d, like Python's int / int true division. */
export function ratioToDouble(n: bigint, d: bigint): number {
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  if (n === 0n) return 0;
  const neg = n < 0n;
  let a = neg ? -n : n;
  let b = d;
  if (a <= TWO53 && b <= TWO53) {
    const r = Number(a) / Number(b);
    return neg ? -r : r;
  }
  const g = gcd(a, b);
  if (g > 1n) {
    a /= g;
    b /= g;
  }
  if (a <= TWO53 && b <= TWO53) {
    const r = Number(a) / Number(b);
    return neg ? -r : r;
  }
  // Scale so the integer quotient has 54 or 55 bits, then round to 53 with a sticky remainder.
  const shift = 55 - (bitLength(a) - bitLength(b));
  let q: bigint;
  let rem: bigint;
  if (shift >= 0) {
    const num = a << BigInt(shift);
    q = num / b;
    rem = num % b;
  } else {
    const den = b << BigInt(-shift);
    q = a / den;
    rem = a % den;
  }
  const extra = bitLength(q) - 53;
  let exp = -shift;
  if (extra > 0) {
    const mask = (1n << BigInt(extra)) - 1n;
    const low = q & mask;
    const half = 1n << BigInt(extra - 1);
    q >>= BigInt(extra);
    exp += extra;
    if (low > half || (low === half && (rem !== 0n || (q & 1n) === 1n))) q += 1n;
  }
  const r = Number(q) * 2 ** exp;
  return neg ? -r : r;
}

function toFloat(x: PyNum): number {
  if (x.t === 'float') return x.v;
  // Both operands are exact doubles, so IEEE division is correctly rounded, like Python's int / int.
  if (x.t === 'small') return x.n / x.d;
  return ratioToDouble(x.n, x.d);
}

function frac(n: number, d: number): PyNum {
  return { t: 'small', n, d };
}

function num(v: number): PyNum {
  return { t: 'float', v };
}

function toBig(x: PyNum & { t: 'small' | 'big' }): { n: bigint; d: bigint } {
  return x.t === 'big' ? x : { n: BigInt(x.n), d: BigInt(x.d) };
}

/** Python `a + b`: exact for two Fractions, float arithmetic as soon as one is a float. */
function pyAdd(a: PyNum, b: PyNum): PyNum {
  if (a.t === 'float' || b.t === 'float') return num(toFloat(a) + toFloat(b));
  if (a.t === 'small' && b.t === 'small') {
    const x = a.n * b.d;
    const y = b.n * a.d;
    const d = a.d * b.d;
    if (Math.abs(x) < EXACT && Math.abs(y) < EXACT && d < EXACT && Math.abs(x + y) < EXACT) {
      const g = gcdNum(x + y, d) || 1;
      return { t: 'small', n: (x + y) / g, d: d / g };
    }
  }
  const p = toBig(a);
  const q = toBig(b);
  return { t: 'big', n: p.n * q.d + q.n * p.d, d: p.d * q.d };
}

/** Python `a / k` for a positive int k. */
function pyDivInt(a: PyNum, k: number): PyNum {
  if (a.t === 'float') return num(a.v / k);
  if (a.t === 'small' && a.d * k < EXACT) {
    const g = gcdNum(a.n, k) || 1;
    return { t: 'small', n: a.n / g, d: (a.d * k) / g };
  }
  const p = toBig(a);
  return { t: 'big', n: p.n, d: p.d * BigInt(k) };
}

function isPositive(a: PyNum): boolean {
  if (a.t === 'float') return a.v > 0;
  return a.t === 'small' ? a.n > 0 : a.n > 0n;
}

function isZeroNumerator(a: PyNum): boolean {
  return a.t === 'small' ? a.n === 0 : a.t === 'big' && a.n === 0n;
}

/**
 * Python's `math.fsum`: the correctly rounded sum of the values (Shewchuk's algorithm with CPython's
 * final half-even correction). Values are finite here.
 */
export function fsum(values: readonly number[]): number {
  const partials: number[] = [];
  for (let x of values) {
    let i = 0;
    for (let j = 0; j < partials.length; j++) {
      let y = partials[j]!;
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[i++] = lo;
      x = hi;
    }
    partials.length = i;
    partials.push(x);
  }
  let n = partials.length;
  let hi = 0;
  if (n > 0) {
    hi = partials[--n]!;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = partials[--n]!;
      hi = x + y;
      const yr = hi - x;
      lo = y - yr;
      if (lo !== 0) break;
    }
    if (n > 0 && ((lo < 0 && partials[n - 1]! < 0) || (lo > 0 && partials[n - 1]! > 0))) {
      const y = lo * 2;
      const x = hi + y;
      const yr = x - hi;
      if (y === yr) hi = x;
    }
  }
  return hi;
}

// ---------------------------------------------------------------------------------------------
// Scores

function validateWeights(weights: readonly number[]): void {
  if (weights.length === 0 || !weights.every((w) => typeof w === 'number' && Number.isFinite(w))) {
    throw new Error('nltk BLEU: weights must be a non-empty list of finite numbers, e.g. [0.25, 0.25, 0.25, 0.25]');
  }
}

/**
 * The score NLTK's `corpus_bleu` computes from the statistics, for one smoothing. `stats` must hold
 * at least `weights.length` orders.
 */
export function nltkBleuFromStats(stats: NltkBleuStats, options: NltkBleuOptions = {}): NltkBleuResult {
  const smoothing = options.smoothing ?? 'none';
  const weights = options.weights ?? DEFAULT_WEIGHTS;
  validateWeights(weights);
  const L = weights.length;
  if (stats.numerators.length < L) {
    throw new Error(`nltk BLEU: statistics hold ${stats.numerators.length} orders but ${L} weights were given`);
  }
  const hypLen = stats.hypLen;
  const refLen = stats.refLen;
  // brevity_penalty(closest_ref_len, hyp_len)
  let bp: number;
  if (hypLen > refLen) bp = 1;
  else if (hypLen === 0) bp = 0;
  else bp = Math.exp(1 - refLen / hypLen);

  if (stats.numerators[0] === 0) return { score: 0, warnings: 0 };

  let warnings = 0;
  const pn: PyNum[] = [];
  for (let i = 0; i < L; i++) pn.push(frac(stats.numerators[i]!, stats.denominators[i]!));

  switch (smoothing) {
    case 'none':
      for (let i = 0; i < L; i++) {
        if (isZeroNumerator(pn[i]!)) {
          warnings++;
          pn[i] = num(FLOAT_MIN);
        }
      }
      break;
    case 'method1':
      for (let i = 0; i < L; i++) {
        if (isZeroNumerator(pn[i]!)) pn[i] = num((0 + EPSILON) / stats.denominators[i]!);
      }
      break;
    case 'method4':
      method4(pn, stats, hypLen);
      break;
    case 'method7': {
      method4(pn, stats, hypLen);
      // method5: p_n_plus1 = p_n + [modified_precision(references, hypothesis, 5)] of the last pair
      const plus1 = [...pn, frac(stats.last5.numerator, stats.last5.denominator)];
      let prev = pyAdd(pn[0]!, frac(1, 1));
      for (let i = 0; i < L; i++) {
        const v = pyDivInt(pyAdd(pyAdd(prev, pn[i]!), plus1[i + 1]!), 3);
        pn[i] = v;
        prev = v;
      }
      break;
    }
    default:
      throw new Error(
        `nltk BLEU: unknown smoothing ${JSON.stringify(smoothing)} (use none, method1, method4 or method7)`,
      );
  }

  const terms: number[] = [];
  for (let i = 0; i < L; i++) {
    const p = pn[i]!;
    if (isPositive(p)) terms.push(weights[i]! * Math.log(toFloat(p)));
  }
  return { score: bp * Math.exp(fsum(terms)), warnings };
}

function method4(pn: PyNum[], stats: NltkBleuStats, hypLen: number): void {
  let incvnt = 1;
  for (let i = 0; i < pn.length; i++) {
    if (isZeroNumerator(pn[i]!) && hypLen > 1) {
      const numerator = 1 / ((2 ** incvnt * K) / Math.log(hypLen));
      pn[i] = num(numerator / stats.denominators[i]!);
      incvnt++;
    }
  }
}

/**
 * NLTK `sentence_bleu([reference.split()], prediction.split(), weights, smoothing_function)`.
 */
export function nltkSentenceBleu(prediction: string, reference: string, options: NltkBleuOptions = {}): NltkBleuResult {
  const weights = options.weights ?? DEFAULT_WEIGHTS;
  validateWeights(weights);
  return nltkBleuFromStats(nltkBleuStats(prediction, reference, weights.length), options);
}

/**
 * NLTK `corpus_bleu([[r.split()] for r in references], [p.split() for p in predictions], weights,
 * smoothing_function)`.
 */
export function nltkCorpusBleu(
  predictions: readonly string[],
  references: readonly string[],
  options: NltkBleuOptions = {},
): NltkBleuResult {
  if (predictions.length !== references.length) {
    throw new Error(
      `nltkCorpusBleu: ${predictions.length} predictions but ${references.length} references; pass one reference per prediction`,
    );
  }
  const weights = options.weights ?? DEFAULT_WEIGHTS;
  validateWeights(weights);
  const orders = Math.max(weights.length, 5);
  const numerators = new Array<number>(orders).fill(0);
  const denominators = new Array<number>(orders).fill(0);
  const c = new Array<number>(orders).fill(0);
  const t = new Array<number>(orders).fill(0);
  let hypLen = 0;
  let refLen = 0;
  let last5 = { numerator: 0, denominator: 1 };
  for (let i = 0; i < predictions.length; i++) {
    const hyp = hypRanges;
    const ref = refRanges;
    splitPair(predictions[i]!, references[i]!, hyp, ref);
    clippedNgramMatchesRanges(hyp, ref, orders, c, t);
    for (let n = 0; n < orders; n++) {
      numerators[n]! += c[n]!;
      denominators[n]! += Math.max(1, t[n]!);
    }
    hypLen += hyp.count;
    refLen += ref.count;
    last5 = { numerator: c[4]!, denominator: Math.max(1, t[4]!) };
  }
  if (predictions.length === 0) {
    // NLTK: Fraction(0, 0) raises ZeroDivisionError on an empty corpus.
    throw new Error('nltkCorpusBleu: the corpus is empty; pass at least one prediction/reference pair');
  }
  return nltkBleuFromStats({ numerators, denominators, hypLen, refLen, last5 }, options);
}
