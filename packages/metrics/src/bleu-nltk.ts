/**
 * BLEU with the exact semantics of NLTK 3.8 `nltk.translate.bleu_score`: `sentence_bleu([ref.split()],
 * pred.split())` and `corpus_bleu([[r.split()] ...], [p.split() ...])` on Python `str.split()` tokens
 * (nothing lower-cased), clipped n-gram matches (ngram-matches.ts) and the score of nltk-compute.ts.
 */
import { NgramMatcher } from './ngram-matches.js';
import {
  DEFAULT_WEIGHTS,
  type NltkBleuOptions,
  type NltkBleuResult,
  type NltkBleuStats,
  nltkBleuFromStats,
  validateWeights,
} from './nltk-compute.js';
import { pySplitRanges } from './pysplit.js';
import { TokenInterner, TokenRanges } from './tokens.js';

export {
  NLTK_SMOOTHINGS,
  type NltkBleuOptions,
  type NltkBleuResult,
  type NltkBleuStats,
  type NltkSmoothing,
  nltkBleuFromStats,
  sumNltkBleuStats,
} from './nltk-compute.js';

/** One pair's NLTK matches: Fraction numerators and raw totals per order 1..orders, and the lengths. */
interface PairCounts {
  numerators: number[];
  totals: number[];
  hypLen: number;
  refLen: number;
}

/**
 * NLTK BLEU pair statistics, with its own buffers (token ranges, ids, n-gram tables). Each call
 * overwrites what it reads (see `TokenRanges`, `TokenInterner`, `NgramMatcher`), so a result depends on
 * the pair only.
 */
export class NltkBleuScorer {
  private readonly hyp = new TokenRanges();
  private readonly ref = new TokenRanges();
  private readonly ids = new TokenInterner();
  private readonly matcher = new NgramMatcher();

  counts(prediction: string, reference: string, orders: number): PairCounts {
    const hyp = pySplitRanges(prediction, this.hyp);
    const ref = pySplitRanges(reference, this.ref);
    const distinct = this.ids.intern(ref, hyp);
    const numerators = new Array<number>(orders).fill(0);
    const totals = new Array<number>(orders).fill(0);
    this.matcher.match(this.ids.ref, ref.count, this.ids.hyp, hyp.count, distinct, orders, numerators, totals);
    return { numerators, totals, hypLen: hyp.count, refLen: ref.count };
  }
}

/**
 * The scorer of the single-pair functions, created on first use. Only its buffers carry over from one
 * call to the next, and a scorer's results do not depend on what its buffers held.
 */
const shared: { scorer?: NltkBleuScorer } = {};

/** Statistics of one (prediction, reference) pair on Python `str.split()` tokens, orders 1..max(maxOrder, 5). */
export function nltkBleuStats(prediction: string, reference: string, maxOrder = 4): NltkBleuStats {
  shared.scorer ??= new NltkBleuScorer();
  const c = shared.scorer.counts(prediction, reference, Math.max(maxOrder, 5));
  const denominators = c.totals.map((t) => Math.max(1, t));
  return {
    numerators: c.numerators,
    denominators,
    hypLen: c.hypLen,
    refLen: c.refLen,
    last5: { numerator: c.numerators[4]!, denominator: denominators[4]! },
  };
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
  const scorer = new NltkBleuScorer();
  let hypLen = 0;
  let refLen = 0;
  let last5 = { numerator: 0, denominator: 1 };
  for (let i = 0; i < predictions.length; i++) {
    const c = scorer.counts(predictions[i]!, references[i]!, orders);
    for (let n = 0; n < orders; n++) {
      numerators[n]! += c.numerators[n]!;
      denominators[n]! += Math.max(1, c.totals[n]!);
    }
    hypLen += c.hypLen;
    refLen += c.refLen;
    last5 = { numerator: c.numerators[4]!, denominator: Math.max(1, c.totals[4]!) };
  }
  if (predictions.length === 0) {
    // NLTK: Fraction(0, 0) raises ZeroDivisionError on an empty corpus.
    throw new Error('nltkCorpusBleu: the corpus is empty; pass at least one prediction/reference pair');
  }
  return nltkBleuFromStats({ numerators, denominators, hypLen, refLen, last5 }, options);
}
