/**
 * The score NLTK 3.8's `corpus_bleu` / `sentence_bleu` (`nltk.translate.bleu_score`) computes from
 * sufficient statistics, without smoothing (`method0`) or with `SmoothingFunction()` (epsilon 0.1,
 * alpha 5, k 5) `method1`, `method4`, `method7`.
 *
 * Faithful details:
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
import {
  fraction,
  fsum,
  isPositive,
  isZeroNumerator,
  type PyNum,
  pyAdd,
  pyDivInt,
  pyFloat,
  toFloat,
} from './pymath.js';

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

export const DEFAULT_WEIGHTS: readonly number[] = Object.freeze([0.25, 0.25, 0.25, 0.25]);
/** sys.float_info.min */
const FLOAT_MIN = 2.2250738585072014e-308;
const EPSILON = 0.1;
const K = 5;

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

export function validateWeights(weights: readonly number[]): void {
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
  for (let i = 0; i < L; i++) pn.push(fraction(stats.numerators[i]!, stats.denominators[i]!));

  switch (smoothing) {
    case 'none':
      for (let i = 0; i < L; i++) {
        if (isZeroNumerator(pn[i]!)) {
          warnings++;
          pn[i] = pyFloat(FLOAT_MIN);
        }
      }
      break;
    case 'method1':
      for (let i = 0; i < L; i++) {
        if (isZeroNumerator(pn[i]!)) pn[i] = pyFloat((0 + EPSILON) / stats.denominators[i]!);
      }
      break;
    case 'method4':
      method4(pn, stats, hypLen);
      break;
    case 'method7': {
      method4(pn, stats, hypLen);
      // method5: p_n_plus1 = p_n + [modified_precision(references, hypothesis, 5)] of the last pair
      const plus1 = [...pn, fraction(stats.last5.numerator, stats.last5.denominator)];
      let prev = pyAdd(pn[0]!, fraction(1, 1));
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
      pn[i] = pyFloat(numerator / stats.denominators[i]!);
      incvnt++;
    }
  }
}
