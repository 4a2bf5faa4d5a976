/**
 * BLEU with the exact semantics of sacrebleu 2.6.0: `sentence_bleu(hyp, [ref])` and
 * `corpus_bleu(hyps, [refs])` with the `13a` tokenizer (tokenize-13a.ts), clipped n-gram matches
 * (ngram-matches.ts) and `BLEU.compute_bleu` (bleu-compute.ts).
 */
import {
  type BleuStats,
  computeBleu,
  SACREBLEU_MAX_ORDER,
  type SacreBleuOptions,
  type SacreBleuResult,
  smoothMethodOf,
  smoothValueOf,
} from './bleu-compute.js';
import { NgramMatcher } from './ngram-matches.js';
import { pyRstrip } from './pysplit.js';
import { tokenize13aRanges } from './tokenize-13a.js';
import { TokenInterner, TokenRanges } from './tokens.js';

export {
  type BleuStats,
  type SacreBleuOptions,
  type SacreBleuResult,
  type SacreBleuSmoothing,
  sacreBleuFromStats,
  sumBleuStats,
} from './bleu-compute.js';
export { tokenize13a, tokenize13aTokens } from './tokenize-13a.js';

/**
 * sacreBLEU pair statistics, with its own buffers (token ranges, ids, n-gram tables). Each call
 * overwrites what it reads (see `TokenRanges`, `TokenInterner`, `NgramMatcher`), so a result depends on
 * the pair only.
 */
export class SacreBleuScorer {
  private readonly hyp = new TokenRanges();
  private readonly ref = new TokenRanges();
  private readonly ids = new TokenInterner();
  private readonly matcher = new NgramMatcher();

  /** Statistics of one pair: `rstrip()`, 13a, clipped matches of orders 1..4, as `BLEU` computes them. */
  stats(prediction: string, reference: string): BleuStats {
    const hyp = tokenize13aRanges(pyRstrip(prediction), this.hyp);
    const ref = tokenize13aRanges(pyRstrip(reference), this.ref);
    const distinct = this.ids.intern(ref, hyp);
    const counts = [0, 0, 0, 0];
    const totals = [0, 0, 0, 0];
    this.matcher.match(this.ids.ref, ref.count, this.ids.hyp, hyp.count, distinct, SACREBLEU_MAX_ORDER, counts, totals);
    return { counts, totals, sysLen: hyp.count, refLen: ref.count };
  }
}

/**
 * The scorer of the single-pair functions, created on first use. Only its buffers carry over from one
 * call to the next, and a scorer's results do not depend on what its buffers held (see `NgramMatcher`).
 */
const shared: { scorer?: SacreBleuScorer } = {};

/** Tokenized (13a, after `rstrip()`) sentence statistics of one pair, as sacrebleu computes them. */
export function sacreBleuStats(prediction: string, reference: string): BleuStats {
  shared.scorer ??= new SacreBleuScorer();
  return shared.scorer.stats(prediction, reference);
}

// The statistics' arrays are fresh and no one else sees them: `computeBleu` may keep them.

/**
 * sacrebleu `sentence_bleu(prediction, [reference])`: defaults `smooth_method='exp'`,
 * `use_effective_order=True`, 13a, case-sensitive.
 */
export function sacreSentenceBleu(
  prediction: string,
  reference: string,
  options: SacreBleuOptions = {},
): SacreBleuResult {
  const method = smoothMethodOf(options);
  const s = sacreBleuStats(prediction, reference);
  const effectiveOrder = options.effectiveOrder ?? true;
  return computeBleu(s.counts, s.totals, s.sysLen, s.refLen, method, smoothValueOf(options, method), effectiveOrder);
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
  const method = smoothMethodOf(options);
  const scorer = new SacreBleuScorer();
  const counts = [0, 0, 0, 0];
  const totals = [0, 0, 0, 0];
  let sysLen = 0;
  let refLen = 0;
  for (let i = 0; i < predictions.length; i++) {
    const s = scorer.stats(predictions[i]!, references[i]!);
    for (let n = 0; n < SACREBLEU_MAX_ORDER; n++) {
      counts[n]! += s.counts[n]!;
      totals[n]! += s.totals[n]!;
    }
    sysLen += s.sysLen;
    refLen += s.refLen;
  }
  return computeBleu(
    counts,
    totals,
    sysLen,
    refLen,
    method,
    smoothValueOf(options, method),
    options.effectiveOrder ?? false,
  );
}
