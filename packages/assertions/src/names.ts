/**
 * Named scores emitted by the assertions (promptfoo sums each of them per prompt over the rows).
 * Every per-sample value has a count beside it so a mean is `sum / count` over the rows that
 * really carried the value. A task the prompt's mode did not ask for emits none of its names.
 */
export const SCORE = Object.freeze({
  // summary (Task 1)
  /** 1 per scored summary row: the divisor of the ROUGE means. */
  summaryN: 'summary.n',
  /** ROUGE-1 F (rouge-score, default tokenizer; stemmer as configured). */
  summaryRouge1: 'summary.rouge1',
  summaryRouge2: 'summary.rouge2',
  summaryRougeL: 'summary.rougeL',
  summaryRougeLsum: 'summary.rougeLsum',
  /** 1 when the answer had no Task 1 summary (scored as an empty prediction). */
  summaryMissing: 'summary.missing',
  /** sacrebleu `sentence_bleu` score, 0–100 (exp smoothing, effective order). */
  bleuScore: 'bleu.score',
  /** Hypothesis length in 13a tokens (sacrebleu `sys_len`). */
  bleuSysLen: 'bleu.sys_len',
  /** Reference length in 13a tokens (sacrebleu `ref_len`). */
  bleuRefLen: 'bleu.ref_len',
  /** Matched n-gram counts, n = 1…4 (sacrebleu `counts`). */
  bleuCounts: ['bleu.counts_1', 'bleu.counts_2', 'bleu.counts_3', 'bleu.counts_4'] as const,
  /** Hypothesis n-gram totals, n = 1…4 (sacrebleu `totals`). */
  bleuTotals: ['bleu.totals_1', 'bleu.totals_2', 'bleu.totals_3', 'bleu.totals_4'] as const,
  // NER (Task 2a)
  /** 1 per scored NER row. */
  nerN: 'ner.n',
  nerTp: 'ner.tp',
  nerFp: 'ner.fp',
  nerFn: 'ner.fn',
  nerPrecision: 'ner.precision',
  nerRecall: 'ner.recall',
  nerF1: 'ner.f1',
  // matching (Task 2b)
  /** 1 per scored matching row. */
  matchingN: 'matching.n',
  matchingCorrect: 'matching.correct',
  matchingGold: 'matching.gold',
  matchingPred: 'matching.pred',
  /** Per-sample accuracy; ABSENT on a row without gold pairs (undefined, never 0 or 1). */
  matchingAccuracy: 'matching.accuracy',
  /** 1 on rows that carry `matching.accuracy`: the divisor of the mean (macro) accuracy. */
  matchingAccuracyN: 'matching.accuracy_n',
  matchingPrecision: 'matching.precision',
  matchingF1: 'matching.f1',
  // format (PFA compliance)
  /** 1 per checked row. */
  formatN: 'format.n',
  /** 1/0: the `Task 1 Answer:` anchor was well-formed (only when the mode asked for Task 1). */
  formatTask1: 'format.task1',
  /** 1/0: the `NER:` part was well-formed (only when the mode asked for Task 2). */
  formatNer: 'format.ner',
  /** 1/0: the `image-entity pair:` mapping was well-formed (only when the mode asked for Task 2). */
  formatPairs: 'format.pairs',
  /** 1/0: every anchor the mode asked for was well-formed. */
  formatOk: 'format.ok',
});

/** Names of the derived (corpus-level) metrics in `derivedMetrics`. */
export const DERIVED = Object.freeze({
  /** sacrebleu `corpus_bleu` score (0–100) from the summed counts/totals/lengths. */
  corpusBleu: 'corpus.bleu',
  /** Micro F1 from Σtp, Σfp, Σfn. */
  nerMicroF1: 'corpus.ner_micro_f1',
  nerMicroPrecision: 'corpus.ner_micro_precision',
  nerMicroRecall: 'corpus.ner_micro_recall',
  /** Mean per-sample NER F1 (Σ ner.f1 / Σ ner.n). */
  nerMacroF1: 'corpus.ner_macro_f1',
  /** Σcorrect / Σgold. */
  matchingMicroAccuracy: 'corpus.matching_micro_accuracy',
  /** Σcorrect / Σpred. */
  matchingMicroPrecision: 'corpus.matching_micro_precision',
  matchingMicroF1: 'corpus.matching_micro_f1',
  /** Mean ROUGE F over the summary rows (Σ summary.rougeX / Σ summary.n). */
  meanRouge1: 'corpus.rouge1',
  meanRouge2: 'corpus.rouge2',
  meanRougeL: 'corpus.rougeL',
  meanRougeLsum: 'corpus.rougeLsum',
  /** Fraction of checked rows whose asked anchors were all well-formed. */
  formatOkRate: 'corpus.format_ok_rate',
});
